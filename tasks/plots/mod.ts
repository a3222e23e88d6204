/**
 * Plots for `deno task train`: the chart builders and the SVG rendering of
 * `@glassbox/plots`, re-exported so tasks keep importing `../plots/mod.ts`.
 *
 * - `lossCurvesSpec(series, { title })`: training / validation loss per epoch.
 * - `unitContributions(model, range)` + `fittedCurveSpec(data, parts, …)`:
 *   a 1-D network's fitted curve with each last-hidden-layer unit's part.
 * - `studySpec(entries, …)`: final losses of each architecture of a study.
 * - `renderSvg(spec)`: SVG text, headless.
 *
 * @example
 * ```ts
 * import { lossCurvesSpec, renderSvg } from "./mod.ts";
 * import { match } from "node:assert/strict";
 *
 * const spec = lossCurvesSpec([{ name: "run", epochs: [
 *   { epoch: 0, loss: 4, validLoss: 5 }, { epoch: 1, loss: 2, validLoss: 3 },
 * ] }], { title: "loss" });
 * match(await renderSvg(spec), /^<svg[^>]*>/);
 * ```
 *
 * @module
 */

export * from "@glassbox/plots";
export { Chart, type ChartBundle, mimeBundle, renderSvg } from "@glassbox/plots/render";
