/**
 * Python's way of printing floats, for logs that must read exactly like the
 * notebooks': `pythonRound(x, 4)` is `round(x, 4)` (the exact binary value
 * rounded to the nearest 4-decimal number, ties to even) and `pythonRepr(x)`
 * is `repr(x)` (the shortest text that reads back as x, with `.0` on whole
 * numbers, `e+16` / `e-05` exponents outside [1e-4, 1e16), `nan`, `inf`).
 * Together they print `round(475.71000001, 4)` as `475.71`, not `475.7100`.
 *
 * @module
 */

/**
 * Python's `round(x, digits)` for 0 ≤ digits ≤ 20: the number with at most
 * `digits` decimals nearest to the exact value of x (a tie, possible only
 * when x is exactly halfway in binary, goes to the even last digit).
 *
 * @param x The value.
 * @param digits Decimals to keep.
 * @returns The rounded value (NaN and ±Infinity unchanged).
 *
 * @example
 * ```ts
 * import { pythonRound } from "./python_float.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(pythonRound(475.710000004, 4), 475.71);
 * strictEqual(pythonRound(0.03125, 4), 0.0312); // exact tie: to even, as Python
 * ```
 */
export function pythonRound(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`Cannot round: digits must be an integer in [0, 20], got ${digits}`);
  }
  if (!Number.isFinite(x)) return x;
  // toFixed rounds the exact binary value; only an exact tie (which it
  // breaks upwards in magnitude) needs Python's half-to-even instead.
  const text = Math.abs(x) < 1e21 ? x.toFixed(digits) : String(x);
  const rounded = Number(text);
  if (Math.abs(x) >= 1e21 || !isExactTie(x, digits)) return rounded;
  const lastDigit = Number(text.replace(/[^0-9]/g, "").slice(-1));
  if (lastDigit % 2 === 0) return rounded;
  const step = 10 ** -digits;
  return Number((rounded - Math.sign(x) * step).toFixed(digits));
}

/** Whether x lies exactly halfway between two `digits`-decimal numbers. */
function isExactTie(x: number, digits: number): boolean {
  // Exact decimal expansion of x (binary fractions end after at most 1074 digits).
  const exact = Math.abs(x).toFixed(Math.min(100, 1074));
  const [, fraction = ""] = exact.split(".");
  const rest = fraction.slice(digits).replace(/0+$/, "");
  return rest === "5";
}

/**
 * Python's `repr(x)` of a float: the shortest round-tripping digits, `.0`
 * on whole numbers, exponent notation below 1e-4 and from 1e16 up.
 *
 * @param x The value.
 * @returns The text Python prints.
 *
 * @example
 * ```ts
 * import { pythonRepr } from "./python_float.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(pythonRepr(0), "0.0");
 * strictEqual(pythonRepr(475.71), "475.71");
 * strictEqual(pythonRepr(7.095967135198154e-17), "7.095967135198154e-17");
 * strictEqual(pythonRepr(0.00005), "5e-05");
 * ```
 */
export function pythonRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    const text = String(x); // shortest digits; plain notation in this range
    return /[.e]/.test(text) ? text : `${text}.0`;
  }
  // Exponent form: mantissa digits from the shortest representation.
  const [mantissa, exponent] = x.toExponential().split("e");
  const e = Number(exponent);
  const sign = e < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, "0")}`;
}

/**
 * `pythonRepr(pythonRound(x, digits))`: how the linear-regression notebooks
 * print their losses (`round(loss, 4)` inside an f-string).
 *
 * @param x The value.
 * @param digits Decimals to keep (the notebooks use 4).
 * @returns The text.
 *
 * @example
 * ```ts
 * import { pythonRounded } from "./python_float.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(pythonRounded(727.03014999, 4), "727.0301");
 * strictEqual(pythonRounded(475.70999999, 4), "475.71");
 * strictEqual(pythonRounded(12, 4), "12.0");
 * ```
 */
export function pythonRounded(x: number, digits: number): string {
  return pythonRepr(pythonRound(x, digits));
}
