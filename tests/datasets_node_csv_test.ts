// loadCsv in Node: tests/_node_csv_entry.ts bundled by `deno bundle
// --platform node` and run by the machine's `node`, where there is no Deno
// global, so the file is read through node:fs/promises. Skipped with a
// message without --allow-run or without `node`.

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";

const CAN_RUN = Deno.permissions.querySync({ name: "run" }).state === "granted";
const HAVE_NODE = CAN_RUN &&
  await new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((o) => o.success).catch(() => false);
if (!HAVE_NODE) console.warn("datasets_node_csv_test.ts: skipped — needs --allow-run and `node`");

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed:\n${text.decode(out.stderr)}`);
  return text.decode(out.stdout);
}

Deno.test({
  name: "loadCsv() reads a file in Node through node:fs/promises and refuses a device there too",
  ignore: !HAVE_NODE,
  fn: async () => {
    const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "glassbox_node_csv_" });
    try {
      const entry = new URL("./_node_csv_entry.ts", import.meta.url).pathname;
      await run(Deno.execPath(), ["bundle", "--platform", "node", entry, "-o", `${dir}/b.mjs`]);
      await Deno.writeTextFile(`${dir}/n.csv`, "a,kind\n1.5,x\n2.5,y\n");
      const ok = JSON.parse(await run("node", [`${dir}/b.mjs`, `${dir}/n.csv`]));
      deepStrictEqual(ok, { x: [[1.5], [2.5]], classes: ["x", "y"], deno: "undefined" });
      await run("ln", ["-s", "/dev/zero", `${dir}/z.csv`]);
      const zero = JSON.parse(await run("node", [`${dir}/b.mjs`, `${dir}/z.csv`]));
      match(zero.error, /z\.csv: it is a character device, expected a regular file/);
      strictEqual(zero.x, undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
