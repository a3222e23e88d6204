/**
 * The first module `deno task train` loads: it checks `GLASSBOX_THREADS` and
 * `GLASSBOX_WASM` with the tensor package's own readers before that package
 * loads (which reads them once, at load time, and would otherwise fail with
 * an uncaught error and a stack trace), and exits with code 2 and one line
 * naming the variable, its value and what it accepts.
 *
 * @module
 */

import { threadsFromEnv, wasmModeFromEnv } from "../../packages/tensor/wasm/env.ts";

try {
  threadsFromEnv();
  wasmModeFromEnv();
} catch (error) {
  console.error(`train: ${(error as Error).message}`);
  Deno.exit(2);
}
