import { deepStrictEqual, rejects } from "node:assert/strict";
import { loadCsv } from "./load_csv.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ dir: "/tmp", prefix: "glassbox_csv_" });
}

Deno.test("loadCsv() refuses a link to /dev/zero, a FIFO and a directory before reading", async () => {
  const dir = await tempDir();
  try {
    // `ln -s`: Deno.symlink needs unscoped read and write permissions.
    await new Deno.Command("ln", { args: ["-s", "/dev/zero", `${dir}/zero.csv`] }).output();
    await rejects(loadCsv(`${dir}/zero.csv`), {
      name: "TypeError",
      message:
        `Cannot load CSV ${dir}/zero.csv: it is a character device, expected a regular file (links are followed)`,
    });
    const made = await new Deno.Command("mkfifo", { args: [`${dir}/pipe.csv`] }).output();
    if (made.success) {
      await rejects(
        loadCsv(`${dir}/pipe.csv`),
        /it is a FIFO \(named pipe\), expected a regular file/,
      );
    } else {
      console.warn("loadCsv FIFO case skipped: mkfifo failed");
    }
    await rejects(loadCsv(dir), /it is a directory, expected a regular file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadCsv() states the size limit, and reads large files in chunks exactly", async () => {
  const dir = await tempDir();
  try {
    const rows = ["a,b,label"];
    // About 3 MiB: records cross the 1 MiB chunk boundaries, one with a quoted line break.
    for (let i = 0; i < 150_000; i++) rows.push(`${i},${i / 7},${i % 3 === 0 ? "yes" : '"n\no"'}`);
    await Deno.writeTextFile(`${dir}/big.csv`, rows.join("\n") + "\n");
    const size = (await Deno.stat(`${dir}/big.csv`)).size;
    await rejects(loadCsv(`${dir}/big.csv`, { maxBytes: 1_000_000 }), {
      name: "RangeError",
      message:
        `Cannot load CSV ${dir}/big.csv: the file is ${size} bytes, above the limit of 1000000 bytes (maxBytes)`,
    });
    const t = await loadCsv(`${dir}/big.csv`, { target: "label" });
    deepStrictEqual(t.x.shape, [150_000, 2]);
    deepStrictEqual(t.classes, ["n\no", "yes"]);
    const x = t.x.toTypedArray(), y = t.y!.toTypedArray();
    for (const i of [0, 1, 49_999, 87_381, 149_999]) {
      deepStrictEqual([x[2 * i], x[2 * i + 1], y[i]], [i, i / 7, i % 3 === 0 ? 1 : 0]);
    }
    await Deno.writeFile(`${dir}/bad.csv`, new Uint8Array([97, 10, 0xff, 10]));
    await rejects(loadCsv(`${dir}/bad.csv`), /not valid UTF-8/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
