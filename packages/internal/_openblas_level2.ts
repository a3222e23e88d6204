// Matrix-vector and vector-vector products in OpenBLAS 0.3.21's SkylakeX
// summation order (see _openblas_gemm.ts for the setting).
//
// dgemv_t (NumPy's `X @ v` for a C-ordered X): the feature axis is cut into
// blocks of 2048 (multiples of 4; the last 1-3 features are a scalar tail).
// Rows go four at a time through an AVX2 kernel that keeps 4 FMA lanes
// (lane = feature index mod 4) and reduces them as (l0 + l2) + (l1 + l3); a
// leftover pair of rows goes through an SSE2 kernel (2 lanes, separate
// multiply and add), a last single row through another (two 2-lane
// accumulators). With several threads and rows x features >= 9216 the rows
// are split between threads first, which changes where those leftovers fall.
//
// dgemv_n (a single row times a matrix, `x @ A`): for each output column,
// the inputs go four at a time into one FMA chain started from the product of
// the second (a1 x1, then a0 x0, a2 x2, a3 x3), each group's sum added to the
// output; a leftover pair likewise, a leftover single input as a rounded
// product. The last (outputs mod 4) outputs are plain FMA chains instead, or,
// when there are only 2 or 3 outputs, sums of paired products.
//
// ddot (a single row times a column): 4 x 8 FMA lanes over blocks of 32,
// folded to 4 x 4, 4 x 4 lanes over blocks of 16, summed, reduced as
// (l0 + l2) + (l1 + l3), then a scalar FMA tail.
//
// dgemv_t's 4x4 kernel and ddot run in WebAssembly with hardware FMA where
// the runtime fuses (_fma_wasm.ts), in the same order: the same bits.

import { fma } from "./fma.ts";
import { type FmaKernelExports, fmaKernels, layout } from "./_fma_wasm.ts";

const NBMAX = 2048;
const GEMV_THREAD_MIN = 2304 * 4; // m * n below this: one thread

/** The 4x4 kernel for one row: 4 FMA lanes, (l0 + l2) + (l1 + l3). */
function rowFour(a: Float64Array, base: number, x: Float64Array, f0: number, f1: number): number {
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  for (let f = f0; f < f1; f += 4) {
    l0 = fma(a[base + f], x[f], l0);
    l1 = fma(a[base + f + 1], x[f + 1], l1);
    l2 = fma(a[base + f + 2], x[f + 2], l2);
    l3 = fma(a[base + f + 3], x[f + 3], l3);
  }
  return (l0 + l2) + (l1 + l3);
}

/** The 4x2 kernel for one row: 2 lanes of rounded products, no FMA. */
function rowTwo(a: Float64Array, base: number, x: Float64Array, f0: number, f1: number): number {
  let l0 = 0, l1 = 0;
  for (let f = f0; f < f1; f += 2) {
    l0 += a[base + f] * x[f];
    l1 += a[base + f + 1] * x[f + 1];
  }
  return l0 + l1;
}

/** The 4x1 kernel: features 0,1 mod 4 in one 2-lane register, 2,3 mod 4 in another. */
function rowOne(a: Float64Array, base: number, x: Float64Array, f0: number, f1: number): number {
  let p0 = 0, p1 = 0, q0 = 0, q1 = 0;
  for (let f = f0; f < f1; f += 4) {
    p0 += a[base + f] * x[f];
    p1 += a[base + f + 1] * x[f + 1];
    q0 += a[base + f + 2] * x[f + 2];
    q1 += a[base + f + 3] * x[f + 3];
  }
  return (p0 + q0) + (p1 + q1);
}

/** Rows [r0, r1) through the 4x4 kernel, features [f0, f1): y[r] += rowFour(…). */
type FourRows = (r0: number, r1: number, f0: number, f1: number) => void;

/** One dgemv_t call on rows [r0, r1) of the row-major `rows x m` matrix. */
function gemvTCall(
  a: Float64Array,
  m: number,
  x: Float64Array,
  y: Float64Array,
  r0: number,
  r1: number,
  four: FourRows,
): void {
  const tail = m & 3;
  const mm = m - tail;
  const n = r1 - r0;
  const n4 = n & ~3;
  for (let f0 = 0; f0 < mm; f0 += NBMAX) {
    const f1 = Math.min(f0 + NBMAX, mm);
    four(r0, r0 + n4, f0, f1);
    for (let r = n4; r < n; r++) {
      const base = (r0 + r) * m;
      const v = (n & 2) !== 0 && r < n4 + 2
        ? rowTwo(a, base, x, f0, f1)
        : rowOne(a, base, x, f0, f1);
      y[r0 + r] += v;
    }
  }
  if (tail === 0) return;
  for (let r = r0; r < r1; r++) {
    const base = r * m + mm;
    if (tail === 1) {
      y[r] = fma(a[base], x[mm], y[r]);
    } else {
      let s = fma(a[base], x[mm], a[base + 1] * x[mm + 1]);
      if (tail === 3) s = fma(a[base + 2], x[mm + 2], s);
      y[r] += s;
    }
  }
}

/**
 * `a @ x` for a row-major `rows x m` matrix and an m-vector, as NumPy's
 * cblas_dgemv(RowMajor, NoTrans) runs on OpenBLAS with `threads` threads.
 * `kernels`: the checked WebAssembly kernels by default; null for TypeScript only.
 */
export function openblasGemvT(
  a: Float64Array,
  rows: number,
  m: number,
  x: Float64Array,
  threads: number,
  kernels: FmaKernelExports | null = fmaKernels(),
): Float64Array {
  const y = new Float64Array(rows);
  if (rows === 0 || m === 0) return y;
  const at = kernels === null ? null : layout(kernels, a.length, x.length, rows);
  if (kernels === null || at === null) {
    const four: FourRows = (r0, r1, f0, f1) => {
      for (let r = r0; r < r1; r++) y[r] += rowFour(a, r * m, x, f0, f1);
    };
    for (const [from, to] of threadRanges(rows, rows * m, threads)) {
      gemvTCall(a, m, x, y, from, to, four);
    }
    return y;
  }
  const buffer = kernels.memory.buffer;
  const av = new Float64Array(buffer, at.a, a.length);
  av.set(a);
  const xv = new Float64Array(buffer, at.b, x.length);
  xv.set(x);
  const yv = new Float64Array(buffer, at.c, rows).fill(0);
  const four: FourRows = (r0, r1, f0, f1) => kernels.rows4(at.a, at.b, at.c, m, r0, r1, f0, f1);
  for (const [from, to] of threadRanges(rows, rows * m, threads)) {
    gemvTCall(av, m, xv, yv, from, to, four);
  }
  return yv.slice();
}

/** A last output of dgemv_n: one FMA chain over the inputs. */
function chainTail(a: Float64Array, n: number, m: number, c: number, x: Float64Array): number {
  let t = 0;
  for (let i = 0; i < n; i++) t = fma(a[i * m + c], x[i], t);
  return t;
}

/** The same when A has only 2 or 3 columns (lda == m): inputs in pairs, `t + fma(a0, x0, a1 x1)`. */
function pairedTail(a: Float64Array, n: number, m: number, c: number, x: Float64Array): number {
  let t = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    t += fma(a[i * m + c], x[i], a[(i + 1) * m + c] * x[i + 1]);
    t += fma(a[(i + 2) * m + c], x[i + 2], a[(i + 3) * m + c] * x[i + 3]);
  }
  for (; i < n; i++) t = fma(a[i * m + c], x[i], t);
  return t;
}

/** One dgemv_n call on outputs [c0, c1) of `x @ A` (A row-major, `n x m`). */
function gemvNCall(
  a: Float64Array,
  n: number,
  m: number,
  x: Float64Array,
  y: Float64Array,
  c0: number,
  c1: number,
): void {
  const tailStart = c0 + ((c1 - c0) & ~3);
  for (let c = c0; c < c1; c++) {
    if (c >= tailStart) {
      y[c] += m === 2 || m === 3 ? pairedTail(a, n, m, c, x) : chainTail(a, n, m, c, x);
      continue;
    }
    let acc = 0;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      let t = a[(i + 1) * m + c] * x[i + 1];
      t = fma(a[i * m + c], x[i], t);
      t = fma(a[(i + 2) * m + c], x[i + 2], t);
      t = fma(a[(i + 3) * m + c], x[i + 3], t);
      acc += t;
    }
    if (n - i >= 2) {
      acc += fma(a[i * m + c], x[i], a[(i + 1) * m + c] * x[i + 1]);
      i += 2;
    }
    if (n - i === 1) acc += a[i * m + c] * x[i];
    y[c] = acc;
  }
}

/**
 * `x @ a` for an n-vector and a row-major `n x m` matrix, as NumPy's
 * cblas_dgemv(RowMajor, Trans) runs on OpenBLAS with `threads` threads.
 */
export function openblasGemvN(
  x: Float64Array,
  a: Float64Array,
  n: number,
  m: number,
  threads: number,
): Float64Array {
  const y = new Float64Array(m);
  if (n === 0 || m === 0) return y;
  for (const [from, to] of threadRanges(m, n * m, threads)) gemvNCall(a, n, m, x, y, from, to);
  return y;
}

/** gemv_thread.c's split of `count` outputs: ceil(remaining / threads left), at least 4. */
function threadRanges(count: number, work: number, threads: number): [number, number][] {
  if (threads <= 1 || work < GEMV_THREAD_MIN) return [[0, count]];
  const ranges: [number, number][] = [];
  let from = 0;
  for (let cpu = 0, rest = count; rest > 0; cpu++) {
    let width = Math.floor((rest + threads - cpu - 1) / (threads - cpu));
    if (width < 4) width = 4;
    if (rest < width) width = rest;
    ranges.push([from, from + width]);
    from += width;
    rest -= width;
  }
  return ranges;
}

/**
 * ddot_k for two contiguous n-vectors (single thread, n <= 10000).
 * `kernels`: the checked WebAssembly kernels by default; null for TypeScript only.
 */
export function openblasDot(
  x: Float64Array,
  y: Float64Array,
  n: number,
  kernels: FmaKernelExports | null = fmaKernels(),
): number {
  const at = kernels === null ? null : layout(kernels, n, n, 0);
  if (kernels !== null && at !== null) {
    const buffer = kernels.memory.buffer;
    new Float64Array(buffer, at.a, n).set(x.subarray(0, n));
    new Float64Array(buffer, at.b, n).set(y.subarray(0, n));
    return kernels.ddot(at.a, at.b, n);
  }
  const n16 = n & ~15;
  let dot = 0;
  if (n16 > 0) {
    const n32 = n16 & ~31;
    const z = new Array<number>(32).fill(0); // 4 zmm accumulators of 8 lanes
    for (let i = 0; i < n32; i += 32) {
      for (let l = 0; l < 32; l++) z[l] = fma(x[i + l], y[i + l], z[l]);
    }
    // Fold each zmm to a ymm: lane j + lane j + 4.
    const w = new Array<number>(16);
    for (let r = 0; r < 4; r++) {
      for (let j = 0; j < 4; j++) w[r * 4 + j] = z[r * 8 + j] + z[r * 8 + j + 4];
    }
    for (let i = n32; i < n16; i += 16) {
      for (let l = 0; l < 16; l++) w[l] = fma(x[i + l], y[i + l], w[l]);
    }
    const s = [0, 1, 2, 3].map((j) => ((w[j] + w[4 + j]) + w[8 + j]) + w[12 + j]);
    dot = (s[0] + s[2]) + (s[1] + s[3]);
  }
  for (let i = n16; i < n; i++) dot = fma(x[i], y[i], dot);
  return dot;
}
