/**
 * `ModelSummary`: a model's layers, their output shapes and parameter
 * counts, as text for terminals and as an HTML table for notebooks — what
 * `Sequential.summary()` returns.
 *
 * @module
 */

import { describe, fmtShape } from "@glassbox/internal";
import type { Layer } from "./layer.ts";
import type { Parameter } from "./parameter.ts";
import { describeLayer } from "./_util.ts";

/** One row of a summary: one layer. */
export interface SummaryRow {
  /** The layer's position, which prefixes its parameters' names (`"0.weight"`). */
  index: number;
  /** The layer's description, e.g. `Dense(6, 32)`. */
  layer: string;
  /** The output shape with the batch as `"N"`, e.g. `["N", 32]`; null where it cannot be known. */
  outputShape: (number | "N")[] | null;
  /** Number of parameter elements. */
  parameters: number;
}

const INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
const DISPLAY = Symbol.for("Jupyter.display");

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function formatShape(shape: (number | "N")[] | null): string {
  return shape === null ? "?" : fmtShape(shape);
}

function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The number of output features of a layer that declares it (Dense does), else null. */
function outFeatures(layer: Layer): number | null {
  const out = (layer as unknown as { outFeatures?: unknown }).outFeatures;
  return typeof out === "number" ? out : null;
}

function inFeatures(layer: Layer): number | null {
  const inputs = (layer as unknown as { inFeatures?: unknown }).inFeatures;
  return typeof inputs === "number" ? inputs : null;
}

/**
 * A summary of a chain of layers: each layer, its output shape (traced from
 * the first layer's input features: a layer with `outFeatures` sets the
 * width, a parameter-free layer keeps it) and its parameter count, and the
 * total. `toString()` is a text table, `toHtml()` an HTML table, and Deno's
 * Jupyter kernel displays the HTML table (with the text as fallback).
 *
 * @example
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
 *
 * const summary = mlp([6, 32, 3], { activation: "relu" }).summary();
 * deepStrictEqual(summary.rows.map((r) => r.parameters), [224, 0, 99]);
 * deepStrictEqual(summary.rows[2].outputShape, ["N", 3]);
 * strictEqual(summary.total, 323);
 * match(summary.toString(), /Total parameters: 323/);
 * match(summary.toHtml(), /^<table/);
 * ```
 */
export class ModelSummary {
  /** One row per layer, in order. */
  readonly rows: readonly SummaryRow[];
  /** The input shape, `["N", features]`, or null when the first layer does not say. */
  readonly inputShape: (number | "N")[] | null;
  /** The model's name in the heading, e.g. `Sequential`. */
  readonly name: string;

  /**
   * Summarizes layers.
   *
   * @param layers The layers, in order.
   * @param name The model's name (default `"Sequential"`).
   *
   * @example
   * ```ts
   * import { Dense, ModelSummary, ReLU } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new ModelSummary([new Dense(2, 4), new ReLU()]).total, 12);
   * ```
   */
  constructor(layers: readonly Layer[], name = "Sequential") {
    if (!Array.isArray(layers)) {
      throw new TypeError(
        `Cannot summarize a model: layers must be an array, got ${describe(layers)}`,
      );
    }
    this.name = name;
    let width = layers.length > 0 ? inFeatures(layers[0]) : null;
    this.inputShape = width === null ? null : ["N", width];
    this.rows = layers.map((layer, index) => {
      const parameters = layer.parameters().reduce(
        (n: number, p: Parameter) => n + p.value.size,
        0,
      );
      const out = outFeatures(layer);
      if (out !== null) width = out;
      else if (parameters > 0) width = null; // a layer with weights but no declared width
      return {
        index,
        layer: describeLayer(layer),
        outputShape: width === null ? null : ["N", width],
        parameters,
      };
    });
  }

  /**
   * The total number of parameter elements.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(mlp([1, 50, 1]).summary().total, 151);
   * ```
   */
  get total(): number {
    return this.rows.reduce((n, r) => n + r.parameters, 0);
  }

  /**
   * The summary as a text table.
   *
   * @returns Lines: a heading, one row per layer, the total.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { match } from "node:assert/strict";
   *
   * match(String(mlp([2, 3, 1]).summary()), /1 +ReLU\(\) +\[N, 3\] +0/);
   * ```
   */
  toString(): string {
    const head = ["#", "layer", "output shape", "parameters"];
    const body = this.rows.map((r) => [
      String(r.index),
      r.layer,
      formatShape(r.outputShape),
      group(r.parameters),
    ]);
    const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
    const line = (cells: string[]) =>
      cells.map((cell, c) => c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))
        .join("  ").trimEnd();
    const rule = "-".repeat(widths.reduce((a, b) => a + b, 0) + 6);
    return [
      `${this.name} (input ${formatShape(this.inputShape)})`,
      line(head),
      rule,
      ...body.map(line),
      rule,
      `Total parameters: ${group(this.total)}`,
    ].join("\n");
  }

  /**
   * The summary as an HTML table (what notebooks display).
   *
   * @returns A `<table>` element's HTML.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { match } from "node:assert/strict";
   *
   * match(mlp([2, 3, 1]).summary().toHtml(), /<td>Dense\(2, 3\)<\/td>/);
   * ```
   */
  toHtml(): string {
    const cell = (text: string, right = false) =>
      `<td${right ? ' style="text-align:right"' : ""}>${escapeHtml(text)}</td>`;
    const rows = this.rows.map((r) =>
      `<tr>${cell(String(r.index))}${cell(r.layer)}${cell(formatShape(r.outputShape))}${
        cell(group(r.parameters), true)
      }</tr>`
    );
    return [
      `<table class="glassbox-summary">`,
      `<caption>${escapeHtml(this.name)} (input ${
        escapeHtml(formatShape(this.inputShape))
      })</caption>`,
      "<thead><tr><th>#</th><th>layer</th><th>output shape</th><th>parameters</th></tr></thead>",
      `<tbody>${rows.join("")}</tbody>`,
      `<tfoot><tr><td colspan="3">Total parameters</td><td style="text-align:right">${
        group(this.total)
      }</td></tr></tfoot>`,
      "</table>",
    ].join("");
  }

  /**
   * Deno Jupyter's display hook: the HTML table, with the text as fallback.
   *
   * @returns `{ "text/html", "text/plain" }`.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { ok } from "node:assert/strict";
   *
   * // What Deno's kernel calls to display a value:
   * const display = (value: object) =>
   *   (value as Record<symbol, () => unknown>)[Symbol.for("Jupyter.display")]() as Record<string, string>;
   * ok("text/html" in display(mlp([2, 1]).summary()));
   * ```
   */
  [DISPLAY](): { "text/html": string; "text/plain": string } {
    return { "text/html": this.toHtml(), "text/plain": this.toString() };
  }

  /**
   * The text table for `console.log` in Deno.
   *
   * @returns The text of `toString()`.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { match } from "node:assert/strict";
   *
   * match(Deno.inspect(mlp([2, 1]).summary()), /Total parameters: 3/);
   * ```
   */
  [INSPECT](): string {
    return this.toString();
  }

  /**
   * The text table for Node's `util.inspect` (and `console.log` in Node).
   *
   * @returns The text of `toString()`.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { inspect } from "node:util";
   * import { match } from "node:assert/strict";
   *
   * match(inspect(mlp([2, 1]).summary()), /Total parameters: 3/);
   * ```
   */
  [NODE_INSPECT](): string {
    return this.toString();
  }
}
