/**
 * `kron`: the Kronecker product of two tensors of any rank, as `torch.kron`.
 *
 * @module
 */

import { kindOf } from "@glassbox/internal";
import { storageOf, Tensor } from "./tensor.ts";

/**
 * The Kronecker product, with `torch.kron`'s semantics: the operand of lower
 * rank gets leading axes of length 1, and then along every axis
 * `out[i·q + j] = a[i] · b[j]` (q the length of `b` on that axis), so the
 * result's shape is the product of the two shapes, axis by axis. For
 * matrices, each element `a[i][j]` becomes the block `a[i][j] · b`.
 *
 * Composed from a broadcast multiply of interleaved reshapes, so it runs on
 * every device.
 *
 * @param a Left operand.
 * @param b Right operand, of the same dtype and device.
 * @returns A new tensor of rank `max(a.rank, b.rank)`.
 * @throws {TypeError} Operands that are not tensors or differ in dtype or device.
 *
 * @example
 * ```ts
 * import { kron, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor([[0, 1], [1, 0]]);
 * deepStrictEqual(kron(a, b).toArray(), [
 *   [0, 1, 0, 2],
 *   [1, 0, 2, 0],
 *   [0, 3, 0, 4],
 *   [3, 0, 4, 0],
 * ]);
 * deepStrictEqual(kron(tensor([1, 10]), tensor([1, 2, 3])).toArray(), [1, 2, 3, 10, 20, 30]);
 * ```
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  for (const [name, t] of [["a", a], ["b", b]] as const) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`Cannot kron: ${name} is ${kindOf(t)}, expected a Tensor`);
    }
  }
  if (a.dtype !== b.dtype || a.device !== b.device) {
    throw new TypeError(
      `Cannot kron: a is ${a.dtype} on ${a.device.name} but b is ${b.dtype} on ${b.device.name}, ` +
        `expected one dtype and device`,
    );
  }
  storageOf(a, "kron"), storageOf(b, "kron"); // a disposed operand fails here, by name
  const rank = Math.max(a.rank, b.rank);
  const pad = (shape: readonly number[]): number[] => [
    ...new Array<number>(rank - shape.length).fill(1),
    ...shape,
  ];
  const sa = pad(a.shape), sb = pad(b.shape);
  // a as [p0, 1, p1, 1, …] times b as [1, q0, 1, q1, …] is [p0, q0, p1, q1, …],
  // whose row-major order is the Kronecker product's once each pair is merged.
  const ai = a.reshape(sa.flatMap((d) => [d, 1]));
  const bi = b.reshape(sb.flatMap((d) => [1, d]));
  let product: Tensor;
  try {
    product = ai.mul(bi);
  } finally {
    ai.dispose();
    bi.dispose();
  }
  const out = product.reshape(sa.map((d, i) => d * sb[i]));
  product.dispose();
  return out;
}
