/**
 * `renderSvg`: a Vega-Lite spec to SVG text, with npm `vega-lite` (compile)
 * and `vega` (headless view, `renderer: "none"`): no canvas, no browser, no
 * network — text widths are estimated, which is fine for axis labels.
 *
 * @module
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** A Vega-Lite spec (the JSON object `*.vl.json` files hold). */
export type VegaLiteSpec = TopLevelSpec;

/**
 * The `$schema` of every spec here: Vega-Lite 5, which the vega-lite 6
 * compiler reads unchanged and JupyterLab's built-in renderer
 * (`application/vnd.vegalite.v5+json`) displays.
 */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/**
 * Renders a Vega-Lite spec to a standalone SVG document.
 *
 * @param spec The spec, with inline data (`data.values`).
 * @returns The SVG text.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * import { ok } from "node:assert/strict";
 *
 * const svg = await renderSvg({
 *   data: { values: [{ x: 0, y: 1 }, { x: 1, y: 0 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * ok(svg.startsWith("<svg"));
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
