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

import { checkInteger } from "@glassbox/internal";
import { type Tensor, tensor } from "@glassbox/tensor";
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./vega_lite.ts";

/**
 * What `unitContributions` needs of a model, structurally: a chain of layers
 * whose last one is a dense layer (a `Sequential` of `@glassbox/layers`
 * fits; this package does not import the layers package).
 */
export interface CurveModel {
  /** The layers, applied in order. */
  readonly layers: readonly { forward(x: Tensor): Tensor }[];
  /** The whole model's forward pass. */
  forward(x: Tensor): Tensor;
}

/** A dense layer seen structurally: sizes, weight `[out, in]`, optional bias. */
interface DenseLike {
  inFeatures: number;
  outFeatures: number;
  weight: { value: Tensor };
  bias: { value: Tensor } | null;
}

function isDenseLike(layer: unknown): layer is DenseLike {
  if (layer === null || typeof layer !== "object") return false;
  const l = layer as Record<string, unknown>;
  return typeof l.inFeatures === "number" && typeof l.outFeatures === "number" &&
    typeof l.weight === "object" && l.weight !== null && "value" in l.weight;
}

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
 * @param model A `Sequential` (or any `CurveModel`) that starts with a dense
 *   layer and ends with `Dense(k, 1)`.
 * @param range `[lo, hi]` of the grid.
 * @param points Grid points (default 200).
 * @returns The curve and its parts.
 *
 * @example
 * ```ts
 * import { unitContributions } from "@glassbox/plots";
 * import { type Tensor, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * // A 1-1-1 network by hand: h(x) = x, then y = 0.5 + 2·h(x).
 * const dense = (w: number, b: number) => ({
 *   inFeatures: 1,
 *   outFeatures: 1,
 *   weight: { value: tensor([[w]]) },
 *   bias: { value: tensor([b]) },
 *   forward: (x: Tensor) => x.mul(w).add(b),
 * });
 * const layers = [dense(1, 0), dense(2, 0.5)];
 * const model = { layers, forward: (x: Tensor) => layers[1].forward(layers[0].forward(x)) };
 * const parts = unitContributions(model, [-1, 1], 3);
 * deepStrictEqual(parts.units, [[-2, 0, 2]]);
 * deepStrictEqual(parts.prediction, [-1.5, 0.5, 2.5]);
 * deepStrictEqual(parts.bias, 0.5);
 * ```
 */
export function unitContributions(
  model: CurveModel,
  range: readonly [number, number],
  points = 200,
): CurveParts {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  if (!isDenseLike(last) || last.outFeatures !== 1 || !isDenseLike(layers[0])) {
    throw new TypeError(
      `Cannot split the curve into units: the model must start with a Dense layer and end with Dense(k, 1), got ${layers.length} layer(s) ending in ${
        isDenseLike(last) ? `Dense(${last.inFeatures}, ${last.outFeatures})` : "a non-dense layer"
      }`,
    );
  }
  if (layers[0].inFeatures !== 1) {
    throw new TypeError(
      `Cannot split the curve into units: the model must take 1 input, got ${layers[0].inFeatures}`,
    );
  }
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new RangeError(
      `Cannot split the curve into units: range must be [lo, hi] with finite lo < hi, got [${lo}, ${hi}]`,
    );
  }
  checkInteger(points, "split the curve into units", "points", 2);
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
 * import { fittedCurveSpec } from "@glassbox/plots";
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
