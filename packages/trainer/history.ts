/**
 * `History`: what `fit` records per epoch, why it stopped, and (with
 * restarts) every run.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import { lossCurvesSpec, type VegaLiteSpec } from "@glassbox/plots";

/** One epoch of training. */
export interface EpochRecord {
  /** The epoch index, from 0. */
  epoch: number;
  /** Training loss: the mean of the epoch's batch losses (each taken before its step). */
  loss: number;
  /** Loss on the validation split after the epoch (absent without validation). */
  validLoss?: number;
  /** Metrics after the epoch, on the validation split (or the training split without one). */
  metrics: Record<string, number>;
  /** The learning rate the epoch's steps used. */
  lr: number;
  /** Optimizer steps taken. */
  batches: number;
  /** Wall-clock time of the epoch, validation included, in milliseconds. */
  timeMs: number;
}

/** Why training ended before its last epoch. */
export interface StopInfo {
  /**
   * `"earlyStopping"`, `"nonFinite"` (NaN/Inf guard), `"aborted"` (AbortSignal),
   * `"callback"`, or `"deviceLost"` (the GPU device was lost mid-run).
   */
  kind: "earlyStopping" | "nonFinite" | "aborted" | "callback" | "deviceLost";
  /** A sentence saying what happened and what the model holds now. */
  message: string;
  /** The epoch during which training stopped. */
  epoch: number;
  /** The batch after which it stopped, or null when it stopped at the end of an epoch. */
  batch: number | null;
}

/** Numeric fields of an epoch record, for `History.column`. */
export type EpochColumn = "epoch" | "loss" | "validLoss" | "lr" | "batches" | "timeMs";

/**
 * The record of one training run: one `EpochRecord` per completed epoch, the
 * reason it stopped early (if it did), and the trained model. With
 * `restarts`, `fit` returns the best run's history, whose `runs` lists every
 * run in order.
 *
 * @example
 * ```ts
 * import { History } from "@glassbox/trainer";
 * import { mlp } from "@glassbox/layers";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const history = new History(mlp([1, 1]));
 * history.epochs.push({ epoch: 0, loss: 2, validLoss: 3, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
 * history.epochs.push({ epoch: 1, loss: 1, validLoss: 2.5, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
 * deepStrictEqual(history.column("loss"), [2, 1]);
 * deepStrictEqual(history.last?.validLoss, 2.5);
 * ```
 */
export class History {
  /** Completed epochs, in order. */
  readonly epochs: EpochRecord[] = [];
  /** Why training stopped early, or null when it ran every epoch. */
  stop: StopInfo | null = null;
  /** The trained model. */
  model: Layer;
  /** Which run this is (0 without restarts). */
  restart: number = 0;
  /**
   * How restarts are compared (lower is better): the final model's
   * validation loss, or without validation the last epoch's training loss.
   * NaN until `fit` compares runs.
   */
  score: number = NaN;
  /** Every run's history when `fit` ran restarts (this one among them); else empty. */
  runs: History[] = [];

  /**
   * Creates an empty history.
   *
   * @param model The model trained.
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new History(mlp([1, 1])).epochs.length, 0);
   * ```
   */
  constructor(model: Layer) {
    this.model = model;
  }

  /** The last completed epoch, if any. */
  get last(): EpochRecord | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /**
   * One field of every epoch, e.g. the curve to plot.
   *
   * @param name `"loss"`, `"validLoss"`, `"lr"`, … or a metric's name.
   * @returns One value per epoch (NaN where an epoch lacks it).
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const history = new History(mlp([1, 1]));
   * history.epochs.push({ epoch: 0, loss: 2, metrics: { mape: 12 }, lr: 0.1, batches: 4, timeMs: 1 });
   * deepStrictEqual(history.column("mape"), [12]);
   * deepStrictEqual(history.column("validLoss"), [NaN]);
   * ```
   */
  column(name: EpochColumn | string): number[] {
    return this.epochs.map((e) => {
      const value = name in e && name !== "metrics"
        ? (e as unknown as Record<string, number>)[name]
        : e.metrics[name];
      return typeof value === "number" ? value : NaN;
    });
  }

  /**
   * A plain object for `JSON.stringify` (the model is left out).
   *
   * @returns `{ restart, score, stop, epochs, runs }` (runs without their epochs' nesting of runs).
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const history = new History(mlp([1, 1]));
   * deepStrictEqual(JSON.parse(JSON.stringify(history)), {
   *   restart: 0,
   *   score: null,
   *   stop: null,
   *   epochs: [],
   *   runs: [],
   * });
   * ```
   */
  toJSON(): Record<string, unknown> {
    const own = (h: History) => ({
      restart: h.restart,
      score: Number.isFinite(h.score) ? h.score : null,
      stop: h.stop,
      epochs: h.epochs,
    });
    return { ...own(this), runs: this.runs.map(own) };
  }

  /**
   * The loss curves as a Vega-Lite chart: training and validation loss per
   * epoch (with restarts, one line per run), the chart `deno task train`
   * writes.
   *
   * @param options `title` (default "loss per epoch"), `lossName` for the y axis.
   * @returns The spec, with the epochs as inline data.
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * const history = new History(mlp([1, 1]));
   * history.epochs.push({ epoch: 0, loss: 2, validLoss: 3, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
   * const spec = history.chartSpec() as { data: { values: unknown[] } };
   * strictEqual(spec.data.values.length, 2);
   * ```
   */
  chartSpec(options: { title?: string; lossName?: string } = {}): VegaLiteSpec {
    const runs = this.runs.length > 0 ? this.runs : [this];
    return lossCurvesSpec(
      runs.map((h) => ({
        name: runs.length > 1 ? `run ${h.restart}` : "run",
        epochs: h.epochs,
      })),
      { title: options.title ?? "loss per epoch", lossName: options.lossName },
    );
  }

  /**
   * A one-paragraph text form: epochs run, first and last losses, why it stopped.
   *
   * @returns The text.
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * const history = new History(mlp([1, 1]));
   * history.epochs.push({ epoch: 0, loss: 2, validLoss: 3, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
   * history.epochs.push({ epoch: 1, loss: 1, validLoss: 2.5, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
   * strictEqual(String(history), "History: 2 epochs; loss 2 → 1; validation loss 3 → 2.5");
   * ```
   */
  toString(): string {
    const first = this.epochs[0];
    const last = this.last;
    if (first === undefined || last === undefined) return "History: no epochs";
    const n = (v: number) => Number(v.toPrecision(6)).toString();
    let text = `History: ${this.epochs.length} epoch${this.epochs.length === 1 ? "" : "s"}; loss ${
      n(first.loss)
    } → ${n(last.loss)}`;
    if (first.validLoss !== undefined && last.validLoss !== undefined) {
      text += `; validation loss ${n(first.validLoss)} → ${n(last.validLoss)}`;
    }
    if (this.runs.length > 1) text += `; best of ${this.runs.length} runs (run ${this.restart})`;
    if (this.stop !== null) text += `; stopped: ${this.stop.message}`;
    return text;
  }

  /**
   * Deno Jupyter's display hook: the loss curves as an interactive
   * Vega-Lite chart (`application/vnd.vegalite.v5+json`) with an SVG
   * fallback (`image/svg+xml`) and the text form. Loads the renderer
   * (`@glassbox/plots/render`, npm `vega`) only when called.
   *
   * @returns The MIME bundle.
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { ok } from "node:assert/strict";
   *
   * const history = new History(mlp([1, 1]));
   * history.epochs.push({ epoch: 0, loss: 2, validLoss: 3, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
   * history.epochs.push({ epoch: 1, loss: 1, validLoss: 2.5, metrics: {}, lr: 0.1, batches: 4, timeMs: 1 });
   * const display = (value: object) =>
   *   (value as Record<symbol, () => Promise<Record<string, unknown>>>)[Symbol.for("Jupyter.display")]();
   * const bundle = await display(history);
   * ok("application/vnd.vegalite.v5+json" in bundle);
   * ok(String(bundle["image/svg+xml"]).startsWith("<svg"));
   * ```
   */
  async [Symbol.for("Jupyter.display")](): Promise<Record<string, unknown>> {
    const { mimeBundle } = await import("@glassbox/plots/render");
    return { ...(await mimeBundle(this.chartSpec())), "text/plain": this.toString() };
  }

  /**
   * `console.log(history)` in Deno: the text form.
   *
   * @returns The text of `toString()`.
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(Deno.inspect(new History(mlp([1, 1]))), "History: no epochs");
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /**
   * `util.inspect(history)` in Node: the text form.
   *
   * @returns The text of `toString()`.
   *
   * @example
   * ```ts
   * import { History } from "@glassbox/trainer";
   * import { mlp } from "@glassbox/layers";
   * import { inspect } from "node:util";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(inspect(new History(mlp([1, 1]))), "History: no epochs");
   * ```
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
