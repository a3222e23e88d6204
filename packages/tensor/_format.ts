// The printed form of a tensor: PyTorch's `tensor(...)` layout and number
// formatting (4 digits, fixed or scientific chosen from the values shown,
// integers as "1.", columns padded to one width, lines wrapped at 80
// characters), elided to the first and last 3 items of every axis once the
// tensor has more than 1000 elements, and followed by shape, dtype and device.
//
// Python formats with round-half-even on the exact binary value; JavaScript's
// toFixed/toExponential round exact ties away from zero, so ties are detected
// (exactly) and corrected.

import type { DType, TypedArray } from "./dtype.ts";
import { fmtShape } from "@glassbox/internal";
import { sizeOf, stridesOf } from "./_shape.ts";

/** PyTorch's default print options. */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = "tensor(";

/** What the formatter needs of a tensor. */
export interface FormatInput {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly deviceName: string;
  /** The elements in C order; `undefined` when the device cannot read them synchronously. */
  readonly values: TypedArray | undefined;
  readonly disposed: boolean;
}

/** The text form: `tensor([[1., 2.], …], shape=[…], dtype=…, device=…)`. */
export function formatTensor(input: FormatInput): string {
  const indent = PREFIX.length;
  let body: string;
  if (input.disposed) body = "<disposed>";
  else if (input.values === undefined) {
    body = "<not readable synchronously on this device: await tensor.read()>";
  } else if (sizeOf(input.shape) === 0) body = "[]";
  else body = formatValues(input.values, input.shape, indent);
  const suffixes = [
    `shape=${fmtShape(input.shape)}`,
    `dtype=${input.dtype}`,
    `device=${input.deviceName}`,
  ];
  return addSuffixes(PREFIX + body, suffixes, indent);
}

/** The HTML form for notebooks: the text form, escaped, in a `<pre>`. */
export function formatTensorHtml(input: FormatInput): string {
  const escaped = formatTensor(input).replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
  return `<pre class="glassbox-tensor">${escaped}</pre>`;
}

/** Appends `, suffix` items, starting a new line when one would pass the line width. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  // PyTorch's measure of the last line (its length + 1, or + 2 on the first line).
  let last = text.length - text.lastIndexOf("\n") + 1;
  let out = text;
  for (const s of suffixes) {
    if (last + s.length + 2 > LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${s}`;
      last = indent + s.length;
    } else {
      out += `, ${s}`;
      last += s.length + 2;
    }
  }
  return `${out})`;
}

/** Indices shown along an axis of length n: all, or the first and last EDGE_ITEMS. */
function shownIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  return [
    ...Array.from({ length: EDGE_ITEMS }, (_, i) => i),
    ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i),
  ];
}

/** The nested brackets of a non-empty tensor's values. */
function formatValues(values: TypedArray, shape: readonly number[], indent: number): string {
  const summarize = sizeOf(shape) > THRESHOLD;
  const strides = stridesOf(shape);
  // The formatter looks only at the values that will be shown, as PyTorch's does.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      shown.push(values[offset]);
      return;
    }
    for (const i of shownIndices(shape[axis], summarize)) {
      collect(axis + 1, offset + i * strides[axis]);
    }
  };
  collect(0, 0);
  const fmt = numberFormatter(shown);

  const render = (axis: number, offset: number, ind: number): string => {
    const n = shape[axis];
    const elide = summarize && n > 2 * EDGE_ITEMS;
    const idx = shownIndices(n, summarize);
    if (axis === shape.length - 1) {
      const items = idx.map((i) => fmt.format(values[offset + i]));
      if (elide) items.splice(EDGE_ITEMS, 0, " ...");
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - ind) / (fmt.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) {
        lines.push(items.slice(i, i + perLine).join(", "));
      }
      return `[${lines.join(`,\n${" ".repeat(ind + 1)}`)}]`;
    }
    const parts = idx.map((i) => render(axis + 1, offset + i * strides[axis], ind + 1));
    if (elide) parts.splice(EDGE_ITEMS, 0, "...");
    const dims = shape.length - axis;
    return `[${parts.join(`,${"\n".repeat(dims - 1)}${" ".repeat(ind + 1)}`)}]`;
  };
  if (shape.length === 0) return fmt.format(values[0]);
  return render(0, 0, indent);
}

/** How every element of one tensor is written: one mode and one column width. */
interface NumberFormatter {
  readonly width: number;
  format(value: number): string;
}

/** PyTorch's choice of integer, fixed-point or scientific notation for a set of values. */
function numberFormatter(values: readonly number[]): NumberFormatter {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true, sciMode = false, width = 1;
  if (finite.length > 0) {
    let min = Infinity, max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (intMode && v !== Math.ceil(v)) intMode = false;
    }
    sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
    for (const v of finite) {
      const text = sciMode ? scientific(v) : intMode ? fixed(v, 0) + "." : fixed(v, PRECISION);
      width = Math.max(width, text.length);
    }
  }
  return {
    width,
    format(value: number): string {
      let text: string;
      if (sciMode) text = scientific(value);
      else if (intMode) text = fixed(value, 0) + (Number.isFinite(value) ? "." : "");
      else text = fixed(value, PRECISION);
      return text.padStart(width);
    },
  };
}

/** Python's names for the non-finite values. */
function nonFinite(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/** Python's `"{:.pf}".format(v)`: round half to even, "-" kept on negative zero. */
export function fixed(v: number, p: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  const text = a.toFixed(p);
  return sign + (isTie(a, p) ? toEven(text) : text);
}

/** Python's `"{:.4e}".format(v)`: round half to even, a two-digit exponent at least. */
export function scientific(v: number, p = PRECISION): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  let [mantissa, exponent] = a.toExponential(p).split("e");
  if (a !== 0) {
    // The decimal exponent of the value itself (before rounding could carry into it).
    const own = Number(a.toExponential().split("e")[1]);
    if (isTie(a, p - own)) mantissa = toEven(mantissa);
  }
  const e = Number(exponent);
  return `${sign}${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** Whether a ≥ 0 lies exactly halfway between two multiples of 10^-q (q may be negative). */
function isTie(a: number, q: number): boolean {
  if (q >= 0) {
    // 2a·10^q = a·2^(q+1)·5^q is an odd integer exactly when a·2^(q+1) is (exact scaling).
    const y = a * 2 ** (q + 1);
    return Number.isInteger(y) && y % 2 === 1;
  }
  if (!Number.isInteger(a)) return false;
  const twice = BigInt(a) * 2n, unit = 10n ** BigInt(-q);
  return twice % unit === 0n && (twice / unit) % 2n === 1n;
}

/**
 * Turns JavaScript's away-from-zero rounding of a tie into round-half-even: the
 * two candidates differ by one in the last digit, so an odd last digit steps down.
 */
function toEven(text: string): string {
  const last = text.charCodeAt(text.length - 1) - 48;
  return last % 2 === 1 ? text.slice(0, -1) + String(last - 1) : text;
}
