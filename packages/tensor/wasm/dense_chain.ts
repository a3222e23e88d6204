// A chain of float64 dense layers, `h ← f(h·Wᵀ + b)` one after the other, run on the worker
// pool in blocks of rows: each task takes a block through every layer while its rows are in
// cache, and only the input goes into the shared memory and the last output comes out. Run
// layer by layer instead, each layer copies its input in and its output out and wakes the
// threads once or twice (a 9,100-row validation pass of six layers: a dozen copies of 2 MB).
//
// Where the threads have the small product (wasm/small_gemm.ts, its shared float64 build), a
// layer as wide as the chain's widest, and a narrower last layer, run it on a Wᵀ written once,
// with no packing and the bias (and relu) in its tiles; other layers run the packed GEMM.
//
// The values are those of the layers run one by one, bit for bit: each block of C is summed
// by a GEMM kernel of the same build with every element's multiply-adds in the same order
// (k is at most one of the kernels' 256-deep slices; the small and packed products of one
// build give the same bits), and the bias, the activations and softmax's passes are the
// elementwise kernels the separate calls run, row by row.

import type { TypedArray } from "../dtype.ts";
import { align64 } from "./memory.ts";
import { copyRowsOut, gemmScratchF64, sharedElementwise } from "./gemm.ts";
import { matmulThreads, MAX_TASKS } from "./thread_pool.ts";
import { EPILOGUE, type PoolTask, PROTOCOL, TASK } from "./tasks.ts";

/** One layer of a chain, as {@linkcode wasmDenseChain} takes it. */
export interface ChainStep {
  /** W, `[n, k]` row-major (the layer computes x·Wᵀ). */
  w: TypedArray;
  /** b, `[n]`, or null. */
  b: TypedArray | null;
  /** Output features. */
  n: number;
  /** Input features. */
  k: number;
  /** What follows the bias: an activation in place, or softmax over each row. */
  act: "none" | "relu" | "tanh" | "sigmoid" | "softmax";
}

/** The deepest k taken: the GEMM sums k in slices of 256 (a longer sum rounds differently). */
const MAX_K = 256;
/** Rows per task at most: a block's activations stay in the core's cache (128 × 32 × 8 B). */
const BLOCK_ROWS = 128;
/** Tasks per thread at least, so that a thread whose core is busy takes fewer. */
const TASKS_PER_THREAD = 2;

/**
 * Whether {@linkcode wasmDenseChain} can take these steps: float64 layers whose input widths
 * follow each other, k ≤ 256, softmax only on the widest layers and only when their width is
 * a multiple of 4 (softmax's rows must be adjacent, and every layer's rows lie the widest
 * layer's padded width apart), at most PROTOCOL.chainLayers of them.
 */
export function chainTakes(steps: readonly ChainStep[], inputWidth: number): boolean {
  if (steps.length === 0 || steps.length > PROTOCOL.chainLayers) return false;
  let width = inputWidth;
  const widest = Math.max(...steps.map((s) => Math.ceil(s.n / 4) * 4));
  for (const s of steps) {
    if (s.k !== width || s.k > MAX_K || s.n < 1 || s.k < 1) return false;
    if (s.act === "softmax" && s.n !== widest) return false;
    width = s.n;
  }
  return true;
}

/**
 * The last layer's output, `[rows, n]`, in `out`, for the chain `steps` on `x` (`[rows, k]`),
 * computed on the worker pool; false (nothing written) when there are no threads to run it
 * on, the memory cannot grow, the steps are not {@linkcode chainTakes}'s, or a task failed
 * (the caller then runs the layers one by one, which gives the same values).
 */
export function wasmDenseChain(
  x: TypedArray,
  rows: number,
  steps: readonly ChainStep[],
  out: TypedArray,
): boolean {
  if (rows < 1 || !chainTakes(steps, steps[0]?.k ?? 0)) return false;
  const mPad = Math.ceil(rows / 4) * 4;
  const pad = (n: number) => Math.ceil(n / 4) * 4;
  const widest = Math.max(...steps.map((s) => pad(s.n)));
  const softmax = steps.some((s) => s.act === "softmax");
  // Byte layout after the control block: x, each W and padded bias, two buffers the layers
  // write in turn, softmax's output and row sums, then each thread's packing scratch.
  let at = 0;
  const place = (bytes: number) => {
    const here = at;
    at = align64(at + bytes);
    return here;
  };
  const xAt = place(rows * steps[0].k * 8 + 16);
  const wAt = steps.map((s) => place(s.n * s.k * 8));
  // Wᵀ too for the layers as wide as the widest (C's rows then lie n apart, as the small
  // product writes them) and for a narrower last layer, which then writes its rows n apart
  // in an array of its own: these run without packing where the threads have that product.
  const last = steps.length - 1;
  const narrowLast = steps[last].n !== widest && steps[last].act !== "softmax";
  const unpacked = (s: ChainStep, l: number) => s.n === widest || (l === last && narrowLast);
  const wtAt = steps.map((s, l) => unpacked(s, l) ? place(s.n * s.k * 8) : -1);
  const lastAt = narrowLast ? place(rows * steps[last].n * 8 + 16) : -1;
  const biasAt = steps.map((s) => s.b === null ? -1 : place(pad(s.n) * 8));
  const buffers = [place(mPad * widest * 8 + 16), place(mPad * widest * 8 + 16)];
  const eAt = softmax ? place(mPad * widest * 8 + 16) : 0;
  const sumsAt = softmax ? place(mPad * 8) : 0;
  const { stride, pbOffset } = gemmScratchF64(widest * 8);
  const scratchAt = place(0);
  // Scratch for as many threads as the pool is started with (grown once, even while its
  // workers are still loading and the layers run one by one).
  const shared = sharedElementwise(scratchAt + matmulThreads() * stride);
  if (shared === null || shared.threads > matmulThreads()) return false;
  const { f64: view, base } = shared;
  view.set(x.subarray(0, rows * steps[0].k), (base + xAt) / 8);
  // The description (tasks.ts: SLOT.chain), with absolute addresses.
  const ctl = new Int32Array(view.buffer, 0, PROTOCOL.controlInts);
  const d = PROTOCOL.slot.chain;
  ctl[d] = steps.length;
  let input = base + xAt, inLd = steps[0].k * 8;
  steps.forEach((s, l) => {
    view.set(s.w.subarray(0, s.n * s.k), (base + wAt[l]) / 8);
    const small = shared.small && wtAt[l] >= 0;
    if (small) {
      // Wᵀ[p, j] = W[j, p].
      const { w, n, k } = s, to = (base + wtAt[l]) / 8;
      for (let j = 0; j < n; j++) {
        for (let p = 0; p < k; p++) view[to + p * n + j] = w[j * k + p];
      }
    }
    const bias = s.b === null ? 0 : base + biasAt[l];
    if (s.b !== null) {
      view.set(s.b.subarray(0, s.n), bias / 8);
      view.fill(0, bias / 8 + s.n, bias / 8 + pad(s.n));
    }
    // Every layer's rows are `widest` apart, so that each task's rows stay its own in both
    // buffers whatever the layer (a narrower stride would put one task's rows of a narrow
    // layer where another task's rows of a wide layer lie).
    const own = small && l === last && narrowLast;
    const output = own ? base + lastAt : base + buffers[l % 2];
    const outLd = own ? s.n * 8 : widest * 8;
    const q = d + 1 + l * PROTOCOL.chainInts;
    const act = s.act === "softmax" ? 4 : EPILOGUE[s.act];
    const wt = small ? base + wtAt[l] : 0;
    ctl.set(
      [
        input,
        inLd,
        base + wAt[l],
        output,
        outLd,
        s.n,
        s.k,
        bias,
        act,
        base + eAt,
        base + sumsAt,
        wt,
      ],
      q,
    );
    input = s.act === "softmax" ? base + eAt : output;
    inLd = outLd;
  });
  // Blocks of whole 4-row tiles (a tile's padding rows are the next block's first rows).
  const parts = shared.threads * TASKS_PER_THREAD;
  const per = Math.max(
    4,
    Math.min(BLOCK_ROWS, pad(Math.ceil(rows / parts))),
    pad(Math.ceil(rows / MAX_TASKS)),
  );
  const tasks: PoolTask[] = [];
  for (let row = 0; row < rows; row += per) {
    tasks.push([TASK.denseChain, row, Math.min(per, rows - row)]);
  }
  if (!shared.run(tasks, { scratch: base + scratchAt, stride, pbOffset })) {
    return false;
  }
  copyRowsOut(view, input / 8, inLd / 8, rows, steps[last].n, out, 0);
  return true;
}
