/**
 * The `Tensor` class: an n-dimensional array of float64 or float32 on a
 * device, with the operations layers and losses are written in.
 *
 * @module
 */

import { registerKeptFlag, trackTensor } from "./tidy.ts";
import { describe, fmtShape, isHostArray } from "@glassbox/internal";
import type { BinaryOp, Device, ReduceOp, SoftmaxOp, Storage, UnaryOp } from "./backend.ts";
import { checkDtype, type DType, type TypedArray } from "./dtype.ts";
import { type FormatInput, formatTensor, formatTensorHtml } from "./_format.ts";
import {
  broadcastShapes,
  MAX_ELEMENTS,
  MAX_RANK,
  normalizeAxis,
  sizeOf,
  splitAxis,
  stridesOf,
} from "./_shape.ts";

/** Nested arrays of numbers, as returned by `toArray()` (a number for a scalar). */
export type NestedArray = number | NestedArray[];

/** Options of reductions over an axis. */
export interface ReduceOptions {
  /** Keep the reduced axis with length 1 (default false). */
  keepDims?: boolean;
}

/** Options of `matmul`: read an operand transposed without making a transposed copy. */
export interface MatmulOptions {
  /** Use the transpose of the last two axes of `this`. */
  transposeA?: boolean;
  /** Use the transpose of the last two axes of `other`. */
  transposeB?: boolean;
  /**
   * A 1-D tensor of the product's last-axis length, added to every row: the values of
   * `a.matmul(b).add(bias)`, which the CPU computes while it writes the product (one pass
   * over the result fewer). A dense layer's `x·Wᵀ + b`.
   */
  bias?: Tensor;
}

/** Set by `Tensor`'s static block: its private constructor and storage, for the functions below. */
let construct: (storage: Storage, shape: readonly number[], dtype: DType, device: Device) => Tensor;
let storageOfTensor: (t: Tensor, action: string) => Storage;

/** A storage shared by tensors that view the same elements (reshape does not copy). */
class StorageRef {
  refs = 1;
  constructor(readonly storage: Storage, readonly device: Device) {}
}

/**
 * An n-dimensional array with a shape, a dtype and a device. Tensors are
 * immutable: every operation returns a new tensor. Create them with
 * `tensor`, `zeros`, `ones`, `full`, `arange`, `randn` or `rand`.
 *
 * @example Broadcasting, matmul and a reduction
 * ```ts
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = tensor([[1, 2], [3, 4]]);
 * const w = tensor([[1], [1]]);
 * deepStrictEqual(x.matmul(w).add(10).toArray(), [[13], [17]]);
 * deepStrictEqual(x.sum(0).toArray(), [4, 6]);
 * ```
 */
export class Tensor {
  /** Length of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Where the elements live. */
  readonly device: Device;
  /** Number of elements. */
  readonly size: number;
  #ref: StorageRef | null;
  /** Whether `keep()` exempted this tensor from every enclosing `tidy`. */
  #kept = false;

  static {
    construct = (storage, shape, dtype, device) => new Tensor(storage, shape, dtype, device);
    storageOfTensor = (t, action) => t.storage(action);
    registerKeptFlag({
      mark: (t) => {
        if (!(t instanceof Tensor)) return false;
        t.#kept = true;
        return true;
      },
      has: (t) => (t as Tensor).#kept,
    });
  }

  /**
   * Wraps a backend storage. Private: the creation functions make tensors, and
   * a backend's code uses `tensorFromStorage` from `@glassbox/tensor/backend`.
   */
  private constructor(
    storage: Storage | StorageRef,
    shape: readonly number[],
    dtype: DType,
    device: Device,
    // True where the shape is another tensor's (frozen and checked): no test, no copy.
    ownShape = false,
  ) {
    if (!ownShape) {
      if (shape.length > MAX_RANK) {
        throw new RangeError(
          `Cannot create tensor: shape has ${shape.length} dimensions, expected at most ${MAX_RANK}`,
        );
      }
      if (!Object.isFrozen(shape)) shape = Object.freeze([...shape]);
    }
    this.shape = shape;
    this.dtype = dtype;
    this.device = device;
    let size = 1;
    for (let i = 0; i < shape.length; i++) size *= shape[i];
    this.size = size;
    this.#ref = storage instanceof StorageRef ? storage : new StorageRef(storage, device);
    trackTensor(this);
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether `dispose()` has released this tensor. */
  get disposed(): boolean {
    return this.#ref === null;
  }

  /**
   * The backend storage; throws a ReferenceError after `dispose()`. Private: a
   * backend's code uses `storageOf` from `@glassbox/tensor/backend`.
   */
  private storage(action = "use tensor"): Storage {
    if (this.#ref === null) {
      throw new ReferenceError(
        `Cannot ${action}: the tensor of shape ${fmtShape(this.shape)} was disposed`,
      );
    }
    return this.#ref.storage;
  }

  #make(storage: Storage, shape: readonly number[], dtype: DType = this.dtype): Tensor {
    return new Tensor(storage, shape, dtype, this.device, shape === this.shape);
  }

  #operand(other: Tensor | number, action: string): Tensor {
    if (typeof other === "number") {
      return this.#make(this.device.backend.fill(1, other, this.dtype), []);
    }
    if (!(other instanceof Tensor)) {
      throw new TypeError(
        `Cannot ${action}: expected a Tensor or a number, got ${describe(other)}`,
      );
    }
    if (other.dtype !== this.dtype) {
      throw new TypeError(
        `Cannot ${action}: dtypes ${this.dtype} and ${other.dtype} differ, convert one with .to("${this.dtype}")`,
      );
    }
    if (other.device !== this.device) {
      throw new TypeError(
        `Cannot ${action}: tensors are on devices ${this.device.name} and ${other.device.name}, move one with .to(device)`,
      );
    }
    return other;
  }

  #unary(op: UnaryOp): Tensor {
    const b = this.device.backend;
    return this.#make(b.unary(op, this.storage(op), this.size, this.dtype), this.shape);
  }

  #binary(op: BinaryOp, other: Tensor | number): Tensor {
    const rhs = this.#operand(other, op);
    // Frozen here, so the new tensor takes this array as its shape instead of a frozen copy.
    const out = Object.freeze(broadcastShapes(this.shape, rhs.shape, op));
    const shapes = { a: this.shape, b: rhs.shape, out };
    const storage = this.device.backend.binary(
      op,
      this.storage(op),
      rhs.storage(op),
      shapes,
      this.dtype,
    );
    if (rhs !== other) rhs.dispose(); // the scalar tensor made for a number operand
    return this.#make(storage, out);
  }

  /**
   * Elementwise sum with NumPy broadcasting.
   * @param other Tensor or number.
   * @returns `this + other`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1], [2]]).add(tensor([10, 20])).toArray(), [[11, 21], [12, 22]]);
   * ```
   */
  add(other: Tensor | number): Tensor {
    return this.#binary("add", other);
  }
  /**
   * Elementwise difference with broadcasting.
   * @param other Tensor or number.
   * @returns `this - other`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([3, 4]).sub(1).toArray(), [2, 3]);
   * ```
   */
  sub(other: Tensor | number): Tensor {
    return this.#binary("sub", other);
  }
  /**
   * Elementwise product with broadcasting.
   * @param other Tensor or number.
   * @returns `this * other`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([3, 4]).mul(tensor([2, 0.5])).toArray(), [6, 2]);
   * ```
   */
  mul(other: Tensor | number): Tensor {
    return this.#binary("mul", other);
  }
  /**
   * Elementwise quotient with broadcasting.
   * @param other Tensor or number.
   * @returns `this / other`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([3, 4]).div(2).toArray(), [1.5, 2]);
   * ```
   */
  div(other: Tensor | number): Tensor {
    return this.#binary("div", other);
  }
  /**
   * Elementwise power with broadcasting.
   * @param other Exponent, tensor or number.
   * @returns `this ** other`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([3, 4]).pow(2).toArray(), [9, 16]);
   * ```
   */
  pow(other: Tensor | number): Tensor {
    return this.#binary("pow", other);
  }
  /**
   * Elementwise maximum with broadcasting (NaN propagates).
   * @param other Tensor or number.
   * @returns `max(this, other)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([-1, 4]).maximum(0).toArray(), [0, 4]);
   * ```
   */
  maximum(other: Tensor | number): Tensor {
    return this.#binary("maximum", other);
  }
  /**
   * Elementwise minimum with broadcasting (NaN propagates).
   * @param other Tensor or number.
   * @returns `min(this, other)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([-1, 4]).minimum(0).toArray(), [-1, 0]);
   * ```
   */
  minimum(other: Tensor | number): Tensor {
    return this.#binary("minimum", other);
  }
  /**
   * Elementwise `this == other` as 1 or 0 in this tensor's dtype.
   * @param other Tensor or number.
   * @returns A tensor of 1s and 0s.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([1, 2]).equal(2).toArray(), [0, 1]);
   * ```
   */
  equal(other: Tensor | number): Tensor {
    return this.#binary("equal", other);
  }
  /**
   * Elementwise `this > other` as 1 or 0.
   * @param other Tensor or number.
   * @returns A tensor of 1s and 0s.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([-1, 2]).greater(0).toArray(), [0, 1]);
   * ```
   */
  greater(other: Tensor | number): Tensor {
    return this.#binary("greater", other);
  }
  /**
   * Elementwise `this >= other` as 1 or 0.
   * @param other Tensor or number.
   * @returns A tensor of 1s and 0s.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([0, 2]).greaterEqual(0).toArray(), [1, 1]);
   * ```
   */
  greaterEqual(other: Tensor | number): Tensor {
    return this.#binary("greaterEqual", other);
  }
  /**
   * Elementwise `this < other` as 1 or 0.
   * @param other Tensor or number.
   * @returns A tensor of 1s and 0s.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([-1, 2]).less(0).toArray(), [1, 0]);
   * ```
   */
  less(other: Tensor | number): Tensor {
    return this.#binary("less", other);
  }
  /**
   * Elementwise `this <= other` as 1 or 0.
   * @param other Tensor or number.
   * @returns A tensor of 1s and 0s.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([0, 2]).lessEqual(0).toArray(), [1, 0]);
   * ```
   */
  lessEqual(other: Tensor | number): Tensor {
    return this.#binary("lessEqual", other);
  }

  /**
   * Elementwise negation.
   * @returns `-this`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([1, -2]).neg().toArray(), [-1, 2]);
   * ```
   */
  neg(): Tensor {
    return this.#unary("neg");
  }
  /**
   * Elementwise absolute value.
   * @returns `|this|`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([1, -2]).abs().toArray(), [1, 2]);
   * ```
   */
  abs(): Tensor {
    return this.#unary("abs");
  }
  /**
   * Elementwise sign: -1, 0 or 1 (NaN stays NaN).
   * @returns `sign(this)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([3, 0, -2]).sign().toArray(), [1, 0, -1]);
   * ```
   */
  sign(): Tensor {
    return this.#unary("sign");
  }
  /**
   * Elementwise square.
   * @returns `this²`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([3, -2]).square().toArray(), [9, 4]);
   * ```
   */
  square(): Tensor {
    return this.#unary("square");
  }
  /**
   * Elementwise square root.
   * @returns `√this`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([9, 4]).sqrt().toArray(), [3, 2]);
   * ```
   */
  sqrt(): Tensor {
    return this.#unary("sqrt");
  }
  /**
   * Elementwise reciprocal.
   * @returns `1 / this`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([2, 4]).reciprocal().toArray(), [0.5, 0.25]);
   * ```
   */
  reciprocal(): Tensor {
    return this.#unary("reciprocal");
  }
  /**
   * Elementwise natural exponential.
   * @returns `e^this`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([0]).exp().toArray(), [1]);
   * ```
   */
  exp(): Tensor {
    return this.#unary("exp");
  }
  /**
   * Elementwise natural logarithm.
   * @returns `ln(this)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([1]).log().toArray(), [0]);
   * ```
   */
  log(): Tensor {
    return this.#unary("log");
  }
  /**
   * Elementwise hyperbolic tangent.
   * @returns `tanh(this)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([0]).tanh().toArray(), [0]);
   * ```
   */
  tanh(): Tensor {
    return this.#unary("tanh");
  }
  /**
   * Elementwise logistic function, stable for large |x|.
   * @returns `1 / (1 + e^-this)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([0, -1000]).sigmoid().toArray(), [0.5, 0]);
   * ```
   */
  sigmoid(): Tensor {
    return this.#unary("sigmoid");
  }
  /**
   * Elementwise rectifier.
   * @returns `max(this, 0)`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([-1, 2]).relu().toArray(), [0, 2]);
   * ```
   */
  relu(): Tensor {
    return this.#unary("relu");
  }
  /**
   * Clamps every element into `[min, max]` (either bound may be omitted).
   * @param min Lower bound.
   * @param max Upper bound.
   * @returns The clamped tensor.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([-2, 0.5, 3]).clamp(0, 1).toArray(), [0, 0.5, 1]);
   * ```
   */
  clamp(min?: number, max?: number): Tensor {
    if (min !== undefined && max !== undefined && min > max) {
      throw new RangeError(`Cannot clamp: min ${min} is greater than max ${max}`);
    }
    const low = min === undefined ? this : this.maximum(min);
    const high = max === undefined ? low : low.minimum(max);
    if (high !== low && low !== this) low.dispose();
    return high === this ? this.clone() : high;
  }

  /**
   * Matrix product of the last two axes, batched over the leading axes with
   * broadcasting. A 1-D operand is treated as a row (left) or column (right)
   * vector and its axis removed from the result, as in NumPy. The transpose
   * options read an operand transposed without allocating a transposed copy
   * — the path backward passes use for `Xᵀ·δ` and `δ·Wᵀ`.
   *
   * @param other Right operand.
   * @param options `transposeA` / `transposeB`, `bias`.
   * @returns `op(this) · op(other)` (+ `bias`).
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual, throws } from "node:assert/strict";
   *
   * const x = tensor([[1, 2], [3, 4], [5, 6]]); // [3, 2]
   * const d = tensor([[1], [0], [1]]); // [3, 1]
   * deepStrictEqual(x.matmul(d, { transposeA: true }).toArray(), [[6], [8]]);
   * const w = tensor([[1, 0], [0, 1], [1, 1]]); // [3, 2], a dense layer's [out, in]
   * const b = tensor([10, 20, 30]);
   * deepStrictEqual(x.matmul(w, { transposeB: true, bias: b }).toArray(), [[11, 22, 33], [13, 24, 37], [15, 26, 41]]);
   * throws(() => x.matmul(w, { transposeB: true, bias: tensor([1, 2]) }), /bias has shape \[2\], expected \[3\]/);
   * ```
   */
  matmul(other: Tensor, options: MatmulOptions = {}): Tensor {
    const rhs = this.#operand(other, "matmul");
    const ta = options.transposeA ?? false, tb = options.transposeB ?? false;
    if (this.rank === 0 || rhs.rank === 0) {
      throw new TypeError(
        `Cannot matmul: shapes ${fmtShape(this.shape)} and ${
          fmtShape(rhs.shape)
        } include a scalar, expected at least 1-D operands`,
      );
    }
    const aShape = this.rank === 1 ? [1, this.shape[0]] : this.shape;
    const bShape = rhs.rank === 1 ? [rhs.shape[0], 1] : rhs.shape;
    const ar = aShape.length, br = bShape.length;
    const m = ta ? aShape[ar - 1] : aShape[ar - 2];
    const k = ta ? aShape[ar - 2] : aShape[ar - 1];
    const kb = tb ? bShape[br - 1] : bShape[br - 2];
    const n = tb ? bShape[br - 2] : bShape[br - 1];
    if (k !== kb) {
      const t = (flag: boolean) => (flag ? " (transposed)" : "");
      throw new TypeError(
        `Cannot matmul: shapes ${fmtShape(this.shape)}${t(ta)} and ${fmtShape(rhs.shape)}${
          t(tb)
        } do not align (${k} != ${kb})`,
      );
    }
    const aBatch = aShape.slice(0, ar - 2), bBatch = bShape.slice(0, br - 2);
    // Two matrices (the common case) have no batch axes to broadcast.
    const batch = aBatch.length === 0 && bBatch.length === 0 ? aBatch : broadcastShapes(
      aBatch,
      bBatch,
      `matmul batches of ${fmtShape(this.shape)} and ${fmtShape(rhs.shape)}`,
    );
    const aOffsets = batch.length === 0
      ? NO_BATCH
      : batchOffsets(aBatch, batch, aShape[ar - 2] * aShape[ar - 1]);
    const bOffsets = batch.length === 0
      ? NO_BATCH
      : batchOffsets(bBatch, batch, bShape[br - 2] * bShape[br - 1]);
    const bias = options.bias === undefined ? undefined : this.#matmulBias(options.bias, n);
    const backend = this.device.backend;
    const fused = bias !== undefined && backend.matmulBias === true;
    const storage = backend.matmul(this.storage("matmul"), rhs.storage("matmul"), {
      dtype: this.dtype,
      m,
      n,
      k,
      transposeA: ta,
      transposeB: tb,
      aOffsets,
      bOffsets,
      bias: fused ? bias.storage("matmul") : undefined,
    });
    const outShape = [...batch];
    if (this.rank > 1) outShape.push(m);
    if (rhs.rank > 1) outShape.push(n);
    const product = this.#make(storage, outShape);
    if (bias === undefined || fused) return product;
    const sum = product.add(bias);
    product.dispose();
    return sum;
  }

  /** Checks a matmul bias: 1-D, `n` long, the same dtype and device as `this`. */
  #matmulBias(bias: Tensor, n: number): Tensor {
    if (!(bias instanceof Tensor)) {
      throw new TypeError(`Cannot matmul: bias must be a Tensor, got ${describe(bias)}`);
    }
    if (bias.rank !== 1 || bias.shape[0] !== n) {
      throw new TypeError(
        `Cannot matmul: bias has shape ${fmtShape(bias.shape)}, expected [${n}] ` +
          `(one value per column of the product)`,
      );
    }
    return this.#operand(bias, "matmul with a bias");
  }

  #reduce(
    op: ReduceOp,
    axis: number | undefined,
    options: ReduceOptions,
    action: string = op,
  ): Tensor {
    const flat = axis === undefined;
    // Over all elements: the storage viewed as [1, size, 1], with no reshaped view to release.
    const ax = flat ? 0 : normalizeAxis(axis, this.rank, action);
    const dims = flat ? [1, this.size, 1] as const : splitAxis(this.shape, ax);
    if (dims[1] === 0 && op !== "sum") {
      const what = flat ? "the tensor" : `axis ${ax} of the tensor`;
      throw new RangeError(`Cannot ${action}: ${what} of shape ${fmtShape(this.shape)} is empty`);
    }
    const storage = this.device.backend.reduce(op, this.storage(action), dims, this.dtype);
    let shape: number[];
    if (flat) shape = options.keepDims ? this.shape.map(() => 1) : [];
    else if (options.keepDims) shape = this.shape.map((d, i) => (i === ax ? 1 : d));
    else shape = this.shape.filter((_, i) => i !== ax);
    return this.#make(storage, shape);
  }

  /**
   * Sum over one axis, or over all elements when `axis` is omitted.
   * @param axis Axis to reduce (negative counts from the end).
   * @param options `keepDims`.
   * @returns The sums.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * const x = tensor([[1, 2], [3, 4]]);
   * deepStrictEqual(x.sum(1, { keepDims: true }).toArray(), [[3], [7]]);
   * deepStrictEqual(x.sum().toArray(), 10);
   * ```
   */
  sum(axis?: number, options: ReduceOptions = {}): Tensor {
    return this.#reduce("sum", axis, options);
  }
  /**
   * Mean over one axis, or over all elements when `axis` is omitted.
   * @param axis Axis to reduce.
   * @param options `keepDims`.
   * @returns The means.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 2], [3, 4]]).mean(0).toArray(), [2, 3]);
   * ```
   */
  mean(axis?: number, options: ReduceOptions = {}): Tensor {
    const count = axis === undefined
      ? this.size
      : this.shape[normalizeAxis(axis, this.rank, "mean")];
    const sum = this.#reduce("sum", axis, options, "mean");
    const mean = sum.div(count);
    sum.dispose();
    return mean;
  }
  /**
   * Maximum over one axis, or over all elements.
   * @param axis Axis to reduce.
   * @param options `keepDims`.
   * @returns The maxima.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 5], [3, 4]]).max(1).toArray(), [5, 4]);
   * ```
   */
  max(axis?: number, options: ReduceOptions = {}): Tensor {
    return this.#reduce("max", axis, options);
  }
  /**
   * Minimum over one axis, or over all elements.
   * @param axis Axis to reduce.
   * @param options `keepDims`.
   * @returns The minima.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 5], [3, 4]]).min(0).toArray(), [1, 4]);
   * ```
   */
  min(axis?: number, options: ReduceOptions = {}): Tensor {
    return this.#reduce("min", axis, options);
  }
  /**
   * Index of the maximum along an axis (first one on ties), as floats holding
   * integers; over the flattened tensor when `axis` is omitted.
   * @param axis Axis to reduce.
   * @param options `keepDims`.
   * @returns The indices.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 5], [3, 2]]).argmax(1).toArray(), [1, 0]);
   * ```
   */
  argmax(axis?: number, options: ReduceOptions = {}): Tensor {
    return this.#reduce("argmax", axis, options);
  }
  /**
   * Index of the minimum along an axis (first one on ties).
   * @param axis Axis to reduce.
   * @param options `keepDims`.
   * @returns The indices.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 5], [3, 2]]).argmin(1).toArray(), [0, 1]);
   * ```
   */
  argmin(axis?: number, options: ReduceOptions = {}): Tensor {
    return this.#reduce("argmin", axis, options);
  }

  #softmax(op: SoftmaxOp, axis: number): Tensor {
    if (this.rank === 0) {
      throw new RangeError(`Cannot ${op}: the tensor is a scalar, expected at least 1-D`);
    }
    const dims = splitAxis(this.shape, normalizeAxis(axis, this.rank, op));
    return this.#make(
      this.device.backend.softmax(op, this.storage(op), dims, this.dtype),
      this.shape,
    );
  }
  /**
   * Softmax along an axis (default the last), stable for large inputs.
   * @param axis Axis to normalise.
   * @returns Probabilities summing to 1 along `axis`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1000, 1000]]).softmax().toArray(), [[0.5, 0.5]]);
   * ```
   */
  softmax(axis = -1): Tensor {
    return this.#softmax("softmax", axis);
  }
  /**
   * Log-softmax along an axis (default the last): `x − max − log Σ exp(x − max)`.
   * @param axis Axis to normalise.
   * @returns Log-probabilities.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[0, 0]]).logSoftmax().toArray(), [[-Math.LN2, -Math.LN2]]);
   * ```
   */
  logSoftmax(axis = -1): Tensor {
    return this.#softmax("logSoftmax", axis);
  }

  /**
   * The same elements with another shape; one axis may be `-1` (inferred).
   * Shares storage with `this` (no copy).
   * @param shape New shape.
   * @returns The reshaped tensor.
   * @example
   * ```ts
   * import { arange } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(arange(6).reshape([2, -1]).toArray(), [[0, 1, 2], [3, 4, 5]]);
   * ```
   */
  reshape(shape: readonly number[]): Tensor {
    // The message's text is built only when a check fails (reshape runs on every step).
    const action = (): string =>
      `reshape ${fmtShape(this.shape)} to ${
        Array.isArray(shape) ? fmtShape(shape) : String(shape)
      }`;
    if (!Array.isArray(shape)) throw new TypeError(`Cannot ${action()}: shape must be an array`);
    if (shape.length > MAX_RANK) {
      throw new RangeError(
        `Cannot ${action()}: the shape has ${shape.length} dimensions, expected at most ${MAX_RANK}`,
      );
    }
    // One pass: the -1s, the product of the other dimensions, and their validity.
    let inferred = 0, known = 1;
    for (const d of shape) {
      if (!Number.isInteger(d) || d < -1) {
        throw new RangeError(
          `Cannot ${action()}: dimension ${d} is not a non-negative integer or -1`,
        );
      }
      if (d === -1) inferred++;
      else known *= d;
    }
    if (inferred > 1) throw new RangeError(`Cannot ${action()}: only one dimension may be -1`);
    if (inferred === 1 && known === 0) {
      throw new RangeError(`Cannot ${action()}: -1 is ambiguous when another dimension is 0`);
    }
    const resolved = inferred === 0
      ? shape.slice()
      : shape.map((d) => d === -1 ? (known === 0 ? 0 : this.size / known) : d);
    if (
      sizeOf(resolved) !== this.size ||
      (inferred === 1 && !Number.isInteger(this.size / known) && known !== 0)
    ) {
      throw new RangeError(`Cannot ${action()}: ${this.size} elements do not fit`);
    }
    const ref = this.#ref;
    if (ref === null) this.storage("reshape");
    ref!.refs++;
    return new Tensor(ref!, Object.freeze(resolved), this.dtype, this.device);
  }
  /**
   * Flattens to one axis.
   * @returns A 1-D view of the elements.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 2], [3, 4]]).flatten().toArray(), [1, 2, 3, 4]);
   * ```
   */
  flatten(): Tensor {
    return this.reshape([this.size]);
  }
  /**
   * Inserts an axis of length 1.
   * @param axis Where the new axis goes (negative counts from the end).
   * @returns The reshaped tensor.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([1, 2]).unsqueeze(1).shape, [2, 1]);
   * ```
   */
  unsqueeze(axis: number): Tensor {
    const ax = normalizeAxis(axis, this.rank + 1, "unsqueeze");
    return this.reshape([...this.shape.slice(0, ax), 1, ...this.shape.slice(ax)]);
  }

  /**
   * Reorders axes: axis `i` of the result is axis `perm[i]` of `this`. Copies.
   * @param perm A permutation of `0 … rank-1`.
   * @returns The permuted tensor.
   * @example
   * ```ts
   * import { zeros } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(zeros([2, 3, 4]).permute([2, 0, 1]).shape, [4, 2, 3]);
   * ```
   */
  permute(perm: readonly number[]): Tensor {
    const seen = new Set<number>();
    const axes = perm.map((p) => normalizeAxis(p, this.rank, "permute"));
    for (const a of axes) seen.add(a);
    if (perm.length !== this.rank || seen.size !== this.rank) {
      throw new RangeError(
        `Cannot permute: ${fmtShape(perm)} is not a permutation of the ${this.rank} axes of shape ${
          fmtShape(this.shape)
        }`,
      );
    }
    const storage = this.device.backend.permute(
      this.storage("permute"),
      this.shape,
      axes,
      this.dtype,
    );
    return this.#make(storage, axes.map((a) => this.shape[a]));
  }
  /**
   * Swaps two axes (by default the last two, so a matrix is transposed). Copies;
   * `matmul`'s transpose options avoid the copy.
   * @param axis0 First axis (default -2).
   * @param axis1 Second axis (default -1).
   * @returns The transposed tensor.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 2, 3]]).transpose().toArray(), [[1], [2], [3]]);
   * ```
   */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    if (this.rank < 2 && axis0 === -2 && axis1 === -1) return this.clone();
    const a = normalizeAxis(axis0, this.rank, "transpose");
    const b = normalizeAxis(axis1, this.rank, "transpose");
    const perm = this.shape.map((_, i) => (i === a ? b : i === b ? a : i));
    return this.permute(perm);
  }
  /**
   * Rows `start` (inclusive) to `end` (exclusive) along axis 0, like `x[start:end]`
   * in NumPy: bounds are clamped, negatives count from the end.
   * @param start First row.
   * @param end One past the last row (default: all remaining rows).
   * @returns The slice (a copy).
   * @example
   * ```ts
   * import { arange } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(arange(5).slice(1, 3).toArray(), [1, 2]);
   * deepStrictEqual(arange(5).slice(3, 100).toArray(), [3, 4]);
   * ```
   */
  slice(start: number, end?: number): Tensor {
    if (this.rank === 0) {
      throw new RangeError("Cannot slice: the tensor is a scalar, expected at least 1-D");
    }
    const rows = this.shape[0];
    const clampIndex = (i: number, name: string): number => {
      if (!Number.isInteger(i)) {
        throw new RangeError(`Cannot slice: ${name} ${i} is not an integer`);
      }
      return Math.min(rows, Math.max(0, i < 0 ? i + rows : i));
    };
    const s = clampIndex(start, "start");
    const e = Math.max(s, clampIndex(end ?? rows, "end"));
    const index = Array.from({ length: e - s }, (_, i) => s + i);
    return this.#gather(index, "slice");
  }
  /**
   * Rows picked by index along axis 0 (`x[index]` in NumPy), e.g. a shuffled batch.
   * @param index Row indices; negatives count from the end.
   * @returns A tensor of `index.length` rows.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1], [2], [3]]).gather([2, 0]).toArray(), [[3], [1]]);
   * ```
   */
  gather(index: readonly number[] | ArrayLike<number>): Tensor {
    if (this.rank === 0) {
      throw new RangeError("Cannot gather: the tensor is a scalar, expected at least 1-D");
    }
    const rows = this.shape[0];
    const idx = Array.from(index, (i, at) => {
      if (!Number.isInteger(i) || i < -rows || i >= rows) {
        throw new RangeError(`Cannot gather: index[${at}] = ${i} is out of range for ${rows} rows`);
      }
      return i < 0 ? i + rows : i;
    });
    return this.#gather(idx, "gather");
  }
  #gather(index: number[], action: string): Tensor {
    const rowLength = this.shape[0] === 0 ? 0 : this.size / this.shape[0];
    const storage = this.device.backend.gatherRows(
      this.storage(action),
      index,
      rowLength,
      this.dtype,
    );
    return this.#make(storage, [index.length, ...this.shape.slice(1)]);
  }

  /**
   * A copy with the same shape, dtype and device.
   * @returns The copy.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([1, 2]).clone().toArray(), [1, 2]);
   * ```
   */
  clone(): Tensor {
    const b = this.device.backend;
    return this.#make(b.cast(this.storage("clone"), this.size, this.dtype, this.dtype), this.shape);
  }

  /**
   * Converts to another dtype or moves to another device. Moving needs a
   * synchronously readable source (the CPU); from a GPU, `await read()` first.
   * @param target A dtype or a device.
   * @returns The converted tensor (`this` itself when nothing changes).
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(tensor([0.1]).to("float32").item(), Math.fround(0.1));
   * ```
   */
  to(target: DType | Device): Tensor {
    if (typeof target === "string") {
      const dtype = checkDtype(target, "convert tensor");
      if (dtype === this.dtype) return this;
      if (!this.device.dtypes.includes(dtype)) {
        throw new TypeError(
          `Cannot convert tensor to ${dtype}: device ${this.device.name} does not support it`,
        );
      }
      return this.#make(
        this.device.backend.cast(this.storage("convert tensor"), this.size, this.dtype, dtype),
        this.shape,
        dtype,
      );
    }
    if (target === this.device) return this;
    if (!target.dtypes.includes(this.dtype)) {
      throw new TypeError(
        `Cannot move tensor to ${target.name}: it holds ${this.dtype}, which the device does not support (${
          target.dtypes.join(", ")
        })`,
      );
    }
    const host = this.device.backend.readSync(this.storage("move tensor"), this.dtype);
    if (host === undefined) {
      throw new TypeError(
        `Cannot move tensor from ${this.device.name} synchronously: use await tensor.read() first`,
      );
    }
    return new Tensor(target.backend.upload(host, this.dtype), this.shape, this.dtype, target);
  }

  /**
   * `to(target)` for any pair of devices: reads the elements back first where
   * the source has no synchronous read (a GPU), so it works for a tensor on
   * WebGPU going to the CPU.
   * @param target A dtype or a device.
   * @returns The converted tensor (`this` when nothing changes).
   * @example
   * ```ts
   * import { cpu, tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * const t = await tensor([1, 2]).toAsync(cpu);
   * deepStrictEqual(t.toArray(), [1, 2]);
   * ```
   */
  async toAsync(target: DType | Device): Promise<Tensor> {
    if (typeof target === "string" || target === this.device) return this.to(target);
    const storage = this.storage("move tensor");
    if (isHostArray(storage)) return this.to(target);
    if (!target.dtypes.includes(this.dtype)) return this.to(target); // throws to()'s clear error
    const host = await this.readTypedArray();
    return new Tensor(target.backend.upload(host, this.dtype), this.shape, this.dtype, target);
  }

  /**
   * The elements as a flat typed array in C order (a copy). CPU only.
   * @returns Float64Array or Float32Array, by dtype.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(tensor([[1, 2]]).toTypedArray(), new Float64Array([1, 2]));
   * ```
   */
  toTypedArray(): TypedArray {
    const host = this.device.backend.readSync(this.storage("read tensor"), this.dtype);
    if (host === undefined) {
      throw new TypeError(
        `Cannot read tensor synchronously: it lives on ${this.device.name}, use await tensor.readTypedArray()`,
      );
    }
    return host;
  }
  /**
   * The elements as a flat typed array, from any device.
   * @returns A promise of a Float64Array or Float32Array.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(await tensor([3]).readTypedArray(), new Float64Array([3]));
   * ```
   */
  readTypedArray(): Promise<TypedArray> {
    return this.device.backend.read(this.storage("read tensor"), this.dtype);
  }
  /**
   * The elements as nested arrays (a number for a scalar). CPU only.
   * @returns Nested number arrays shaped like the tensor.
   * @example
   * ```ts
   * import { zeros } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(zeros([2, 1]).toArray(), [[0], [0]]);
   * ```
   */
  toArray(): NestedArray {
    return nest(this.toTypedArray(), this.shape);
  }
  /**
   * The elements as nested arrays, from any device.
   * @returns A promise of nested number arrays.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * deepStrictEqual(await tensor([[1, 2]]).read(), [[1, 2]]);
   * ```
   */
  async read(): Promise<NestedArray> {
    return nest(await this.readTypedArray(), this.shape);
  }
  /**
   * The single value of a one-element tensor. CPU only.
   * @returns The value.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(tensor([[1, 2]]).sum().item(), 3);
   * ```
   */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `Cannot take item: the tensor has shape ${fmtShape(this.shape)}, expected one element`,
      );
    }
    const storage = this.storage("take item");
    // CPU storage is the typed array itself: read it without a copy.
    if (isHostArray(storage)) return storage[0];
    return this.toTypedArray()[0];
  }

  /**
   * Another tensor object over the same storage (no copy). The storage is
   * released when every view of it is disposed, so a view keeps elements
   * alive past the `dispose()` of the tensor it was taken from.
   * @returns A view with the same shape.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   * const t = tensor([1, 2]);
   * const v = t.view();
   * t.dispose();
   * deepStrictEqual(v.toArray(), [1, 2]);
   * ```
   */
  view(): Tensor {
    const ref = this.#ref;
    if (ref === null) this.storage("take a view");
    ref!.refs++;
    return new Tensor(ref!, this.shape, this.dtype, this.device, true);
  }

  /**
   * Releases the storage (at once on devices with their own memory). Using
   * the tensor afterwards throws a ReferenceError. Idempotent.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   * const t = tensor([1]);
   * t.dispose();
   * throws(() => t.toArray(), ReferenceError);
   * ```
   */
  dispose(): void {
    const ref = this.#ref;
    if (ref === null) return;
    this.#ref = null;
    if (--ref.refs === 0) ref.device.backend.dispose(ref.storage);
  }
  /** Disposes the tensor at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * A short description: shape, dtype, device and (CPU) the values.
   * @returns The description.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(String(tensor([1, 2])), "Tensor([2], float64, cpu) [1,2]");
   * ```
   */
  toString(): string {
    const head = `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.device.name})`;
    if (this.disposed) return `${head} <disposed>`;
    const host = this.device.backend.readSync(this.storage(), this.dtype);
    if (host === undefined || this.size > 100) return head;
    return `${head} ${JSON.stringify(nest(host, this.shape))}`;
  }

  /** What the printed forms need: the values only where the device reads them synchronously. */
  #formatInput(): FormatInput {
    const ref = this.#ref;
    const storage = ref?.storage;
    // CPU storage is the typed array itself: print it without copying a large tensor.
    const values = ref === null
      ? undefined
      : isHostArray(storage)
      ? storage
      : this.device.backend.readSync(storage!, this.dtype);
    const { shape, dtype, disposed } = this;
    return { shape, dtype, deviceName: this.device.name, values, disposed };
  }
  /**
   * The printed form `console.log` shows in Deno: the values laid out as PyTorch
   * prints them (elided to the first and last 3 items of each axis above 1000
   * elements), then shape, dtype and device. A device that cannot be read
   * synchronously (a GPU) says so instead of showing values.
   * @returns The text.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(
   *   Deno.inspect(tensor([[1, 2, 3], [4, 5, 6]])),
   *   "tensor([[1., 2., 3.],\n        [4., 5., 6.]], shape=[2, 3], dtype=float64, device=cpu)",
   * );
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return formatTensor(this.#formatInput());
  }
  /**
   * The same printed form for Node's `util.inspect` and `console.log`.
   * @returns The text.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   * const t = tensor([0.5, 1.25]);
   * const custom = t[Symbol.for("nodejs.util.inspect.custom") as keyof typeof t] as () => string;
   * strictEqual(custom.call(t), "tensor([0.5000, 1.2500], shape=[2], dtype=float64, device=cpu)");
   * ```
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return formatTensor(this.#formatInput());
  }
  /**
   * The rich display of Deno's Jupyter kernel: the printed form as text and as HTML.
   * @returns A MIME bundle with `text/plain` and `text/html`.
   * @example
   * ```ts
   * import { tensor } from "@glassbox/tensor";
   * import { ok } from "node:assert/strict";
   * const t = tensor([1, 2]);
   * const display = t[Symbol.for("Jupyter.display") as keyof typeof t] as () => Record<string, string>;
   * ok(display.call(t)["text/html"].startsWith("<pre"));
   * ```
   */
  [Symbol.for("Jupyter.display")](): { "text/plain": string; "text/html": string } {
    const input = this.#formatInput();
    return { "text/plain": formatTensor(input), "text/html": formatTensorHtml(input) };
  }
}

/** Offsets of each broadcast batch's matrix inside an operand with batch shape `own`. */
/** The offsets of a product without batch axes: one matrix at element 0. */
const NO_BATCH: readonly number[] = Object.freeze([0]);

function batchOffsets(
  own: readonly number[],
  batch: readonly number[],
  matrixSize: number,
): number[] {
  const n = sizeOf(batch);
  const strides = stridesOf(own);
  const offsets = new Array<number>(n);
  const shift = batch.length - own.length;
  for (let b = 0; b < n; b++) {
    let rest = b, offset = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const i = rest % batch[d];
      rest = (rest - i) / batch[d];
      const od = d - shift;
      if (od >= 0 && own[od] !== 1) offset += i * strides[od];
    }
    offsets[b] = offset * matrixSize;
  }
  return offsets;
}

/** Nests a flat C-order array into arrays shaped like `shape`. */
function nest(flat: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return flat[0];
  // Nested arrays cost one JavaScript value per element and per inner array; a tensor of
  // zero elements with huge leading dimensions would otherwise build billions of arrays.
  let values = flat.length;
  for (let k = 0, arrays = 1; k < shape.length - 1; k++) values += arrays *= shape[k];
  const action = `Cannot convert a tensor of shape ${fmtShape(shape)} to nested arrays`;
  if (values > MAX_ELEMENTS) {
    throw new RangeError(
      `${action}: that takes ${values} JavaScript values, expected at most ${MAX_ELEMENTS}; use toTypedArray()`,
    );
  }
  try {
    return nestChecked(flat, shape);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new RangeError(
      `${action}: the runtime refused an array that long (${error.message}); use toTypedArray()`,
    );
  }
}

function nestChecked(flat: TypedArray, shape: readonly number[]): NestedArray {
  const build = (offset: number, axis: number): NestedArray[] => {
    const len = shape[axis];
    if (axis === shape.length - 1) return Array.from(flat.subarray(offset, offset + len));
    const step = sizeOf(shape.slice(axis + 1));
    return Array.from({ length: len }, (_, i) => build(offset + i * step, axis + 1));
  };
  return build(0, 0);
}

/** What `tensorFromStorage` needs besides the storage. */
export interface FromStorageOptions {
  /** Row-major shape; its size must be the storage's element count. */
  readonly shape: readonly number[];
  /** Element type of the storage. */
  readonly dtype: DType;
  /** The device whose backend made the storage. */
  readonly device: Device;
}

/**
 * Wraps a storage that `device.backend` made in a tensor, which owns it from
 * then on (its `dispose()` gives the storage back to the backend). For
 * backends and the code that drives them; model code uses `tensor()` and the
 * other creation functions.
 *
 * @param storage Elements, owned by `options.device.backend`.
 * @param options The tensor's shape, dtype and device.
 * @returns A tensor over `storage` (no copy).
 *
 * @example
 * ```ts
 * import { cpu } from "@glassbox/tensor";
 * import { tensorFromStorage } from "@glassbox/tensor/backend";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const storage = cpu.backend.upload([1, 2, 3, 4], "float64");
 * const t = tensorFromStorage(storage, { shape: [2, 2], dtype: "float64", device: cpu });
 * deepStrictEqual(t.toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function tensorFromStorage(storage: Storage, options: FromStorageOptions): Tensor {
  const { shape, dtype, device } = options;
  return construct(storage, shape, checkDtype(dtype, "create tensor"), device);
}

/**
 * A tensor's backend storage, which kernels of `t.device.backend` take (a
 * `Float64Array` or `Float32Array` on the CPU). The tensor still owns it:
 * never mutate or dispose it, and keep neither it nor a subarray of it past
 * the tensor's life (the CPU pool hands a disposed tensor's array out again,
 * and a float64 array in the WebAssembly arena gives its memory back once the
 * garbage collector takes the array, whatever subarrays of it remain).
 *
 * @param t The tensor.
 * @param action What the caller is doing, for the error message.
 * @returns The storage.
 * @throws {ReferenceError} When `t` was disposed: "Cannot <action>: the tensor … was disposed".
 *
 * @example
 * ```ts
 * import { tensor } from "@glassbox/tensor";
 * import { storageOf } from "@glassbox/tensor/backend";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const t = tensor([1, 2], { dtype: "float32" });
 * deepStrictEqual(storageOf(t), new Float32Array([1, 2]));
 * t.dispose();
 * throws(() => storageOf(t, "read"), /Cannot read: the tensor of shape \[2\] was disposed/);
 * ```
 */
export function storageOf(t: Tensor, action = "use tensor"): Storage {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`Cannot ${action}: expected a Tensor, got ${describe(t)}`);
  }
  return storageOfTensor(t, action);
}
