/**
 * The CPU backend: every kernel of the `Backend` interface over typed arrays,
 * with the TypeScript kernels beside this file (one table per operation
 * family: unary, binary, reduce, softmax, layout, matmul) as the reference the
 * other backends are tested against, and WebAssembly SIMD (../wasm/) where
 * kernel_choice.ts says so.
 *
 * @module
 */

import { isHostArray } from "@glassbox/internal";
import type {
  ActivationSpec,
  Backend,
  BinaryOp,
  BinaryShapes,
  DenseBackwardInfo,
  DenseChainLayer,
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
} from "../backend.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { allocHost, releaseHost } from "./memory.ts";
import { sizeOf } from "../_shape.ts";
import { cpuMatmul } from "./matmul.ts";
import { UNARY } from "./unary.ts";
import { binaryKernel } from "./binary.ts";
import { reduceKernel } from "./reduce.ts";
import { softmaxBackwardKernel, softmaxKernel } from "./softmax.ts";
import { concatKernel, gatherRowsKernel, permuteKernel } from "./layout.ts";
import { useWasm } from "./kernel_choice.ts";
import { wasmGemmAny } from "../wasm/small_gemm.ts";
import { forgetKept } from "../wasm/small_kept.ts";
import { wasmSoftmaxRows, wasmUnary } from "../wasm/elementwise.ts";
import {
  cpuActivationBackward,
  cpuActivationForward,
  cpuDenseBackward,
  cpuDenseChain,
  cpuDenseForward,
} from "./fused_dense.ts";
import { cpuLossValue, cpuLossValueGrad } from "./fused_loss.ts";
import { cpuOptimizerUpdate } from "./optimizer_update.ts";

function asTyped(storage: Storage): TypedArray {
  if (isHostArray(storage)) return storage;
  throw new ReferenceError("Cannot use storage: it does not belong to the CPU backend");
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
    if (!(useWasm(op, size) && wasmUnary(op, src, out, size))) UNARY[op](src, out, size);
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
  softmaxBackward(
    gradOut: Storage,
    y: Storage,
    dims: readonly [number, number, number],
    dtype: DType,
  ): Storage {
    const out = allocHost(dtype, dims[0] * dims[1] * dims[2], false);
    softmaxBackwardKernel(asTyped(gradOut), asTyped(y), dims, out, dtype === "float32");
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
    const wasm = dims[2] === 1 && useWasm(op, out.length);
    if (!(wasm && wasmSoftmaxRows(op, src, out, dims[0], dims[1]))) {
      softmaxKernel(op, src, dims, out);
    }
    return out;
  }
  matmul(a: Storage, b: Storage, info: MatmulInfo): Storage {
    // Not zeroed: cpuMatmul writes every element (zeroing first where it accumulates).
    const out = allocHost(info.dtype, info.aOffsets.length * info.m * info.n, false);
    const wasm = useWasm("matmul", info.m * info.n * info.k);
    cpuMatmul(asTyped(a), asTyped(b), out, info, wasm ? wasmGemmAny : undefined);
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
  denseChain(
    x: Storage,
    layers: readonly DenseChainLayer[],
    info: { readonly dtype: DType; readonly rows: number },
  ): Storage | null {
    const typed = layers.map((l) => ({
      w: asTyped(l.w),
      b: l.b === null ? null : asTyped(l.b),
      info: l,
    }));
    return cpuDenseChain(asTyped(x), typed, info.rows, info.dtype);
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
    if (acc !== null) forgetKept([acc]); // written in place: no kept copy of it stays
    return cpuLossValueGrad(this, kind, asTyped(pred), asTyped(target), info, acc);
  }
  lossValue(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): Storage {
    const acc = info.accumulator === undefined ? null : asTyped(info.accumulator);
    return cpuLossValue(this, kind, asTyped(pred), asTyped(target), info, acc);
  }
  optimizerUpdate(
    rule: OptimizerRule,
    params: readonly Storage[],
    grads: readonly Storage[],
    states: readonly (readonly Storage[])[],
    info: { readonly dtype: DType; readonly sizes: readonly number[] },
  ): void {
    cpuOptimizerUpdate(rule, params, grads, states, info);
    // Written in place: the small kernel's kept copies of them (dense weights) are dropped.
    forgetKept(params);
    for (const list of states) forgetKept(list);
  }
  permute(x: Storage, shape: readonly number[], perm: readonly number[], dtype: DType): Storage {
    const out = allocHost(dtype, sizeOf(shape), false);
    if (out.length > 0) permuteKernel(asTyped(x), shape, perm, out);
    return out;
  }
  gatherRows(x: Storage, index: readonly number[], rowLength: number, dtype: DType): Storage {
    const out = allocHost(dtype, index.length * rowLength, false);
    gatherRowsKernel(asTyped(x), index, rowLength, out);
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
    concatKernel(parts.map(asTyped), outer, chunks, out);
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
