/**
 * The assignment notebook's 1-D plots as Vega-Lite specs: `plot1` (the
 * training and test points) and `plot1fit` (the fitted curve over them,
 * optionally with the outputs of the first hidden layer's units on a second
 * y axis at the right, raw or scaled by each unit's output weight).
 *
 * @module
 */

import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "@glassbox/plots";

/** Points of a 1-D data set. */
export interface Points1D {
  /** Inputs. */
  x: readonly number[];
  /** Targets. */
  y: readonly number[];
}

/** A fitted curve sampled on a grid, with the hidden units' outputs. */
export interface FitCurve {
  /** Grid, increasing (the notebook's `torch.linspace(0, 13, 500)`). */
  x: readonly number[];
  /** The model's output at each grid point. */
  yhat: readonly number[];
  /** Per unit of the first hidden layer: its output at each grid point (raw or scaled). */
  units?: readonly (readonly number[])[];
  /** Whether `units` are scaled by the units' output weights. */
  scaled?: boolean;
}

/** Options of the 1-D plots. */
export interface Plot1Options {
  /** Chart title. */
  title: string;
  /** A line under the title. */
  subtitle?: string;
}

const SPLIT_COLORS = { domain: ["train", "test"], range: ["#1f77b4", "#ff7f0e"] };

function pointRows(train: Points1D, test: Points1D): { x: number; y: number; split: string }[] {
  return [
    ...train.x.map((x, i) => ({ x, y: train.y[i], split: "train" })),
    ...test.x.map((x, i) => ({ x, y: test.y[i], split: "test" })),
  ];
}

/** The y range of the data, widened by a quarter on each side: the fit is clipped to it. */
function yDomain(train: Points1D, test: Points1D): [number, number] {
  const ys = [...train.y, ...test.y];
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const pad = (hi - lo) * 0.25 || 1;
  return [lo - pad, hi + pad];
}

function pointsLayer(train: Points1D, test: Points1D, domain: [number, number]): object {
  return {
    data: { values: pointRows(train, test) },
    mark: { type: "circle", size: 24, opacity: 0.8 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "y", type: "quantitative", title: "y", scale: { domain, nice: false } },
      color: { field: "split", type: "nominal", title: null, scale: SPLIT_COLORS },
    },
  };
}

/**
 * The notebook's `plot1(X1, y1); plot1(X1test, y1test)`: training and test
 * points in two colours.
 *
 * @param train Training points.
 * @param test Test points.
 * @param options Title, subtitle.
 * @returns The spec (inline data).
 *
 * @example
 * ```ts
 * import { dataSpec } from "./assignment_fit.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const spec = dataSpec({ x: [0, 1], y: [1, 2] }, { x: [2], y: [0] }, { title: "data" });
 * strictEqual((spec as { layer: unknown[] }).layer.length, 1);
 * ```
 */
export function dataSpec(train: Points1D, test: Points1D, options: Plot1Options): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, subtitle: options.subtitle ?? "", anchor: "start" },
    width: 560,
    height: 320,
    layer: [pointsLayer(train, test, yDomain(train, test))],
  } as VegaLiteSpec;
}

/**
 * The notebook's `plot1fit(grid, model, hidden, scale)`: the data, the
 * fitted curve (black, on the left axis, clipped to the data's range so a
 * runaway fit does not flatten the picture) and, when `curve.units` is
 * given, one thin line per hidden unit on a right-hand axis of its own —
 * the unit's output hⱼ(x), or wⱼ·hⱼ(x) when scaled by its output weight.
 *
 * @param train Training points.
 * @param test Test points.
 * @param curve The fit and, optionally, the units.
 * @param options Title, subtitle.
 * @returns The spec (inline data).
 *
 * @example
 * ```ts
 * import { fitSpec } from "./assignment_fit.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const spec = fitSpec({ x: [0, 1], y: [0, 1] }, { x: [0.5], y: [0.4] },
 *   { x: [0, 1], yhat: [0, 1], units: [[0.1, 0.9]], scaled: false }, { title: "fit" });
 * strictEqual((spec as { layer: unknown[] }).layer.length, 2);
 * ```
 */
export function fitSpec(
  train: Points1D,
  test: Points1D,
  curve: FitCurve,
  options: Plot1Options,
): VegaLiteSpec {
  const domain = yDomain(train, test);
  const x = { field: "x", type: "quantitative", title: "x" };
  const fit = {
    data: { values: curve.x.map((xv, i) => ({ x: xv, y: curve.yhat[i] })) },
    mark: { type: "line", color: "black", strokeWidth: 2.5, clip: true },
    encoding: { x, y: { field: "y", type: "quantitative", scale: { domain, nice: false } } },
  };
  // The points and the fit share the left axis; the units get the right one.
  const layers: object[] = [{ layer: [pointsLayer(train, test, domain), fit] }];
  const units = curve.units ?? [];
  if (units.length > 0) {
    const rows = units.flatMap((u, j) =>
      u.map((v, i) => ({ x: curve.x[i], h: v, unit: `unit ${j + 1}` }))
    );
    layers.push({
      data: { values: rows },
      mark: { type: "line", strokeWidth: 1.2, opacity: 0.75, strokeDash: [4, 2] },
      encoding: {
        x,
        y: {
          field: "h",
          type: "quantitative",
          title: curve.scaled
            ? "hidden unit × its output weight, wⱼ·hⱼ(x)"
            : "hidden unit output hⱼ(x)",
          axis: { orient: "right" },
        },
        detail: { field: "unit", type: "nominal" },
        strokeDash: { value: [4, 2] },
        color: units.length > 10 ? { value: "#8c6bb1" } : {
          field: "unit",
          type: "nominal",
          title: "hidden units (right axis)",
          scale: { scheme: "dark2" },
          sort: units.map((_, j) => `unit ${j + 1}`),
        },
      },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: options.title, subtitle: options.subtitle ?? "", anchor: "start" },
    width: 560,
    height: 320,
    layer: layers,
    resolve: { scale: { y: "independent", color: "independent" } },
  } as VegaLiteSpec;
}
