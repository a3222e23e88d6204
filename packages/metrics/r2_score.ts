/**
 * `r2Score`: the coefficient of determination, as scikit-learn's `r2_score`.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { average, checkMultioutput, columns } from "./_regression.ts";
import type { Multioutput } from "./multioutput.ts";

/** Options of `r2Score` that give one number. */
export interface R2ScoreOptions {
  /**
   * How to average the outputs of [N, K] inputs: `"uniform_average"` (default),
   * `"variance_weighted"` (weights = each output's `Σ (t − t̄)²`), or weights per output.
   */
  multioutput?: Multioutput | "variance_weighted";
  /**
   * Replace the non-finite scores of a constant truth column (default true, as
   * scikit-learn): 1 for a perfect prediction, 0 otherwise. With false they are
   * NaN (0/0) or −Infinity.
   */
  forceFinite?: boolean;
}

/** Options of `r2Score` that give one score per output. */
export interface R2ScoreRawOptions {
  /** `"raw_values"`: return one score per output as a plain array. */
  multioutput: "raw_values";
  /** As in `R2ScoreOptions` (default true). */
  forceFinite?: boolean;
}

/**
 * Coefficient of determination `R² = 1 − Σ (t − p)² / Σ (t − t̄)²` of each
 * output, averaged over outputs, as scikit-learn 1.2's `r2_score`: 1 for a
 * perfect prediction, 0 for always predicting the mean, negative when worse.
 * Fewer than two samples give NaN (scikit-learn warns and returns NaN).
 * Inputs of shape [N] or [N, K], truth first (as scikit-learn); float64 on the CPU.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `multioutput`, `forceFinite`.
 * @returns The score; with `multioutput: "raw_values"`, one score per output.
 *
 * @example
 * ```ts
 * import { r2Score } from "@glassbox/metrics";
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const truth = tensor([1, 2, 3, 4]);
 * strictEqual(r2Score(truth, truth), 1);
 * strictEqual(r2Score(truth, tensor([2.5, 2.5, 2.5, 2.5])), 0);
 * // A constant truth column: 1 if predicted exactly, else 0 (forceFinite).
 * const pred = tensor([[1, 5], [2, 5], [3, 6]]), t2 = tensor([[1, 5], [2, 5], [4, 5]]);
 * assertClose(r2Score(t2, pred, { multioutput: "raw_values" }), [1 - 3 / 14, 0]);
 * ```
 */
export function r2Score(truth: Tensor, pred: Tensor, options?: R2ScoreOptions): number;
/**
 * R² of each output.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options `{ multioutput: "raw_values", forceFinite? }`.
 * @returns One score per output.
 */
export function r2Score(truth: Tensor, pred: Tensor, options: R2ScoreRawOptions): number[];
/**
 * Either form, when the `multioutput` option is only known at run time.
 *
 * @param truth True values, [N] or [N, K].
 * @param pred Predictions, same shape.
 * @param options Any options of the two forms above.
 * @returns A number, or one value per output for `"raw_values"`.
 */
export function r2Score(
  truth: Tensor,
  pred: Tensor,
  options: R2ScoreOptions | R2ScoreRawOptions,
): number | number[];
export function r2Score(
  truth: Tensor,
  pred: Tensor,
  options: R2ScoreOptions | R2ScoreRawOptions = {},
): number | number[] {
  const { pred: p, truth: t, n, k } = columns("r2Score", pred, truth);
  const multioutput = options.multioutput;
  checkMultioutput("r2Score", multioutput, k, [
    "uniform_average",
    "variance_weighted",
    "raw_values",
  ]);
  if (n < 2) {
    const nan = new Array<number>(k).fill(NaN);
    return multioutput === "raw_values" ? nan : NaN;
  }
  const forceFinite = options.forceFinite ?? true;
  const numerators: number[] = [], denominators: number[] = [];
  const end = n * k;
  for (let j = 0; j < k; j++) {
    // Each sum in row order, one accumulator each, as scikit-learn's per-output sums. The
    // loops stay in this function: called once per run, it is optimized where its own loops
    // run long, while small helpers would be inlined into its first, slower compiled code.
    let mean = 0;
    for (let at = j; at < end; at += k) mean += t[at];
    mean /= n;
    let residual = 0, total = 0;
    for (let at = j; at < end; at += k) {
      const tv = t[at], d = tv - p[at], e = tv - mean;
      residual += d * d; // d·d is d ** 2 (for every d but NaN), without a pow call
      total += e * e;
    }
    numerators.push(residual);
    denominators.push(total);
  }
  const scores = numerators.map((num, j) => {
    const den = denominators[j];
    if (!forceFinite) return 1 - num / den;
    if (num === 0) return 1; // perfect, even for a constant truth
    return den === 0 ? 0 : 1 - num / den;
  });
  if (multioutput === "raw_values") return scores;
  if (multioutput === "variance_weighted") {
    // All outputs constant: every weight is 0, so fall back to the plain mean, as scikit-learn.
    const weights = denominators.some((d) => d !== 0) ? denominators : undefined;
    return average("r2Score", scores, weights);
  }
  return average("r2Score", scores, multioutput === "uniform_average" ? undefined : multioutput);
}
