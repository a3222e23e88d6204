// GLASSBOX_THREADS and GLASSBOX_WASM: parsed strictly, and a malformed value stops the
// process when the package loads, naming the variable, the value and what it accepts
// (before: GLASSBOX_THREADS=abc failed later, inside a layer's forward; GLASSBOX_WASM=bogus
// was silently ignored).

import { strictEqual } from "node:assert/strict";
import { threadsFromEnv, wasmModeFromEnv } from "./env.ts";
import { throwsWith, WORKSPACE_CONFIG } from "../_test_util.ts";

Deno.test("GLASSBOX_THREADS: unset, empty or auto is the default; 1 to 120 a count; anything else an error", () => {
  for (const value of [undefined, "", " ", "auto"]) strictEqual(threadsFromEnv(value), undefined);
  strictEqual(threadsFromEnv("1"), 1);
  strictEqual(threadsFromEnv(" 8 "), 8);
  strictEqual(threadsFromEnv("120"), 120);
  for (const bad of ["abc", "0", "121", "-1", "1.5", "2e1", "0x10", "4 threads", "Auto"]) {
    throwsWith(
      () => threadsFromEnv(bad),
      RangeError,
      `Cannot read GLASSBOX_THREADS: got "${bad}"`,
      `expected "auto" or a whole number from 1 to 120`,
    );
  }
});

Deno.test("GLASSBOX_WASM: unset or empty is auto; auto, off and always are modes; anything else an error", () => {
  for (const value of [undefined, "", "auto"]) strictEqual(wasmModeFromEnv(value), "auto");
  strictEqual(wasmModeFromEnv("off"), "off");
  strictEqual(wasmModeFromEnv("always"), "always");
  for (const bad of ["bogus", "on", "OFF", "0", "false"]) {
    throwsWith(
      () => wasmModeFromEnv(bad),
      RangeError,
      `Cannot read GLASSBOX_WASM: got "${bad}"`,
      `expected "auto", "off" or "always"`,
    );
  }
});

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted" &&
  Deno.permissions.querySync({ name: "read" }).state === "granted";

Deno.test({
  name: "a malformed GLASSBOX_THREADS or GLASSBOX_WASM stops the process when the package loads",
  ignore: !canRun,
  fn: async (t) => {
    const mod = new URL("../mod.ts", import.meta.url).href;
    // Nothing runs after the import: the error must come from loading the package.
    const script = `import ${JSON.stringify(mod)}; console.log("loaded");`;
    for (
      const [name, value, message] of [
        ["GLASSBOX_THREADS", "abc", `Cannot read GLASSBOX_THREADS: got "abc"`],
        ["GLASSBOX_WASM", "bogus", `Cannot read GLASSBOX_WASM: got "bogus"`],
      ]
    ) {
      await t.step(`${name}=${value}`, async () => {
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--no-lock",
            "--quiet",
            "--config",
            WORKSPACE_CONFIG,
            `--allow-env=${name}`,
            `data:application/typescript,${encodeURIComponent(script)}`,
          ],
          env: { [name]: value },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const err = new TextDecoder().decode(stderr);
        strictEqual(code, 1, err);
        strictEqual(new TextDecoder().decode(stdout), "", "nothing ran");
        strictEqual(err.includes(message), true, err);
      });
    }
  },
});
