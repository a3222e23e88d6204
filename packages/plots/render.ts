/**
 * Rendering Vega-Lite specs headless: `renderSvg(spec)` gives SVG text, and
 * `mimeBundle(spec)` / `Chart` give what a Jupyter front end displays — the
 * interactive Vega-Lite chart plus an SVG fallback for front ends without
 * Vega. Uses npm `vega-lite` (compile) and `vega` (a headless view,
 * `renderer: "none"`): no canvas, no browser, no network; text widths are
 * estimated, which is fine for axis labels.
 *
 * This is the package's `./render` entry, apart from the spec builders so
 * that building a spec never loads Vega.
 *
 * @module
 */

import { describe } from "@glassbox/internal";
import * as vega from "vega";
import { compile } from "vega-lite";
import { VEGA_LITE_MIME, type VegaLiteSpec } from "./vega_lite.ts";

/**
 * Renders a Vega-Lite spec to a standalone SVG document.
 *
 * @param spec The spec, with inline data (`data.values`).
 * @returns The SVG text.
 *
 * @example
 * ```ts
 * import { renderSvg } from "@glassbox/plots/render";
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
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(
      `Cannot render a chart: spec must be a Vega-Lite object, got ${describe(spec)}`,
    );
  }
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** What a Jupyter front end displays for a chart: Vega-Lite, SVG fallback, and text. */
export interface ChartBundle {
  /** The spec itself, rendered interactively by JupyterLab and VS Code. */
  "application/vnd.vegalite.v5+json": VegaLiteSpec;
  /** The same chart as SVG, for front ends (and saved notebooks) without Vega. */
  "image/svg+xml": string;
  /** A one-line description for plain-text front ends. */
  "text/plain": string;
}

/**
 * The Jupyter MIME bundle of a chart: the Vega-Lite spec, its SVG rendering
 * and a line of text. Deno's kernel displays it when a cell returns an
 * object whose `[Symbol.for("Jupyter.display")]()` gives it.
 *
 * @param spec The chart.
 * @param text The plain-text form (default: the chart's title).
 * @returns The bundle.
 *
 * @example
 * ```ts
 * import { lossCurvesSpec } from "@glassbox/plots";
 * import { mimeBundle } from "@glassbox/plots/render";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const spec = lossCurvesSpec([{ name: "run", epochs: [{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }] }], {
 *   title: "loss",
 * });
 * const bundle = await mimeBundle(spec);
 * strictEqual(bundle["application/vnd.vegalite.v5+json"], spec);
 * ok(bundle["image/svg+xml"].startsWith("<svg"));
 * ```
 */
export async function mimeBundle(spec: VegaLiteSpec, text?: string): Promise<ChartBundle> {
  const svg = await renderSvg(spec);
  return {
    [VEGA_LITE_MIME]: spec,
    "image/svg+xml": svg,
    "text/plain": text ?? `[chart: ${chartTitle(spec)}]`,
  } as ChartBundle;
}

function chartTitle(spec: VegaLiteSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === "string") return title;
  if (title !== null && typeof title === "object" && "text" in title) return String(title.text);
  return "untitled";
}

/**
 * A chart a notebook cell can show: return it as a cell's last value (or
 * pass it to `Deno.jupyter.display`) and Deno's kernel displays the
 * Vega-Lite chart with its SVG fallback.
 *
 * @example
 * ```ts
 * import { Chart } from "@glassbox/plots/render";
 * import { ok } from "node:assert/strict";
 *
 * const chart = new Chart({
 *   data: { values: [{ x: 0, y: 1 }, { x: 1, y: 0 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * const display = (value: object) =>
 *   (value as Record<symbol, () => Promise<Record<string, unknown>>>)[Symbol.for("Jupyter.display")]();
 * const bundle = await display(chart);
 * ok("image/svg+xml" in bundle);
 * ```
 */
export class Chart {
  /** The Vega-Lite spec. */
  readonly spec: VegaLiteSpec;

  /**
   * Wraps a spec.
   *
   * @param spec The Vega-Lite spec, with inline data.
   *
   * @example
   * ```ts
   * import { Chart } from "@glassbox/plots/render";
   * import { strictEqual } from "node:assert/strict";
   *
   * const spec = { mark: "point" as const, data: { values: [] } };
   * strictEqual(new Chart(spec).spec, spec);
   * ```
   */
  constructor(spec: VegaLiteSpec) {
    if (spec === null || typeof spec !== "object") {
      throw new TypeError(
        `Cannot create a Chart: spec must be a Vega-Lite object, got ${describe(spec)}`,
      );
    }
    this.spec = spec;
  }

  /**
   * The chart as SVG text.
   *
   * @returns The SVG document.
   *
   * @example
   * ```ts
   * import { Chart } from "@glassbox/plots/render";
   * import { ok } from "node:assert/strict";
   *
   * ok((await new Chart({ mark: "point", data: { values: [{ a: 1 }] } }).toSvg()).startsWith("<svg"));
   * ```
   */
  toSvg(): Promise<string> {
    return renderSvg(this.spec);
  }

  /**
   * Deno Jupyter's display hook: the MIME bundle of `mimeBundle`.
   *
   * @returns The bundle.
   *
   * @example
   * ```ts
   * import { Chart } from "@glassbox/plots/render";
   * import { ok } from "node:assert/strict";
   *
   * const chart = new Chart({ mark: "point", data: { values: [{ a: 1 }] } });
   * const display = (value: object) =>
   *   (value as Record<symbol, () => Promise<Record<string, unknown>>>)[Symbol.for("Jupyter.display")]();
   * ok("application/vnd.vegalite.v5+json" in await display(chart));
   * ```
   */
  [Symbol.for("Jupyter.display")](): Promise<ChartBundle> {
    return mimeBundle(this.spec);
  }
}
