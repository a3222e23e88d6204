// scikit-learn's make_low_rank_matrix: U diag(s) V^T with U and V the Q
// factors of Gaussian matrices (scipy.linalg.qr, mode "economic") and a
// bell-shaped singular profile. The Gaussian draws are NumPy's, exactly. The
// QR factorisations follow LAPACK's Householder convention (dlarfg: the
// reflector maps x to -sign(x0) |x| e0; dorg2r forms Q) so that Q matches
// SciPy's up to rounding, but LAPACK's blocked code and OpenBLAS kernels add
// terms in other orders: the result agrees with scikit-learn to about 1e-13
// relative to the largest entry, not bit for bit (see the package README).

import type { RandomState } from "@glassbox/tensor";

/** The thin Q factor (rows x cols, rows >= cols) of a row-major matrix, by Householder reflections. */
function householderQ(a: Float64Array, rows: number, cols: number): Float64Array {
  const tau = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let norm2 = 0;
    for (let i = j + 1; i < rows; i++) norm2 += a[i * cols + j] * a[i * cols + j];
    const alpha = a[j * cols + j];
    if (norm2 === 0) continue; // H = I
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, Math.sqrt(norm2));
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < rows; i++) a[i * cols + j] *= scale;
    a[j * cols + j] = beta;
    // Apply H = I - tau v v^T (v = [1, a[j+1:, j]]) to the columns on the right.
    for (let c = j + 1; c < cols; c++) {
      let w = a[j * cols + c];
      for (let i = j + 1; i < rows; i++) w += a[i * cols + j] * a[i * cols + c];
      w *= tau[j];
      a[j * cols + c] -= w;
      for (let i = j + 1; i < rows; i++) a[i * cols + c] -= w * a[i * cols + j];
    }
  }
  // dorg2r: Q = H_0 H_1 ... H_{cols-1} applied to the first cols columns of I.
  const q = new Float64Array(rows * cols);
  for (let j = cols - 1; j >= 0; j--) {
    if (j < cols - 1) {
      q[j * cols + j] = 1;
      for (let c = j + 1; c < cols; c++) {
        let w = q[j * cols + c];
        for (let i = j + 1; i < rows; i++) w += a[i * cols + j] * q[i * cols + c];
        w *= tau[j];
        q[j * cols + c] -= w;
        for (let i = j + 1; i < rows; i++) q[i * cols + c] -= w * a[i * cols + j];
      }
    }
    for (let i = j + 1; i < rows; i++) q[i * cols + j] = -tau[j] * a[i * cols + j];
    q[j * cols + j] = 1 - tau[j];
  }
  return q;
}

/** make_low_rank_matrix(n_samples, n_features, effective_rank, tail_strength, random_state). */
export function lowRankMatrix(
  rs: RandomState,
  nSamples: number,
  nFeatures: number,
  effectiveRank: number,
  tailStrength: number,
): Float64Array {
  const n = Math.min(nSamples, nFeatures);
  const u = householderQ(rs.standardNormal([nSamples, n]), nSamples, n);
  const v = householderQ(rs.standardNormal([nFeatures, n]), nFeatures, n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lowRank = (1 - tailStrength) * Math.exp(-1.0 * (i / effectiveRank) ** 2);
    const tail = tailStrength * Math.exp((-0.1 * i) / effectiveRank);
    s[i] = lowRank + tail;
  }
  const x = new Float64Array(nSamples * nFeatures);
  for (let r = 0; r < nSamples; r++) {
    for (let c = 0; c < nFeatures; c++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += u[r * n + k] * s[k] * v[c * n + k];
      x[r * nFeatures + c] = sum;
    }
  }
  return x;
}
