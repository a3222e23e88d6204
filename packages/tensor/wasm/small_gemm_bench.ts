// One call of the small-product GEMM (small_gemm.ts) against the packed one (gemm.ts) on the
// 11 products of a 33-row training step of the classification notebook's 5-32-32-32-3 MLP
// (forward x·Wᵀ + b, ∂W = δᵀ·x, ∂x = δ·W), then on a 1,000-row forward pass; float64 and
// float32, operands already in typed arrays, as the CPU backend passes them.
//
//   deno bench --lock=tasks/dev.lock --allow-read packages/tensor/wasm/small_gemm_bench.ts
//
// Each group's baseline is the packed kernel: read the "× faster" lines (the machine is
// shared, so compare within one run).

import type { MatmulInfo } from "../backend.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { wasmGemm } from "./gemm.ts";
import { smallWasmGemm } from "./small_gemm.ts";

/** [name, m, n, k, transposeA, transposeB, bias]. */
const PRODUCTS: [string, number, number, number, boolean, boolean, boolean][] = [
  ["forward [33, 5]·[32, 5]ᵀ + b", 33, 32, 5, false, true, true],
  ["forward [33, 32]·[32, 32]ᵀ + b", 33, 32, 32, false, true, true],
  ["forward [33, 32]·[3, 32]ᵀ + b", 33, 3, 32, false, true, true],
  ["∂W [33, 32]ᵀ·[33, 5]", 32, 5, 33, true, false, false],
  ["∂W [33, 32]ᵀ·[33, 32]", 32, 32, 33, true, false, false],
  ["∂W [33, 3]ᵀ·[33, 32]", 3, 32, 33, true, false, false],
  ["∂x [33, 3]·[3, 32]", 33, 32, 3, false, false, false],
  ["∂x [33, 32]·[32, 32]", 33, 32, 32, false, false, false],
  ["forward [1000, 32]·[32, 32]ᵀ + b", 1000, 32, 32, false, true, true],
];

/** `length` values `f(i)` in a typed array of `dtype`. */
function filled(dtype: DType, length: number, f: (i: number) => number): TypedArray {
  const out = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = f(i);
  return out;
}

for (const dtype of ["float64", "float32"] as DType[]) {
  for (const [name, m, n, k, transposeA, transposeB, withBias] of PRODUCTS) {
    const a = filled(dtype, m * k, (i) => Math.sin(i + 1));
    const b = filled(dtype, k * n, (i) => Math.cos(3 * i));
    const out = filled(dtype, m * n, () => 0);
    const info: MatmulInfo = {
      dtype,
      m,
      n,
      k,
      transposeA,
      transposeB,
      aOffsets: [0],
      bOffsets: [0],
      bias: withBias ? filled(dtype, n, (j) => j / n) : undefined,
    };
    const group = `${name} ${dtype}`;
    Deno.bench(`packed (gemm.ts): ${group}`, { group, baseline: true }, () => {
      wasmGemm(a, 0, b, 0, out, 0, info);
    });
    Deno.bench(`small (small_gemm.ts): ${group}`, { group }, () => {
      smallWasmGemm(a, 0, b, 0, out, 0, info);
    });
  }
}
