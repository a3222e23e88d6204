/**
 * `eye`: the identity matrix, as `torch.eye`.
 *
 * @module
 */

import { type CreateOptions, resolveOptions } from "./creation.ts";
import { checkShape } from "./_shape.ts";
import { type Tensor, tensorFromStorage } from "./tensor.ts";

/**
 * A 2-D tensor with ones on the main diagonal and zeros elsewhere, as
 * `torch.eye(n, m)`: `n` rows and `m` columns (default `m = n`).
 *
 * @param n Number of rows, a non-negative integer.
 * @param m Number of columns, a non-negative integer (default `n`).
 * @param options `dtype`, `device`.
 * @returns An `[n, m]` tensor.
 * @throws {RangeError} `n` or `m` that is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { eye } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(eye(2).toArray(), [[1, 0], [0, 1]]);
 * deepStrictEqual(eye(2, 3, { dtype: "float32" }).toArray(), [[1, 0, 0], [0, 1, 0]]);
 * ```
 */
export function eye(n: number, m?: number, options: CreateOptions = {}): Tensor {
  const cols = m ?? n;
  for (const [name, v] of [["n", n], ["m", cols]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new RangeError(
        `Cannot create eye: ${name} is ${String(v)}, expected a non-negative integer`,
      );
    }
  }
  checkShape([n, cols], "create eye");
  const { dtype, device } = resolveOptions(options, "create eye");
  const values = new Float64Array(n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) values[i * cols + i] = 1;
  return tensorFromStorage(device.backend.upload(values, dtype), {
    shape: [n, cols],
    dtype,
    device,
  });
}
