// Shape arithmetic shared by the Tensor class and the backends: validation,
// element counts, row-major strides, NumPy broadcasting and axis handling.

import { fmtShape, sizeOf } from "@glassbox/internal";

// Element counts and strides are @glassbox/internal's (the WebGPU backend uses them too);
// the tensor files take them from here with the rest of the shape arithmetic.
export { broadcastStrides, sizeOf, stridesOf } from "@glassbox/internal";

/**
 * The most dimensions a tensor may have. PyTorch's kernels take up to 25 for
 * most operations; 32 leaves room while keeping every recursive walk over a
 * shape (printing, nesting, broadcasting) shallow.
 */
export const MAX_RANK = 32;

/** The most elements a tensor may hold: the longest typed array every runtime allocates. */
export const MAX_ELEMENTS = 2 ** 32 - 1;

/**
 * Checks that `shape` is an array of non-negative integers, of rank at most
 * `MAX_RANK` and at most `MAX_ELEMENTS` elements; returns a frozen copy.
 */
export function checkShape(shape: unknown, action: string): readonly number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(
      `Cannot ${action}: shape must be an array of non-negative integers, got ${String(shape)}`,
    );
  }
  if (shape.length > MAX_RANK) {
    throw new RangeError(
      `Cannot ${action}: shape has ${shape.length} dimensions, expected at most ${MAX_RANK}`,
    );
  }
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `Cannot ${action}: shape ${fmtShape(shape)} has an invalid dimension ${
          String(d)
        }, expected non-negative integers`,
      );
    }
  }
  const size = sizeOf(shape as number[]);
  if (size > MAX_ELEMENTS) {
    throw new RangeError(
      `Cannot ${action}: shape ${fmtShape(shape)} holds ${size.toExponential(3)} elements, ` +
        `expected at most ${MAX_ELEMENTS} (2^32 - 1)`,
    );
  }
  return Object.freeze([...shape]);
}

/** NumPy broadcasting: the shape two operands broadcast to, or a TypeError. */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
  action: string,
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // Missing leading axes count as 1 (tested, not read: a negative index is a slow lookup).
  const skipA = n - a.length, skipB = n - b.length;
  for (let i = 0; i < n; i++) {
    const da = i < skipA ? 1 : a[i - skipA];
    const db = i < skipB ? 1 : b[i - skipB];
    if (da !== db && da !== 1 && db !== 1) {
      throw new TypeError(
        `Cannot ${action}: shapes ${fmtShape(a)} and ${
          fmtShape(b)
        } are not broadcastable (dimension ${i} of the result: ${da} != ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against `rank`, or throws a RangeError. */
export function normalizeAxis(axis: number, rank: number, action: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(
      `Cannot ${action}: axis ${axis} is out of range for a tensor of rank ${rank}, expected an integer in [${-rank}, ${
        rank - 1
      }]`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Splits `shape` around `axis` into [outer, length, inner] element counts. */
export function splitAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}
