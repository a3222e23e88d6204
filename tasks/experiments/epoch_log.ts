/**
 * `NotebookLog`: the epoch log of `deno task train`, one line per epoch in
 * the notebooks' format (`Epoch: 0 - L: 13664.4211 - L_v 13403.6792`); the
 * per-epoch metrics stay in the history, not on the line.
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

/** Options of `NotebookLog`. */
export interface NotebookLogOptions {
  /** Where to write (default standard output). */
  output?: TextOutput;
  /** Prefix of every line, e.g. the architecture in a study (default none). */
  prefix?: string;
  /** Print only the last epoch of each run (studies with many runs; default false). */
  lastOnly?: boolean;
}

/** Prints each epoch in the notebooks' format, and why training stopped early. */
export class NotebookLog implements Callback {
  readonly #output: TextOutput;
  readonly #prefix: string;
  readonly #lastOnly: boolean;

  /**
   * Creates the log.
   *
   * @param options `output`, `prefix`, `lastOnly`.
   */
  constructor(options: NotebookLogOptions = {}) {
    this.#output = options.output ?? stdoutOutput();
    this.#prefix = options.prefix ?? "";
    this.#lastOnly = options.lastOnly ?? false;
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
    this.#output.write(`${this.#prefix}${restart}${formatEpoch({ ...record, metrics: {} })}\n`);
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
