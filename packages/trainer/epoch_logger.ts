/**
 * `EpochLogger` and `formatEpoch`: the notebooks' one line per epoch,
 * `Epoch: 0 - L: 13664.4211 - L_v 13403.6792`.
 *
 * @module
 */

import type { Callback, TrainContext } from "./callback.ts";
import type { EpochRecord } from "./history.ts";
import { checkInteger, checkKeys, checkOptions } from "@glassbox/internal";
import { stdoutOutput, type TextOutput } from "./text_output.ts";

/**
 * An epoch in the notebooks' format: `Epoch: <epoch> - L: <train loss>`,
 * then ` - L_v <validation loss>` when there is one (no colon, as the
 * notebooks print it), then ` - <metric> <value>` for each metric; numbers
 * with 4 decimals.
 *
 * @param record The epoch.
 * @returns The line, without a newline.
 *
 * @example
 * ```ts
 * import { formatEpoch } from "@glassbox/trainer";
 * import { strictEqual } from "node:assert/strict";
 *
 * const record = { epoch: 0, loss: 13664.42106, validLoss: 13403.67921, metrics: {}, lr: 0.01, batches: 1, timeMs: 1 };
 * strictEqual(formatEpoch(record), "Epoch: 0 - L: 13664.4211 - L_v 13403.6792");
 * strictEqual(formatEpoch({ ...record, validLoss: undefined, metrics: { mape: 12.5 } }), "Epoch: 0 - L: 13664.4211 - mape 12.5000");
 * ```
 */
export function formatEpoch(record: EpochRecord): string {
  let line = `Epoch: ${record.epoch} - L: ${record.loss.toFixed(4)}`;
  if (record.validLoss !== undefined) line += ` - L_v ${record.validLoss.toFixed(4)}`;
  for (const [name, value] of Object.entries(record.metrics)) {
    line += ` - ${name} ${value.toFixed(4)}`;
  }
  return line;
}

/** Options of `EpochLogger`. */
export interface EpochLoggerOptions {
  /** Where to write (default: standard output). */
  output?: TextOutput;
  /** Log every n-th epoch, and always the last (default 1). */
  every?: number;
}

/**
 * Prints `formatEpoch(record)` after every epoch (or every n-th and the
 * last), and the reason when training stops early.
 *
 * @example
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { EpochLogger, fit, memoryOutput, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { match } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([20, 2]), y = randn([20, 1]);
 * const output = memoryOutput();
 * await fit(mlp([2, 1]), {
 *   x, y, validation: { x, y }, loss: new MSELoss(), optimizer: new SGD({ lr: 0.1 }), epochs: 2,
 *   callbacks: [new EpochLogger({ output })],
 * });
 * match(output.text, /^Epoch: 0 - L: \d+\.\d{4} - L_v \d+\.\d{4}\nEpoch: 1 - /);
 * ```
 */
export class EpochLogger implements Callback {
  readonly #output: TextOutput;
  readonly #every: number;

  /**
   * Creates the logger.
   *
   * @param options `output` (default standard output), `every` (default 1).
   *
   * @example
   * ```ts
   * import { EpochLogger } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new EpochLogger({ every: 0 }), /every must be an integer >= 1, got 0/);
   * ```
   */
  constructor(options: EpochLoggerOptions = {}) {
    const action = "create EpochLogger";
    const o = checkOptions(options, action);
    checkKeys(o, ["output", "every"], action);
    this.#output = o.output ?? stdoutOutput();
    this.#every = checkInteger(o.every, action, "every", 1, 1);
  }

  /**
   * Prints the epoch's line.
   *
   * @param ctx The run.
   * @param record The epoch.
   *
   * @example
   * ```ts
   * import { EpochLogger, memoryOutput, type TrainContext } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const output = memoryOutput();
   * const ctx = { epochs: 1 } as TrainContext;
   * new EpochLogger({ output }).onEpochEnd(ctx, { epoch: 0, loss: 1, metrics: {}, lr: 0.1, batches: 1, timeMs: 1 });
   * strictEqual(output.text, "Epoch: 0 - L: 1.0000\n");
   * ```
   */
  onEpochEnd(ctx: TrainContext, record: EpochRecord): void {
    if (record.epoch % this.#every === 0 || record.epoch === ctx.epochs - 1) {
      this.#output.write(formatEpoch(record) + "\n");
    }
  }

  /**
   * Prints why training stopped, if it stopped early.
   *
   * @param ctx The run.
   *
   * @example
   * ```ts
   * import { EpochLogger, memoryOutput, type TrainContext } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const output = memoryOutput();
   * const ctx = { stopped: { kind: "aborted", message: "Cancelled.", epoch: 0, batch: 1 } } as TrainContext;
   * new EpochLogger({ output }).onTrainEnd(ctx);
   * strictEqual(output.text, "Cancelled.\n");
   * ```
   */
  onTrainEnd(ctx: TrainContext): void {
    if (ctx.stopped !== null) this.#output.write(ctx.stopped.message + "\n");
  }
}
