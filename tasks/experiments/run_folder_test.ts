import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { writeRunFolder } from "./run_folder.ts";

Deno.test({
  name: "writeRunFolder: two saves of one folder at once both land, one after the other",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    // Before: the second save took the first one's staging folder for a killed save's
    // leftover and removed it, and the first failed with "No such file or directory".
    const parent = await Deno.makeTempDir({ prefix: "glassbox_run_folder_" });
    const out = `${parent}/run`;
    try {
      let open = (): void => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      const first = writeRunFolder(out, async (staging) => {
        await Deno.writeTextFile(`${staging}/history.json`, "first");
        await gate; // still writing while the second save starts
        await Deno.writeTextFile(`${staging}/model.txt`, "first");
      });
      await new Promise((r) => setTimeout(r, 50));
      const second = writeRunFolder(out, async (staging) => {
        await Deno.writeTextFile(`${staging}/history.json`, "second");
      });
      await new Promise((r) => setTimeout(r, 100));
      open();
      await Promise.all([first, second]);
      strictEqual(await Deno.readTextFile(`${out}/history.json`), "second");
      deepStrictEqual([...Deno.readDirSync(out)].map((e) => e.name), ["history.json"]);
      deepStrictEqual([...Deno.readDirSync(parent)].map((e) => e.name), ["run"]);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  },
});
