// A small float64 dense layer's backward in one visit to wasm/small_gemm.ts's module: gradOut,
// x, W (and relu's saved output) go in once; δ = gradOut ⊙ relu′ is made in place there, and
// both products and the bias gradient read it where it is. Run separately, the CPU makes δ in
// a TypeScript loop, copies it in for ∂L/∂W, sums its columns in another TypeScript loop, then
// copies it in again for ∂L/∂x (33 rows × 32: those loops were most of the layer's backward).
//
// Same bits as the separate calls: the products are the same module's, with the same strides;
// δ is each gradient times 1 or 0, as the CPU's `g * +(y > 0)`; each bias-gradient sum adds a
// column's rows in order from +0, as the CPU's row sums do.

import { align64 } from "./memory.ts";
import { BASE, keptOf, smallGemmTakes, smallModule } from "./small_gemm.ts";
import { addressIn, operandAt } from "./arena.ts";
// dense_delta_f64's activation codes are the dense epilogue's (1 relu, 2 tanh, 3 sigmoid).
import { EPILOGUE } from "./tasks.ts";

/** The activations whose backward the module computes from their output y. */
export type DeltaActivation = "relu" | "tanh" | "sigmoid";

/** The geometry and outputs of one dense layer's backward. */
export interface SmallDenseBackward {
  /** Rows of the batch. */
  rows: number;
  /** Features in (W's columns). */
  inFeatures: number;
  /** Features out (W's rows). */
  outFeatures: number;
  /** The activation's saved output y, or null for no activation (δ = gradOut). */
  y: Float64Array | null;
  /** The activation y is the output of (default relu). */
  activation?: DeltaActivation;
  /** ∂L/∂W, `[out, in]`. */
  dw: Float64Array;
  /** ∂L/∂b, `[out]`, or null without bias. */
  db: Float64Array | null;
  /** ∂L/∂x, `[rows, in]`, or null when not wanted. */
  dx: Float64Array | null;
  /** W's key for its kept copy (wasm/small_kept.ts), as the forward pass had it; or none. */
  weightKey?: number;
}

/**
 * Whether {@linkcode smallDenseBackward} takes a layer of this geometry: both products in the
 * small kernel's range (its memory may still decline, then nothing is written).
 *
 * @example
 * ```ts
 * import { smallDenseTakes } from "./small_dense.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(smallDenseTakes(33, 32, 32), true);
 * strictEqual(smallDenseTakes(300, 32, 32), false); // k = 300 rows for ∂L/∂W
 * ```
 */
export function smallDenseTakes(rows: number, inFeatures: number, outFeatures: number): boolean {
  const work = rows * inFeatures * outFeatures;
  return smallGemmTakes(work, rows) && smallGemmTakes(work, outFeatures);
}

/**
 * A float64 dense layer's backward from ∂L/∂out `g` (`[rows, out]`), its input `x`
 * (`[rows, in]`) and weight `w` (`[out, in]`): δ = g ⊙ relu′(y) (or g), then ∂L/∂W = δᵀ·x,
 * ∂L/∂b = 1ᵀ·δ and ∂L/∂x = δ·W into the given arrays, with the bits of the CPU's separate
 * calls under the same WebAssembly build. False (nothing written) outside
 * {@linkcode smallDenseTakes} or where WebAssembly SIMD does not run.
 *
 * @example
 * ```ts
 * import { smallDenseBackward } from "./small_dense.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const g = new Float64Array([1, 2, 3, 4]); // [2, 2]
 * const y = new Float64Array([1, 0, 0, 5]); // relu's output: δ = [[1, 0], [0, 4]]
 * const x = new Float64Array([1, 1, 2, 3]); // [2, 2]
 * const w = new Float64Array([1, 0, 0, 1]); // [2, 2]
 * const dw = new Float64Array(4), db = new Float64Array(2), dx = new Float64Array(4);
 * const grads = { rows: 2, inFeatures: 2, outFeatures: 2, y, dw, db, dx };
 * if (smallDenseBackward(g, x, w, grads)) {
 *   deepStrictEqual([...dw], [1, 1, 8, 12]); // δᵀ·x
 *   deepStrictEqual([...db], [1, 4]);
 *   deepStrictEqual([...dx], [1, 0, 0, 4]); // δ·W
 * }
 * ```
 */
export function smallDenseBackward(
  g: Float64Array,
  x: Float64Array,
  w: Float64Array,
  grads: SmallDenseBackward,
): boolean {
  const { rows, inFeatures: n, outFeatures: o, y, dw, db, dx, weightKey } = grads;
  const act = EPILOGUE[grads.activation ?? "relu"];
  if (!smallDenseTakes(rows, n, o)) return false;
  const gAt = BASE;
  const yAt = align64(gAt + rows * o * 8);
  const xAt = align64(yAt + (y === null ? 0 : rows * o * 8));
  const wAt = align64(xAt + rows * n * 8);
  const dwAt = align64(wAt + (dx === null ? 0 : o * n * 8));
  const dbAt = align64(dwAt + o * n * 8);
  const dxAt = align64(dbAt + (db === null ? 0 : o * 8));
  const run = smallModule(dxAt + (dx === null ? 0 : rows * n * 8));
  if (run === null) return false;
  const view = run.views.f64;
  // Arrays in this memory (arena arrays: wasm/arena.ts) are read and written where they are;
  // g is always copied, δ being made in place over the copy.
  const memory = view.buffer;
  view.set(g.length === rows * o ? g : g.subarray(0, rows * o), gAt / 8);
  const xFrom = operandAt(memory, view, x, 0, rows * n, xAt);
  const yFrom = y === null ? 0 : operandAt(memory, view, y, 0, rows * o, yAt);
  const dwTo = addressIn(memory, dw, 0);
  const dbTo = db === null ? -1 : addressIn(memory, db, 0);
  // δ in place (relu) and the bias gradient, in one pass.
  if (y !== null || db !== null) {
    run.denseDelta(gAt, yFrom, rows, o, db === null ? 0 : dbTo < 0 ? dbAt : dbTo, act);
  }
  // ∂L/∂W = δᵀ·x: op(A)[i, p] = δ[p, i] (a step's rows adjacent), x as stored.
  run.f64(gAt, 8, o * 8, xFrom, n * 8, 8, dwTo < 0 ? dwAt : dwTo, o, n, rows, 0, 0, 0);
  if (dwTo < 0) dw.set(view.subarray(dwAt / 8, dwAt / 8 + o * n));
  if (db !== null && dbTo < 0) db.set(view.subarray(dbAt / 8, dbAt / 8 + o));
  if (dx !== null) {
    // W as stored: its kept copy (the forward pass made it), else a copy now.
    const copy = weightKey === undefined ? null : keptOf(run, weightKey, w, o * n, 8);
    // (Through the views again: keeping the copy grows the memory where it has no arena.)
    const after = run.views.f64;
    if (copy === null) after.set(w.length === o * n ? w : w.subarray(0, o * n), wAt / 8);
    // ∂L/∂x = δ·W: δ and W as stored.
    const dxTo = addressIn(memory, dx, 0);
    run.f64(gAt, o * 8, 8, copy?.raw ?? wAt, n * 8, 8, dxTo < 0 ? dxAt : dxTo, rows, n, o, 0, 0, 0);
    if (dxTo < 0) dx.set(after.subarray(dxAt / 8, dxAt / 8 + rows * n));
  }
  return true;
}

/**
 * A float64 dense layer's δ = g ⊙ f′(y) (f: relu, tanh or sigmoid, from its output y `[rows,
 * cols]`) into `delta`, and its column sums 1ᵀ·δ into `db` when given, in one pass of the
 * small kernel's module, with the bits of the CPU's activation backward and row sums. For any
 * number of rows: a layer whose products the small kernel cannot take in one visit (a batch
 * of more than 256 rows) still gets δ and ∂L/∂b from WebAssembly. False (nothing written)
 * where WebAssembly SIMD does not run or the arrays do not fit its memory.
 *
 * @example
 * ```ts
 * import { smallDenseDelta } from "./small_dense.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const g = new Float64Array([1, 2, 3, 4]); // [2, 2]
 * const y = new Float64Array([0.5, 0, -0.5, 1]); // tanh's output
 * const delta = new Float64Array(4), db = new Float64Array(2);
 * if (smallDenseDelta(g, y, delta, db, 2, 2, "tanh")) {
 *   deepStrictEqual([...delta], [0.75, 2, 2.25, 0]); // g · (1 − y²)
 *   deepStrictEqual([...db], [3, 2]);
 * }
 * ```
 */
export function smallDenseDelta(
  g: Float64Array,
  y: Float64Array,
  delta: Float64Array,
  db: Float64Array | null,
  rows: number,
  cols: number,
  activation: DeltaActivation,
): boolean {
  const size = rows * cols;
  if (size < 1) return false;
  const yAt = align64(BASE + size * 8);
  const dbAt = align64(yAt + size * 8);
  const run = smallModule(dbAt + cols * 8);
  if (run === null) return false;
  const view = run.views.f64, memory = view.buffer;
  // δ in place over a copy of g: delta itself when it is in this memory (an arena array).
  let at = addressIn(memory, delta, 0);
  const inPlace = at >= 0;
  if (inPlace) delta.set(g.length === size ? g : g.subarray(0, size));
  else {
    view.set(g.length === size ? g : g.subarray(0, size), BASE / 8);
    at = BASE;
  }
  const yFrom = operandAt(memory, view, y, 0, size, yAt);
  const dbTo = db === null ? 0 : addressIn(memory, db, 0);
  run.denseDelta(
    at,
    yFrom,
    rows,
    cols,
    db === null ? 0 : dbTo < 0 ? dbAt : dbTo,
    EPILOGUE[activation],
  );
  if (!inPlace) delta.set(view.subarray(BASE / 8, BASE / 8 + size));
  if (db !== null && dbTo < 0) db.set(view.subarray(dbAt / 8, dbAt / 8 + cols));
  return true;
}

/**
 * The column sums of a row-major `rows` × `cols` float64 matrix at `x[xOffset]` (a dense
 * layer's bias gradient 1ᵀ·δ) into `out[outOffset…]`, with the small kernel module's
 * `dense_delta_f64` (no activation): each column summed down its rows in order from +0, as
 * the CPU's row sums add them, so the same bits. In place when the arrays are arena arrays.
 * False (nothing written) where WebAssembly SIMD does not run or x does not fit its memory.
 *
 * @example
 * ```ts
 * import { smallColumnSums } from "./small_dense.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = new Float64Array([1, 2, 3, 4, 5, 6]); // [3, 2]
 * const out = new Float64Array(2);
 * if (smallColumnSums(x, 0, 3, 2, out, 0)) deepStrictEqual([...out], [9, 12]);
 * ```
 */
export function smallColumnSums(
  x: Float64Array,
  xOffset: number,
  rows: number,
  cols: number,
  out: Float64Array,
  outOffset: number,
): boolean {
  const size = rows * cols;
  if (size < 1) return false;
  const sumsAt = align64(BASE + size * 8);
  const run = smallModule(sumsAt + cols * 8);
  if (run === null) return false;
  const view = run.views.f64, memory = view.buffer;
  const at = operandAt(memory, view, x, xOffset, size, BASE);
  const to = addressIn(memory, out, outOffset);
  run.denseDelta(at, 0, rows, cols, to < 0 ? sumsAt : to, 0);
  if (to < 0) out.set(view.subarray(sumsAt / 8, sumsAt / 8 + cols), outOffset);
  return true;
}
