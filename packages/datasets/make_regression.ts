/**
 * `makeRegression`: scikit-learn's `make_regression`, value for value.
 *
 * @module
 */

import type { RandomState, Tensor } from "@glassbox/tensor";
import { lowRankMatrix } from "./_low_rank.ts";
import { checkBoolean, checkInteger, checkNumber, npDot } from "@glassbox/internal";
import { permute, shuffledIndices, takeRows, wrap } from "./_random.ts";
import { checkThreads, resolveRandomState } from "./_validate.ts";

/**
 * The thread count of the OpenBLAS that produced the reference fixtures
 * (tests/golden): the default of the generators' `blasThreads` option.
 */
export const REFERENCE_BLAS_THREADS = 2;

/**
 * Options of {@linkcode makeRegression}: scikit-learn's parameters in camelCase,
 * with its defaults.
 */
export interface MakeRegressionOptions {
  /** Number of samples (rows), at least 1. Default 100. */
  nSamples?: number;
  /** Number of features (columns), at least 1. Default 100. */
  nFeatures?: number;
  /** Features with a non-zero coefficient; more than nFeatures means all. Default 10. */
  nInformative?: number;
  /** Number of regression targets. Default 1 (then `y` is 1-D). */
  nTargets?: number;
  /** Constant added to every target. Default 0. */
  bias?: number;
  /**
   * When set (an integer at least 1), X is a low-rank matrix with a
   * bell-shaped singular spectrum of about this width instead of Gaussian.
   * Not bit-exact: see the README. Default null.
   */
  effectiveRank?: number | null;
  /** Weight of the fat tail of the singular spectrum, in [0, 1]. Default 0.5. */
  tailStrength?: number;
  /** Standard deviation of the Gaussian noise added to y, at least 0. Default 0. */
  noise?: number;
  /** Shuffle the samples and the features. Default true. */
  shuffle?: boolean;
  /** Also return the coefficients of the linear model. Default false. */
  coef?: boolean;
  /** Seed in [0, 2^32 - 1], or a RandomState to draw from (it advances). Default: a random seed. */
  randomState?: number | RandomState;
  /**
   * OpenBLAS thread count of the NumPy run to reproduce: with nTargets = 1
   * and nSamples * nFeatures >= 9216, or products larger than 10^6 terms,
   * OpenBLAS splits `X @ coef` between threads and the split decides the
   * last bit of some rows. Default {@linkcode REFERENCE_BLAS_THREADS}.
   */
  blasThreads?: number;
}

/** Result of {@linkcode makeRegression}. */
export interface RegressionData {
  /** Samples, shape [nSamples, nFeatures]. */
  X: Tensor;
  /** Targets, shape [nSamples] when nTargets is 1, else [nSamples, nTargets]. */
  y: Tensor;
  /** Coefficients (only with `coef: true`), shape [nFeatures] or [nFeatures, nTargets]. */
  coef?: Tensor;
}

const ACTION = "make regression";

/**
 * A random linear regression problem, identical to scikit-learn 1.2's
 * `make_regression` for the same seed: Gaussian X, `nInformative` non-zero
 * coefficients drawn uniformly in [0, 100), `y = X @ coef + bias` (summed in
 * OpenBLAS's order) plus Gaussian noise, then samples and features shuffled.
 *
 * @param options Sizes, noise, seed; see {@linkcode MakeRegressionOptions}.
 * @returns `{ X, y }`, and `coef` when asked for.
 * @example Same values as `make_regression(n_samples=3, n_features=2, random_state=0)`
 * ```ts
 * import { makeRegression } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const { X, y } = makeRegression({ nSamples: 3, nFeatures: 2, randomState: 0 });
 * deepStrictEqual(X.shape, [3, 2]);
 * deepStrictEqual(y.shape, [3]);
 * deepStrictEqual(Array.from(y.toTypedArray()), [
 *   242.66512777057386, -5.429053475425266, 112.87761410836193,
 * ]);
 * ```
 */
export function makeRegression(options: MakeRegressionOptions = {}): RegressionData {
  const nSamples = checkInteger(options.nSamples ?? 100, ACTION, "nSamples", 1);
  const nFeatures = checkInteger(options.nFeatures ?? 100, ACTION, "nFeatures", 1);
  const nInformativeAsked = checkInteger(options.nInformative ?? 10, ACTION, "nInformative", 0);
  const nTargets = checkInteger(options.nTargets ?? 1, ACTION, "nTargets", 1);
  const bias = checkNumber(options.bias ?? 0, ACTION, "bias");
  const effectiveRank = options.effectiveRank == null
    ? null
    : checkInteger(options.effectiveRank, ACTION, "effectiveRank", 1);
  const tailStrength = checkNumber(options.tailStrength ?? 0.5, ACTION, "tailStrength", {
    min: 0,
    max: 1,
  });
  const noise = checkNumber(options.noise ?? 0, ACTION, "noise", { min: 0 });
  const shuffle = checkBoolean(options.shuffle ?? true, ACTION, "shuffle");
  const wantCoef = checkBoolean(options.coef ?? false, ACTION, "coef");
  const threads = checkThreads(options.blasThreads ?? REFERENCE_BLAS_THREADS, ACTION);
  const rs = resolveRandomState(options.randomState, ACTION);

  const nInformative = Math.min(nFeatures, nInformativeAsked);
  let X: Float64Array = effectiveRank === null
    ? rs.standardNormal([nSamples, nFeatures])
    : lowRankMatrix(rs, nSamples, nFeatures, effectiveRank, tailStrength);

  let coef: Float64Array = new Float64Array(nFeatures * nTargets);
  if (nInformative > 0) {
    const u = rs.uniform(0, 1, [nInformative, nTargets]);
    for (let i = 0; i < u.length; i++) coef[i] = 100 * u[i];
  }

  let y: Float64Array = npDot(X, nSamples, nFeatures, coef, nTargets, threads);
  for (let i = 0; i < y.length; i++) y[i] = y[i] + bias;
  if (noise > 0) {
    const e = rs.normal(0, noise, [nSamples, nTargets]);
    for (let i = 0; i < y.length; i++) y[i] += e[i];
  }

  if (shuffle) {
    const rows = shuffledIndices(rs, nSamples);
    const cols = shuffledIndices(rs, nFeatures);
    X = permute(X, rows, cols);
    y = takeRows(y, nTargets, rows);
    coef = takeRows(coef, nTargets, cols);
  }

  const result: RegressionData = {
    X: wrap(X, [nSamples, nFeatures]),
    y: wrap(y, nTargets === 1 ? [nSamples] : [nSamples, nTargets]),
  };
  if (wantCoef) {
    result.coef = wrap(coef, nTargets === 1 ? [nFeatures] : [nFeatures, nTargets]);
  }
  return result;
}
