/**
 * `lossCurvesSpec`: training and validation loss per epoch as a Vega-Lite
 * line chart — one run (colour = split), or several (colour = run, dashes =
 * split).
 *
 * @module
 */

import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./vega_lite.ts";

/** One run's losses per epoch. */
export interface LossSeries {
  /** The run's name, e.g. an architecture `1-8-1` (used when there are several). */
  name: string;
  /** Epoch records: `epoch`, `loss`, optional `validLoss`. */
  epochs: readonly { epoch: number; loss: number; validLoss?: number }[];
}

/** Options of `lossCurvesSpec`. */
export interface LossCurvesOptions {
  /** Chart title. */
  title: string;
  /** A line under the title (e.g. the data and optimizer). */
  subtitle?: string;
  /** The loss's name for the y axis (default "loss"). */
  lossName?: string;
}

/** Ratio of the largest to the smallest positive loss above which the y axis is logarithmic. */
const LOG_RATIO = 30;

/**
 * A Vega-Lite spec plotting loss against epoch: the training loss (mean of
 * the epoch's batch losses) and the validation loss after each epoch. The y
 * axis turns logarithmic when the losses span more than a factor of 30.
 *
 * @param series One run, or several to compare.
 * @param options Title, subtitle, the loss's name.
 * @returns The spec (inline data).
 *
 * @example
 * ```ts
 * import { lossCurvesSpec } from "@glassbox/plots";
 * import { strictEqual } from "node:assert/strict";
 *
 * const spec = lossCurvesSpec([{ name: "run", epochs: [{ epoch: 0, loss: 2, validLoss: 3 }] }], { title: "t" });
 * strictEqual((spec.data as { values: unknown[] }).values.length, 2);
 * ```
 */
export function lossCurvesSpec(
  series: readonly LossSeries[],
  options: LossCurvesOptions,
): VegaLiteSpec {
  const values: { epoch: number; loss: number; split: string; run: string }[] = [];
  for (const s of series) {
    for (const e of s.epochs) {
      if (Number.isFinite(e.loss)) {
        values.push({ epoch: e.epoch, loss: e.loss, split: "training", run: s.name });
      }
      if (e.validLoss !== undefined && Number.isFinite(e.validLoss)) {
        values.push({ epoch: e.epoch, loss: e.validLoss, split: "validation", run: s.name });
      }
    }
  }
  const positive = values.map((v) => v.loss).filter((l) => l > 0);
  const log = positive.length === values.length && positive.length > 0 &&
    Math.max(...positive) / Math.min(...positive) > LOG_RATIO;
  const lossName = options.lossName ?? "loss";
  const single = series.length === 1;
  const color = single
    ? {
      field: "split",
      type: "nominal",
      title: null,
      scale: { domain: ["training", "validation"], range: ["#1f77b4", "#ff7f0e"] },
      legend: { orient: "top-right" },
    }
    : { field: "run", type: "nominal", title: "architecture", sort: series.map((s) => s.name) };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, subtitle: options.subtitle ?? "", anchor: "start" },
    width: 560,
    height: 320,
    data: { values },
    mark: { type: "line", point: single && values.length <= 80, strokeWidth: single ? 2 : 1.75 },
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        title: "epoch",
        axis: { tickMinStep: 1, format: "d" },
        scale: { nice: false },
      },
      y: {
        field: "loss",
        type: "quantitative",
        title: log ? `${lossName} (log scale)` : lossName,
        scale: log ? { type: "log" } : { zero: false },
      },
      color,
      ...(single ? {} : {
        strokeDash: {
          field: "split",
          type: "nominal",
          title: null,
          scale: { domain: ["training", "validation"], range: [[1, 0], [6, 3]] },
        },
      }),
      detail: { field: "run", type: "nominal" },
      tooltip: [
        { field: "run", type: "nominal" },
        { field: "split", type: "nominal" },
        { field: "epoch", type: "quantitative" },
        { field: "loss", type: "quantitative", format: ".6g" },
      ],
    },
  } as VegaLiteSpec;
}
