/**
 * Plots for `deno task train`: Vega-Lite specs built from a training run,
 * and their SVG rendering (npm `vega` + `vega-lite`, used by tasks only,
 * never by the library packages).
 *
 * - `lossCurvesSpec(series, { title })`: training / validation loss per epoch.
 * - `unitContributions(model, range)` + `fittedCurveSpec(data, parts, …)`:
 *   a 1-D network's fitted curve over its data, with each last-hidden-layer
 *   unit's output scaled by its output weight.
 * - `studySpec(entries, …)`: final losses of each architecture of a study.
 * - `renderSvg(spec)`: SVG text, headless.
 *
 * In Deno's Jupyter kernel a spec displays as an interactive chart:
 * `Deno.jupyter.display({ "application/vnd.vegalite.v5+json": spec }, { raw: true })`.
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

export { renderSvg, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./render.ts";
export { type LossCurvesOptions, lossCurvesSpec, type LossSeries } from "./loss_curves.ts";
export {
  type CurveParts,
  type FittedCurveOptions,
  fittedCurveSpec,
  unitContributions,
} from "./fitted_curve.ts";
export { type StudyEntry, studySpec } from "./study.ts";
