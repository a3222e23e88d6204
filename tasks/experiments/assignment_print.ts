/**
 * Printing values the way the assignment notebook shows them: PyTorch's
 * tensor repr (`tensor([[-0.6024,  0.4440]])`, four decimals, or scientific
 * notation when the magnitudes span more than a factor of 1000) and
 * Python's number formats.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";

/**
 * Formats one number as Python's `repr(float)` does: the shortest text that
 * reads back to the same double, `e-05` exponents, `.0` on whole numbers.
 *
 * @param x The number.
 * @returns Python's text.
 *
 * @example
 * ```ts
 * import { pyRepr } from "./assignment_print.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(pyRepr(49.730159759521484), "49.730159759521484");
 * strictEqual(pyRepr(3e-10), "3e-10");
 * strictEqual(pyRepr(1), "1.0");
 * ```
 */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exp] = x.toExponential().split("e");
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const s = String(x);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

function sciText(x: number): string {
  const [mantissa, exp] = x.toExponential(4).split("e");
  const e = Number(exp);
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** How PyTorch prints every element of a tensor: fixed, scientific or whole numbers. */
function elementFormatter(values: readonly number[]): (x: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonzero = finite.map(Math.abs).filter((v) => v > 0);
  const special = (x: number): string | null =>
    Number.isNaN(x) ? "nan" : !Number.isFinite(x) ? (x > 0 ? "inf" : "-inf") : null;
  if (finite.every((v) => Number.isInteger(v))) {
    const big = nonzero.length > 0 && Math.max(...nonzero) > 1e8;
    return (x) => special(x) ?? (big ? sciText(x) : `${x.toFixed(0)}.`);
  }
  const max = nonzero.length > 0 ? Math.max(...nonzero) : 0;
  const min = nonzero.length > 0 ? Math.min(...nonzero) : 0;
  const sci = nonzero.length > 0 && (max / min > 1000 || max > 1e8 || min < 1e-4);
  return (x) => special(x) ?? (sci ? sciText(x) : x.toFixed(4));
}

/**
 * PyTorch's repr of a CPU tensor (`print(t)`), for tensors of rank 0 to 2:
 * every element in one format and padded to one width, rows on their own
 * lines under the first, rows wrapped at 80 characters.
 *
 * @param t The tensor.
 * @param suffix Text before the closing parenthesis, e.g. `", requires_grad=True"`.
 * @returns e.g. `tensor([0.1147, 0.8853])`.
 *
 * @example
 * ```ts
 * import { torchRepr } from "./assignment_print.ts";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(torchRepr(tensor([[-0.60241, 0.444], [-0.752, -0.7248]])),
 *   "tensor([[-0.6024,  0.4440],\n        [-0.7520, -0.7248]])");
 * strictEqual(torchRepr(tensor([14.1, 8.7531e-20])), "tensor([1.4100e+01, 8.7531e-20])");
 * ```
 */
export function torchRepr(t: Tensor, suffix = ""): string {
  const values = Array.from(t.toTypedArray());
  const format = elementFormatter(values);
  const texts = values.map(format);
  const width = Math.max(0, ...texts.map((s) => s.length));
  const cell = texts.map((s) => s.padStart(width));
  if (t.rank === 0) return `tensor(${texts[0]}${suffix})`;
  if (t.rank !== 1 && t.rank !== 2) {
    throw new TypeError(`Cannot print tensor: rank ${t.rank}, only ranks 0 to 2 are supported`);
  }
  // PyTorch wraps a row at 80 characters: as many elements per line as fit after the indent.
  const indent = "tensor(".length + t.rank - 1;
  const perLine = Math.max(1, Math.floor((80 - indent) / (width + 2)));
  const row = (cells: string[]): string => {
    const lines: string[] = [];
    for (let i = 0; i < cells.length; i += perLine) {
      lines.push(cells.slice(i, i + perLine).join(", "));
    }
    return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
  };
  if (t.rank === 1) return `tensor(${row(cell)}${suffix})`;
  const [rows, cols] = t.shape;
  const lines = Array.from({ length: rows }, (_, i) => row(cell.slice(i * cols, (i + 1) * cols)));
  return `tensor([${lines.join(",\n        ")}]${suffix})`;
}
