/**
 * The CPU's fused activation and dense-layer kernels. They run the backend's
 * own GEMM, bias and reduction kernels and the activation table, in the order
 * the composed Tensor operations of `Dense` run them, so their values are the
 * same bits.
 *
 * @module
 */

import {
  ACTIVATION_SAVES,
  type ActivationSpec,
  type Backend,
  type DenseBackwardInfo,
  type DenseForward,
  type DenseGrads,
  type DenseInfo,
  type Storage,
} from "../backend.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { allocHost, releaseHost } from "./memory.ts";
import { CPU_ACTIVATIONS } from "./activations.ts";
import { denseProduct, wasmDenseForward } from "./wasm_dense.ts";
import { smallGemmTakes, smallWasmGemm } from "../wasm/small_gemm.ts";
import { smallDenseBackward, smallDenseTakes } from "../wasm/small_dense.ts";
import { useWasm } from "./kernel_choice.ts";

const NO_ARGS: readonly number[] = [];
const same = (v: number): number => v;

/** The rounding of one float operation in `dtype`. */
function rounding(dtype: DType): (v: number) => number {
  return dtype === "float32" ? Math.fround : same;
}

/** y = f(z) with the CPU table (z itself for the identity). */
export function cpuActivationForward(
  backend: Backend,
  spec: ActivationSpec,
  z: TypedArray,
  dtype: DType,
): TypedArray {
  const unary = (op: Parameters<Backend["unary"]>[0], x: TypedArray) =>
    backend.unary(op, x, x.length, dtype) as TypedArray;
  const alloc = () => allocHost(dtype, z.length, false);
  return CPU_ACTIVATIONS[spec.op].forward(z, spec.args ?? NO_ARGS, unary, alloc);
}

/** gradOut ⊙ f′(saved) into a new pooled array. */
export function cpuActivationBackward(
  spec: ActivationSpec,
  g: TypedArray,
  saved: TypedArray,
  dtype: DType,
): TypedArray {
  const out = allocHost(dtype, g.length, false);
  CPU_ACTIVATIONS[spec.op].backward(g, saved, out, spec.args ?? NO_ARGS, rounding(dtype));
  return out;
}

/** out = f(x·Wᵀ + b): the GEMM with the bias in its store, then the activation. */
export function cpuDenseForward(
  backend: Backend,
  x: TypedArray,
  w: TypedArray,
  b: TypedArray | null,
  info: DenseInfo,
): DenseForward {
  const { dtype, rows, inFeatures, outFeatures, activation } = info;
  const work = rows * outFeatures * inFeatures;
  const small = smallGemmTakes(work, inFeatures);
  if (small && useWasm("matmul", work)) {
    // The unpacked kernel, as the backend's matmul would run it, with W's kept copy; a float64
    // relu joins the call (relu's values are the same on every path; 33 rows: about 2 µs
    // less than a separate relu).
    const relu = activation.op === "relu" && dtype === "float64";
    const z = allocHost(dtype, rows * outFeatures, false);
    if (smallWasmGemm(x, 0, w, 0, z, 0, denseProduct(info, b), relu, info.weightKey)) {
      return relu ? { out: z, pre: null } : activate(backend, z, info);
    }
    releaseHost(z);
  }
  // One WebAssembly call (GEMM, bias, activation) where it applies, except for products the
  // unpacked small kernel takes: it and a separate activation call are faster there (33 rows:
  // relu 7.8 instead of 10.0 µs; the same bits either way).
  if (!small) {
    const fused = wasmDenseForward(x, w, b, info);
    if (fused !== null) return fused;
  }
  return activate(backend, backend.matmul(x, w, denseProduct(info, b)) as TypedArray, info);
}

/** y = f(z) for z = x·Wᵀ + b, with z as `pre` when the derivative reads it. */
function activate(backend: Backend, z: TypedArray, info: DenseInfo): DenseForward {
  const { activation, dtype } = info;
  const out = cpuActivationForward(backend, activation, z, dtype);
  if (out === z) return { out, pre: null };
  if (ACTIVATION_SAVES[activation.op] === "input") return { out, pre: z };
  backend.dispose(z);
  return { out, pre: null };
}

/** δ = gradOut ⊙ f′, then dW = δᵀ·x, db = 1ᵀ·δ, dx = δ·W. */
export function cpuDenseBackward(
  backend: Backend,
  gradOut: TypedArray,
  x: TypedArray,
  w: TypedArray,
  saved: TypedArray,
  info: DenseBackwardInfo,
): DenseGrads {
  const { dtype, rows, inFeatures, outFeatures, activation } = info;
  const identity = activation.op === "identity";
  const work = rows * inFeatures * outFeatures;
  if (
    dtype === "float64" && (identity || activation.op === "relu") &&
    smallDenseTakes(rows, inFeatures, outFeatures) && useWasm("matmul", work)
  ) {
    // δ, both products and the bias gradient in one visit to the small kernel's module (the
    // products the separate calls would run there too, so the same bits).
    const dw = allocHost(dtype, outFeatures * inFeatures, false) as Float64Array;
    const db = info.bias ? allocHost(dtype, outFeatures, false) as Float64Array : null;
    const dx = info.inputGrad ? allocHost(dtype, rows * inFeatures, false) as Float64Array : null;
    const y = identity ? null : saved as Float64Array;
    const grads = { rows, inFeatures, outFeatures, y, dw, db, dx, weightKey: info.weightKey };
    if (smallDenseBackward(gradOut as Float64Array, x as Float64Array, w as Float64Array, grads)) {
      return { dw, db, dx };
    }
    for (const s of [dw, db, dx]) if (s !== null) releaseHost(s);
  }
  const delta = identity ? gradOut : cpuActivationBackward(activation, gradOut, saved, dtype);
  const common = { dtype, aOffsets: [0], bOffsets: [0] };
  const dw: Storage = backend.matmul(delta, x, {
    ...common,
    m: outFeatures,
    n: inFeatures,
    k: rows,
    transposeA: true,
    transposeB: false,
  });
  const db = info.bias ? backend.reduce("sum", delta, [1, rows, outFeatures], dtype) : null;
  const dx = info.inputGrad
    ? backend.matmul(delta, w, {
      ...common,
      m: rows,
      n: inFeatures,
      k: outFeatures,
      transposeA: false,
      transposeB: false,
    })
    : null;
  if (!identity) backend.dispose(delta);
  return { dw, db, dx };
}
