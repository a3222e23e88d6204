// The safetensors loader treats files as untrusted: a header whose shape has thousands of
// dimensions is refused at once, naming the rank, instead of loading a tensor that later
// overflows the stack.

import { loadSafetensors } from "@glassbox/layers";
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
