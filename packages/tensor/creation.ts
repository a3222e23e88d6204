/**
 * Creating tensors: from nested arrays or typed arrays, constant fills and ranges.
 *
 * @module
 */

import type { Device } from "./backend.ts";
import { cpu } from "./cpu/backend.ts";
import { checkDtype, type DType, getDefaultDtype } from "./dtype.ts";
import { describe, fmtShape, kindOf } from "@glassbox/internal";
import { checkShape, MAX_RANK, sizeOf } from "./_shape.ts";
import { type NestedArray, storageOf, type Tensor, tensorFromStorage } from "./tensor.ts";

/** Where and how a new tensor is made. */
export interface CreateOptions {
  /** Element type (default: `getDefaultDtype()`, initially float64). */
  dtype?: DType;
  /** Device (default: `cpu`). */
  device?: Device;
}

/** Options of `tensor()`. */
export interface TensorOptions extends CreateOptions {
  /** Shape of flat data (a typed array or a flat number array); default: inferred. */
  shape?: readonly number[];
}

/** Resolves dtype/device options and checks that the device can hold the dtype. */
export function resolveOptions(
  options: CreateOptions,
  action: string,
): { dtype: DType; device: Device } {
  const dtype = options.dtype === undefined ? getDefaultDtype() : checkDtype(options.dtype, action);
  const device = options.device ?? cpu;
  if (!device.dtypes.includes(dtype)) {
    throw new TypeError(
      `Cannot ${action}: device ${device.name} does not support ${dtype}, it supports ${
        device.dtypes.join(", ")
      }`,
    );
  }
  return { dtype, device };
}

/** Infers the shape of nested arrays and flattens them, naming the first irregular element. */
function flattenNested(data: NestedArray): { shape: number[]; flat: number[] } {
  const shape: number[] = [];
  for (let level: NestedArray = data; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
    if (shape.length > MAX_RANK) {
      // Checked while descending: the walk below recurses once per level.
      throw new RangeError(
        `Cannot create tensor: the nested arrays are more than ${MAX_RANK} levels deep, expected at most ${MAX_RANK} dimensions`,
      );
    }
  }
  const flat: number[] = [];
  const walk = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== "number" && !Array.isArray(node)) {
        throw new TypeError(
          `Cannot create tensor: data${path} is ${kindOf(node)}, expected a number`,
        );
      }
      if (typeof node !== "number") {
        const what = `an array of length ${node.length}`;
        throw new TypeError(
          `Cannot create tensor: ragged nested array, data${path} is ${what} but data${
            "[0]".repeat(depth)
          } is a number`,
        );
      }
      flat.push(node);
      return;
    }
    if (!Array.isArray(node)) {
      throw new TypeError(
        `Cannot create tensor: ragged nested array, data${path} is ${kindOf(node)} but shape ${
          fmtShape(shape)
        } expects an array of length ${shape[depth]} there`,
      );
    }
    if (node.length !== shape[depth]) {
      throw new TypeError(
        `Cannot create tensor: ragged nested array, data${path} has length ${node.length} but data${
          "[0]".repeat(depth)
        } has length ${shape[depth]}`,
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, "");
  return { shape, flat };
}

/**
 * Creates a tensor from a number, nested arrays or a typed array.
 *
 * @param data A number (scalar), nested arrays of numbers (shape inferred),
 *   or a flat array / typed array with `options.shape`.
 * @param options `dtype`, `device`, `shape`.
 * @returns A new tensor holding a copy of the data.
 *
 * @example
 * ```ts
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * deepStrictEqual(x.shape, [2, 3]);
 * strictEqual(x.dtype, "float64");
 * deepStrictEqual(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).shape, [2, 2]);
 * ```
 */
export function tensor(
  data: NestedArray | ArrayLike<number>,
  options: TensorOptions = {},
): Tensor {
  const isTyped = data instanceof Float64Array || data instanceof Float32Array ||
    (ArrayBuffer.isView(data) && !(data instanceof DataView));
  const { dtype, device } = resolveOptions(
    {
      dtype: options.dtype ?? (data instanceof Float32Array ? "float32" : undefined),
      device: options.device,
    },
    "create tensor",
  );
  let shape: readonly number[];
  let flat: ArrayLike<number>;
  if (typeof data === "number") {
    shape = [];
    flat = [data];
  } else if (isTyped) {
    flat = data as ArrayLike<number>;
    shape = [flat.length];
  } else if (Array.isArray(data)) {
    ({ shape, flat } = flattenNested(data as NestedArray));
  } else {
    throw new TypeError(
      `Cannot create tensor: data must be a number, nested arrays of numbers or a typed array, got ${
        describe(data)
      }`,
    );
  }
  if (options.shape !== undefined) {
    const wanted = checkShape(options.shape, "create tensor");
    if (sizeOf(wanted) !== flat.length) {
      throw new RangeError(
        `Cannot create tensor: shape ${fmtShape(wanted)} needs ${
          sizeOf(wanted)
        } elements, data has ${flat.length}`,
      );
    }
    shape = wanted;
  }
  return tensorFromStorage(device.backend.upload(flat, dtype), { shape, dtype, device });
}

/**
 * A tensor filled with one value.
 *
 * @param shape Shape of the result.
 * @param value Fill value.
 * @param options `dtype`, `device`.
 * @returns The filled tensor.
 *
 * @example
 * ```ts
 * import { full } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(full([2], 7).toArray(), [7, 7]);
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled(shape, value, options, "create full tensor");
}

/** `full`, `zeros` and `ones`, with the action their error messages name. */
function filled(
  shape: readonly number[],
  value: number,
  options: CreateOptions,
  action: string,
): Tensor {
  const checked = checkShape(shape, action);
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: value must be a number, got ${describe(value)}`);
  }
  const { dtype, device } = resolveOptions(options, action);
  const storage = device.backend.fill(sizeOf(checked), value, dtype);
  return tensorFromStorage(storage, { shape: checked, dtype, device });
}

/**
 * A tensor of zeros.
 *
 * @param shape Shape of the result.
 * @param options `dtype`, `device`.
 * @returns The zero tensor.
 *
 * @example
 * ```ts
 * import { zeros } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
 * ```
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled(shape, 0, options, "create zeros");
}

/**
 * A tensor of ones.
 *
 * @param shape Shape of the result.
 * @param options `dtype`, `device`.
 * @returns The tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(ones([3]).toArray(), [1, 1, 1]);
 * ```
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled(shape, 1, options, "create ones");
}

/** Options of `arange`. */
export interface ArangeOptions extends CreateOptions {
  /** Spacing between values (default 1, may be negative, never 0). */
  step?: number;
}

/**
 * Evenly spaced values `start, start + step, …` up to but excluding `stop`, as
 * `torch.arange`: element i is `start + i * step`. With one argument the
 * range is `[0, stop)`.
 *
 * @param start First value, or `stop` when `stop` is omitted.
 * @param stop End (exclusive).
 * @param options `step`, `dtype`, `device`.
 * @returns A 1-D tensor.
 *
 * @example
 * ```ts
 * import { arange } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(arange(4).toArray(), [0, 1, 2, 3]);
 * deepStrictEqual(arange(1, 2, { step: 0.25 }).toArray(), [1, 1.25, 1.5, 1.75]);
 * ```
 */
export function arange(start: number, stop?: number, options: ArangeOptions = {}): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  const step = options.step ?? 1;
  for (const [name, v] of [["start", from], ["stop", to], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot create arange: ${name} must be a finite number, got ${String(v)}`,
      );
    }
  }
  if (step === 0) throw new RangeError("Cannot create arange: step must not be 0");
  if ((to - from) / step < 0) {
    throw new RangeError(
      `Cannot create arange: step ${step} moves away from stop (start ${from}, stop ${to})`,
    );
  }
  const { dtype, device } = resolveOptions(options, "create arange");
  const n = Math.ceil((to - from) / step);
  checkShape([n], `create arange(${from}, ${to}, step ${step})`);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = from + i * step;
  return tensorFromStorage(device.backend.upload(values, dtype), { shape: [n], dtype, device });
}

/**
 * Joins tensors along an existing axis. All must share dtype, device and
 * every other dimension.
 *
 * @param tensors Tensors to join (at least one).
 * @param axis Axis to join along (default 0).
 * @returns The concatenation.
 *
 * @example
 * ```ts
 * import { concat, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(concat([tensor([[1]]), tensor([[2]])], 1).toArray(), [[1, 2]]);
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new RangeError("Cannot concat: expected a non-empty array of tensors, got none");
  }
  const first = tensors[0];
  if (first.rank === 0) throw new RangeError("Cannot concat: scalars have no axis to join along");
  const ax = axis < 0 ? axis + first.rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= first.rank) {
    throw new RangeError(
      `Cannot concat: axis ${axis} is out of range for tensors of rank ${first.rank}`,
    );
  }
  tensors.forEach((t: Tensor, i: number) => {
    if (t.dtype !== first.dtype || t.device !== first.device) {
      throw new TypeError(
        `Cannot concat: tensors[${i}] is ${t.dtype} on ${t.device.name}, tensors[0] is ${first.dtype} on ${first.device.name}`,
      );
    }
    if (
      t.rank !== first.rank ||
      t.shape.some((d: number, j: number) => j !== ax && d !== first.shape[j])
    ) {
      throw new TypeError(
        `Cannot concat: tensors[${i}] has shape ${fmtShape(t.shape)}, incompatible with ${
          fmtShape(first.shape)
        } along axis ${ax}`,
      );
    }
  });
  const outer = sizeOf(first.shape.slice(0, ax));
  const chunks = tensors.map((t) => sizeOf(t.shape.slice(ax)));
  const storage = first.device.backend.concat(
    tensors.map((t) => storageOf(t, "concat")),
    outer,
    chunks,
    first.dtype,
  );
  const shape = [...first.shape];
  shape[ax] = tensors.reduce((s, t) => s + t.shape[ax], 0);
  return tensorFromStorage(storage, { shape, dtype: first.dtype, device: first.device });
}
