/**
 * `makeMoons`: scikit-learn's `make_moons`, value for value.
 *
 * @module
 */

import type { RandomState, Tensor } from "@glassbox/tensor";
import { linspace, shuffledIndices, takeRows, wrap } from "./_random.ts";
import { npCos, npSin } from "./_svml.ts";
import { checkBoolean, checkNumber } from "@glassbox/internal";
import { resolveRandomState, splitTwo } from "./_validate.ts";

/** Options of {@linkcode makeMoons}: scikit-learn's parameters in camelCase, with its defaults. */
export interface MakeMoonsOptions {
  /** Total samples (the inner moon gets the odd one), or [outer, inner]. Default 100. */
  nSamples?: number | readonly [number, number];
  /** Shuffle the samples. Default true. */
  shuffle?: boolean;
  /** Standard deviation of Gaussian noise added to the points, or null for none. Default null. */
  noise?: number | null;
  /** Seed in [0, 2^32 - 1], or a RandomState to draw from (it advances). Default: a random seed. */
  randomState?: number | RandomState;
}

/** Result of {@linkcode makeMoons} and `makeCircles`. */
export interface TwoClassData {
  /** Points, shape [nSamples, 2]. */
  X: Tensor;
  /** 0 for the outer shape, 1 for the inner one (as float64), shape [nSamples]. */
  y: Tensor;
}

/** Stacks outer and inner points, labels them 0 / 1, then shuffles and adds noise as scikit-learn does. */
export function finishTwoClass(
  xs: Float64Array,
  ys: Float64Array,
  nOuter: number,
  shuffle: boolean,
  noise: number | null,
  rs: RandomState,
): TwoClassData {
  const n = xs.length;
  let X: Float64Array = new Float64Array(2 * n);
  let y: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = xs[i];
    X[2 * i + 1] = ys[i];
    y[i] = i < nOuter ? 0 : 1;
  }
  if (shuffle) {
    const idx = shuffledIndices(rs, n);
    X = takeRows(X, 2, idx);
    y = takeRows(y, 1, idx);
  }
  if (noise !== null) {
    const e = rs.normal(0, noise, [n, 2]);
    for (let i = 0; i < X.length; i++) X[i] += e[i];
  }
  return { X: wrap(X, [n, 2]), y: wrap(y, [n]) };
}

const ACTION = "make moons";

/**
 * Two interleaving half circles, identical to scikit-learn 1.2's `make_moons`
 * for the same seed (cos and sin reproduce NumPy's SVML kernels on AVX-512).
 *
 * @param options Sizes, noise, seed; see {@linkcode MakeMoonsOptions}.
 * @returns `{ X, y }`.
 * @example
 * ```ts
 * import { makeMoons } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * // make_moons(n_samples=4, shuffle=False)
 * const { X, y } = makeMoons({ nSamples: 4, shuffle: false });
 * deepStrictEqual(X.toArray(), [[1, 0], [-1, 1.2246467991473532e-16], [0, 0.5], [2, 0.4999999999999999]]);
 * deepStrictEqual(Array.from(y.toTypedArray()), [0, 0, 1, 1]);
 * ```
 */
export function makeMoons(options: MakeMoonsOptions = {}): TwoClassData {
  const [nOut, nIn] = splitTwo(options.nSamples ?? 100, ACTION);
  const shuffle = checkBoolean(options.shuffle ?? true, ACTION, "shuffle");
  const noise = options.noise == null
    ? null
    : checkNumber(options.noise, ACTION, "noise", { min: 0 });
  const rs = resolveRandomState(options.randomState, ACTION);
  const outer = linspace(0, Math.PI, nOut, true);
  const inner = linspace(0, Math.PI, nIn, true);
  const xs = new Float64Array(nOut + nIn);
  const ys = new Float64Array(nOut + nIn);
  for (let i = 0; i < nOut; i++) {
    xs[i] = npCos(outer[i]);
    ys[i] = npSin(outer[i]);
  }
  for (let i = 0; i < nIn; i++) {
    xs[nOut + i] = 1 - npCos(inner[i]);
    ys[nOut + i] = 1 - npSin(inner[i]) - 0.5;
  }
  return finishTwoClass(xs, ys, nOut, shuffle, noise, rs);
}
