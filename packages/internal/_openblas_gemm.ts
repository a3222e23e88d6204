// `C = A @ B` for row-major float64 matrices, summed in exactly the order
// that NumPy 1.24's `np.dot` gets from OpenBLAS 0.3.21 (Debian's
// libopenblas0-pthread, DYNAMIC_ARCH) on an AVX-512 "SkylakeX" CPU.
//
// NumPy calls cblas_dgemm(RowMajor, NoTrans, NoTrans, n, t, k), which
// OpenBLAS turns into the column-major product C' (t x n) = B' (t x k) A' (k x n):
// its "M" is NumPy's column count t, its "N" NumPy's row count n. Every entry
// is a k-term dot product; what differs is how the terms are grouped:
//
// - M*N*K <= 1e6: the "small matrix" kernel (dgemm_small_kernel_b0_nn). One
//   FMA chain per entry, except when the last M % 8 columns number 1 to 4 and
//   K >= 16: then 8 k-lanes are accumulated and reduced either by the
//   REDUCE_4 shuffle tree or by GCC's _mm512_reduce_add_pd.
// - larger: the packed kernel (dgemm_kernel_16x2_skylakex) under level3.c
//   (one thread) or level3_thread.c (several). A call of the kernel that
//   covers 12 or more columns of B at once treats its M % 8 remainder rows
//   specially: 4 rows accumulate k in 2 interleaved chains, 2 rows and 1 row
//   in 4 chains. Which calls are that wide depends on the thread partition,
//   so the OpenBLAS thread count is a parameter.
// - K is cut into blocks of at most GEMM_Q = 384; block sums are added in order.
//
// Constants measured on the reference machine: GEMM_P 192, GEMM_Q 384,
// GEMM_R 43472, unroll 16 x 2, SWITCH_RATIO 2, DIVIDE_RATE 2.
//
// The chains run in WebAssembly with hardware FMA where the runtime fuses
// relaxed SIMD's multiply-add (_fma_wasm.ts checks at load), else here with
// the software fma: the same order of operations, the same bits.

import { fma } from "./fma.ts";
import { type FmaKernelExports, fmaKernels, layout } from "./_fma_wasm.ts";

const GEMM_P = 192;
const GEMM_Q = 384;
const GEMM_R = 43472;
const UNROLL_M = 16;
const UNROLL_N = 2;
const SWITCH_RATIO = 2;
const DIVIDE_RATE = 2;
const SMALL_MNK = 1e6;

const EMPTY = new Float64Array(0);

/** Operands in the column-major view: A'(i, k) = b[k * t + i], B'(k, j) = a[j * k + kk]. */
interface Operands {
  a: Float64Array; // NumPy's left matrix, n x k, row-major
  b: Float64Array; // NumPy's right matrix, k x t, row-major
  c: Float64Array; // result, n x t, row-major
  k: number;
  t: number;
}

/** One FMA chain over k in [k0, k1) for C(row j, column i). */
function chain(o: Operands, i: number, j: number, k0: number, k1: number): number {
  const { a, b, t, k } = o;
  let acc = 0;
  for (let kk = k0, ai = j * k + k0, bi = k0 * t + i; kk < k1; kk++, ai++, bi += t) {
    acc = fma(b[bi], a[ai], acc);
  }
  return acc;
}

/** `lanes` interleaved FMA chains over k in [k0, k0 + full), reduced pairwise, then a tail chain. */
function laned(o: Operands, i: number, j: number, k0: number, k1: number, lanes: 2 | 4): number {
  const { a, b, t, k } = o;
  const full = (k1 - k0) - ((k1 - k0) % lanes);
  const acc = [0, 0, 0, 0];
  let kk = k0;
  for (; kk < k0 + full; kk++) {
    const l = (kk - k0) % lanes;
    acc[l] = fma(b[kk * t + i], a[j * k + kk], acc[l]);
  }
  let s = full === 0 ? 0 : lanes === 2 ? acc[0] + acc[1] : (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; kk < k1; kk++) s = fma(b[kk * t + i], a[j * k + kk], s);
  return s;
}

/** The 8 k-lane accumulators of the small kernel's dot-like path. */
function eightLanes(o: Operands, i: number, j: number): number[] {
  const { a, b, t, k } = o;
  const acc = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let kk = 0; kk < k; kk++) acc[kk & 7] = fma(b[kk * t + i], a[j * k + kk], acc[kk & 7]);
  return acc;
}

/** The inner loops, over the result `c` (n x t, row-major). */
interface Inner {
  c: Float64Array;
  /** C(j, i) for j in [j0, j1), i in [i0, i1) = one FMA chain over [k0, k1), or += it (`add`). */
  chains(
    j0: number,
    j1: number,
    i0: number,
    i1: number,
    k0: number,
    k1: number,
    add: boolean,
  ): void;
  /** C(j, i) += `laned` over [k0, k1). */
  laned(i: number, j: number, k0: number, k1: number, lanes: 2 | 4): void;
  /** The small kernel's 8 k-lanes of C(j, i). */
  eight(i: number, j: number): ArrayLike<number>;
}

/** The loops above, with the software fma. */
function scriptInner(o: Operands): Inner {
  const { c, t } = o;
  return {
    c,
    chains(j0, j1, i0, i1, k0, k1, add) {
      for (let j = j0; j < j1; j++) {
        for (let i = i0; i < i1; i++) {
          const v = chain(o, i, j, k0, k1);
          if (add) c[j * t + i] += v;
          else c[j * t + i] = v;
        }
      }
    },
    laned(i, j, k0, k1, lanes) {
      c[j * t + i] += laned(o, i, j, k0, k1, lanes);
    },
    eight: (i, j) => eightLanes(o, i, j),
  };
}

/** The same loops in WebAssembly (operands copied into its memory); null if they do not fit. */
function wasmInner(w: FmaKernelExports, o: Operands, n: number): Inner | null {
  const { a, b, k, t } = o;
  const at = layout(w, a.length, b.length, n * t);
  if (at === null) return null;
  const buffer = w.memory.buffer;
  new Float64Array(buffer, at.a, a.length).set(a);
  new Float64Array(buffer, at.b, b.length).set(b);
  const c = new Float64Array(buffer, at.c, n * t).fill(0);
  const lanes = new Float64Array(buffer, at.scratch, 8);
  return {
    c,
    chains(j0, j1, i0, i1, k0, k1, add) {
      w.chains(at.a, at.b, at.c, k, t, j0, j1, i0, i1, k0, k1, add ? 1 : 0);
    },
    laned(i, j, k0, k1, count) {
      w.laned(at.a, at.b, at.c, k, t, i, j, k0, k1, count);
    },
    eight(i, j) {
      w.eight(at.a, at.b, at.scratch, k, t, i, j);
      return lanes;
    },
  };
}

/** REDUCE_4's shuffle tree (and the 256-bit halves added last). */
function tree4(l: ArrayLike<number>): number {
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

/** GCC's _mm512_reduce_add_pd: high 256 + low 256, then 128-bit halves, then the pair. */
function reduceAdd(l: ArrayLike<number>): number {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

/** dgemm_small_kernel_b0_nn_skylakex with M = t, N = n, K = k. */
function smallKernel(o: Operands, n: number, inner: Inner): void {
  const { t: M, k: K } = o;
  const { c } = inner;
  const m8 = M & ~7;
  const mm = M - m8;
  const dotLike = mm > 0 && mm <= 4 && K >= 16;
  const n4 = n & ~3;
  inner.chains(0, n, 0, dotLike ? m8 : M, 0, K, false);
  if (!dotLike) return;
  for (let j = 0; j < n; j++) {
    for (let i = m8; i < M; i++) {
      const lanes = inner.eight(i, j);
      c[j * M + i] = mm === 4 || j < n4 ? tree4(lanes) : reduceAdd(lanes);
    }
  }
}

/**
 * One call of the packed kernel on rows [m0, m0 + mc) of C' (NumPy columns),
 * columns [n0, n0 + nc) (NumPy rows) and k in [k0, k1), adding into C.
 * `wide` says whether the call is made with a full B panel (its 12-column
 * blocks take the interleaved paths) or with a 6-column packing chunk.
 */
function kernelCall(
  inner: Inner,
  m0: number,
  mc: number,
  n0: number,
  nc: number,
  k0: number,
  k1: number,
  wide: boolean,
): void {
  const m8 = mc & ~7;
  const twelve = wide ? nc - (nc % 12) : 0;
  // Columns from `twelve` on: plain chains; before: chains on the 16- and 8-row blocks, and
  // the remainder rows (4, then 2, then 1) interleaved.
  inner.chains(n0 + twelve, n0 + nc, m0, m0 + mc, k0, k1, true);
  inner.chains(n0, n0 + twelve, m0, m0 + m8, k0, k1, true);
  const rest = mc - m8;
  for (let jj = 0; jj < twelve; jj++) {
    for (let ii = m8; ii < mc; ii++) {
      const inFour = rest >= 4 && ii < m8 + 4;
      inner.laned(m0 + ii, n0 + jj, k0, k1, inFour ? 2 : 4);
    }
  }
}

/** K blocks as level3.c (one thread) or level3_thread.c cut them. */
function kBlocks(K: number, threaded: boolean): number[] {
  const cuts = [0];
  for (let ls = 0; ls < K;) {
    let minL = K - ls;
    if (minL >= GEMM_Q * 2) minL = GEMM_Q;
    else if (minL > GEMM_Q) {
      minL = threaded
        ? Math.floor((minL + 1) / 2)
        : Math.floor((Math.floor(minL / 2) + UNROLL_M - 1) / UNROLL_M) * UNROLL_M;
    }
    ls += minL;
    cuts.push(ls);
  }
  return cuts;
}

/** Widths of the M blocks (GEMM_P logic) of a range of `m` rows. */
function mBlocks(m: number, threaded: boolean): number[] {
  const widths: number[] = [];
  let first = true;
  for (let rest = m; rest > 0;) {
    let w = rest;
    if (w >= GEMM_P * 2) w = GEMM_P;
    else if (w > GEMM_P) {
      const half = first || !threaded ? Math.floor(w / 2) : Math.floor((w + 1) / 2);
      w = Math.floor((half + UNROLL_M - 1) / UNROLL_M) * UNROLL_M;
    }
    widths.push(w);
    rest -= w;
    first = false;
  }
  return widths;
}

/** The packing chunks (min_jj) of a B region in the first M block: 6, then 2s, then 1. */
function* chunks(n0: number, n1: number): Generator<[number, number]> {
  for (let j = n0; j < n1;) {
    let w = n1 - j;
    if (w >= 3 * UNROLL_N) w = 3 * UNROLL_N;
    else if (w > UNROLL_N) w = UNROLL_N;
    yield [j, w];
    j += w;
  }
}

/** level3.c: one thread. */
function level3Single(o: Operands, n: number, inner: Inner): void {
  const M = o.t;
  const ks = kBlocks(o.k, false);
  for (let js = 0; js < n; js += GEMM_R) {
    const minJ = Math.min(n - js, GEMM_R);
    for (let q = 0; q + 1 < ks.length; q++) {
      let is = 0;
      mBlocks(M, false).forEach((minI, block) => {
        if (block === 0) {
          for (const [j, w] of chunks(js, js + minJ)) {
            kernelCall(inner, is, minI, j, w, ks[q], ks[q + 1], false);
          }
        } else {
          kernelCall(inner, is, minI, js, minJ, ks[q], ks[q + 1], true);
        }
        is += minI;
      });
    }
  }
}

/** Splits `total` into `parts` ranges as OpenBLAS does (ceil division, optional minimum width). */
function partition(from: number, total: number, parts: number, minWidth: number): number[] {
  const range = [from];
  let rest = total;
  for (let p = 0; rest > 0; p++) {
    let w = Math.floor((rest + parts - p - 1) / (parts - p));
    if (w < minWidth) w = minWidth;
    rest -= w;
    if (rest < 0) w += rest;
    range.push(range[range.length - 1] + w);
  }
  while (range.length < parts + 1) range.push(range[range.length - 1]);
  return range;
}

/** level3_thread.c's gemm_driver with nthreads_m x nthreads_n threads. */
function level3Threaded(
  o: Operands,
  n: number,
  threadsM: number,
  threadsN: number,
  inner: Inner,
): void {
  const M = o.t;
  const nthreads = threadsM * threadsN;
  const rangeM = partition(0, M, threadsM, 0);
  const ks = kBlocks(o.k, true);
  for (let js = 0; js < n; js += GEMM_R * nthreads) {
    const rangeN = partition(js, Math.min(n - js, GEMM_R * nthreads), nthreads, SWITCH_RATIO);
    for (let me = 0; me < nthreads; me++) {
      const posN = Math.floor(me / threadsM);
      const mFrom = rangeM[me - posN * threadsM];
      const mTo = rangeM[me - posN * threadsM + 1];
      const group: number[] = [];
      for (let p = posN * threadsM; p < (posN + 1) * threadsM; p++) group.push(p);
      // Regions in visiting order: own first, then the next ones cyclically.
      const order = group.map((_, s) => group[(group.indexOf(me) + s) % group.length]);
      const parts = (p: number): [number, number][] => {
        const from = rangeN[p];
        const to = rangeN[p + 1];
        const div = Math.floor((to - from + DIVIDE_RATE - 1) / DIVIDE_RATE);
        const out: [number, number][] = [];
        for (let s = from; s < to; s += div) out.push([s, Math.min(to - s, div)]);
        return out;
      };
      for (let q = 0; q + 1 < ks.length; q++) {
        let is = mFrom;
        mBlocks(mTo - mFrom, true).forEach((minI, block) => {
          for (const p of order) {
            for (const [s, w] of parts(p)) {
              if (block === 0 && p === me) {
                for (const [j, cw] of chunks(s, s + w)) {
                  kernelCall(inner, is, minI, j, cw, ks[q], ks[q + 1], false);
                }
              } else {
                kernelCall(inner, is, minI, s, w, ks[q], ks[q + 1], true);
              }
            }
          }
          is += minI;
        });
      }
    }
  }
}

/**
 * `a (n x k) @ b (k x t)`, both row-major with n, k, t >= 2 (the shapes for
 * which NumPy calls dgemm), summed as OpenBLAS does with `threads` threads.
 * `kernels`: the checked WebAssembly kernels by default; null for the
 * TypeScript loops.
 */
export function openblasGemm(
  a: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
  t: number,
  threads: number,
  kernels: FmaKernelExports | null = fmaKernels(),
): Float64Array {
  const o: Operands = { a, b, c: EMPTY, k, t };
  const wasm = kernels !== null ? wasmInner(kernels, o, n) : null;
  if (wasm !== null) {
    run(o, n, threads, wasm);
    return wasm.c.slice();
  }
  o.c = new Float64Array(n * t);
  run(o, n, threads, scriptInner(o));
  return o.c;
}

function run(o: Operands, n: number, threads: number, inner: Inner): void {
  if (o.t * n * o.k <= SMALL_MNK) {
    smallKernel(o, n, inner);
    return;
  }
  const M = o.t;
  let threadsM = 1;
  let threadsN = 1;
  if (threads > 1) {
    if (M >= 2 * SWITCH_RATIO) {
      threadsM = threads;
      while (M < threadsM * SWITCH_RATIO) threadsM = Math.floor(threadsM / 2);
    }
    if (n >= SWITCH_RATIO * threadsM) {
      threadsN = Math.ceil(n / (SWITCH_RATIO * threadsM));
      if (threadsM * threadsN > threads) threadsN = Math.floor(threads / threadsM);
    }
  }
  if (threadsM * threadsN <= 1) level3Single(o, n, inner);
  else level3Threaded(o, n, threadsM, threadsN, inner);
}
