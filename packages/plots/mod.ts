/**
 * `@glassbox/plots`: Vega-Lite charts of training runs — the same charts
 * `deno task train` writes, for library users and notebooks.
 *
 * - `lossCurvesSpec(series, { title })`: training / validation loss per epoch.
 * - `unitContributions(model, range)` + `fittedCurveSpec(data, parts, …)`:
 *   a 1-D network's fitted curve over its data, with each last-hidden-layer
 *   unit's output scaled by its output weight.
 * - `studySpec(entries, …)`: final losses of each architecture of a study.
 *
 * Specs are plain JSON objects (Vega-Lite 5, inline data). Rendering lives
 * in the `@glassbox/plots/render` entry (it loads npm `vega`): `renderSvg`,
 * `mimeBundle`, and `Chart`, which Deno's Jupyter kernel displays as an
 * interactive chart with an SVG fallback.
 *
 * Depends on `@glassbox/tensor` only.
 *
 * @example
 * ```ts
 * import { lossCurvesSpec } from "@glassbox/plots";
 * import { renderSvg } from "@glassbox/plots/render";
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

export { VEGA_LITE_MIME, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./vega_lite.ts";
export { type LossCurvesOptions, lossCurvesSpec, type LossSeries } from "./loss_curves.ts";
export {
  type CurveModel,
  type CurveParts,
  type FittedCurveOptions,
  fittedCurveSpec,
  unitContributions,
} from "./fitted_curve.ts";
export { type StudyEntry, studySpec } from "./study.ts";
