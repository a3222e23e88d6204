/**
 * The fitted curve of a 1-D regression network over its data, with what
 * each unit of the last hidden layer contributes: `unitContributions`
 * computes the curve and its parts, `fittedCurveSpec` plots them.
 *
 * For a network ending in `Dense(k, 1)` with weight `w` and bias `b`, the
 * output is `ŷ(x) = b + Σⱼ wⱼ·hⱼ(x)`, where `hⱼ` is unit j of the last hidden
 * layer (after its activation). Each `wⱼ·hⱼ(x)` is one curve of the plot;
 * they add up, with `b`, to the prediction — the picture of how a 1-N-1
 * sigmoid network builds a function out of N shifted, scaled steps.
 *
 * @module
 */

import { Dense, type Sequential } from "@glassbox/layers";
import { tensor } from "@glassbox/tensor";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./render.ts";

/** A curve and its parts, sampled on a grid. */
export interface CurveParts {
  /** Grid of inputs, increasing. */
  x: number[];
  /** The network's output at each grid point. */
  prediction: number[];
  /** `wⱼ·hⱼ(x)` for each unit j of the last hidden layer (none for a linear model). */
  units: number[][];
  /** The output bias b. */
  bias: number;
}

/**
 * Samples a 1-input, 1-output network on a grid and splits its output into
 * the contributions of the last hidden layer's units.
 *
 * @param model A `Sequential` whose last layer is `Dense(k, 1)`.
 * @param range `[lo, hi]` of the grid.
 * @param points Grid points (default 200).
 * @returns The curve and its parts.
 *
 * @example
 * ```ts
 * import { unitContributions } from "./fitted_curve.ts";
 * import { mlp } from "@glassbox/layers";
 * import { manualSeed } from "@glassbox/tensor";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const parts = unitContributions(mlp([1, 3, 1], { activation: "sigmoid" }), [-1, 1], 5);
 * strictEqual(parts.units.length, 3);
 * const sum = parts.units[0][2] + parts.units[1][2] + parts.units[2][2] + parts.bias;
 * ok(Math.abs(sum - parts.prediction[2]) < 1e-12);
 * ```
 */
export function unitContributions(
  model: Sequential,
  range: readonly [number, number],
  points = 200,
): CurveParts {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  if (!(last instanceof Dense) || last.outFeatures !== 1 || !(layers[0] instanceof Dense)) {
    throw new TypeError(
      "Cannot split the curve into units: the model must start with a Dense layer and end with Dense(k, 1)",
    );
  }
  const [lo, hi] = range;
  const x = Array.from({ length: points }, (_, i) => lo + (hi - lo) * i / (points - 1));
  const dtype = last.weight.value.dtype;
  let h = tensor(x.map((v) => [v]), { dtype });
  const input = h;
  for (const layer of layers.slice(0, -1)) h = layer.forward(h);
  const prediction = Array.from(model.forward(input).toTypedArray());
  const k = last.inFeatures;
  const w = last.weight.value.toTypedArray();
  const bias = last.bias === null ? 0 : last.bias.value.toTypedArray()[0];
  const hidden = h.toTypedArray();
  const units = layers.length === 1
    ? []
    : Array.from({ length: k }, (_, j) => x.map((_, i) => w[j] * hidden[i * k + j]));
  return { x, prediction, units, bias };
}

/** Options of `fittedCurveSpec`. */
export interface FittedCurveOptions {
  /** Chart title. */
  title: string;
  /** A line under the title. */
  subtitle?: string;
}

/**
 * A Vega-Lite spec in two panels over the same x axis. Top: the data
 * (training and validation points) and the fitted curve (thick black).
 * Bottom: each last-hidden-layer unit's scaled output `wⱼ·hⱼ(x)` (one colour
 * per unit, or one colour for all when there are more than 10), on its own
 * y scale — the units of a trained network often cancel each other at a
 * scale far larger than the data's — with the output bias b in the title:
 * the curves plus b add up to the fit.
 *
 * @param data Training and validation points.
 * @param parts The curve and its parts, from `unitContributions`.
 * @param options Title and subtitle.
 * @returns The spec (inline data).
 *
 * @example
 * ```ts
 * import { fittedCurveSpec } from "./fitted_curve.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const spec = fittedCurveSpec(
 *   { train: [{ x: 0, y: 1 }], valid: [] },
 *   { x: [0, 1], prediction: [1, 2], units: [[0.5, 1.5]], bias: 0.5 },
 *   { title: "1-1-1" },
 * );
 * strictEqual((spec as { vconcat: unknown[] }).vconcat.length, 2);
 * ```
 */
export function fittedCurveSpec(
  data: { train: readonly { x: number; y: number }[]; valid: readonly { x: number; y: number }[] },
  parts: CurveParts,
  options: FittedCurveOptions,
): VegaLiteSpec {
  const points = [
    ...data.train.map((p) => ({ ...p, split: "training data" })),
    ...data.valid.map((p) => ({ ...p, split: "validation data" })),
  ];
  const unitRows = parts.units.flatMap((u, j) =>
    u.map((y, i) => ({ x: parts.x[i], y, unit: `unit ${j + 1}` }))
  );
  const many = parts.units.length > 10;
  const x = {
    field: "x",
    type: "quantitative",
    title: "x",
    scale: { domain: [parts.x[0], parts.x[parts.x.length - 1]], nice: false },
  };
  const fit = {
    width: 560,
    height: 300,
    title: { text: "data and fitted curve", fontSize: 12, anchor: "start" },
    layer: [
      {
        data: { values: points },
        mark: { type: "circle", size: 22, opacity: 0.75 },
        encoding: {
          x,
          y: { field: "y", type: "quantitative", title: "y" },
          color: {
            field: "split",
            type: "nominal",
            title: null,
            scale: { domain: ["training data", "validation data"], range: ["#4c78a8", "#f58518"] },
          },
        },
      },
      {
        data: { values: parts.x.map((xv, i) => ({ x: xv, y: parts.prediction[i], what: "fit" })) },
        mark: { type: "line", color: "black", strokeWidth: 2.5 },
        encoding: { x, y: { field: "y", type: "quantitative" } },
      },
    ],
  };
  const units = {
    width: 560,
    height: 220,
    title: {
      text: parts.units.length === 0
        ? "no hidden units: a linear model"
        : `hidden units × output weights, wⱼ·hⱼ(x); they add up to the fit minus the output bias b = ${
          parts.bias.toPrecision(4)
        }`,
      fontSize: 12,
      anchor: "start",
    },
    data: { values: unitRows },
    mark: { type: "line", strokeWidth: 1.5, opacity: many ? 0.5 : 0.9 },
    encoding: {
      x,
      y: { field: "y", type: "quantitative", title: "wⱼ·hⱼ(x)" },
      detail: { field: "unit", type: "nominal" },
      ...(many ? { color: { value: "#8c6bb1" } } : {
        color: {
          field: "unit",
          type: "nominal",
          title: null,
          scale: { scheme: "tableau10" },
          sort: parts.units.map((_, j) => `unit ${j + 1}`),
        },
      }),
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, subtitle: options.subtitle ?? "", anchor: "start" },
    vconcat: [fit, units],
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
  } as VegaLiteSpec;
}
