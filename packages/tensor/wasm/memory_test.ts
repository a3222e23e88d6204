// The WebAssembly memory's two cliffs and the CPU pool's large arrays: a product too large
// for the memory says so once (instead of silently running 4× slower in TypeScript) and
// still gives the TypeScript path's bits; a memory grown past the release size is handed
// back when the caller yields, once (a workload of large operations keeps its memory); the
// CPU pool keeps no array larger than an eighth of its limit. The limits are lowered here
// (setWasmMemoryLimits) so that small products reach them.

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { cpuMemory, setCpuPoolLimit, type Tensor } from "../mod.ts";
import { loadWasmGemm, wasmGemmKind, wasmGemmThreads } from "./gemm.ts";
import { setWasmMode } from "../cpu/kernel_choice.ts";
import { setWasmMemoryLimits } from "./policy.ts";
import { captureWarnings, lcgTensor as values } from "../_test_util.ts";

function bits(t: Tensor): number[] {
  const x = t.toTypedArray();
  return Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
}

const usable = wasmGemmKind() !== "none";
const a = values([300, 280], 21, "float64"), b = values([280, 310], 22, "float64");

Deno.test({
  name:
    "a product too large for WebAssembly memory warns once, naming its size, and keeps the TypeScript bits",
  ignore: !usable,
  fn: () => {
    const kind = wasmGemmKind() as "relaxed" | "portable";
    try {
      setWasmMode("off");
      const typescript = a.matmul(b);
      setWasmMode("always");
      setWasmMemoryLimits({ cap: 2 ** 20 }); // 1 MiB: A alone is 672,000 bytes
      const first = captureWarnings(() => a.matmul(b));
      deepStrictEqual(bits(first.value), bits(typescript));
      strictEqual(first.warnings.length, 1, first.warnings.join("\n"));
      match(first.warnings[0], /a float64 matmul of \[300, 280\] by \[280, 310\] needs 0\.\d+ GiB/);
      match(first.warnings[0], /past its 0\.001 GiB limit: it runs in TypeScript on one thread/);
      const second = captureWarnings(() => a.matmul(b));
      deepStrictEqual(second.warnings, [], "the warning is shown once");
    } finally {
      setWasmMemoryLimits();
      setWasmMode("auto");
      loadWasmGemm(kind);
    }
  },
});

Deno.test({
  name: "a memory grown past the release size is handed back when the caller yields, once",
  ignore: !usable,
  fn: async () => {
    const kind = wasmGemmKind() as "relaxed" | "portable";
    const yieldOnce = () => new Promise((resolve) => setTimeout(resolve, 0));
    try {
      setWasmMode("always");
      loadWasmGemm(kind); // a fresh memory of one page
      setWasmMemoryLimits({ release: 2 ** 20 });
      const expected = bits(a.matmul(b));
      strictEqual(wasmGemmThreads().memoryBytes > 2 ** 20, true, "grown past 1 MiB");
      await yieldOnce();
      strictEqual(wasmGemmThreads().memoryBytes <= 2 ** 20, true, "handed back");
      // Needed again: the workload is one of large products, so the memory stays.
      deepStrictEqual(bits(a.matmul(b)), expected);
      await yieldOnce();
      strictEqual(wasmGemmThreads().memoryBytes > 2 ** 20, true, "kept the second time");
      deepStrictEqual(bits(a.matmul(b)), expected);
    } finally {
      setWasmMemoryLimits();
      setWasmMode("auto");
      loadWasmGemm(kind);
    }
  },
});

Deno.test("the CPU pool keeps no array larger than an eighth of its limit", () => {
  try {
    setCpuPoolLimit(0); // empties the pool
    setCpuPoolLimit(8 * 80_000);
    const small = values([10_000], 1, "float64").exp(); // 80,000 bytes: an eighth
    const large = values([10_001], 1, "float64").exp(); // 80,008 bytes
    small.dispose();
    strictEqual(cpuMemory().pooledBytes, 80_000, "an eighth of the limit is pooled");
    large.dispose();
    strictEqual(cpuMemory().pooledBytes, 80_000, "more than an eighth is not");
  } finally {
    setCpuPoolLimit(0);
    setCpuPoolLimit(512 * 1024 * 1024);
  }
});
