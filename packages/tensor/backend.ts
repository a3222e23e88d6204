/**
 * The `Backend` interface: the primitive kernels a device implements. Every
 * Tensor operation is composed from these; layers and losses never see them.
 *
 * The operation names are string unions, and a backend's kernel tables are
 * typed as `{ [K in UnaryOp]: ... }`, so adding an operation here without a
 * kernel in every backend is a compile error.
 *
 * @module
 */

import type { DType, TypedArray } from "./dtype.ts";

/** Elementwise functions of one argument. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "square"
  | "sqrt"
  | "reciprocal"
  | "exp"
  | "log"
  | "tanh"
  | "sigmoid"
  | "relu";

/** Elementwise functions of two broadcast arguments; comparisons give 1 or 0. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "equal"
  | "greater"
  | "greaterEqual"
  | "less"
  | "lessEqual";

/** Reductions along one axis. `argmax`/`argmin` give the first index of the extreme. */
export type ReduceOp = "sum" | "max" | "min" | "argmax" | "argmin";

/** Row-wise normalisations, numerically stable (the row maximum is subtracted first). */
export type SoftmaxOp = "softmax" | "logSoftmax";

/**
 * A backend's handle to the elements of one tensor. Opaque to everything but
 * the backend that made it; a CPU storage is a typed array.
 */
export type Storage = object;

/** Shapes of a broadcasting binary operation: both operands and the result. */
export interface BinaryShapes {
  /** Shape of the left operand. */
  readonly a: readonly number[];
  /** Shape of the right operand. */
  readonly b: readonly number[];
  /** The broadcast shape of the result. */
  readonly out: readonly number[];
}

/** Geometry of a (batched) matrix product `C[b] = op(A[b]) · op(B[b])`. */
export interface MatmulInfo {
  /** Element type of A, B and C. */
  readonly dtype: DType;
  /** Rows of op(A) and C. */
  readonly m: number;
  /** Columns of op(B) and C. */
  readonly n: number;
  /** Columns of op(A), rows of op(B). */
  readonly k: number;
  /** A is stored as [k, m] and read transposed, with no transposed copy. */
  readonly transposeA: boolean;
  /** B is stored as [n, k] and read transposed, with no transposed copy. */
  readonly transposeB: boolean;
  /** Element offset of each batch's A matrix (length = number of batches). */
  readonly aOffsets: readonly number[];
  /** Element offset of each batch's B matrix (same length as `aOffsets`). */
  readonly bOffsets: readonly number[];
  /**
   * A row of `n` values added to every row of C after the product, given only to a
   * backend whose `matmulBias` is true (others get the product, and the tensor adds).
   */
  readonly bias?: Storage;
}

/**
 * The kernels a device implements. Shapes are row-major and contiguous; every
 * kernel returns a new storage and never mutates its inputs.
 */
export interface Backend {
  /** Short name shown in `Tensor.device` and error messages, e.g. `"cpu"`. */
  readonly name: string;
  /** Copies host values into a new storage of `dtype`. */
  upload(values: ArrayLike<number>, dtype: DType): Storage;
  /** A storage of `size` elements all equal to `value`. */
  fill(size: number, value: number, dtype: DType): Storage;
  /** Copies a storage back to the host (always a fresh array). */
  read(storage: Storage, dtype: DType): Promise<TypedArray>;
  /** Synchronous read, for backends whose memory the host can see; otherwise undefined. */
  readSync(storage: Storage, dtype: DType): TypedArray | undefined;
  /** Releases a storage; using it afterwards is an error. */
  dispose(storage: Storage): void;
  /** Converts elements to another dtype. */
  cast(x: Storage, size: number, from: DType, to: DType): Storage;
  /** `out[i] = f(x[i])`. */
  unary(op: UnaryOp, x: Storage, size: number, dtype: DType): Storage;
  /** `out[i] = f(a[i'], b[i''])` with NumPy broadcasting to `outShape`. */
  binary(
    op: BinaryOp,
    a: Storage,
    b: Storage,
    shapes: BinaryShapes,
    dtype: DType,
  ): Storage;
  /** Reduces the middle axis of a tensor viewed as [outer, length, inner] to [outer, inner]. */
  reduce(op: ReduceOp, x: Storage, dims: readonly [number, number, number], dtype: DType): Storage;
  /** Softmax or log-softmax along the middle axis of [outer, length, inner]. */
  softmax(
    op: SoftmaxOp,
    x: Storage,
    dims: readonly [number, number, number],
    dtype: DType,
  ): Storage;
  /** Batched matrix product with optional transposed reads of A and B. */
  matmul(a: Storage, b: Storage, info: MatmulInfo): Storage;
  /**
   * Whether `matmul` adds `info.bias` itself (in the same pass that writes C), with the
   * values a separate broadcast add would give.
   */
  readonly matmulBias?: boolean;
  /** Reorders axes: `out` has shape `shape[perm[i]]`. */
  permute(x: Storage, shape: readonly number[], perm: readonly number[], dtype: DType): Storage;
  /**
   * Gathers rows of a tensor viewed as [rows, rowLength]: `out[r] = x[index[r]]`.
   * Row slicing and shuffled mini-batches are both this kernel.
   */
  gatherRows(x: Storage, index: readonly number[], rowLength: number, dtype: DType): Storage;
  /**
   * Concatenates tensors viewed as [outer, chunk_i] along the second axis;
   * `chunks[i]` is the inner length each input contributes per outer row.
   */
  concat(
    parts: readonly Storage[],
    outer: number,
    chunks: readonly number[],
    dtype: DType,
  ): Storage;
}

/**
 * Where a tensor's elements live: a named backend instance. `cpu` is built
 * in; `@glassbox/webgpu-kernels` makes WebGPU devices.
 */
export interface Device {
  /** Name shown in messages, e.g. `"cpu"` or `"webgpu:llvmpipe"`. */
  readonly name: string;
  /** The kernels that run on this device. */
  readonly backend: Backend;
  /** The dtypes this device can hold (WebGPU has no float64). */
  readonly dtypes: readonly DType[];
}
