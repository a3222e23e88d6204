// Private helpers for RandomState: size and argument checks, the legacy
// double and bounded-integer draws, and weighted sampling. The natural
// logarithm NumPy's Gaussian sampler needs lives in _glibc_log.ts.

import { describe } from "@glassbox/internal";
import type { Mt19937 } from "./_mt19937.ts";

/** Number of values a NumPy `size` (count or shape) asks for: the product of its dimensions. */
export function countOf(size: unknown, action: string): number {
  const dims = typeof size === "number" ? [size] : size;
  if (!Array.isArray(dims)) {
    throw new TypeError(
      `Cannot ${action}: size must be a number or an array of numbers, got ${describe(size)}`,
    );
  }
  let count = 1;
  for (const d of dims) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(
        `Cannot ${action}: size must hold non-negative integers, got ${describe(size)}`,
      );
    }
    count *= d;
  }
  if (count > 2 ** 32) {
    throw new RangeError(`Cannot ${action}: size asks for ${count} values, more than 2^32`);
  }
  return count;
}

/** Kahan-compensated sum, as NumPy's legacy `choice` uses to check that `p` sums to 1. */
function kahanSum(values: ArrayLike<number>): number {
  let sum = values[0];
  let c = 0;
  for (let i = 1; i < values.length; i++) {
    const y = values[i] - c;
    const t = sum + y;
    c = (t - sum) - y;
    sum = t;
  }
  return sum;
}

/** Running sum of p divided by its last element: NumPy's `cdf = p.cumsum(); cdf /= cdf[-1]`. */
export function normalisedCdf(p: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(p.length);
  let sum = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = sum += p[i];
  const last = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
  return cdf;
}

/** First index i with sorted[i] > value (NumPy's `searchsorted(value, side="right")`). */
export function searchRight(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** NumPy's legacy double in [0, 1): 27 + 26 random bits over 2^53 (`legacy_double`). */
export function nextDouble(mt: Mt19937): number {
  const a = mt.nextUint32() >>> 5;
  const b = mt.nextUint32() >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

/** An integer in [0, max] for max < 2^32 by masked rejection (`random_interval`). */
export function nextInterval(mt: Mt19937, max: number): number {
  if (max === 0) return 0;
  const mask = 0xffffffff >>> Math.clz32(max);
  let value;
  do value = (mt.nextUint32() & mask) >>> 0; while (value > max);
  return value;
}

/**
 * Fills out with integers in [low, high), as NumPy's masked
 * `random_bounded_uint64_fill`: 32-bit draws when high - 1 - low < 2^32 (none
 * when it is 0), else 64-bit draws made of two words, high word first.
 */
export function boundedFill(mt: Mt19937, low: number, high: number, out: Float64Array): void {
  if (high - low <= 2 ** 32) {
    const range = high - 1 - low;
    for (let i = 0; i < out.length; i++) out[i] = low + nextInterval(mt, range);
    return;
  }
  const range = BigInt(high) - 1n - BigInt(low);
  const mask = (1n << BigInt(range.toString(2).length)) - 1n;
  for (let i = 0; i < out.length; i++) {
    let value;
    do {
      const hi = BigInt(mt.nextUint32());
      value = ((hi << 32n) | BigInt(mt.nextUint32())) & mask;
    } while (value > range);
    out[i] = Number(BigInt(low) + value);
  }
}

/** NumPy's checks on `p`: one per element, no NaN, none negative, sum within sqrt(eps) of 1. */
export function checkProbabilities(p: ArrayLike<number>, popSize: number, action: string): void {
  if (p.length !== popSize) {
    throw new RangeError(
      `Cannot ${action}: p must have one entry per element, got ${p.length} for ${popSize}`,
    );
  }
  const sum = kahanSum(p);
  if (Number.isNaN(sum)) throw new RangeError(`Cannot ${action}: p contains NaN`);
  for (let i = 0; i < p.length; i++) {
    if (p[i] < 0) throw new RangeError(`Cannot ${action}: p[${i}] is negative, got ${p[i]}`);
  }
  if (Math.abs(sum - 1) > Math.sqrt(Number.EPSILON)) {
    throw new RangeError(`Cannot ${action}: p must sum to 1, got a sum of ${sum}`);
  }
}

/**
 * Weighted sampling without replacement, NumPy's legacy loop: draw as many
 * doubles as values are missing, look them up in the CDF of the weights left,
 * keep first occurrences in order, zero the weights found, repeat.
 */
export function weightedDistinct(mt: Mt19937, p: ArrayLike<number>, count: number): Float64Array {
  let nonZero = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) nonZero++;
  if (nonZero < count) {
    throw new RangeError(
      `Cannot draw choice: p has ${nonZero} non-zero entries, fewer than size ${count}`,
    );
  }
  const weights = Float64Array.from(p);
  const found: number[] = [];
  while (found.length < count) {
    const draws = Array.from({ length: count - found.length }, () => nextDouble(mt));
    for (const j of found) weights[j] = 0;
    const cdf = normalisedCdf(weights);
    found.push(...new Set(draws.map((u) => searchRight(cdf, u))));
  }
  return Float64Array.from(found);
}
