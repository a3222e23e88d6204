/**
 * `evaluate`: a model's loss and metrics on a data set.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import type { Loss } from "@glassbox/losses";
import type { Tensor } from "@glassbox/tensor";
import { checkLoss, checkMetrics, checkPair, lossValue, type Metric } from "./_checks.ts";
import { checkKeys, checkOptions } from "@glassbox/internal";
import { predict } from "./predict.ts";

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** The loss to compute (optional when only metrics are wanted). */
  loss?: Loss;
  /** Metrics by name: `(truth, pred) => number`, e.g. `{ mape, r2: r2Score }`. */
  metrics?: Record<string, Metric>;
  /** Rows per forward pass (default: all rows). The loss is taken once over all predictions. */
  batchSize?: number;
}

/** What `evaluate` measured. */
export interface Evaluation {
  /** The loss over all rows (absent without a `loss`). */
  loss?: number;
  /** Each metric's value. */
  metrics: Record<string, number>;
  /** The predictions the numbers came from. */
  predictions: Tensor;
}

/**
 * Predicts `x` and scores the predictions against `y`: the loss (one value
 * over all rows, as `loss.forward(model.forward(x), y)`, through `loss.value`
 * when the loss has it: the same number without computing a gradient) and
 * every metric.
 *
 * @param model The model.
 * @param x Inputs.
 * @param y Targets, one row per input row.
 * @param options `loss`, `metrics`, `batchSize`.
 * @returns The loss, metrics and predictions.
 *
 * @example
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { mae } from "@glassbox/metrics";
 * import { evaluate } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const model = mlp([2, 1]);
 * const x = randn([6, 2]), y = randn([6, 1]);
 * const result = evaluate(model, x, y, { loss: new MSELoss(), metrics: { mae } });
 * strictEqual(result.loss, model.forward(x).sub(y).square().mean().item());
 * strictEqual(result.metrics.mae, model.forward(x).sub(y).abs().mean().item());
 * ```
 */
export function evaluate(
  model: Layer,
  x: Tensor,
  y: Tensor,
  options: EvaluateOptions = {},
): Evaluation {
  const action = "evaluate";
  checkPair(x, y, action, ["x", "y"]);
  const o = checkOptions(options, action);
  checkKeys(o, ["loss", "metrics", "batchSize"], action);
  const loss = o.loss === undefined ? undefined : checkLoss(o.loss, action);
  const metrics = checkMetrics(o.metrics, action);
  const predictions = predict(model, x, { batchSize: o.batchSize });
  const result: Evaluation = { metrics: {}, predictions };
  if (loss !== undefined) {
    // A loss's `value` is forward's number without the gradient nor anything kept for backward.
    const value = typeof loss.value === "function"
      ? loss.value(predictions, y)
      : loss.forward(predictions, y);
    result.loss = lossValue(value, action);
  }
  for (const [name, metric] of Object.entries(metrics)) {
    result.metrics[name] = metric(y, predictions);
  }
  return result;
}
