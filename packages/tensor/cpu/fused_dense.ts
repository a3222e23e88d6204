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
  type DenseChainLayer,
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
import { smallDenseBackward, smallDenseDelta, smallDenseTakes } from "../wasm/small_dense.ts";
import { useWasm } from "./kernel_choice.ts";
import { type ChainStep, chainTakes, wasmDenseChain } from "../wasm/dense_chain.ts";
import { wasmActivationBackward, wasmSoftmaxRows } from "../wasm/elementwise.ts";
import { softmaxKernel } from "./softmax.ts";

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
  const op = spec.op;
  // float64 relu, tanh and sigmoid on arena arrays: the same loop in WebAssembly SIMD (5,000
  // sigmoid elements: about 1.3 instead of 8 µs).
  const wasm = (op === "relu" || op === "tanh" || op === "sigmoid") && dtype === "float64" &&
    useWasm(op, g.length) && wasmActivationBackward(op, g, saved, out);
  if (!wasm) CPU_ACTIVATIONS[op].backward(g, saved, out, spec.args ?? NO_ARGS, rounding(dtype));
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

/**
 * Below this many multiply-adds (an exp, tanh or sigmoid counted as CURVE_WORK), waking the
 * worker threads costs more than the chain saves: on 2 cores a 10,000-row 6 → 3 layer
 * (0.18 M) ran 1.4× slower as a chain, the classification notebook's 1,000-row validation
 * (2.3 M) 1.2× faster.
 */
const CHAIN_MIN_WORK = 2 ** 20;
/** An exp / tanh / sigmoid element, in multiply-adds (about 6 ns against 0.3). */
const CURVE_WORK = 20;

/**
 * A chain of float64 dense layers in WebAssembly on the worker pool (wasm/dense_chain.ts),
 * where every kernel the layers run one by one would be a WebAssembly kernel (so the values
 * are theirs, bit for bit); null (nothing allocated) otherwise, or when the chain cannot run.
 */
export function cpuDenseChain(
  x: TypedArray,
  layers: readonly { w: TypedArray; b: TypedArray | null; info: DenseChainLayer }[],
  rows: number,
  dtype: DType,
): TypedArray | null {
  // One layer gains nothing over its own call (which splits a large product too).
  if (dtype !== "float64" || layers.length < 2) return null;
  let work = 0;
  for (const { info } of layers) {
    const act = info.activation, elements = rows * info.outFeatures;
    if (!useWasm("matmul", elements * info.inFeatures)) return null;
    if (act !== "identity" && act !== "relu" && !useWasm(act, elements)) return null;
    work += elements * (info.inFeatures + (act === "identity" || act === "relu" ? 0 : CURVE_WORK));
  }
  if (work < CHAIN_MIN_WORK) return null;
  const steps = layers.map(({ w, b, info }): ChainStep => ({
    w,
    b,
    n: info.outFeatures,
    k: info.inFeatures,
    act: info.activation === "identity" ? "none" : info.activation,
  }));
  // A last softmax the chain cannot take (rows narrower than the widest layer: a classifier's
  // few classes) runs after it, as the backend's softmax would run it.
  const last = steps.at(-1)!;
  const tail = last.act === "softmax" && !chainTakes(steps, steps[0].k);
  if (tail) steps[steps.length - 1] = { ...last, act: "none" };
  // wasmDenseChain declines (false) what it cannot take.
  const out = allocHost(dtype, rows * last.n, false);
  if (!wasmDenseChain(x, rows, steps, out)) {
    releaseHost(out);
    return null;
  }
  if (tail && !wasmSoftmaxRows("softmax", out, out, rows, last.n)) {
    softmaxKernel("softmax", out, [rows, last.n, 1], out);
  }
  return out;
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
  // The activations whose δ the small kernel's module makes from their output (tanh′ and
  // sigmoid′ with the CPU loops' operations, relu′ as its mask product: the same bits).
  const op = activation.op;
  const fromOutput = op === "relu" || op === "tanh" || op === "sigmoid" ? op : null;
  const wasm = dtype === "float64" && useWasm("matmul", work);
  if (wasm && (identity || fromOutput !== null) && smallDenseTakes(rows, inFeatures, outFeatures)) {
    // δ, both products and the bias gradient in one visit to the small kernel's module (the
    // products the separate calls would run there too, so the same bits).
    const dw = allocHost(dtype, outFeatures * inFeatures, false) as Float64Array;
    const db = info.bias ? allocHost(dtype, outFeatures, false) as Float64Array : null;
    const dx = info.inputGrad ? allocHost(dtype, rows * inFeatures, false) as Float64Array : null;
    const y = identity ? null : saved as Float64Array;
    const grads = {
      rows,
      inFeatures,
      outFeatures,
      y,
      activation: fromOutput ?? undefined,
      dw,
      db,
      dx,
      weightKey: info.weightKey,
    };
    if (smallDenseBackward(gradOut as Float64Array, x as Float64Array, w as Float64Array, grads)) {
      return { dw, db, dx };
    }
    for (const s of [dw, db, dx]) if (s !== null) releaseHost(s);
  }
  let delta: TypedArray | null = identity ? gradOut : null;
  let db: Storage | null = null;
  if (delta === null && wasm && fromOutput !== null) {
    // A batch too deep for one visit: δ and ∂L/∂b in one pass of that module all the same.
    const d = allocHost(dtype, rows * outFeatures, false) as Float64Array;
    const sums = info.bias ? allocHost(dtype, outFeatures, false) as Float64Array : null;
    const g = gradOut as Float64Array, y = saved as Float64Array;
    if (smallDenseDelta(g, y, d, sums, rows, outFeatures, fromOutput)) {
      delta = d;
      db = sums;
    } else {
      releaseHost(d);
      if (sums !== null) releaseHost(sums);
    }
  }
  delta ??= cpuActivationBackward(activation, gradOut, saved, dtype);
  const common = { dtype, aOffsets: [0], bOffsets: [0] };
  const dw: Storage = backend.matmul(delta, x, {
    ...common,
    m: outFeatures,
    n: inFeatures,
    k: rows,
    transposeA: true,
    transposeB: false,
  });
  if (info.bias && db === null) db = backend.reduce("sum", delta, [1, rows, outFeatures], dtype);
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
