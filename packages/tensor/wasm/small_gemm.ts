// Small products in WebAssembly without packing (wasm/small_gemm.wat): a 33-row training step
// makes about a dozen products of a few thousand multiply-adds each, where wasm/gemm.ts's
// packing into panels, its padded C and its JavaScript bias loop cost more than the
// arithmetic. This module writes C in place (row stride n) and adds the bias itself; it
// takes every product up to about 1.5 M multiply-adds (a 1,000-row forward pass too). The
// bias goes in each tile's epilogue, after the sum, and a dense layer's relu after it (one
// more argument: a few instructions on the tile's registers, no further pass over C).
//
// Same bits as wasm/gemm.ts for the products it takes: both sum each element of C in the
// same order with the same instruction of the same build (this module follows the build that
// `wasmGemmKind` reports), and it takes only products whose k fits in one of gemm.wat's
// 256-deep slices — or, for ∂L/∂W = δᵀ·x over more rows (`slicedWasmGemm`), sums each slice
// as gemm.wat does and adds the slices as it adds them.

import type { TypedArray } from "../dtype.ts";
import type { MatmulInfo } from "../backend.ts";
import { align64, MemoryViews } from "./memory.ts";
import { decodeBase64, instantiate } from "./loader.ts";
import { wasmGemm, wasmGemmKind } from "./gemm.ts";
import { SMALL_GEMM_PORTABLE_WASM, SMALL_GEMM_RELAXED_WASM } from "./small_gemm_bytes.ts";
import { type Kept, KEPT_END, keptWeight, resetKept } from "./small_kept.ts";
import { addressIn, ARENA_BYTES, operandAt, setArena } from "./arena.ts";

/**
 * The most multiply-adds a product may have to run here: wasm/gemm.ts's threshold for
 * splitting a float64 product across threads (float32's is higher), so that no product it
 * would split comes here. Measured against it (one thread, interleaved,
 * float64 / float32): 1.3–4.8× faster on the 33-row step's products, 1.4–2× on
 * [1000, 32]·[32, 32]ᵀ, 1.06× on 128³, where packing starts to pay off.
 */
export const SMALL_GEMM_MAX_WORK = 3 * 2 ** 19;
/** The deepest k taken: gemm.wat sums k in slices of 256 (a longer sum rounds differently). */
const MAX_K = 256;

/**
 * Whether a product of `work` multiply-adds over depth `k` is in this kernel's range (it
 * may still decline one whose operands exceed its memory).
 *
 * @example
 * ```ts
 * import { smallGemmTakes } from "./small_gemm.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(smallGemmTakes(33 * 32 * 32, 32), true);
 * strictEqual(smallGemmTakes(9100 * 32 * 32, 32), false);
 * ```
 */
export function smallGemmTakes(work: number, k: number): boolean {
  return work > 0 && work <= SMALL_GEMM_MAX_WORK && k <= MAX_K;
}
/** Where A starts: past the kept weights (wasm/small_kept.ts), which start at byte 64. */
export const BASE = KEPT_END;
/**
 * A product's operands never reach past this (the memory never shrinks): a product needing
 * more (a long, thin operand) goes to wasm/gemm.ts.
 */
const MAX_BYTES = BASE + 4 * 2 ** 20;
/**
 * 512 bytes past every operand for the exponential's table of the elementwise kernels that
 * run on this memory (wasm/elementwise.ts: activations of arena arrays, in place).
 */
export const SMALL_TABLE_AT = align64(MAX_BYTES);
/** Where the arena of float64 tensor storage starts (wasm/arena.ts): after that table. */
const ARENA_START = SMALL_TABLE_AT + 512;

type SmallCall = (
  a: number,
  ars: number,
  aks: number,
  b: number,
  bks: number,
  bcs: number,
  c: number,
  m: number,
  n: number,
  k: number,
  bias: number,
  scratch: number,
  relu: number,
) => void;

/** The instantiated module of one build. */
export interface SmallModule {
  kind: "relaxed" | "portable";
  views: MemoryViews;
  /** Bytes the views cover (nothing else grows this memory, so no check per call). */
  reserved: number;
  f64: SmallCall;
  f32: SmallCall;
  /**
   * A dense layer's δ on a row-major float64 `rows` × `cols` g (byte addresses): the
   * activation's backward in place from its output y when y ≠ 0 (`act` 1: relu, g ← g ·
   * (y > 0 ? 1 : 0); 2: tanh, g · (−(y · y) + 1); 3: sigmoid, (g · (−y + 1)) · y); the column
   * sums of δ (in row order from +0) into `sums` when sums ≠ 0.
   */
  denseDelta: (
    g: number,
    y: number,
    rows: number,
    cols: number,
    sums: number,
    act: number,
  ) => void;
}

let current: SmallModule | null = null;
/** A build this runtime rejected: not compiled again at every call (packing runs instead). */
let rejected: "relaxed" | "portable" | undefined;

/** The module of `kind`, instantiated when the GEMM's build changed; null if it cannot be. */
function moduleOf(kind: "relaxed" | "portable"): SmallModule | null {
  if (current?.kind === kind) return current;
  if (rejected === kind) return null;
  const bytes = decodeBase64(
    kind === "relaxed" ? SMALL_GEMM_RELAXED_WASM : SMALL_GEMM_PORTABLE_WASM,
  );
  const exports = instantiate(bytes) as
    | {
      memory: WebAssembly.Memory;
      small_gemm_f64: SmallCall;
      small_gemm_f32: SmallCall;
      dense_delta_f64: SmallModule["denseDelta"];
    }
    | null;
  if (exports === null) {
    rejected = kind;
    return null;
  }
  resetKept(); // copies in the previous instance's memory
  const views = new MemoryViews(exports.memory);
  // The whole memory now, operands' room and arena: it is never grown after this (a grow
  // would detach the arena's arrays). Without the room, no arena (the operands still fit).
  setArena(views.reserve(ARENA_START + ARENA_BYTES) ? exports.memory : null, ARENA_START);
  current = {
    kind,
    views,
    reserved: exports.memory.buffer.byteLength,
    f64: exports.small_gemm_f64,
    f32: exports.small_gemm_f32,
    denseDelta: exports.dense_delta_f64,
  };
  return current;
}

/**
 * The memory of the small product's module where it exists and holds the arena (nothing is
 * instantiated here): the elementwise kernels run on it for arrays in the arena.
 */
export function smallArenaMemory(): WebAssembly.Memory | null {
  return current !== null && current.reserved >= ARENA_START + ARENA_BYTES
    ? current.views.memory
    : null;
}

/**
 * The module of the build `wasmGemmKind` reports (so its products give the packed kernel's
 * bits), with at least `bytes` of memory; null where WebAssembly SIMD does not run here or
 * `bytes` is past the module's cap. Its views are valid until the next call.
 */
export function smallModule(bytes: number): SmallModule | null {
  if (bytes > MAX_BYTES) return null;
  const kind = wasmGemmKind();
  if (kind === "none") return null;
  const run = moduleOf(kind);
  if (run === null || !reserve(run, bytes)) return null;
  return run;
}

/** Grows the module's memory to at least `bytes`; false if it cannot. */
function reserve(run: SmallModule, bytes: number): boolean {
  if (bytes <= run.reserved) return true;
  if (!run.views.reserve(bytes)) return false;
  run.reserved = bytes;
  return true;
}

/**
 * The kept copy of a dense layer's weight `w` (`length` elements of `dtype`) under `key` in
 * this module's memory (wasm/small_kept.ts), made now if there is none; null when it cannot
 * be kept.
 */
export function keptOf(
  run: SmallModule,
  key: number,
  w: TypedArray,
  length: number,
  bytes: number,
): Kept | null {
  return keptWeight(run.views, (size) => reserve(run, size), key, w, length, bytes);
}

/**
 * Computes one batch of `out[co…] = op(A) · op(B)` (+ bias) when the product is small (at
 * most {@linkcode SMALL_GEMM_MAX_WORK} multiply-adds, k ≤ 256) and WebAssembly SIMD runs
 * here; returns false (and writes nothing) otherwise. The values are those of
 * {@linkcode wasmGemm} under the same build, bit for bit. With `relu` (float64 only), a dense
 * layer's relu is applied to C before the copy out, with the values of the CPU's relu. With
 * `key` (a dense layer's W, B read transposed from offset 0: see wasm/small_kept.ts for what
 * the key promises), W is not copied in and transposed again while a kept copy of this
 * storage under this key is there.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { smallWasmGemm } from "./small_gemm.ts";
 *
 * const a = new Float64Array([1, 2, 3, 4]); // [2, 2]
 * const b = new Float64Array([5, 6, 7, 8]); // [2, 2]
 * const out = new Float64Array(4);
 * const info = {
 *   m: 2, n: 2, k: 2, transposeA: false, transposeB: false, dtype: "float64" as const,
 *   aOffsets: [0], bOffsets: [0],
 * };
 * if (smallWasmGemm(a, 0, b, 0, out, 0, info)) strictEqual(out.join(), "19,22,43,50");
 * ```
 */
export function smallWasmGemm(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  info: MatmulInfo,
  relu = false,
  key?: number,
): boolean {
  const { m, n, k } = info;
  const work = m * n * k;
  if (!smallGemmTakes(work, k) || (relu && info.dtype !== "float64")) return false;
  const double = info.dtype === "float64";
  const es = double ? 8 : 4;
  const bias = info.bias as TypedArray | undefined;
  // Byte layout: A, B, C, the bias, then op(B) copied k × n when its columns are not adjacent.
  const bAt = align64(BASE + m * k * es);
  const cAt = align64(bAt + k * n * es);
  const biasAt = align64(cAt + m * n * es);
  const scratch = align64(biasAt + (bias === undefined ? 0 : n * es));
  const run = smallModule(scratch + (info.transposeB ? k * n * es : 0));
  if (run === null) return false;
  const aLength = m * k, bLength = k * n;
  // A dense layer's W (B read transposed, whole): its kept copy, transposed by the first call.
  const copy = key !== undefined && info.transposeB && bo === 0
    ? keptOf(run, key, b, bLength, es)
    : null;
  const view = double ? run.views.f64 : run.views.f32;
  // Operands and C in this memory (arena arrays: wasm/arena.ts) are used where they are.
  const memory = view.buffer;
  const aFrom = operandAt(memory, view, a, ao, aLength, BASE);
  const bAddress = copy === null ? operandAt(memory, view, b, bo, bLength, bAt) : -1;
  const biasFrom = bias === undefined ? 0 : operandAt(memory, view, bias, 0, n, biasAt);
  const cTo = addressIn(memory, out, co);
  const ars = info.transposeA ? es : k * es, aks = info.transposeA ? m * es : es;
  let bks = info.transposeB ? es : n * es, bcs = info.transposeB ? k * es : es;
  let bFrom = bAddress, into = scratch, transposing = false;
  if (copy !== null) {
    if (bcs === es) bFrom = copy.raw; // k = 1: W as stored is Wᵀ (the kernel copies nothing)
    else if (copy.ready) bFrom = copy.transposed, bks = n * es, bcs = es; // Wᵀ made before
    else bFrom = copy.raw, into = copy.transposed, transposing = true; // the kernel makes Wᵀ
  }
  (double ? run.f64 : run.f32)(
    aFrom,
    ars,
    aks,
    bFrom,
    bks,
    bcs,
    cTo < 0 ? cAt : cTo,
    m,
    n,
    k,
    biasFrom,
    into,
    relu ? 1 : 0,
  );
  if (transposing) copy!.ready = true;
  if (cTo < 0) out.set(view.subarray(cAt / es, cAt / es + m * n), co);
  return true;
}

/**
 * One batch of `out[co…] = op(A) · op(B)` (+ bias) in WebAssembly: {@linkcode smallWasmGemm}
 * for a small product, else {@linkcode wasmGemm}. False (nothing written) when neither runs.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { wasmGemmAny } from "./small_gemm.ts";
 *
 * const a = new Float32Array([1, 2, 3]); // [1, 3]
 * const b = new Float32Array([4, 5, 6]); // [1, 3], used transposed
 * const out = new Float32Array(1);
 * const info = {
 *   m: 1, n: 1, k: 3, transposeA: false, transposeB: true, dtype: "float32" as const,
 *   aOffsets: [0], bOffsets: [0],
 * };
 * if (wasmGemmAny(a, 0, b, 0, out, 0, info)) strictEqual(out[0], 32);
 * ```
 */
export function wasmGemmAny(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  info: MatmulInfo,
): boolean {
  return smallWasmGemm(a, ao, b, bo, out, co, info) ||
    slicedWasmGemm(a, ao, b, bo, out, co, info) ||
    wasmGemm(a, ao, b, bo, out, co, info);
}

/** Each later slice's product, before it is added into C (grown as needed, then reused). */
let sliceF64 = new Float64Array(0);
let sliceF32 = new Float32Array(0);

/**
 * A small product deeper than one slice, `op(A)` transposed and B as stored (a dense layer's
 * ∂L/∂W = δᵀ·x over a batch of 257 or more rows): both operands' slices of k are then
 * adjacent rows. Summed as wasm/gemm.wat sums it: C = the first 256-deep slice's product,
 * then C = slice + C for each later slice (the same additions, one rounding each) — so the
 * same bits as {@linkcode wasmGemm}, without its packing. False (C maybe part-written, which
 * the packed kernel's call after it overwrites) outside that shape or the small kernel's range.
 */
export function slicedWasmGemm(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  info: MatmulInfo,
): boolean {
  const { m, n, k } = info;
  if (k <= MAX_K || !info.transposeA || info.transposeB || info.bias !== undefined) return false;
  if (m * n * k > SMALL_GEMM_MAX_WORK) return false;
  const size = m * n;
  let part: TypedArray;
  if (info.dtype === "float64") {
    if (sliceF64.length < size) sliceF64 = new Float64Array(size);
    part = sliceF64;
  } else {
    if (sliceF32.length < size) sliceF32 = new Float32Array(size);
    part = sliceF32;
  }
  if (!smallWasmGemm(a, ao, b, bo, out, co, { ...info, k: MAX_K })) return false;
  for (let p = MAX_K; p < k; p += MAX_K) {
    const depth = Math.min(MAX_K, k - p);
    if (!smallWasmGemm(a, ao + p * m, b, bo + p * n, part, 0, { ...info, k: depth })) {
      return false;
    }
    // A float32 sum is rounded once by the store, as f32x4.add rounds it.
    for (let i = 0, at = co; i < size; i++, at++) out[at] = part[i] + out[at];
  }
  return true;
}
