// `deno task train` with a bad GLASSBOX_THREADS or GLASSBOX_WASM: one line naming the
// variable, the value and what it accepts, exit 2 — not an uncaught error and a stack trace
// from the tensor package's load.

import { CAN_RUN, ROOT } from "./_train_cli.ts";
import { doesNotMatch, strictEqual } from "node:assert/strict";

async function trainWithEnv(env: Record<string, string>) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read=.",
      "--allow-env=GLASSBOX_THREADS,GLASSBOX_WASM",
      "tasks/train.ts",
      "--experiment",
      "linear-regression",
      "--epochs",
      "1",
      "--no-save",
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test({
  name: "train refuses a bad GLASSBOX_THREADS or GLASSBOX_WASM with one line and exit 2",
  ignore: !CAN_RUN,
  fn: async () => {
    for (
      const [env, line] of [
        [
          { GLASSBOX_THREADS: "abc" },
          'train: Cannot read GLASSBOX_THREADS: got "abc", expected "auto" or a whole number from 1 to 120',
        ],
        [
          { GLASSBOX_WASM: "ON" },
          'train: Cannot read GLASSBOX_WASM: got "ON", expected "auto", "off" or "always"',
        ],
      ] as const
    ) {
      const r = await trainWithEnv(env);
      strictEqual(r.code, 2, r.stderr);
      strictEqual(r.stderr.trim(), line);
      doesNotMatch(r.stderr, /Uncaught|\bat file:/);
    }
  },
});
