/**
 * `studySpec`: final training and validation loss of each architecture of a
 * width/depth study, as a Vega-Lite chart.
 *
 * @module
 */

import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./vega_lite.ts";

/** One architecture's final losses. */
export interface StudyEntry {
  /** e.g. `1-8-1`. */
  label: string;
  /** Final training loss. */
  trainLoss: number;
  /** Final validation loss. */
  validLoss: number;
}

/**
 * A dot plot of the final training and validation loss per architecture
 * (in the order given), on a log axis, the two joined by a thin rule.
 *
 * @param entries The architectures.
 * @param options `title`, `subtitle`, `lossName`, `validName` (the second split's name,
 *   default "validation"; "test" for a held-out test set).
 * @returns The spec (inline data).
 *
 * @example
 * ```ts
 * import { studySpec } from "@glassbox/plots";
 * import { strictEqual } from "node:assert/strict";
 *
 * const spec = studySpec([{ label: "1-2-1", trainLoss: 0.1, validLoss: 0.2 }], { title: "study" });
 * strictEqual((spec as { layer: unknown[] }).layer.length, 2);
 * ```
 */
export function studySpec(
  entries: readonly StudyEntry[],
  options: { title: string; subtitle?: string; lossName?: string; validName?: string },
): VegaLiteSpec {
  const validName = options.validName ?? "validation";
  const order = entries.map((e) => e.label);
  const x = {
    field: "label",
    type: "nominal",
    title: "architecture",
    sort: order,
    axis: { labelAngle: 0 },
  };
  const lossName = options.lossName ?? "loss";
  const values = entries.flatMap((e) => [
    { label: e.label, split: "training", loss: e.trainLoss },
    { label: e.label, split: validName, loss: e.validLoss },
  ]).filter((v) => Number.isFinite(v.loss) && v.loss > 0);
  const y = {
    field: "loss",
    type: "quantitative",
    title: `final ${lossName} (log scale)`,
    scale: { type: "log" },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, subtitle: options.subtitle ?? "", anchor: "start" },
    width: { step: 64 },
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: "line", color: "#bbbbbb", strokeWidth: 1 },
        encoding: { x, y, detail: { field: "label", type: "nominal" } },
      },
      {
        mark: { type: "point", filled: true, size: 90 },
        encoding: {
          x,
          y,
          color: {
            field: "split",
            type: "nominal",
            title: null,
            scale: { domain: ["training", validName], range: ["#1f77b4", "#ff7f0e"] },
          },
          tooltip: [{ field: "label" }, { field: "split" }, { field: "loss", format: ".4g" }],
        },
      },
    ],
  } as VegaLiteSpec;
}
