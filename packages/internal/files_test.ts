import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { makeDirectory, openRegularFile, writeFileAtomic } from "./files.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("openRegularFile() reads a regular file to its end and reports its size", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.csv`, "x\n1\n");
    const file = await openRegularFile(`${dir}/a.csv`, "load CSV a.csv");
    strictEqual(file.size, 4);
    const buffer = new Uint8Array(16);
    strictEqual(await file.read(buffer), 4);
    strictEqual(new TextDecoder().decode(buffer.subarray(0, 4)), "x\n1\n");
    strictEqual(await file.read(buffer), 0);
    await file.close();
  });
});

Deno.test("openRegularFile() refuses a directory, a FIFO and a character device by kind", async () => {
  await withDir(async (dir) => {
    await rejects(openRegularFile(dir, `load CSV ${dir}`), {
      name: "TypeError",
      message:
        `Cannot load CSV ${dir}: it is a directory, expected a regular file (links are followed)`,
    });
    await rejects(openRegularFile("/dev/zero", "load CSV /dev/zero"), {
      name: "TypeError",
      message: /it is a character device, expected a regular file/,
    });
    const fifo = `${dir}/pipe`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output().catch(() => null);
    if (made?.success) {
      // Refused before opening: opening a FIFO would wait for a writer.
      await rejects(openRegularFile(fifo, "load"), { message: /it is a FIFO \(named pipe\)/ });
    }
  });
});

Deno.test("openRegularFile() follows a link to a regular file and refuses one to a directory", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, "abc");
    await new Deno.Command("ln", { args: ["-s", `${dir}/a`, `${dir}/link`] }).output();
    await new Deno.Command("ln", { args: ["-s", dir, `${dir}/dirlink`] }).output();
    const file = await openRegularFile(`${dir}/link`, "load");
    strictEqual(file.size, 3);
    await file.close();
    await rejects(openRegularFile(`${dir}/dirlink`, "load"), { message: /it is a directory/ });
  });
});

Deno.test("openRegularFile() refuses a file above maxBytes and accepts one at the limit", async () => {
  await withDir(async (dir) => {
    await Deno.writeFile(`${dir}/b`, new Uint8Array(10));
    await rejects(openRegularFile(`${dir}/b`, "load CSV b", { maxBytes: 9 }), {
      name: "RangeError",
      message: "Cannot load CSV b: the file is 10 bytes, above the limit of 9 bytes (maxBytes)",
    });
    const file = await openRegularFile(`${dir}/b`, "load CSV b", { maxBytes: 10 });
    strictEqual(file.size, 10);
    await file.close();
  });
});

Deno.test("openRegularFile() keeps the runtime's error class and puts the action in front of its message", async () => {
  await withDir(async (dir) => {
    await rejects(openRegularFile(`${dir}/missing`, "load safetensors missing"), (e: unknown) => {
      ok(e instanceof Deno.errors.NotFound);
      ok(e.message.startsWith("Cannot load safetensors missing: "), e.message);
      return true;
    });
  });
});

Deno.test("writeFileAtomic() replaces the file and leaves no temporary file, also when it fails", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/m.bin`, temp = `${dir}/m.bin.tmp`;
    await writeFileAtomic(path, temp, new Uint8Array([1]), { action: "save" });
    await writeFileAtomic(path, temp, new Uint8Array([2, 3]), { action: "save" });
    deepStrictEqual(await Deno.readFile(path), new Uint8Array([2, 3]));
    // The rename fails (the target is a non-empty directory): the temporary file goes away.
    await Deno.mkdir(`${dir}/taken`);
    await Deno.writeTextFile(`${dir}/taken/x`, "x");
    await rejects(writeFileAtomic(`${dir}/taken`, temp, new Uint8Array([4]), { action: "save" }));
    deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["m.bin", "taken"]);
    // An existing temporary file is never overwritten (it may be another writer's).
    await Deno.writeTextFile(temp, "other");
    await rejects(writeFileAtomic(path, temp, new Uint8Array([5]), { action: "save" }));
    strictEqual(await Deno.readTextFile(temp), "other");
  });
});

Deno.test("makeDirectory() creates missing parents and accepts an existing folder", async () => {
  await withDir(async (dir) => {
    await makeDirectory(`${dir}/a/b/c`, { action: "create the checkpoint folder" });
    ok((await Deno.stat(`${dir}/a/b/c`)).isDirectory);
    await makeDirectory(`${dir}/a/b/c`, { action: "create the checkpoint folder" });
  });
});
