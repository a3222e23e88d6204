// `np.dot(a, b)` for two C-ordered float64 matrices, dispatched as NumPy 1.24's
// cblas_matrixproduct does: each operand is a "scalar" (1 x 1), "row"
// (1 x m), "column" (m x 1) or "matrix", and the pair picks a scalar multiply
// (daxpy into zeros), ddot, dgemv or dgemm. The BLAS calls reproduce
// OpenBLAS's summation order (see _openblas_gemm.ts / _openblas_level2.ts).

import { openblasGemm } from "./_openblas_gemm.ts";
import { openblasDot, openblasGemvN, openblasGemvT } from "./_openblas_level2.ts";

type Kind = "scalar" | "row" | "column" | "matrix";

function operandKind(rows: number, cols: number): Kind {
  if (rows > 1) return cols === 1 ? "column" : "matrix";
  return cols === 1 ? "scalar" : "row";
}

/**
 * `a (n x k) @ b (k x t)` as NumPy computes it on the reference machine, with
 * OpenBLAS running `threads` threads. Returns the n x t result, row-major.
 * Vectors are 1 x k rows or k x 1 columns: a row times a column is NumPy's
 * ddot, a matrix times a column its dgemv, two matrices its dgemm, each in
 * OpenBLAS 0.3.21's SkylakeX summation order (bit for bit what NumPy 1.24
 * gives there; elsewhere the same up to rounding).
 *
 * @param a The left operand, n x k, row-major.
 * @param n Rows of `a`.
 * @param k Columns of `a`, rows of `b`.
 * @param b The right operand, k x t, row-major.
 * @param t Columns of `b`.
 * @param threads OpenBLAS's thread count in the run to reproduce.
 * @returns The n x t product, row-major.
 *
 * @example A dot product of two vectors
 * ```ts
 * import { npDot } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * const x = new Float64Array([1, 2, 3]);
 * strictEqual(npDot(x, 1, 3, new Float64Array([4, 5, 6]), 1, 1)[0], 32);
 * ```
 */
export function npDot(
  a: Float64Array,
  n: number,
  k: number,
  b: Float64Array,
  t: number,
  threads: number,
): Float64Array {
  if (n === 0 || t === 0) return new Float64Array(n * t);
  const ka = operandKind(n, k);
  const kb = operandKind(k, t);
  if (ka === "scalar" || kb === "scalar") {
    const [vector, value] = kb === "scalar" ? [a, b[0]] : [b, a[0]];
    const out = new Float64Array(n * t);
    if (out.length === 1) out[0] = vector[0] * value;
    else for (let i = 0; i < out.length; i++) out[i] = 0 + vector[i] * value;
    return out;
  }
  if (kb === "column" && ka !== "matrix") return new Float64Array([openblasDot(a, b, k)]);
  if (ka === "matrix" && kb !== "matrix") return openblasGemvT(a, n, k, b, threads);
  if (ka !== "matrix" && kb === "matrix") return openblasGemvN(a, b, k, t, threads);
  return openblasGemm(a, b, n, k, t, threads);
}
