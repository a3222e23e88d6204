/**
 * The CPU backend: every kernel of the `Backend` interface as plain
 * TypeScript loops over typed arrays. It is the reference the other
 * backends are tested against.
 *
 * @module
 */

import type {
  ActivationSpec,
  Backend,
  BinaryOp,
  BinaryShapes,
  DenseBackwardInfo,
  DenseForward,
  DenseGrads,
  DenseInfo,
  Device,
  LossInfo,
  LossKind,
  LossValueGrad,
  MatmulInfo,
  OptimizerRule,
  ReduceOp,
  SoftmaxOp,
  Storage,
  UnaryOp,
} from "./backend.ts";
import type { DType, TypedArray } from "./dtype.ts";
import { allocHost, releaseHost } from "./cpu_memory.ts";
import { broadcastStrides, sizeOf, stridesOf } from "./_shape.ts";
import { cpuMatmul } from "./_cpu_matmul.ts";
import { wasmSoftmaxRows, wasmUnary } from "./_wasm_elementwise.ts";
import {
  cpuActivationBackward,
  cpuActivationForward,
  cpuDenseBackward,
  cpuDenseForward,
} from "./cpu/fused_dense.ts";
import { cpuLossValueGrad } from "./cpu/fused_loss.ts";
import { cpuOptimizerUpdate } from "./cpu/optimizer_update.ts";

const UNARY: { readonly [K in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  square: (x) => x * x,
  sqrt: Math.sqrt,
  reciprocal: (x) => 1 / x,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  // Split by sign so exp never overflows: 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) below.
  sigmoid: (x) => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  relu: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
};

const BINARY: { readonly [K in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C's pow, as PyTorch: 1 ** y = 1 for every y (NaN too) and (-1) ** ±∞ = 1; Math.pow gives NaN.
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  // NaN propagates, as in torch.maximum / torch.minimum.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
};

function asTyped(storage: Storage): TypedArray {
  if (storage instanceof Float64Array || storage instanceof Float32Array) return storage;
  throw new ReferenceError("Cannot use storage: it does not belong to the CPU backend");
}

/** Whether `inner` (leading 1s aside) is exactly the trailing axes of `outer`. */
function isTrailing(inner: readonly number[], outer: readonly number[]): boolean {
  let start = 0;
  while (start < inner.length && inner[start] === 1) start++;
  const k = inner.length - start;
  if (k > outer.length) return false;
  for (let i = 0; i < k; i++) if (inner[start + i] !== outer[outer.length - k + i]) return false;
  return true;
}

// Hand-written loops for the hottest operations. A call through the kernel
// tables is a megamorphic call V8 cannot inline (≈ 10 ns an element); these
// loops give the same values with the arithmetic inline. Each returns false
// for an operation it does not cover, and the caller uses the table.

/**
 * `out = a ∘ b` for + − × ÷ where `b` repeats with period `b.length` (1 for a scalar), and
 * the comparisons against a scalar: loops written out per operation, since calling the
 * table's function per element costs about 15× as much (ReLU's mask, 131k float32: 2.2 ms).
 */
function arithmeticFast(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): boolean {
  const n = out.length, m = b.length;
  if (m === 1) {
    const v = b[0];
    switch (op) {
      case "add":
        for (let i = 0; i < n; i++) out[i] = a[i] + v;
        return true;
      case "sub":
        for (let i = 0; i < n; i++) out[i] = a[i] - v;
        return true;
      case "mul":
        for (let i = 0; i < n; i++) out[i] = a[i] * v;
        return true;
      case "div":
        for (let i = 0; i < n; i++) out[i] = a[i] / v;
        return true;
      // The masks of the activations' backward passes (ReLU's `y > 0`).
      case "greater":
        for (let i = 0; i < n; i++) out[i] = a[i] > v ? 1 : 0;
        return true;
      case "greaterEqual":
        for (let i = 0; i < n; i++) out[i] = a[i] >= v ? 1 : 0;
        return true;
      case "less":
        for (let i = 0; i < n; i++) out[i] = a[i] < v ? 1 : 0;
        return true;
      case "lessEqual":
        for (let i = 0; i < n; i++) out[i] = a[i] <= v ? 1 : 0;
        return true;
      default:
        return false;
    }
  }
  for (let base = 0; base < n; base += m) {
    switch (op) {
      case "add":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] + b[j];
        break;
      case "sub":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] - b[j];
        break;
      case "mul":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] * b[j];
        break;
      case "div":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] / b[j];
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `out = f(src)` for the activations and their building blocks, same values as UNARY. */
function unaryFast(op: UnaryOp, src: TypedArray, out: TypedArray, n: number): boolean {
  switch (op) {
    case "neg":
      for (let i = 0; i < n; i++) out[i] = -src[i];
      return true;
    case "square":
      for (let i = 0; i < n; i++) out[i] = src[i] * src[i];
      return true;
    case "exp":
      for (let i = 0; i < n; i++) out[i] = Math.exp(src[i]);
      return true;
    case "log":
      for (let i = 0; i < n; i++) out[i] = Math.log(src[i]);
      return true;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(src[i]);
      return true;
    case "relu":
      for (let i = 0; i < n; i++) {
        const v = src[i];
        out[i] = v > 0 ? v : v === v ? 0 : v; // NaN stays NaN, −0 becomes 0
      }
      return true;
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const v = src[i];
        if (v >= 0) {
          out[i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return true;
    default:
      return false;
  }
}

function binaryKernel(
  op: BinaryOp,
  a: TypedArray,
  b: TypedArray,
  shapes: BinaryShapes,
  out: TypedArray,
): void {
  const f = BINARY[op];
  const n = out.length;
  if (a.length === n && (b.length === n || isTrailing(shapes.b, shapes.out))) {
    // Same shape, or b repeated along the leading axes (a bias row, a scalar).
    if (!arithmeticFast(op, a, b, out)) {
      const m = b.length;
      for (let i = 0, j = 0; i < n; i++, j = j + 1 === m ? 0 : j + 1) out[i] = f(a[i], b[j]);
    }
    return;
  }
  if (b.length === 1) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i % a.length], bv);
    return;
  }
  if (a.length === 1) {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i % b.length]);
    return;
  }
  // General case: walk the output in C order with an odometer over all but
  // the last axis, and broadcast strides (0 on repeated axes) for both inputs.
  const rank = shapes.out.length;
  const sa = broadcastStrides(shapes.a, shapes.out);
  const sb = broadcastStrides(shapes.b, shapes.out);
  const last = shapes.out[rank - 1];
  const la = sa[rank - 1], lb = sb[rank - 1];
  const counter = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let o = 0; o < n; o += last) {
    for (let j = 0, pa = ia, pb = ib; j < last; j++, pa += la, pb += lb) {
      out[o + j] = f(a[pa], b[pb]);
    }
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      ia += sa[d];
      ib += sb[d];
      if (counter[d] < shapes.out[d]) break;
      ia -= sa[d] * counter[d];
      ib -= sb[d] * counter[d];
      counter[d] = 0;
    }
  }
}

function reduceKernel(
  op: ReduceOp,
  x: TypedArray,
  [outer, len, inner]: readonly [number, number, number],
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let acc: number;
      if (op === "sum") {
        acc = 0;
        for (let r = 0; r < len; r++) acc += x[base + r * inner];
      } else {
        // max/min/argmax/argmin: a NaN wins, as in PyTorch; ties keep the first index.
        const wantMax = op === "max" || op === "argmax";
        let best = x[base], at = 0;
        for (let r = 1; r < len && best === best; r++) {
          const v = x[base + r * inner];
          if (v !== v || (wantMax ? v > best : v < best)) best = v, at = r;
        }
        acc = op === "max" || op === "min" ? best : at;
      }
      out[o * inner + i] = acc;
    }
  }
}

/** One row's exponentials, reused by every softmax call (grown when a row is longer). */
let softmaxScratch = new Float64Array(64);

function softmaxKernel(
  op: SoftmaxOp,
  x: TypedArray,
  [outer, len, inner]: readonly [number, number, number],
  out: TypedArray,
): void {
  if (softmaxScratch.length < len) softmaxScratch = new Float64Array(len);
  const exps = softmaxScratch; // e^(x − max) of one row, computed once, kept in float64
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let r = 0; r < len; r++) max = Math.max(max, x[base + r * inner]);
      // A row of all -inf has no finite maximum: shift by 0 so the result is NaN, as in PyTorch.
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let r = 0; r < len; r++) sum += exps[r] = Math.exp(x[base + r * inner] - max);
      if (op === "softmax") {
        for (let r = 0; r < len; r++) out[base + r * inner] = exps[r] / sum;
      } else {
        const logSum = Math.log(sum);
        for (let r = 0; r < len; r++) out[base + r * inner] = x[base + r * inner] - max - logSum;
      }
    }
  }
}

function permuteKernel(
  x: TypedArray,
  shape: readonly number[],
  perm: readonly number[],
  out: TypedArray,
): void {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]); // input stride of each output axis
  const rank = outShape.length;
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      src += strides[d];
      if (counter[d] < outShape[d]) break;
      src -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
}

/** The CPU implementation of every `Backend` kernel. */
class CpuBackend implements Backend {
  readonly name = "cpu";
  readonly matmulBias = true;

  upload(values: ArrayLike<number>, dtype: DType): Storage {
    const out = allocHost(dtype, values.length, false);
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
  fill(size: number, value: number, dtype: DType): Storage {
    return allocHost(dtype, size, false).fill(value);
  }
  read(storage: Storage): Promise<TypedArray> {
    return Promise.resolve(asTyped(storage).slice());
  }
  readSync(storage: Storage): TypedArray {
    return asTyped(storage).slice();
  }
  dispose(storage: Storage): void {
    releaseHost(storage); // back to the pool when the backend made it
  }
  cast(x: Storage, size: number, _from: DType, to: DType): Storage {
    const out = allocHost(to, size, false);
    out.set(asTyped(x));
    return out;
  }
  unary(op: UnaryOp, x: Storage, size: number, dtype: DType): Storage {
    const src = asTyped(x);
    const out = allocHost(dtype, size, false);
    // WebAssembly SIMD for exp/tanh/sigmoid when the mode and size call for it.
    if (!wasmUnary(op, src, out, size) && !unaryFast(op, src, out, size)) {
      const f = UNARY[op];
      for (let i = 0; i < size; i++) out[i] = f(src[i]);
    }
    return out;
  }
  binary(
    op: BinaryOp,
    a: Storage,
    b: Storage,
    shapes: BinaryShapes,
    dtype: DType,
  ): Storage {
    const out = allocHost(dtype, sizeOf(shapes.out), false);
    if (out.length > 0) binaryKernel(op, asTyped(a), asTyped(b), shapes, out);
    return out;
  }
  reduce(op: ReduceOp, x: Storage, dims: readonly [number, number, number], dtype: DType): Storage {
    const out = allocHost(dtype, dims[0] * dims[2]);
    reduceKernel(op, asTyped(x), dims, out);
    return out;
  }
  softmax(
    op: SoftmaxOp,
    x: Storage,
    dims: readonly [number, number, number],
    dtype: DType,
  ): Storage {
    const out = allocHost(dtype, dims[0] * dims[1] * dims[2], false);
    const src = asTyped(x);
    // WebAssembly SIMD covers the last axis (inner = 1), the common case.
    if (dims[2] !== 1 || !wasmSoftmaxRows(op, src, out, dims[0], dims[1])) {
      softmaxKernel(op, src, dims, out);
    }
    return out;
  }
  matmul(a: Storage, b: Storage, info: MatmulInfo): Storage {
    // Not zeroed: cpuMatmul writes every element (zeroing first where it accumulates).
    const out = allocHost(info.dtype, info.aOffsets.length * info.m * info.n, false);
    cpuMatmul(asTyped(a), asTyped(b), out, info);
    return out;
  }
  // The fused primitives: kernels in cpu/, storages checked here.
  activationForward(spec: ActivationSpec, z: Storage, _size: number, dtype: DType): Storage {
    const src = asTyped(z);
    const out = cpuActivationForward(this, spec, src, dtype);
    return out === src ? this.cast(src, src.length, dtype, dtype) : out;
  }
  activationBackward(
    spec: ActivationSpec,
    gradOut: Storage,
    saved: Storage,
    _size: number,
    dtype: DType,
  ): Storage {
    return cpuActivationBackward(spec, asTyped(gradOut), asTyped(saved), dtype);
  }
  denseForward(x: Storage, w: Storage, b: Storage | null, info: DenseInfo): DenseForward {
    return cpuDenseForward(this, asTyped(x), asTyped(w), b === null ? null : asTyped(b), info);
  }
  denseBackward(
    gradOut: Storage,
    x: Storage,
    w: Storage,
    saved: Storage,
    info: DenseBackwardInfo,
  ): DenseGrads {
    const [g, a, wt, s] = [gradOut, x, w, saved].map(asTyped);
    return cpuDenseBackward(this, g, a, wt, s, info);
  }
  lossValueGrad(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): LossValueGrad {
    const acc = info.accumulator === undefined ? null : asTyped(info.accumulator);
    return cpuLossValueGrad(this, kind, asTyped(pred), asTyped(target), info, acc);
  }
  optimizerUpdate(
    rule: OptimizerRule,
    params: readonly Storage[],
    grads: readonly Storage[],
    states: readonly (readonly Storage[])[],
    info: { readonly dtype: DType; readonly sizes: readonly number[] },
  ): void {
    cpuOptimizerUpdate(rule, params, grads, states, info);
  }
  permute(x: Storage, shape: readonly number[], perm: readonly number[], dtype: DType): Storage {
    const out = allocHost(dtype, sizeOf(shape), false);
    if (out.length > 0) permuteKernel(asTyped(x), shape, perm, out);
    return out;
  }
  gatherRows(x: Storage, index: readonly number[], rowLength: number, dtype: DType): Storage {
    const src = asTyped(x);
    const out = allocHost(dtype, index.length * rowLength, false);
    for (let r = 0; r < index.length; r++) {
      const start = index[r] * rowLength;
      out.set(src.subarray(start, start + rowLength), r * rowLength);
    }
    return out;
  }
  concat(
    parts: readonly Storage[],
    outer: number,
    chunks: readonly number[],
    dtype: DType,
  ): Storage {
    const total = chunks.reduce((s, c) => s + c, 0);
    const out = allocHost(dtype, outer * total, false);
    for (let o = 0, dst = 0; o < outer; o++) {
      for (let p = 0; p < parts.length; p++) {
        const src = asTyped(parts[p]);
        const c = chunks[p];
        out.set(src.subarray(o * c, o * c + c), dst);
        dst += c;
      }
    }
    return out;
  }
}

/**
 * The CPU device: float64 and float32 tensors in typed arrays. It is the
 * default device of every creation function.
 *
 * @example
 * ```ts
 * import { cpu, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(tensor([1, 2]).device, cpu);
 * strictEqual(cpu.name, "cpu");
 * ```
 */
export const cpu: Device = Object.freeze({
  name: "cpu",
  backend: new CpuBackend(),
  dtypes: Object.freeze(["float64", "float32"] as const),
});
