// The WebAssembly SIMD elementwise kernels (wasm/elementwise.wat, embedded as base64 by
// `deno task build:wasm`): exp, tanh, sigmoid and relu, and softmax / log-softmax over the last
// axis. The CPU backend calls these when ../cpu/kernel_choice.ts picks WebAssembly and
// keeps its TypeScript loops (the reference) when they decline: an operation they do not
// cover, or no WebAssembly SIMD at all. Data goes through the module's memory in chunks that stay in cache, converted to
// float64 on the way in: float32 tensors are computed in float64 and rounded once on the
// way out, as on the TypeScript path.

import type { TypedArray } from "../dtype.ts";
import type { SoftmaxOp, UnaryOp } from "../backend.ts";
import { sharedElementwise } from "./gemm.ts";
import { ELEMENTWISE_IMPORTED_WASM, ELEMENTWISE_WASM } from "./elementwise_bytes.ts";
import { SMALL_TABLE_AT, smallArenaMemory } from "./small_gemm.ts";
import { align64, MemoryViews } from "./memory.ts";
import { decodeBase64, instantiate } from "./loader.ts";
import {
  EPILOGUE,
  type EpilogueOp,
  type PoolTask,
  TASK,
  WASM_UNARY_OPS,
  type WasmUnaryOp,
} from "./tasks.ts";

/** Elements per chunk copied through the module's memory (128 KiB of float64). */
const CHUNK = 16384;
/**
 * From this many elements an exp / tanh / sigmoid / softmax is split over the worker pool
 * (when there are some).
 */
const PARALLEL_MIN = 4 * CHUNK;
/** Where the exponential's table of 2^(j/32) lives in the module's own memory (512 bytes). */
const TABLE_AT = 64;
/** Bytes 0..63 are left unused, the table follows; arrays start on 64-byte boundaries. */
const BASE = TABLE_AT + 512;

type Kernel = (src: number, dst: number, n: number) => void;
interface ElementwiseExports {
  memory: WebAssembly.Memory;
  exp_f64: Kernel;
  tanh_f64: Kernel;
  sigmoid_f64: Kernel;
  relu_f64: Kernel;
  exp_table: (at: number) => void;
  activation_backward_f64: (g: number, y: number, out: number, n: number, act: number) => void;
  softmax_rows_f64: (x: number, e: number, rows: number, len: number, sums: number) => void;
  rows_apply_f64: (x: number, rows: number, len: number, per: number, op: number) => void;
}

let module: ElementwiseExports | null | undefined;
/** Views of the module's own memory (set with the module). */
let views: MemoryViews;

/** Whether the module could be instantiated (instantiates it on first use). */
export function wasmElementwiseAvailable(): boolean {
  if (module === undefined) module = load();
  return module !== null;
}

function isWasmUnary(op: UnaryOp): op is WasmUnaryOp {
  return (WASM_UNARY_OPS as readonly string[]).includes(op);
}

/** The kernels instantiated on the small product's memory, and that memory. */
let onArena: { memory: WebAssembly.Memory; kernels: ElementwiseExports | null } | null = null;

/**
 * The kernels on the memory of the float64 arena (wasm/arena.ts) when both arrays are arena
 * arrays there (and `out`'s region absorbs the kernels' write past an odd n); else null.
 */
function arenaKernels(src: TypedArray, out: TypedArray, n: number): ElementwiseExports | null {
  return out.length === n ? kernelsOn(src, out, out) : null;
}

/** The kernels on the arena's memory when all three arrays are float64 views of it, else null. */
function kernelsOn(a: TypedArray, b: TypedArray, c: TypedArray): ElementwiseExports | null {
  const memory = smallArenaMemory();
  if (
    memory === null || !(a instanceof Float64Array) || !(b instanceof Float64Array) ||
    !(c instanceof Float64Array) || a.buffer !== memory.buffer || b.buffer !== memory.buffer ||
    c.buffer !== memory.buffer
  ) {
    return null;
  }
  if (onArena?.memory !== memory) {
    const kernels = instantiate(decodeBase64(ELEMENTWISE_IMPORTED_WASM), { env: { memory } }) as
      | ElementwiseExports
      | null;
    kernels?.exp_table(SMALL_TABLE_AT);
    onArena = { memory, kernels };
  }
  return onArena.kernels;
}

/**
 * `out[i] = op(src[i])` for `i < n` with WebAssembly. Returns false, having written
 * nothing, when the operation has no kernel or there is no WebAssembly SIMD.
 */
export function wasmUnary(op: UnaryOp, src: TypedArray, out: TypedArray, n: number): boolean {
  if (!isWasmUnary(op) || !wasmElementwiseAvailable()) return false;
  if (n >= PARALLEL_MIN && unaryOnThreads(op, src, out, n)) return true;
  // Arena arrays: the same kernels on the memory they are in, with no copy in or out.
  const inPlace = n > 0 ? arenaKernels(src, out, n) : null;
  if (inPlace !== null) {
    inPlace[`${op}_f64`](src.byteOffset, out.byteOffset, n);
    return true;
  }
  const kernel = module![`${op}_f64`];
  const span = Math.min(n, CHUNK);
  if (!views.reserve(BASE + span * 8 + 16)) return false;
  const f64 = views.f64, at = BASE / 8;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    f64.set(src.subarray(start, start + count), at);
    kernel(BASE, BASE, count);
    out.set(f64.subarray(at, at + count), start);
  }
  return true;
}

/**
 * `out = g ⊙ f′(y)` for relu, tanh or sigmoid from the activation's output `y`, with the
 * WebAssembly kernel, in place, when `g`, `y` and `out` are float64 arrays of the arena
 * (wasm/arena.ts): the CPU backward's operations in its order (cpu/activations.ts), so the
 * same values. Returns false, having written nothing, for any other arrays (the caller's
 * loop then runs). `g` and `y` have at least `out.length` elements.
 */
export function wasmActivationBackward(
  op: Exclude<EpilogueOp, "none">,
  g: TypedArray,
  y: TypedArray,
  out: TypedArray,
): boolean {
  const kernels = out.length > 0 ? kernelsOn(g, y, out) : null;
  if (kernels === null) return false;
  kernels.activation_backward_f64(
    g.byteOffset,
    y.byteOffset,
    out.byteOffset,
    out.length,
    EPILOGUE[op], // elementwise.wat's activation codes, as the dense epilogue's
  );
  return true;
}

/**
 * Softmax or log-softmax over each of `rows` contiguous rows of `len` elements with
 * WebAssembly: the same steps and order of additions as the TypeScript kernel, with the
 * module's exp (and, for log-softmax, `Math.log` of each row's sum). Returns false,
 * having written nothing, when there is no WebAssembly SIMD.
 */
export function wasmSoftmaxRows(
  op: SoftmaxOp,
  x: TypedArray,
  out: TypedArray,
  rows: number,
  len: number,
): boolean {
  if (!wasmElementwiseAvailable()) return false;
  if (op === "softmax" && rows * len >= PARALLEL_MIN && softmaxOnThreads(x, out, rows, len)) {
    return true;
  }
  const rowsPer = Math.max(1, Math.floor(CHUNK / len));
  const span = rowsPer * len;
  const xAt = BASE;
  const eAt = align64(xAt + span * 8 + 16);
  const sumsAt = align64(eAt + span * 8 + 16);
  if (!views.reserve(sumsAt + rowsPer * 8)) return false;
  const f64 = views.f64;
  const { softmax_rows_f64: firstPass, rows_apply_f64: apply } = module!;
  const log = op === "logSoftmax";
  const resultAt = (log ? xAt : eAt) / 8;
  for (let row = 0; row < rows; row += rowsPer) {
    const count = Math.min(rowsPer, rows - row);
    const from = row * len, size = count * len;
    f64.set(x.subarray(from, from + size), xAt / 8);
    firstPass(xAt, eAt, count, len, sumsAt);
    if (log) {
      const s = sumsAt / 8;
      for (let r = s; r < s + count; r++) f64[r] = Math.log(f64[r]);
      apply(xAt, count, len, sumsAt, 1);
    } else {
      apply(eAt, count, len, sumsAt, 0);
    }
    out.set(f64.subarray(resultAt, resultAt + size), from);
  }
  return true;
}

/**
 * `wasmUnary` split over the worker pool: the input goes into their shared memory once,
 * each task maps one CHUNK (an even count, so that no task's paired last element lands in
 * another's), and the result comes back once. Each element is computed by the same code as
 * on one thread, so the bits are the same. False (nothing written) without threads, or if
 * a task failed.
 */
function unaryOnThreads(op: WasmUnaryOp, src: TypedArray, out: TypedArray, n: number): boolean {
  const shared = sharedElementwise(align64(n * 8 + 16));
  if (shared === null) return false;
  const { f64: view, base } = shared;
  view.set(src.subarray(0, n), base / 8);
  const code = WASM_UNARY_OPS.indexOf(op);
  const tasks: PoolTask[] = [];
  for (let start = 0; start < n; start += CHUNK) {
    const at = base + start * 8;
    tasks.push([TASK.unary, code, at, at, Math.min(CHUNK, n - start)]);
  }
  if (!shared.run(tasks)) return false;
  out.set(view.subarray(base / 8, base / 8 + n), 0);
  return true;
}

/** Softmax rows split over the worker pool in blocks of whole rows (see `unaryOnThreads`). */
function softmaxOnThreads(x: TypedArray, out: TypedArray, rows: number, len: number): boolean {
  const size = rows * len;
  const eAt = align64(size * 8 + 16), sumsAt = align64(eAt + size * 8 + 16);
  const shared = sharedElementwise(sumsAt + rows * 8);
  if (shared === null) return false;
  const { f64: view, base } = shared;
  view.set(x.subarray(0, size), base / 8);
  const tasks = softmaxBlocks(rows, len).map(([row, count]) => {
    const offset = row * len * 8;
    return [
      TASK.softmaxRows,
      base + offset,
      base + eAt + offset,
      count,
      len,
      base + sumsAt + row * 8,
    ];
  });
  if (!shared.run(tasks)) return false;
  out.set(view.subarray((base + eAt) / 8, (base + eAt) / 8 + size), 0);
  return true;
}

/**
 * The row blocks `[first row, rows]` of a softmax split over threads, about a CHUNK of
 * elements each. The exp pass maps pairs, so a block with an odd element count writes one
 * past its end: every block but the last holds an even number of elements, or that write
 * would land in the next block's first element while another thread works on it.
 */
export function softmaxBlocks(rows: number, len: number): [number, number][] {
  let per = Math.max(1, Math.floor(CHUNK / len));
  if (len % 2 === 1 && per % 2 === 1) per = per === 1 ? 2 : per - 1;
  const blocks: [number, number][] = [];
  for (let row = 0; row < rows; row += per) blocks.push([row, Math.min(per, rows - row)]);
  return blocks;
}

/** The module on a memory of its own; null without WebAssembly SIMD (the TypeScript kernels run). */
function load(): ElementwiseExports | null {
  const exports = instantiate(decodeBase64(ELEMENTWISE_WASM)) as ElementwiseExports | null;
  if (exports === null) return null;
  exports.exp_table(TABLE_AT);
  views = new MemoryViews(exports.memory);
  return exports;
}
