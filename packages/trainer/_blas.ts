/**
 * The dense linear algebra of SciPy's BFGS: `np.dot` of two vectors, of a
 * matrix and a vector, and of two matrices (row-major n×n), and the norms of
 * its `vecnorm`.
 *
 * @module
 */

/** The dot product of two vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** H·v for the n×n row-major matrix H. */
export function matVec(h: Float64Array, v: Float64Array): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += h[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** A·B for n×n row-major matrices. */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
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
