/**
 * `NotebookLog`: the epoch log of `deno task train`, one line per epoch in
 * the notebooks' formats — the MLP notebooks' `Epoch: 0 - L: 13664.4211 -
 * L_v 13403.6792` (four decimals) or the linear-regression notebooks'
 * `epoch: 0 - MSE: 727.0301 - MSE_v: 1094.5279` (Python's `round(x, 4)`, so
 * `475.71` prints without trailing zeros); the per-epoch metrics stay in the
 * history, not on the line.
 *
 * @module
 */

import {
  type Callback,
  type EpochRecord,
  formatEpoch,
  stdoutOutput,
  type TextOutput,
  type TrainContext,
} from "@glassbox/trainer";
import { pythonRounded } from "./python_float.ts";

/**
 * An epoch log format: `"loss"` (the MLP notebooks', `Epoch: N - L: x - L_v y`
 * with four decimals) or `"mse"` (the linear-regression notebooks', `epoch:
 * N - MSE: x - MSE_v: y` with Python's `round(x, 4)`).
 */
export type LogStyle = "loss" | "mse";

/**
 * One epoch's line in a notebook's format.
 *
 * @param record The epoch (its metrics are not printed).
 * @param style The format.
 * @returns The line, without a newline.
 *
 * @example
 * ```ts
 * import { notebookLine } from "./epoch_log.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const record = {
 *   epoch: 4,
 *   loss: 475.710000001,
 *   validLoss: 738.483,
 *   metrics: {},
 *   lr: 0.01,
 *   batches: 4,
 *   timeMs: 1,
 * };
 * strictEqual(notebookLine(record, "mse"), "epoch: 4 - MSE: 475.71 - MSE_v: 738.483");
 * strictEqual(notebookLine(record, "loss"), "Epoch: 4 - L: 475.7100 - L_v 738.4830");
 * ```
 */
export function notebookLine(record: EpochRecord, style: LogStyle): string {
  if (style === "loss") return formatEpoch({ ...record, metrics: {} });
  const valid = record.validLoss === undefined
    ? ""
    : ` - MSE_v: ${pythonRounded(record.validLoss, 4)}`;
  return `epoch: ${record.epoch} - MSE: ${pythonRounded(record.loss, 4)}${valid}`;
}

/** Options of `NotebookLog`. */
export interface NotebookLogOptions {
  /** Where to write (default standard output). */
  output?: TextOutput;
  /** Prefix of every line, e.g. the architecture in a study (default none). */
  prefix?: string;
  /** Print only the last epoch of each run (studies with many runs; default false). */
  lastOnly?: boolean;
  /** The line format (default `"loss"`). */
  style?: LogStyle;
}

/** Prints each epoch in the notebooks' format, and why training stopped early. */
export class NotebookLog implements Callback {
  readonly #output: TextOutput;
  readonly #prefix: string;
  readonly #lastOnly: boolean;
  readonly #style: LogStyle;

  /**
   * Creates the log.
   *
   * @param options `output`, `prefix`, `lastOnly`, `style`.
   */
  constructor(options: NotebookLogOptions = {}) {
    this.#output = options.output ?? stdoutOutput();
    this.#prefix = options.prefix ?? "";
    this.#lastOnly = options.lastOnly ?? false;
    this.#style = options.style ?? "loss";
  }

  /**
   * Announces each restart when there are several.
   *
   * @param ctx The run.
   */
  onTrainBegin(ctx: TrainContext): void {
    if (ctx.restarts > 1 && !this.#lastOnly) {
      this.#output.write(`${this.#prefix}restart ${ctx.restart + 1}/${ctx.restarts}\n`);
    }
  }

  /**
   * Prints the epoch's line.
   *
   * @param ctx The run.
   * @param record The epoch.
   */
  onEpochEnd(ctx: TrainContext, record: EpochRecord): void {
    if (this.#lastOnly && record.epoch !== ctx.epochs - 1) return;
    const restart = this.#lastOnly && ctx.restarts > 1 ? `restart ${ctx.restart + 1} ` : "";
    this.#output.write(`${this.#prefix}${restart}${notebookLine(record, this.#style)}\n`);
  }

  /**
   * Prints why training stopped, if it stopped early.
   *
   * @param ctx The run.
   */
  onTrainEnd(ctx: TrainContext): void {
    if (ctx.stopped !== null) this.#output.write(`${this.#prefix}${ctx.stopped.message}\n`);
  }
}
