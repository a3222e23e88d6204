/**
 * The CPU backend's environment settings, `GLASSBOX_THREADS` and `GLASSBOX_WASM`: read once,
 * when the package is loaded, and only where that cannot ask for anything. In Deno a
 * variable is read only if `--allow-env` already grants it (`Deno.permissions.querySync`
 * first, so no permission prompt ever appears); in Node from `process.env`; elsewhere
 * (browsers) not at all. A value that is set but malformed is an error at load time,
 * naming the variable, the value and what it accepts, instead of a failure deep inside a
 * later computation or a silently ignored setting.
 *
 * @module
 */

import { SLOT } from "./tasks.ts";

/** Most threads, the calling thread included (one STOP slot per worker in the pool's control block). */
export const MAX_THREADS: number = SLOT.tasks - SLOT.stop;

/** The value of `name`, or undefined when it is unset or may not be read without asking. */
export function readEnv(name: string): string | undefined {
  try {
    if (typeof Deno !== "undefined") {
      const query = { name: "env", variable: name } as const;
      if (Deno.permissions.querySync(query).state !== "granted") return undefined;
      return Deno.env.get(name);
    }
    const process = (globalThis as { process?: { env?: Record<string, string | undefined> } })
      .process;
    const value = process?.env?.[name];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GLASSBOX_THREADS` as a thread count, or undefined when unset, empty or `auto`.
 *
 * @throws {RangeError} When it is set to anything but `auto` or a whole number from 1 to 120.
 */
export function threadsFromEnv(
  value: string | undefined = readEnv("GLASSBOX_THREADS"),
): number | undefined {
  if (value === undefined || value.trim() === "" || value.trim() === "auto") return undefined;
  const text = value.trim();
  const count = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_THREADS)) {
    throw new RangeError(
      `Cannot read GLASSBOX_THREADS: got "${value}", expected "auto" or a whole number from 1 to ${MAX_THREADS}`,
    );
  }
  return count;
}

/** When the CPU kernels use WebAssembly: above measured sizes, never, or for every size. */
export type WasmMode = "auto" | "off" | "always";

/**
 * `GLASSBOX_WASM` as a mode; `"auto"` when unset or empty.
 *
 * @throws {RangeError} When it is set to anything but `auto`, `off` or `always`.
 */
export function wasmModeFromEnv(
  value: string | undefined = readEnv("GLASSBOX_WASM"),
): WasmMode {
  const text = value?.trim() ?? "";
  if (text === "") return "auto";
  if (text === "auto" || text === "off" || text === "always") return text;
  throw new RangeError(
    `Cannot read GLASSBOX_WASM: got "${value}", expected "auto", "off" or "always"`,
  );
}
