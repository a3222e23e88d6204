/**
 * `makeCircles`: scikit-learn's `make_circles`, value for value.
 *
 * @module
 */

import type { RandomState } from "@glassbox/tensor";
import { linspace } from "./_random.ts";
import { npCos, npSin } from "./_svml.ts";
import { checkBoolean, checkNumber } from "@glassbox/internal";
import { resolveRandomState, splitTwo } from "./_validate.ts";
import { finishTwoClass, type TwoClassData } from "./make_moons.ts";

/** Options of {@linkcode makeCircles}: scikit-learn's parameters in camelCase, with its defaults. */
export interface MakeCirclesOptions {
  /** Total samples (the inner circle gets the odd one), or [outer, inner]. Default 100. */
  nSamples?: number | readonly [number, number];
  /** Shuffle the samples. Default true. */
  shuffle?: boolean;
  /** Standard deviation of Gaussian noise added to the points, or null for none. Default null. */
  noise?: number | null;
  /** Seed in [0, 2^32 - 1], or a RandomState to draw from (it advances). Default: a random seed. */
  randomState?: number | RandomState;
  /** Radius of the inner circle relative to the outer one, in [0, 1). Default 0.8. */
  factor?: number;
}

const ACTION = "make circles";

/**
 * A large circle containing a smaller one, identical to scikit-learn 1.2's
 * `make_circles` for the same seed.
 *
 * @param options Sizes, noise, radius ratio, seed; see {@linkcode MakeCirclesOptions}.
 * @returns `{ X, y }` (y is 0 on the outer circle, 1 on the inner one).
 * @example
 * ```ts
 * import { makeCircles } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * // make_circles(n_samples=4, shuffle=False, factor=0.5)
 * const { X, y } = makeCircles({ nSamples: 4, shuffle: false, factor: 0.5 });
 * deepStrictEqual(X.toArray(), [[1, 0], [-1, 1.2246467991473532e-16], [0.5, 0], [-0.5, 6.123233995736766e-17]]);
 * deepStrictEqual(Array.from(y.toTypedArray()), [0, 0, 1, 1]);
 * ```
 */
export function makeCircles(options: MakeCirclesOptions = {}): TwoClassData {
  const factor = checkNumber(options.factor ?? 0.8, ACTION, "factor", {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const [nOut, nIn] = splitTwo(options.nSamples ?? 100, ACTION);
  const shuffle = checkBoolean(options.shuffle ?? true, ACTION, "shuffle");
  const noise = options.noise == null
    ? null
    : checkNumber(options.noise, ACTION, "noise", { min: 0 });
  const rs = resolveRandomState(options.randomState, ACTION);
  const outer = linspace(0, 2 * Math.PI, nOut, false);
  const inner = linspace(0, 2 * Math.PI, nIn, false);
  const xs = new Float64Array(nOut + nIn);
  const ys = new Float64Array(nOut + nIn);
  for (let i = 0; i < nOut; i++) {
    xs[i] = npCos(outer[i]);
    ys[i] = npSin(outer[i]);
  }
  for (let i = 0; i < nIn; i++) {
    xs[nOut + i] = npCos(inner[i]) * factor;
    ys[nOut + i] = npSin(inner[i]) * factor;
  }
  return finishTwoClass(xs, ys, nOut, shuffle, noise, rs);
}
