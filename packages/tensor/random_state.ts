// NumPy's legacy `numpy.random.RandomState`, bit-identical for integer seeds:
// MT19937 seeded by init_genrand, 53-bit doubles, the polar Box-Muller
// Gaussian with its cached second value, masked rejection for integers.

import { checkBoolean, checkInteger, checkNumber, describe } from "@glassbox/internal";
import { Mt19937 } from "./_mt19937.ts";
import {
  boundedFill,
  checkProbabilities,
  countOf,
  nextDouble,
  nextInterval,
  normalisedCdf,
  searchRight,
  weightedDistinct,
} from "./_random_state_helpers.ts";
import { glibcLog } from "./_glibc_log.ts";

const UINT32_MAX = 0xffffffff;
const KEY_LENGTH = 624;

/**
 * The complete state of a {@linkcode RandomState}, as NumPy's
 * `get_state()` tuple `("MT19937", key, pos, has_gauss, cached_gaussian)`:
 * plain numbers, so it serialises with `JSON.stringify`.
 *
 * @example Save and restore a generator
 * ```ts
 * import { RandomState, type RandomStateSnapshot } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const rs = new RandomState(0);
 * const saved: RandomStateSnapshot = rs.getState();
 * const first = rs.randomSample();
 * rs.setState(saved);
 * strictEqual(rs.randomSample(), first);
 * ```
 */
export interface RandomStateSnapshot {
  /** Always `"MT19937"`. */
  algorithm: "MT19937";
  /** The 624 words of Mersenne Twister state, each in [0, 2^32). */
  key: number[];
  /** Index of the next word to temper, in [0, 624]; 624 means "twist first". */
  pos: number;
  /** Whether a second Gaussian from the last polar draw is waiting. */
  hasGauss: boolean;
  /** The waiting Gaussian (0 when there is none). */
  gauss: number;
}

/**
 * Options of {@linkcode RandomState.prototype.choice}, as NumPy's.
 *
 * @example Three distinct picks with weights
 * ```ts
 * import { type ChoiceOptions, RandomState } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const options: ChoiceOptions = { replace: false, p: [0.1, 0.2, 0.3, 0.4] };
 * strictEqual(new Set(new RandomState(1).choice(4, { ...options, size: 3 })).size, 3);
 * ```
 */
export interface ChoiceOptions {
  /** Count or shape of the result; omitted, a single number is returned. */
  size?: number | readonly number[];
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Probability of each element of `a`; must be non-negative and sum to 1. */
  p?: ArrayLike<number>;
}

/**
 * NumPy's legacy random generator, `numpy.random.RandomState(seed)`: the same
 * seed and call sequence give exactly NumPy's numbers (compared against
 * NumPy 1.24 in `tests/golden/numpy_random.json`).
 *
 * Conventions: a `size` is a count or a shape; with one, a method returns a
 * `Float64Array` of the product of the shape's dimensions in C (row-major)
 * order, and without one a single number. Integers come back as float64
 * numbers. The Gaussians use a port of glibc's `log` (what NumPy calls on
 * x86-64 Linux), so they match NumPy there bit for bit; NumPy on other C
 * libraries may differ from both in the last bit.
 *
 * @example Same numbers as `numpy.random.RandomState(0)`
 * ```ts
 * import { RandomState } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const rs = new RandomState(0);
 * strictEqual(rs.randomSample(), 0.5488135039273248);
 * deepStrictEqual(Array.from(rs.randint(0, 10, 3)), [5, 0, 3]);
 * ```
 */
export class RandomState {
  #mt: Mt19937 = new Mt19937(0);
  #hasGauss = false;
  #gauss = 0;

  /**
   * Creates a generator seeded like `numpy.random.RandomState(seed)`.
   *
   * @param seed Integer in [0, 2^32 - 1]; omitted, one is taken from
   *   `crypto.getRandomValues` (NumPy would use OS entropy differently, so
   *   unseeded streams are not comparable anyway).
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new RandomState(0).standardNormal(), 1.764052345967664);
   * ```
   */
  constructor(seed?: number) {
    this.seed(seed);
  }

  /**
   * Reseeds in place, as `RandomState.seed(seed)`: Knuth's `init_genrand`,
   * and any cached Gaussian is dropped.
   *
   * @param seed Integer in [0, 2^32 - 1]; omitted, a random one.
   * @returns Nothing.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const rs = new RandomState(5);
   * rs.seed(0);
   * strictEqual(rs.randomSample(), 0.5488135039273248);
   * ```
   */
  seed(seed?: number): void {
    const value = seed === undefined
      ? crypto.getRandomValues(new Uint32Array(1))[0]
      : checkInteger(seed, "seed RandomState", "seed", { min: 0, max: UINT32_MAX });
    this.#mt.seed(value);
    this.#hasGauss = false;
    this.#gauss = 0;
  }

  /**
   * Uniform doubles in [0, 1) with 53 random bits, as `random_sample` /
   * `rand`.
   *
   * @param size Count or shape; omitted, one number.
   * @returns A number, or a `Float64Array` in C order.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(
   *   Array.from(new RandomState(0).randomSample([1, 3])),
   *   [0.5488135039273248, 0.7151893663724195, 0.6027633760716439],
   * );
   * ```
   */
  randomSample(size?: undefined): number;
  /** With a size: a `Float64Array` of prod(size) values. */
  randomSample(size: number | readonly number[]): Float64Array;
  randomSample(size?: number | readonly number[]): number | Float64Array {
    return this.#fill(size, "draw randomSample", () => nextDouble(this.#mt));
  }

  /**
   * Standard normal values, as `standard_normal` / `randn`: the polar
   * Box-Muller method, which makes Gaussians in pairs and keeps the second
   * for the next call.
   *
   * @param size Count or shape; omitted, one number.
   * @returns A number, or a `Float64Array` in C order.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(
   *   Array.from(new RandomState(0).standardNormal(2)),
   *   [1.764052345967664, 0.4001572083672233],
   * );
   * ```
   */
  standardNormal(size?: undefined): number;
  /** With a size: a `Float64Array` of prod(size) values. */
  standardNormal(size: number | readonly number[]): Float64Array;
  standardNormal(size?: number | readonly number[]): number | Float64Array {
    return this.#fill(size, "draw standardNormal", () => this.#gaussian());
  }

  /**
   * Normal values `loc + scale * z` with z standard normal, as `normal`.
   *
   * @param loc Mean.
   * @param scale Standard deviation, not negative.
   * @param size Count or shape; omitted, one number.
   * @returns A number, or a `Float64Array` in C order.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new RandomState(0).normal(10, 2), 13.528104691935328);
   * ```
   */
  normal(loc?: number, scale?: number, size?: undefined): number;
  /** With a size: a `Float64Array` of prod(size) values. */
  normal(loc: number, scale: number, size: number | readonly number[]): Float64Array;
  normal(loc = 0, scale = 1, size?: number | readonly number[]): number | Float64Array {
    const action = "draw normal";
    checkNumber(loc, action, "loc", { finite: false });
    checkNumber(scale, action, "scale", { finite: false });
    if (scale < 0 || Object.is(scale, -0)) {
      throw new RangeError(`Cannot ${action}: scale must not be negative, got ${scale}`);
    }
    return this.#fill(size, action, () => loc + scale * this.#gaussian());
  }

  /**
   * Uniform values `low + (high - low) * u` with u from `randomSample`, as
   * `uniform` (so `high` may be below `low`).
   *
   * @param low Lower bound (included).
   * @param high Upper bound (excluded).
   * @param size Count or shape; omitted, one number.
   * @returns A number, or a `Float64Array` in C order.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new RandomState(0).uniform(-1, 1), 0.0976270078546495);
   * ```
   */
  uniform(low?: number, high?: number, size?: undefined): number;
  /** With a size: a `Float64Array` of prod(size) values. */
  uniform(low: number, high: number, size: number | readonly number[]): Float64Array;
  uniform(low = 0, high = 1, size?: number | readonly number[]): number | Float64Array {
    const action = "draw uniform";
    checkNumber(low, action, "low", { finite: false });
    checkNumber(high, action, "high", { finite: false });
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(
        `Cannot ${action}: high - low must be finite, got low ${low} and high ${high}`,
      );
    }
    return this.#fill(size, action, () => low + range * nextDouble(this.#mt));
  }

  /**
   * Integers in [low, high), as `randint` with NumPy's default int64 dtype:
   * masked rejection sampling on 32-bit draws, or on 64-bit draws (two
   * 32-bit words, high first) when high - low - 1 exceeds 2^32 - 1.
   *
   * @param low Lowest value; with `high` omitted, the values lie in [0, low).
   * @param high One past the highest value.
   * @param size Count or shape; omitted, one number.
   * @returns A safe integer, or a `Float64Array` of them in C order.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(Array.from(new RandomState(0).randint(0, 10, 5)), [5, 0, 3, 3, 7]);
   * ```
   */
  randint(low: number, high?: number, size?: undefined): number;
  /** With a size: a `Float64Array` of prod(size) integers. */
  randint(low: number, high: number | undefined, size: number | readonly number[]): Float64Array;
  randint(low: number, high?: number, size?: number | readonly number[]): number | Float64Array {
    const action = "draw randint";
    checkInteger(low, action, "low", {
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
    });
    if (high === undefined) {
      if (low <= 0) throw new RangeError(`Cannot ${action}: high must be positive, got ${low}`);
      [low, high] = [0, low];
    }
    checkInteger(high, action, "high", { min: Number.MIN_SAFE_INTEGER, max: 2 ** 53 });
    if (low >= high) {
      throw new RangeError(
        `Cannot ${action}: low must be less than high, got low ${low} and high ${high}`,
      );
    }
    const out = new Float64Array(size === undefined ? 1 : countOf(size, action));
    boundedFill(this.#mt, low, high, out);
    return size === undefined ? out[0] : out;
  }

  /**
   * Shuffles an array in place, as `shuffle` on a 1-D array: for i from
   * n - 1 down to 1, swap element i with element j drawn from [0, i].
   *
   * @param array A JS array or typed array.
   * @returns Nothing; `array` is reordered.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const xs = [0, 1, 2, 3, 4];
   * new RandomState(0).shuffle(xs);
   * deepStrictEqual(xs, [2, 0, 1, 3, 4]);
   * ```
   */
  shuffle<T>(array: { length: number; [index: number]: T }): void {
    for (let i = array.length - 1; i > 0; i--) {
      const j = nextInterval(this.#mt, i);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
  }

  /**
   * Shuffles the rows of a flat row-major matrix in place, as `shuffle` on a
   * 2-D array (along axis 0): the same draws as shuffling `nRows` items.
   *
   * @param data Row-major values, `data.length / rowLength` rows.
   * @param rowLength Values per row, a positive integer dividing `data.length`.
   * @returns Nothing; the rows of `data` are reordered.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const m = new Float64Array([0, 1, 2, 3, 4, 5]); // 3 rows of 2
   * new RandomState(0).shuffleRows(m, 2);
   * deepStrictEqual(Array.from(m), [4, 5, 2, 3, 0, 1]);
   * ```
   */
  shuffleRows<T>(data: { length: number; [index: number]: T }, rowLength: number): void {
    const action = "shuffle rows";
    checkInteger(rowLength, action, "rowLength", 1);
    if (data.length % rowLength !== 0) {
      throw new RangeError(
        `Cannot ${action}: rowLength ${rowLength} does not divide data.length ${data.length}`,
      );
    }
    for (let i = data.length / rowLength - 1; i > 0; i--) {
      const j = nextInterval(this.#mt, i);
      for (let a = i * rowLength, b = j * rowLength, k = 0; k < rowLength && a !== b; k++) {
        const t = data[a + k];
        data[a + k] = data[b + k];
        data[b + k] = t;
      }
    }
  }

  /**
   * A random permutation, as `permutation`: of `0 … n - 1` (a
   * `Float64Array`), or a shuffled copy of an array (same kind as the input).
   *
   * @param x A count n, or a JS array or typed array to copy.
   * @returns The shuffled `Float64Array` or copy.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(Array.from(new RandomState(0).permutation(5)), [2, 0, 1, 3, 4]);
   * deepStrictEqual(new RandomState(0).permutation(["a", "b", "c"]), ["c", "b", "a"]);
   * ```
   */
  permutation(x: number): Float64Array;
  /** A shuffled copy of a JS array. */
  permutation<T>(x: readonly T[]): T[];
  /** A shuffled copy of a typed array, of the same type. */
  permutation<A extends Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array>(
    x: A,
  ): A;
  permutation(x: number | { length: number; slice(): unknown }): unknown {
    let copy;
    if (typeof x === "number") {
      copy = new Float64Array(checkInteger(x, "draw permutation", "n", 0));
      for (let i = 0; i < copy.length; i++) copy[i] = i;
    } else {
      copy = x.slice() as { length: number; [index: number]: unknown };
    }
    this.shuffle(copy);
    return copy;
  }

  /**
   * Random elements of `a` (or of `0 … a - 1` when `a` is a count), as
   * `choice`: with replacement, `randint(0, n, size)`; without,
   * the first `size` of `permutation(n)`; with `p`, inverse-CDF lookups of
   * `randomSample` values (redrawing duplicates when `replace` is false).
   *
   * @param a A population size, or the values to choose from.
   * @param options `size`, `replace` (default true) and probabilities `p`.
   * @returns A number, or a `Float64Array` in C order when `size` is given.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(Array.from(new RandomState(0).choice(10, { size: 3 })), [5, 0, 3]);
   * deepStrictEqual(
   *   Array.from(new RandomState(0).choice(10, { size: 3, replace: false })),
   *   [2, 8, 4],
   * );
   * ```
   */
  choice(a: number | ArrayLike<number>, options?: ChoiceOptions & { size?: undefined }): number;
  /** With a size: a `Float64Array` of prod(size) values. */
  choice(
    a: number | ArrayLike<number>,
    options: ChoiceOptions & { size: number | readonly number[] },
  ): Float64Array;
  choice(a: number | ArrayLike<number>, options: ChoiceOptions = {}): number | Float64Array {
    const action = "draw choice";
    const { size, replace = true, p } = options;
    const popSize = typeof a === "number" ? checkInteger(a, action, "a", 0) : a.length;
    const count = size === undefined ? 1 : countOf(size, action);
    if (popSize === 0 && count !== 0) {
      const got = typeof a === "number" ? `a = ${a}` : "an array of length 0";
      throw new RangeError(`Cannot ${action}: the population is empty, got ${got}`);
    }
    if (p !== undefined) checkProbabilities(p, popSize, action);
    let idx: Float64Array = new Float64Array(count);
    if (replace && p !== undefined) {
      const cdf = normalisedCdf(p);
      for (let i = 0; i < count; i++) idx[i] = searchRight(cdf, nextDouble(this.#mt));
    } else if (replace) {
      if (count > 0) boundedFill(this.#mt, 0, popSize, idx);
    } else if (count > popSize) {
      throw new RangeError(
        `Cannot ${action}: size asks for ${count} values without replacement, ` +
          `more than the population of ${popSize}`,
      );
    } else if (p !== undefined) {
      idx = weightedDistinct(this.#mt, p, count);
    } else {
      idx = this.permutation(popSize).slice(0, count);
    }
    if (typeof a !== "number") idx = idx.map((i) => a[i]);
    return size === undefined ? idx[0] : idx;
  }

  /**
   * The generator's complete state, as `get_state()`.
   *
   * @returns A fresh plain object; changing it does not affect the generator.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const state = new RandomState(0).getState();
   * strictEqual(state.key[0], 0);
   * strictEqual(state.pos, 624);
   * ```
   */
  getState(): RandomStateSnapshot {
    return {
      algorithm: "MT19937",
      key: Array.from(this.#mt.state),
      pos: this.#mt.index,
      hasGauss: this.#hasGauss,
      gauss: this.#gauss,
    };
  }

  /**
   * Restores a state from {@linkcode RandomState.prototype.getState} (or
   * from NumPy's `get_state()`), as `set_state`.
   *
   * @param state Key of 624 words, position, and the cached Gaussian.
   * @returns Nothing.
   * @example
   * ```ts
   * import { RandomState } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const a = new RandomState(0);
   * const b = new RandomState(1);
   * b.setState(a.getState());
   * strictEqual(b.standardNormal(), a.standardNormal());
   * ```
   */
  setState(state: RandomStateSnapshot): void {
    const action = "set RandomState state";
    if (state?.algorithm !== "MT19937") {
      throw new RangeError(
        `Cannot ${action}: algorithm must be "MT19937", got ${describe(state?.algorithm)}`,
      );
    }
    const key = state.key;
    if (!Array.isArray(key) || key.length !== KEY_LENGTH) {
      throw new RangeError(
        `Cannot ${action}: key must be an array of ${KEY_LENGTH} words, got length ${key?.length}`,
      );
    }
    key.forEach((word, i) => checkInteger(word, action, `key[${i}]`, { min: 0, max: UINT32_MAX }));
    checkInteger(state.pos, action, "pos", { min: 0, max: KEY_LENGTH });
    checkBoolean(state.hasGauss, action, "hasGauss");
    checkNumber(state.gauss, action, "gauss", { finite: false });
    this.#mt.state.set(key);
    this.#mt.index = state.pos;
    this.#hasGauss = state.hasGauss;
    this.#gauss = state.gauss;
  }

  /** NumPy's `legacy_gauss`: polar Box-Muller, returning f * x2 and keeping f * x1. */
  #gaussian(): number {
    if (this.#hasGauss) {
      const g = this.#gauss;
      this.#hasGauss = false;
      this.#gauss = 0;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * nextDouble(this.#mt) - 1;
      x2 = 2 * nextDouble(this.#mt) - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * glibcLog(r2) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /** One draw, or a Float64Array of prod(size) draws. */
  #fill(
    size: number | readonly number[] | undefined,
    action: string,
    draw: () => number,
  ): number | Float64Array {
    if (size === undefined) return draw();
    const out = new Float64Array(countOf(size, action));
    for (let i = 0; i < out.length; i++) out[i] = draw();
    return out;
  }
}
