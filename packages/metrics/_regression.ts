// Shared by the regression metrics: inputs of shape [N] or [N, K] as columns,
// and scikit-learn's averaging over outputs.

import { fmtShape } from "@glassbox/internal";
import { checkPair, hostValues } from "./_inputs.ts";
import type { Multioutput } from "./multioutput.ts";

/**
 * `pred` and `truth` as K columns of N float64 values each, read in place: column j of
 * row i is element `i·k + j` of the flat row-major arrays (k = 1 for [N] inputs).
 */
export interface Columns {
  pred: Float64Array;
  truth: Float64Array;
  /** Rows. */
  n: number;
  /** Columns (outputs). */
  k: number;
}

/** Reads [N] (one output) or [N, K] (K outputs) predictions and truths as columns. */
export function columns(metric: string, pred: unknown, truth: unknown): Columns {
  const pair = checkPair(metric, pred, truth);
  const shape = pair.pred.shape;
  if (shape.length !== 1 && shape.length !== 2) {
    throw new TypeError(
      `Cannot compute ${metric}: inputs have shape ${
        fmtShape(shape)
      }, expected [N] or [N, K] (K outputs)`,
    );
  }
  const [n, k] = shape.length === 1 ? [shape[0], 1] : [shape[0], shape[1]];
  const p = hostValues(metric, pair.pred, "pred"), t = hostValues(metric, pair.truth, "truth");
  return { pred: p, truth: t, n, k };
}

// Column sums for mse and mae, read in place: each sums its column in row order with one
// accumulator, as a loop over a copied-out column would. Squares are d·d: the same number
// as d ** 2 (a call to pow, which returns x·x for an exponent of 2) for every d that is
// not NaN, at a fraction of the cost.

/** Σ (t[i, j] − p[i, j])² over the rows i, in order. */
export function columnSquaredError(
  t: Float64Array,
  p: Float64Array,
  n: number,
  k: number,
  j: number,
): number {
  let s = 0;
  for (let i = 0, at = j; i < n; i++, at += k) {
    const d = t[at] - p[at];
    s += d * d;
  }
  return s;
}

/** Σ |t[i, j] − p[i, j]| over the rows i, in order. */
export function columnAbsoluteError(
  t: Float64Array,
  p: Float64Array,
  n: number,
  k: number,
  j: number,
): number {
  let s = 0;
  for (let i = 0, at = j; i < n; i++, at += k) s += Math.abs(t[at] - p[at]);
  return s;
}

/** Validates the `multioutput` option against the number of outputs. */
export function checkMultioutput(
  metric: string,
  multioutput: unknown,
  outputs: number,
  allowed: string[],
): void {
  if (
    multioutput === undefined || (typeof multioutput === "string" && allowed.includes(multioutput))
  ) return;
  if (Array.isArray(multioutput)) {
    if (
      multioutput.length !== outputs ||
      !multioutput.every((w) => typeof w === "number" && Number.isFinite(w))
    ) {
      throw new RangeError(
        `Cannot compute ${metric}: multioutput has ${multioutput.length} weights, expected ${outputs} finite numbers (one per output)`,
      );
    }
    return;
  }
  throw new RangeError(
    `Cannot compute ${metric}: multioutput ${
      JSON.stringify(multioutput)
    } is not supported, expected ${
      allowed.map((a) => `"${a}"`).join(", ")
    } or an array of ${outputs} weights`,
  );
}

/** `np.average(scores, weights)`: the mean, or `Σ w·s / Σ w`. */
export function average(
  metric: string,
  scores: readonly number[],
  weights?: readonly number[],
): number {
  if (weights === undefined) return scores.reduce((a, b) => a + b, 0) / scores.length;
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) {
    throw new RangeError(`Cannot compute ${metric}: the multioutput weights sum to 0`);
  }
  return scores.reduce((a, s, i) => a + s * weights[i], 0) / total;
}

/** Per-output scores combined as `multioutput` says ("raw_values" keeps them). */
export function combine(
  metric: string,
  scores: number[],
  multioutput: Multioutput | "raw_values" | undefined,
): number | number[] {
  if (multioutput === "raw_values") return scores;
  return average(
    metric,
    scores,
    multioutput === undefined || multioutput === "uniform_average" ? undefined : multioutput,
  );
}
