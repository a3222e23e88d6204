// The safetensors loader treats files as untrusted: a header whose shape has thousands of
// dimensions is refused at once, naming the rank, instead of loading a tensor that later
// overflows the stack.

import { loadSafetensors, SafetensorsFormatError } from "@glassbox/layers";
import { ok, rejects } from "node:assert/strict";

/** A safetensors file of one float64 element whose shape has `rank` dimensions of 1. */
function fileOfRank(rank: number): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({
    w: { dtype: "F64", shape: Array(rank).fill(1), data_offsets: [0, 8] },
  }));
  const bytes = new Uint8Array(8 + header.length + 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  return bytes;
}

Deno.test("loadSafetensors refuses a shape of 3000 and of a million dimensions quickly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "glassbox_rank_" });
  try {
    for (const rank of [3000, 1_000_000]) {
      const path = `${dir}/rank${rank}.safetensors`;
      await Deno.writeFile(path, fileOfRank(rank));
      const started = performance.now();
      await rejects(loadSafetensors(path), new RegExp(`${rank} dimensions, expected at most 32`));
      ok(performance.now() - started < 5000, `rank ${rank} refused in under 5 s`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSafetensors refuses a header of 33 dimensions or 2^32 elements, naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "glassbox_rank_" });
  try {
    const path = `${dir}/rank33.safetensors`;
    await Deno.writeFile(path, fileOfRank(33));
    await rejects(
      loadSafetensors(path),
      (e: unknown) =>
        e instanceof SafetensorsFormatError && e.message.includes(path) &&
        /33 dimensions, expected at most 32/.test(e.message),
    );
    const header = new TextEncoder().encode(JSON.stringify({
      w: { dtype: "F64", shape: [2 ** 16, 2 ** 16], data_offsets: [0, 0] },
    }));
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    const big = `${dir}/big.safetensors`;
    await Deno.writeFile(big, bytes);
    await rejects(
      loadSafetensors(big),
      (e: unknown) =>
        e instanceof SafetensorsFormatError && e.message.includes(big) &&
        /4294967296 elements, expected at most 4294967295/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "loadSafetensors refuses a FIFO, a directory and a symlink loop at once, naming the path",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_special_" });
    try {
      const fifo = `${dir}/pipe.safetensors`;
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      // Before the check, opening the FIFO waited for a writer forever.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("loadSafetensors(FIFO) hung")), 5000);
      });
      try {
        await Promise.race([
          rejects(
            loadSafetensors(fifo),
            (e: unknown) =>
              e instanceof TypeError &&
              e.message ===
                `Cannot load safetensors ${fifo}: it is a FIFO (named pipe), expected a regular file (links are followed)`,
          ),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
      await rejects(
        loadSafetensors(dir),
        (e: unknown) => e instanceof TypeError && e.message.includes(`${dir}: it is a directory`),
      );
      const loop = `${dir}/loop.safetensors`;
      // `ln`, not Deno.symlink: that needs unscoped write permission.
      await new Deno.Command("ln", { args: ["-s", loop, loop] }).output();
      await rejects(
        loadSafetensors(loop),
        (e: unknown) =>
          e instanceof Deno.errors.FilesystemLoop &&
          e.message.startsWith(`Cannot load safetensors ${loop}: `),
      );
      await rejects(loadSafetensors(`${dir}/missing`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
