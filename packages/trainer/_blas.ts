/**
 * The dense linear algebra of SciPy's BFGS: `np.dot` of two vectors, of a
 * matrix and a vector, and of two matrices (row-major n×n) — NumPy hands
 * these to OpenBLAS, whose blocked, fused multiply-add summation order
 * `npDot` reproduces — and the norms of SciPy's `vecnorm`.
 *
 * @module
 */

import { npDot } from "@glassbox/datasets";

/** NumPy's products as OpenBLAS computes them with a given thread count. */
export interface Blas {
  /** `np.dot(a, b)` of two vectors (ddot). */
  dot(a: Float64Array, b: Float64Array): number;
  /** `np.dot(H, v)` for the n×n row-major H (dgemv). */
  matVec(h: Float64Array, v: Float64Array): Float64Array;
  /** `np.dot(A, B)` for n×n row-major matrices (dgemm). */
  matMul(a: Float64Array, b: Float64Array, n: number): Float64Array;
}

/** NumPy 1.24's `np.dot` on OpenBLAS running `threads` threads, in its summation order. */
export function numpyBlas(threads: number): Blas {
  return {
    dot: (a, b) => npDot(a, 1, a.length, b, 1, threads)[0],
    matVec: (h, v) => npDot(h, v.length, v.length, v, 1, threads),
    matMul: (a, b, n) => npDot(a, n, n, b, n, threads),
  };
}

/** numpy's pairwise sum of a contiguous float64 array (`np.sum`). */
export function pairwiseSum(a: Float64Array, start = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * SciPy's `vecnorm(x, ord)`: the largest |xᵢ| for ord = ∞, the smallest for
 * −∞, otherwise (Σ|xᵢ|^ord)^(1/ord) with numpy's pairwise sum.
 */
export function vecnorm(x: Float64Array, ord: number): number {
  if (ord === Infinity || ord === -Infinity) {
    // np.amax / np.amin propagate NaN.
    let m = ord === Infinity ? -Infinity : Infinity;
    for (let i = 0; i < x.length; i++) {
      const v = Math.abs(x[i]);
      if (v !== v) return NaN;
      if (ord === Infinity ? v > m : v < m) m = v;
    }
    return m;
  }
  const powered = x.map((v) => {
    const a = Math.abs(v);
    return ord === 2 ? a * a : ord === 1 ? a : Math.pow(a, ord);
  });
  const sum = pairwiseSum(powered);
  const inv = 1.0 / ord;
  return inv === 0.5 ? Math.sqrt(sum) : inv === 1 ? sum : Math.pow(sum, inv);
}
