/**
 * The Vega-Lite spec type and the `$schema` every chart of this package
 * carries.
 *
 * @module
 */

import type { TopLevelSpec } from "vega-lite";

/** A Vega-Lite spec (the JSON object `*.vl.json` files hold). */
export type VegaLiteSpec = TopLevelSpec;

/**
 * The `$schema` of every spec here: Vega-Lite 5, which the vega-lite 6
 * compiler reads unchanged and JupyterLab's built-in renderer
 * (`application/vnd.vegalite.v5+json`) displays.
 *
 * @example
 * ```ts
 * import { VEGA_LITE_SCHEMA } from "@glassbox/plots";
 * import { match } from "node:assert/strict";
 *
 * match(VEGA_LITE_SCHEMA, /vega-lite\/v5\.json$/);
 * ```
 */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** The MIME type Jupyter front ends render Vega-Lite 5 specs under. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
