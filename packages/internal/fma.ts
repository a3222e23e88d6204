/**
 * Exact fused multiply-add, which JavaScript lacks: `a * b + c` rounded once,
 * as the FMA instructions of compiled libraries compute it. Every bit-exact
 * port in glassbox is built on it — PyTorch's generator kernels and glibc's
 * log and sincos in `@glassbox/tensor` (which re-exports these three),
 * OpenBLAS's summation orders behind `npDot` here.
 *
 * `fma` and `fmaf` take three positional arguments, like C's `fma`/`fmaf`,
 * rather than the house style's two plus options.
 *
 * @module
 */

//
// float64: the product is split exactly with Dekker's algorithm
// (a·b = ph + pl), the sum with Knuth's TwoSum (c + ph = sh + sl); the tail
// sl + pl is rounded to odd and added once, which is correctly rounded
// (Boldo and Melquiond, 2008). A fast path in front handles the common case
// without the round-to-odd step. float32: the product of two float32 values
// is exact in float64, and a sum rounded to odd in 53 bits, then rounded to
// 24, is correctly rounded.

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);
// Index of the low 32-bit word of a float64 in F64_WORDS (endianness-safe).
const LO = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f ? 0 : 1;
const HI = 1 - LO;
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's splitting constant

/**
 * Rounds `s + err` to odd: `s` when `err` is 0 or the last bit of `s` is
 * already set, else the neighbour of `s` towards `err`.
 *
 * @param s The float64 nearest to the exact value.
 * @param err The exact remainder, `exact − s` (smaller than half an ulp of `s`).
 * @returns `s` rounded to odd.
 */
function roundToOdd(s: number, err: number): number {
  if (err === 0) return s;
  F64[0] = s;
  if ((F64_WORDS[LO] & 1) === 1) return s;
  if ((err > 0) === (s > 0)) {
    F64_WORDS[LO] += 1; // even, so no carry
  } else if (F64_WORDS[LO] === 0) {
    F64_WORDS[LO] = 0xffffffff;
    F64_WORDS[HI] -= 1;
  } else {
    F64_WORDS[LO] -= 1;
  }
  return F64[0];
}

/**
 * A float32 fused multiply-add: `a * b + c` rounded once to float32, like C's
 * `fmaf` or `vfmadd…ss/ps`.
 *
 * @param a A float32 value.
 * @param b A float32 value.
 * @param c A float32 value.
 * @returns The float32 nearest to the exact `a * b + c`.
 *
 * @example
 * ```ts
 * import { fmaf } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * const a = Math.fround(1 + 2 ** -12);
 * strictEqual(fmaf(a, a, -Math.fround(1 + 2 ** -11)), 2 ** -24);
 * ```
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  return Math.fround(roundToOdd(s, err));
}

/**
 * A float64 fused multiply-add: `a * b + c` rounded once, like C's `fma` or
 * `vfmadd…sd`.
 * Exact whenever |a|, |b| < 2^995 and |a·b| > 2^-960 (Dekker's split needs
 * the headroom) — always so in this package's uses; outside that range, and
 * for non-finite operands, it returns the twice-rounded `a * b + c`.
 *
 * With v = fl(sl + pl): when |v| ≤ |sh|/8, fl(sh + v) is already the correctly
 * rounded result unless sh + v is a midpoint between two doubles, where the
 * exact remainder of v decides the side; anything else takes the
 * round-to-odd path.
 *
 * @param a A float64 value.
 * @param b A float64 value.
 * @param c A float64 value.
 * @returns The float64 nearest to the exact `a * b + c`.
 *
 * @example Two roundings lose what one keeps
 * ```ts
 * import { fma } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * const a = 1 + 2 ** -30;
 * strictEqual(fma(a, a, -(1 + 2 ** -29)), 2 ** -60);
 * strictEqual(a * a - (1 + 2 ** -29), 0);
 * ```
 */
export function fma(a: number, b: number, c: number): number {
  const ph = a * b;
  const mag = Math.abs(ph);
  if (
    !(mag > 2 ** -960 && mag < 2 ** 990 && Math.abs(a) < 2 ** 995 && Math.abs(b) < 2 ** 995) ||
    !Number.isFinite(c)
  ) {
    return ph + c;
  }
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  const pl = ((aHi * bHi - ph) + aHi * bLo + aLo * bHi) + aLo * bLo; // ph + pl = a·b
  const sh = c + ph;
  const bv = sh - c;
  const sl = (c - (sh - bv)) + (ph - bv); // sh + sl = c + ph
  const v = sl + pl;
  if (v === 0) return sh; // the tail cancels exactly: c + a·b = sh
  const vb = v - sl;
  const ve = (sl - (v - vb)) + (pl - vb); // sl + pl = v + ve
  if (Math.abs(v) * 8 <= Math.abs(sh)) {
    const r = sh + v;
    const e = (sh - r) + v; // Fast2Sum: sh + v = r + e
    if (e === 0 || ve === 0 || (r + 2 * e) - r !== 2 * e) return r; // not a midpoint
    return (ve > 0) === (e > 0) ? r + 2 * e : r;
  }
  return sh + roundToOdd(v, ve);
}

/**
 * The exact rounding error of a product: `a · b − fl(a · b)`, for operands
 * whose product is a normal number (Dekker's algorithm).
 *
 * @param a A float64 value.
 * @param b A float64 value.
 * @returns The error, so that `a * b + productError(a, b)` is `a · b` exactly.
 *
 * @example
 * ```ts
 * import { productError } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * const a = 1 + 2 ** -30;
 * strictEqual(productError(a, a), 2 ** -60);
 * ```
 */
export function productError(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  return ((aHi * bHi - p) + aHi * bLo + aLo * bHi) + aLo * bLo;
}
