// `deno task train` whose stdout cannot be written (`> /dev/full`): one note on stderr
// naming stdout, training goes on and the run is saved. Before, the first epoch line's
// write error ended the run with a bare "No space left on device (os error 28)", exit 1,
// and nothing saved.

import { CAN_RUN, ROOT } from "./_train_cli.ts";
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";

Deno.test({
  name: "train with stdout on a full device notes it once and still saves the run",
  ignore: !CAN_RUN || Deno.build.os !== "linux",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_stdout_" });
    try {
      const out = `${dir}/run`;
      const args = [
        Deno.execPath(),
        "run",
        `--allow-read=.,${dir}`,
        `--allow-write=${dir}`,
        "tasks/train.ts",
        "--experiment",
        "linear-regression",
        "--epochs",
        "2",
        "--out",
        out,
      ];
      const { code, stderr } = await new Deno.Command("bash", {
        args: ["-c", `"$@" > /dev/full`, "bash", ...args],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stderr);
      strictEqual(code, 0, text);
      match(text, /^train: Cannot write to stdout: No space left on device \(os error 28\); /);
      strictEqual(text.match(/Cannot write to stdout/g)?.length, 1, "noted once");
      deepStrictEqual(
        [...Deno.readDirSync(out)].map((e) => e.name).sort(),
        ["history.json", "loss.svg", "loss.vl.json", "model.safetensors"],
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
