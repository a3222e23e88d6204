/**
 * The dense linear algebra of SciPy's BFGS: `np.dot` of two vectors, of a
 * matrix and a vector, and of two matrices (row-major n×n) — NumPy hands
 * these to OpenBLAS, whose blocked, fused multiply-add summation order
 * `npDot` reproduces — and the norms of SciPy's `vecnorm`.
 *
 * @module
 */

import { npDot } from "@glassbox/internal";

/** The linear algebra of one BFGS run. */
export interface Blas {
  /** `np.dot(a, b)` of two vectors. */
  dot(a: Float64Array, b: Float64Array): number;
  /** `np.dot(H, v)` for the n×n row-major H. */
  matVec(h: Float64Array, v: Float64Array): Float64Array;
  /** The inverse-Hessian update (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ. */
  update(h: Float64Array, s: Float64Array, y: Float64Array, rho: number): Float64Array;
}

/** I − rho·a bᵀ, row-major (NumPy: `I - a[:, None] * b[None, :] * rho`). */
function rankOneFromIdentity(a: Float64Array, b: Float64Array, rho: number): Float64Array {
  const n = a.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ai = a[i];
    const row = i * n;
    for (let j = 0; j < n; j++) out[row + j] = 0 - ai * b[j] * rho;
    out[row + i] = 1 - ai * b[i] * rho;
  }
  return out;
}

/**
 * NumPy 1.24's `np.dot` on OpenBLAS running `threads` threads, in its
 * summation order, and SciPy's update written as SciPy writes it:
 * `A1 @ (Hk @ A2) + rhok * s[:, None] * s[None, :]` — two n×n matrix
 * products, O(n³) fused multiply-adds (hardware FMA through WebAssembly
 * where the runtime fuses, else emulated in software: the same bits).
 */
export function numpyBlas(threads: number): Blas {
  return {
    dot: (a, b) => npDot(a, 1, a.length, b, 1, threads)[0],
    matVec: (h, v) => npDot(h, v.length, v.length, v, 1, threads),
    update(h, s, y, rho) {
      const n = s.length;
      const a1 = rankOneFromIdentity(s, y, rho);
      const a2 = rankOneFromIdentity(y, s, rho);
      const next = npDot(a1, n, n, npDot(h, n, n, a2, n, threads), n, threads);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) next[i * n + j] += rho * s[i] * s[j];
      }
      return next;
    },
  };
}

/**
 * Plain double arithmetic in index order, and the same update in O(n²):
 * with u = H y, v = Hᵀ y, H' = H − ρ (u sᵀ + s vᵀ) + (ρ² yᵀHy + ρ) s sᵀ.
 * Equal to `numpyBlas` up to rounding.
 */
export function plainBlas(): Blas {
  const dot = (a: Float64Array, b: Float64Array): number => {
    let acc = 0;
    for (let i = 0; i < a.length; i++) acc += a[i] * b[i];
    return acc;
  };
  const matVec = (h: Float64Array, v: Float64Array): Float64Array => {
    const n = v.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += h[i * n + j] * v[j];
      out[i] = acc;
    }
    return out;
  };
  return {
    dot,
    matVec,
    update(h, s, y, rho) {
      const n = s.length;
      const u = matVec(h, y);
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) v[j] += y[i] * h[i * n + j];
      }
      const ss = rho * rho * dot(y, u) + rho;
      const next = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          next[i * n + j] = h[i * n + j] - rho * (u[i] * s[j] + s[i] * v[j]) + ss * s[i] * s[j];
        }
      }
      return next;
    },
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
