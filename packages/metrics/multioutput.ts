/**
 * How the regression metrics combine the scores of several outputs
 * (the columns of `[N, K]` predictions), as scikit-learn's `multioutput`.
 *
 * @module
 */

/**
 * A way to average per-output scores into one number: `"uniform_average"`
 * (the mean, the default) or explicit weights, one per output (a weighted
 * mean, `Σ wₖ·sₖ / Σ wₖ`).
 */
export type Multioutput = "uniform_average" | readonly number[];

/** Options of `mse`, `rmse` and `mae` that give one number. */
export interface RegressionOptions {
  /** How to average the outputs of `[N, K]` inputs (default `"uniform_average"`). */
  multioutput?: Multioutput;
}

/** Options of `mse`, `rmse`, `mae` and `r2Score` that give one score per output. */
export interface RawValuesOptions {
  /** `"raw_values"`: return one score per output as a plain array. */
  multioutput: "raw_values";
}
