/**
 * `ProgressBar`: a progress bar with epoch, batch, loss and ETA on a
 * terminal; one plain line per epoch elsewhere.
 *
 * @module
 */

import type { BatchResult, Callback, TrainContext } from "./callback.ts";
import { formatEpoch } from "./epoch_logger.ts";
import type { EpochRecord } from "./history.ts";
import { checkInteger, checkKeys, checkOptions } from "@glassbox/internal";
import { stdoutOutput, type TextOutput } from "./text_output.ts";

/** Options of `ProgressBar`. */
export interface ProgressBarOptions {
  /** Where to draw (default: standard output; a bar only if it is a terminal). */
  output?: TextOutput;
  /** Characters of the bar (default 24). */
  width?: number;
  /** Least milliseconds between redraws (default 100). */
  redrawMs?: number;
}

/** `m:ss`, or `h:mm:ss` from an hour. */
function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * Shows training progress. On a terminal (`output.isTerminal()`), one line
 * redrawn in place while an epoch runs —
 * `Epoch 3/32 [#########---------------] 12/30 - L: 1.2345 - ETA 0:07` —
 * then replaced by the epoch's summary. Elsewhere (a pipe, a file, CI),
 * only the summaries: `Epoch: 3 - L: 1.2345 - L_v 1.3000 - 0.42 s`.
 * `fit(…, { verbose: true })` adds one.
 *
 * @example
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { fit, memoryOutput, ProgressBar, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { match } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([40, 2]), y = randn([40, 1]);
 * const output = memoryOutput(true); // pretend to be a terminal
 * await fit(mlp([2, 1]), {
 *   x, y, loss: new MSELoss(), optimizer: new SGD({ lr: 0.1 }), epochs: 2, batchSize: 10,
 *   callbacks: [new ProgressBar({ output, redrawMs: 0 })],
 * });
 * match(output.text, /Epoch 1\/2 \[#+-*\] 1\/4 - L: \d\.\d{4} - ETA \d+:\d\d/);
 * match(output.text, /Epoch: 1 - L: \d\.\d{4} - \d+\.\d\d s\n$/);
 * ```
 */
export class ProgressBar implements Callback {
  readonly #output: TextOutput;
  readonly #width: number;
  readonly #redrawMs: number;
  #terminal = false;
  #started = 0;
  #lastDraw = -Infinity;
  #stepsDone = 0;
  #epochLoss = 0;
  #epochBatches = 0;

  /**
   * Creates the bar.
   *
   * @param options `output`, `width`, `redrawMs`.
   *
   * @example
   * ```ts
   * import { ProgressBar } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new ProgressBar({ width: 0 }), /width must be an integer >= 1, got 0/);
   * ```
   */
  constructor(options: ProgressBarOptions = {}) {
    const action = "create ProgressBar";
    const o = checkOptions(options, action);
    checkKeys(o, ["output", "width", "redrawMs"], action);
    this.#output = o.output ?? stdoutOutput();
    this.#width = checkInteger(o.width, action, "width", 1, 24);
    this.#redrawMs = checkInteger(o.redrawMs, action, "redrawMs", 0, 100);
  }

  /**
   * Starts the clock.
   *
   * @param _ctx The run.
   *
   * @example
   * ```ts
   * import { memoryOutput, ProgressBar, type TrainContext } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const output = memoryOutput();
   * new ProgressBar({ output }).onTrainBegin({} as TrainContext);
   * strictEqual(output.text, "");
   * ```
   */
  onTrainBegin(_ctx: TrainContext): void {
    this.#terminal = this.#output.isTerminal();
    this.#started = performance.now();
    this.#lastDraw = -Infinity;
    this.#stepsDone = 0;
  }

  /**
   * Resets the epoch's running loss.
   *
   * @param _ctx The run.
   * @param _epoch The epoch.
   *
   * @example
   * ```ts
   * import { ProgressBar } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new ProgressBar().onEpochBegin, "function");
   * ```
   */
  onEpochBegin(_ctx: TrainContext, _epoch: number): void {
    this.#epochLoss = 0;
    this.#epochBatches = 0;
  }

  /**
   * Redraws the bar (on a terminal, at most every `redrawMs`).
   *
   * @param ctx The run.
   * @param batch The batch and its loss.
   *
   * @example
   * ```ts
   * import { ProgressBar } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new ProgressBar().onBatchEnd, "function");
   * ```
   */
  onBatchEnd(ctx: TrainContext, batch: BatchResult): void {
    this.#stepsDone++;
    if (batch.loss !== undefined) this.#epochLoss += batch.loss;
    this.#epochBatches++;
    if (!this.#terminal) return;
    const now = performance.now();
    if (now - this.#lastDraw < this.#redrawMs) return;
    this.#lastDraw = now;
    const total = ctx.batchesPerEpoch;
    const done = batch.batch + 1;
    const filled = Math.round((done / total) * this.#width);
    const bar = "#".repeat(filled) + "-".repeat(this.#width - filled);
    const remaining = (ctx.epochs - batch.epoch) * total - done;
    const eta = ((now - this.#started) / this.#stepsDone) * remaining;
    const run = ctx.restarts > 1 ? `Run ${ctx.restart + 1}/${ctx.restarts} ` : "";
    // On a GPU the loss is read once per epoch: the bar shows progress only.
    const loss = batch.loss !== undefined
      ? ` - L: ${(this.#epochLoss / this.#epochBatches).toFixed(4)}`
      : "";
    this.#output.write(
      `\r\x1b[2K${run}Epoch ${
        batch.epoch + 1
      }/${ctx.epochs} [${bar}] ${done}/${total}${loss} - ETA ${formatDuration(eta)}`,
    );
  }

  /**
   * Writes the epoch's summary line (replacing the bar on a terminal).
   *
   * @param ctx The run.
   * @param record The epoch.
   *
   * @example
   * ```ts
   * import { memoryOutput, ProgressBar, type TrainContext } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const output = memoryOutput();
   * const bar = new ProgressBar({ output });
   * const ctx = { restarts: 1 } as TrainContext;
   * bar.onTrainBegin(ctx);
   * bar.onEpochEnd(ctx, { epoch: 0, loss: 2, validLoss: 3, metrics: {}, lr: 0.1, batches: 1, timeMs: 1234 });
   * strictEqual(output.text, "Epoch: 0 - L: 2.0000 - L_v 3.0000 - 1.23 s\n");
   * ```
   */
  onEpochEnd(ctx: TrainContext, record: EpochRecord): void {
    const run = ctx.restarts > 1 ? `Run ${ctx.restart + 1}/${ctx.restarts} ` : "";
    const clear = this.#terminal ? "\r\x1b[2K" : "";
    this.#output.write(
      `${clear}${run}${formatEpoch(record)} - ${(record.timeMs / 1000).toFixed(2)} s\n`,
    );
  }

  /**
   * Clears the bar and prints why training stopped, if it stopped early.
   *
   * @param ctx The run.
   *
   * @example
   * ```ts
   * import { memoryOutput, ProgressBar, type TrainContext } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const output = memoryOutput();
   * const ctx = { stopped: { kind: "aborted", message: "Cancelled.", epoch: 0, batch: 1 } } as TrainContext;
   * new ProgressBar({ output }).onTrainEnd(ctx);
   * strictEqual(output.text, "Cancelled.\n");
   * ```
   */
  onTrainEnd(ctx: TrainContext): void {
    const clear = this.#terminal && ctx.stopped?.batch != null ? "\r\x1b[2K" : "";
    if (ctx.stopped !== null) this.#output.write(`${clear}${ctx.stopped.message}\n`);
  }
}
