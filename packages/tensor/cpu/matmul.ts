// CPU matrix product: packed panels and a 4×4 register-blocked micro-kernel.
//
// op(A) (m×k) and op(B) (k×n) are copied, KC columns of k at a time, into
// panels laid out in the order the micro-kernel reads them. Packing is where
// the transpose flags are honoured, so `Aᵀ·B` and `A·Bᵀ` run the same inner
// loop as `A·B` and never allocate a transposed matrix. Accumulation is in
// float64 for both dtypes; float32 results are rounded when stored, once per
// KC-deep block of k (once in all when k ≤ KC).
//
// The CPU backend passes the WebAssembly SIMD kernel (../wasm/gemm.ts, same blocking,
// float32 accumulated in float32, split across worker threads when large and
// bit-identical to one thread) as `fast` when kernel_choice.ts picks it; this file stays
// the reference and the fallback for a batch the fast kernel declines.

import type { TypedArray } from "../dtype.ts";
import type { MatmulInfo } from "../backend.ts";

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;

/** Below this many multiply-adds the packing costs more than it saves. */
const SMALL = 4096;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * 64);

/**
 * Another kernel for one batch of `out[co…] = op(A) · op(B)` (+ bias): true when it wrote
 * the batch, false (nothing written) when it declines.
 */
export type GemmBatch = (
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  info: MatmulInfo,
) => boolean;

/**
 * Computes every batch of `out = op(A) · op(B)`, writing every element (`out` may hold old
 * values): with `fast` where it accepts a batch, else in TypeScript.
 */
export function cpuMatmul(
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  info: MatmulInfo,
  fast?: GemmBatch,
): void {
  const { m, n, k } = info;
  const work = m * n * k;
  for (let batch = 0; batch < info.aOffsets.length; batch++) {
    const ao = info.aOffsets[batch];
    const bo = info.bOffsets[batch];
    const co = batch * m * n;
    if (fast !== undefined && fast(a, ao, b, bo, out, co, info)) continue; // bias included
    if (work <= SMALL) {
      matmulSmall(a, ao, b, bo, out, co, info);
    } else {
      out.fill(0, co, co + m * n); // the packed kernel accumulates into C
      matmulPacked(a, ao, b, bo, out, co, info);
    }
    if (info.bias !== undefined) addRows(out, co, m, n, info.bias as TypedArray);
  }
}

/** `out[co + i·n + j] += bias[j]` for every row i < m: a dense layer's + b. */
function addRows(out: TypedArray, co: number, m: number, n: number, bias: TypedArray): void {
  for (let i = 0, row = co; i < m; i++, row += n) {
    for (let j = 0; j < n; j++) out[row + j] += bias[j];
  }
}

function matmulSmall(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  { m, n, k, transposeA, transposeB }: MatmulInfo,
): void {
  // Element strides of op(A) and op(B) along their rows and columns.
  const aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n, bCol = transposeB ? k : 1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ao + i * aRow + p * aCol] * b[bo + p * bRow + j * bCol];
      out[co + i * n + j] = s;
    }
  }
}

function matmulPacked(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  { m, n, k, transposeA, transposeB }: MatmulInfo,
): void {
  const aRow = transposeA ? 1 : k, aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n, bCol = transposeB ? k : 1;
  const nPanels = Math.ceil(n / NR);
  if (packB.length < KC * nPanels * NR) packB = new Float64Array(KC * nPanels * NR);
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  const pa = packA, pb = packB;

  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    // Pack op(B)[pc:pc+kc, :] into column panels of NR, zero-padded.
    for (let jp = 0; jp < nPanels; jp++) {
      const base = jp * kc * NR;
      for (let jj = 0; jj < NR; jj++) {
        const j = jp * NR + jj;
        if (j < n) {
          let src = bo + pc * bRow + j * bCol;
          for (let p = 0; p < kc; p++, src += bRow) pb[base + p * NR + jj] = b[src];
        } else {
          for (let p = 0; p < kc; p++) pb[base + p * NR + jj] = 0;
        }
      }
    }
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      const mPanels = Math.ceil(mc / MR);
      // Pack op(A)[ic:ic+mc, pc:pc+kc] into row panels of MR, zero-padded.
      for (let ip = 0; ip < mPanels; ip++) {
        const base = ip * kc * MR;
        for (let ii = 0; ii < MR; ii++) {
          const i = ic + ip * MR + ii;
          if (i < ic + mc) {
            let src = ao + i * aRow + pc * aCol;
            for (let p = 0; p < kc; p++, src += aCol) pa[base + p * MR + ii] = a[src];
          } else {
            for (let p = 0; p < kc; p++) pa[base + p * MR + ii] = 0;
          }
        }
      }
      for (let ip = 0; ip < mPanels; ip++) {
        const i0 = ic + ip * MR;
        const rows = Math.min(MR, m - i0);
        for (let jp = 0; jp < nPanels; jp++) {
          const j0 = jp * NR;
          microKernel(
            pa,
            ip * kc * MR,
            pb,
            jp * kc * NR,
            kc,
            out,
            co + i0 * n + j0,
            n,
            rows,
            Math.min(NR, n - j0),
          );
        }
      }
    }
  }
}

/** C[0:rows, 0:cols] += Ap · Bp for one MR×NR tile over `kc` packed steps. */
function microKernel(
  pa: Float64Array,
  aBase: number,
  pb: Float64Array,
  bBase: number,
  kc: number,
  out: TypedArray,
  cBase: number,
  ldc: number,
  rows: number,
  cols: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ai = aBase, bi = bBase;
  for (let p = 0; p < kc; p++, ai += MR, bi += NR) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
    const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    let c = cBase;
    out[c] += c00, out[c + 1] += c01, out[c + 2] += c02, out[c + 3] += c03;
    c += ldc;
    out[c] += c10, out[c + 1] += c11, out[c + 2] += c12, out[c + 3] += c13;
    c += ldc;
    out[c] += c20, out[c + 1] += c21, out[c + 2] += c22, out[c + 3] += c23;
    c += ldc;
    out[c] += c30, out[c + 1] += c31, out[c + 2] += c32, out[c + 3] += c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < cols; s++) out[cBase + r * ldc + s] += tile[r * NR + s];
  }
}
