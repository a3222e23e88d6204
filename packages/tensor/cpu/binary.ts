// The CPU's elementwise functions of two broadcast arguments: a table of the arithmetic
// (comparisons give 1 or 0), hand-written loops for the hottest layouts, and the general
// broadcasting walk.

import type { BinaryOp, BinaryShapes } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";
import { broadcastStrides } from "../_shape.ts";

const BINARY: { readonly [K in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C's pow, as PyTorch: 1 ** y = 1 for every y (NaN too) and (-1) ** ±∞ = 1; Math.pow gives NaN.
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  // NaN propagates, as in torch.maximum / torch.minimum.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
};

/** Whether `inner` (leading 1s aside) is exactly the trailing axes of `outer`. */
function isTrailing(inner: readonly number[], outer: readonly number[]): boolean {
  let start = 0;
  while (start < inner.length && inner[start] === 1) start++;
  const k = inner.length - start;
  if (k > outer.length) return false;
  for (let i = 0; i < k; i++) if (inner[start + i] !== outer[outer.length - k + i]) return false;
  return true;
}

// A call through the table is a megamorphic call V8 cannot inline (≈ 10 ns an element);
// the loops below give the same values with the arithmetic inline, and return false for an
// operation they do not cover, so that the caller uses the table.

/**
 * `out = a ∘ b` for + − × ÷ where `b` repeats with period `b.length` (1 for a scalar), and
 * the comparisons against a scalar: loops written out per operation, since calling the
 * table's function per element costs about 15× as much (ReLU's mask, 131k float32: 2.2 ms).
 */
function arithmeticFast(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): boolean {
  const n = out.length, m = b.length;
  if (m === 1) {
    const v = b[0];
    switch (op) {
      case "add":
        for (let i = 0; i < n; i++) out[i] = a[i] + v;
        return true;
      case "sub":
        for (let i = 0; i < n; i++) out[i] = a[i] - v;
        return true;
      case "mul":
        for (let i = 0; i < n; i++) out[i] = a[i] * v;
        return true;
      case "div":
        for (let i = 0; i < n; i++) out[i] = a[i] / v;
        return true;
      // The masks of the activations' backward passes (ReLU's `y > 0`).
      case "greater":
        for (let i = 0; i < n; i++) out[i] = a[i] > v ? 1 : 0;
        return true;
      case "greaterEqual":
        for (let i = 0; i < n; i++) out[i] = a[i] >= v ? 1 : 0;
        return true;
      case "less":
        for (let i = 0; i < n; i++) out[i] = a[i] < v ? 1 : 0;
        return true;
      case "lessEqual":
        for (let i = 0; i < n; i++) out[i] = a[i] <= v ? 1 : 0;
        return true;
      default:
        return false;
    }
  }
  for (let base = 0; base < n; base += m) {
    switch (op) {
      case "add":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] + b[j];
        break;
      case "sub":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] - b[j];
        break;
      case "mul":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] * b[j];
        break;
      case "div":
        for (let j = 0; j < m; j++) out[base + j] = a[base + j] / b[j];
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `out = a ∘ b` with NumPy broadcasting of `a` and `b` to `shapes.out` (`out` has its size). */
export function binaryKernel(
  op: BinaryOp,
  a: TypedArray,
  b: TypedArray,
  shapes: BinaryShapes,
  out: TypedArray,
): void {
  const f = BINARY[op];
  const n = out.length;
  if (a.length === n && (b.length === n || isTrailing(shapes.b, shapes.out))) {
    // Same shape, or b repeated along the leading axes (a bias row, a scalar).
    if (!arithmeticFast(op, a, b, out)) {
      const m = b.length;
      for (let i = 0, j = 0; i < n; i++, j = j + 1 === m ? 0 : j + 1) out[i] = f(a[i], b[j]);
    }
    return;
  }
  if (b.length === 1) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i % a.length], bv);
    return;
  }
  if (a.length === 1) {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i % b.length]);
    return;
  }
  // General case: walk the output in C order with an odometer over all but
  // the last axis, and broadcast strides (0 on repeated axes) for both inputs.
  const rank = shapes.out.length;
  const sa = broadcastStrides(shapes.a, shapes.out);
  const sb = broadcastStrides(shapes.b, shapes.out);
  const last = shapes.out[rank - 1];
  const la = sa[rank - 1], lb = sb[rank - 1];
  const counter = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let o = 0; o < n; o += last) {
    for (let j = 0, pa = ia, pb = ib; j < last; j++, pa += la, pb += lb) {
      out[o + j] = f(a[pa], b[pb]);
    }
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      ia += sa[d];
      ib += sb[d];
      if (counter[d] < shapes.out[d]) break;
      ia -= sa[d] * counter[d];
      ib -= sb[d] * counter[d];
      counter[d] = 0;
    }
  }
}
