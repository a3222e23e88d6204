// The float64 dense-layer forward `f(x·Wᵀ + b)` as one WebAssembly call (../wasm/gemm.ts):
// the GEMM, then the bias and the activation in WebAssembly memory on each thread's block of
// rows, then one copy out. Unfused, the same layer copies C out (adding b element by element
// in TypeScript), then copies it in and out again for the activation, on threads that wake
// and wait once for the GEMM and once more for the activation.

import type { DenseForward, DenseInfo, MatmulInfo } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";
import { wasmGemm } from "../wasm/gemm.ts";
import { allocHost, releaseHost } from "./memory.ts";
import { useWasmDense } from "./kernel_choice.ts";

/** A dense layer's product x·Wᵀ (+ b) as the backend's matmul describes it. */
export function denseProduct(info: DenseInfo, b: TypedArray | null): MatmulInfo {
  return {
    dtype: info.dtype,
    m: info.rows,
    n: info.outFeatures,
    k: info.inFeatures,
    transposeA: false,
    transposeB: true,
    aOffsets: [0],
    bOffsets: [0],
    bias: b ?? undefined,
  };
}

/** The activations the WebAssembly epilogue applies. */
const FUSED = new Set(["relu", "tanh", "sigmoid"] as const);
type Fused = typeof FUSED extends Set<infer T> ? T : never;

/**
 * `out = f(x·Wᵀ + b)` for a float64 dense layer with a relu, tanh or sigmoid activation, in
 * one WebAssembly call, where kernel_choice.ts says the separate calls would all have run
 * in WebAssembly (so the values are theirs, bit for bit). Null (nothing allocated or
 * written) otherwise: another dtype or activation, the TypeScript kernels chosen, or no
 * WebAssembly epilogue in this runtime; the caller then runs the separate calls.
 */
export function wasmDenseForward(
  x: TypedArray,
  w: TypedArray,
  b: TypedArray | null,
  info: DenseInfo,
): DenseForward | null {
  const { dtype, rows, inFeatures, outFeatures, activation } = info;
  const op = activation.op as Fused;
  if (dtype !== "float64" || !FUSED.has(op)) return null;
  if (!useWasmDense(op, rows * outFeatures * inFeatures, rows * outFeatures)) return null;
  const out = allocHost(dtype, rows * outFeatures, false);
  const ran = wasmGemm(x, 0, w, 0, out, 0, denseProduct(info, b), op);
  if (ran) return { out, pre: null }; // relu, tanh and sigmoid save their output
  releaseHost(out);
  return null;
}
