/**
 * `ModelCheckpoint`: saves the model as safetensors — the best epoch and the
 * last — atomically, after epochs and when training ends.
 *
 * @module
 */

import { saveSafetensors } from "@glassbox/layers";
import type { Callback, TrainContext } from "./callback.ts";
import type { EpochRecord } from "./history.ts";
import { checkMode, checkMonitor, type Mode, monitoredValue, resolveMonitor } from "./_monitor.ts";
import { checkBoolean, checkKeys, checkOptions, describe, makeDirectory } from "@glassbox/internal";
import { saveOptimizerState } from "./optimizer_state_file.ts";

/** Options of `ModelCheckpoint`. */
export interface ModelCheckpointOptions {
  /** The folder for the files (created if missing). */
  dir: string;
  /** What "best" means: `"validLoss"` (default with validation), `"loss"` or a metric. */
  monitor?: string;
  /** `"min"` (default) or `"max"`. */
  mode?: Mode;
  /** Write `best.safetensors` whenever the monitored value improves (default true). */
  saveBest?: boolean;
  /** Write `last.safetensors` after every epoch and when training ends (default true). */
  saveLast?: boolean;
  /** Also write the optimizer state next to the last model, `last.optimizer.safetensors` (default false). */
  saveOptimizer?: boolean;
}

/**
 * Saves checkpoints in `dir`: `best.safetensors` when the monitored value
 * improves (across all runs of `restarts`), `last.safetensors` after every
 * epoch and once more when training ends if the model changed since (after
 * a cancellation, or weights restored by `EarlyStopping` listed before it).
 * Files are PyTorch-compatible state dicts written atomically (temporary file,
 * then rename), with `__metadata__` holding `epoch`, `loss`, `validLoss`,
 * `restart`, for last `checkpoint` (an id the optimizer state written with it
 * shares: `loadCheckpoint` checks the pair) and, for best, `monitor` and `value`.
 * Load them with `loadCheckpoint` (last, with its optimizer state), or
 * `loadSafetensors` and `model.loadStateDict`. Runs in Deno, Node and Bun;
 * a browser has no folder to write to, so there save
 * `encodeSafetensors(model.stateDict())` from your own callback.
 *
 * @example
 * ```ts
 * import { loadSafetensors, mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { fit, ModelCheckpoint, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([30, 2]), y = randn([30, 1]);
 * const dir = await Deno.makeTempDir();
 * const checkpoint = new ModelCheckpoint({ dir });
 * const model = mlp([2, 1]);
 * await fit(model, {
 *   x, y, validation: { x, y }, loss: new MSELoss(), optimizer: new SGD({ lr: 0.1 }), epochs: 3,
 *   callbacks: [checkpoint],
 * });
 * const last = await loadSafetensors(`${dir}/last.safetensors`);
 * strictEqual(last.metadata.epoch, "2");
 * deepStrictEqual(last.tensors["0.weight"].toArray(), model.stateDict()["0.weight"].toArray());
 * strictEqual((await loadSafetensors(`${dir}/best.safetensors`)).metadata.monitor, "validLoss");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class ModelCheckpoint implements Callback {
  /** The folder. */
  readonly dir: string;
  /** The monitored name (undefined: validLoss with validation, else loss). */
  readonly monitor: string | undefined;
  /** Which way is better. */
  readonly mode: Mode;
  /** Whether best.safetensors is written. */
  readonly saveBest: boolean;
  /** Whether last.safetensors is written. */
  readonly saveLast: boolean;
  /** Whether last.optimizer.safetensors is written. */
  readonly saveOptimizer: boolean;
  /** The best monitored value saved so far (NaN before any). */
  bestValue: number = NaN;
  /** The parameters' versions at the last save of "last". */
  #saved: number[] | null = null;
  #lastRecord: EpochRecord | null = null;

  /**
   * Creates the callback.
   *
   * @param options `dir` (required), `monitor`, `mode`, `saveBest`, `saveLast`, `saveOptimizer`.
   *
   * @example
   * ```ts
   * import { ModelCheckpoint } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * // @ts-expect-error: dir is required
   * throws(() => new ModelCheckpoint({}), /dir must be a folder path/);
   * ```
   */
  constructor(options: ModelCheckpointOptions) {
    const action = "create ModelCheckpoint";
    const o = checkOptions(options, action);
    checkKeys(o, ["dir", "monitor", "mode", "saveBest", "saveLast", "saveOptimizer"], action);
    if (typeof o.dir !== "string" || o.dir === "") {
      throw new TypeError(`Cannot ${action}: dir must be a folder path, got ${describe(o.dir)}`);
    }
    this.dir = o.dir.replace(/\/+$/, "") || "/";
    this.monitor = checkMonitor(o.monitor, action);
    this.mode = checkMode(o.mode, action);
    this.saveBest = checkBoolean(o.saveBest, action, "saveBest", true);
    this.saveLast = checkBoolean(o.saveLast, action, "saveLast", true);
    this.saveOptimizer = checkBoolean(o.saveOptimizer, action, "saveOptimizer", false);
  }

  /** The path of the best model. */
  get bestPath(): string {
    return `${this.dir}/best.safetensors`;
  }

  /** The path of the last model. */
  get lastPath(): string {
    return `${this.dir}/last.safetensors`;
  }

  /**
   * Creates the folder; forgets the best value on the first run.
   *
   * @param ctx The run.
   * @returns A promise that resolves once the folder exists.
   *
   * @example
   * ```ts
   * import { ModelCheckpoint, type TrainContext } from "@glassbox/trainer";
   * import { ok } from "node:assert/strict";
   *
   * const dir = `${await Deno.makeTempDir()}/nested/runs`;
   * await new ModelCheckpoint({ dir }).onTrainBegin({ restart: 0 } as TrainContext);
   * ok((await Deno.stat(dir)).isDirectory);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async onTrainBegin(ctx: TrainContext): Promise<void> {
    if (ctx.restart === 0) this.bestValue = NaN;
    this.#saved = null;
    this.#lastRecord = null;
    await makeDirectory(this.dir, {
      action: "create the checkpoint folder",
      hint: "save the model's bytes with encodeSafetensors from a callback instead",
    });
  }

  /**
   * Saves last (and best when it improved).
   *
   * @param ctx The run.
   * @param record The epoch.
   * @returns A promise that resolves once the files are written.
   *
   * @example
   * ```ts
   * import { ModelCheckpoint } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new ModelCheckpoint({ dir: "/tmp" }).onEpochEnd, "function");
   * ```
   */
  async onEpochEnd(ctx: TrainContext, record: EpochRecord): Promise<void> {
    this.#lastRecord = record;
    if (this.saveBest) {
      const name = resolveMonitor(this.monitor, ctx);
      const value = monitoredValue(record, name, "save checkpoint");
      const best = this.bestValue;
      const improved = best !== best || (this.mode === "min" ? value < best : value > best);
      if (improved && value === value) {
        this.bestValue = value;
        await saveSafetensors(ctx.model, this.bestPath, {
          metadata: { ...this.#metadata(ctx, record), monitor: name, value: String(value) },
        });
      }
    }
    if (this.saveLast) await this.#saveLast(ctx);
  }

  /**
   * Saves last once more if the model changed since the last epoch's save.
   *
   * @param ctx The run.
   * @returns A promise that resolves once the file is written.
   *
   * @example
   * ```ts
   * import { ModelCheckpoint } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(typeof new ModelCheckpoint({ dir: "/tmp" }).onTrainEnd, "function");
   * ```
   */
  async onTrainEnd(ctx: TrainContext): Promise<void> {
    const saved = this.#saved;
    const changed = saved === null || ctx.params.some((p, i) => p.version !== saved[i]);
    if (this.saveLast && changed) await this.#saveLast(ctx);
  }

  #metadata(ctx: TrainContext, record: EpochRecord | null): Record<string, string> {
    const meta: Record<string, string> = { format: "pt", restart: String(ctx.restart) };
    if (record !== null) {
      meta.epoch = String(record.epoch);
      meta.loss = String(record.loss);
      if (record.validLoss !== undefined) meta.validLoss = String(record.validLoss);
    }
    if (ctx.stopped !== null) meta.stopped = ctx.stopped.kind;
    return meta;
  }

  async #saveLast(ctx: TrainContext): Promise<void> {
    this.#saved = ctx.params.map((p) => p.version); // steps update values in place
    // Model and optimizer state share one checkpoint id: each file is replaced atomically,
    // but a process killed between the two leaves a pair that loadCheckpoint refuses.
    const metadata: Record<string, string> = {
      ...this.#metadata(ctx, this.#lastRecord),
      checkpoint: crypto.randomUUID(),
    };
    if (this.saveOptimizer) {
      await saveOptimizerState(ctx.optimizer, `${this.dir}/last.optimizer.safetensors`, {
        metadata: {
          "glassbox.checkpoint": metadata.checkpoint,
          "glassbox.epoch": metadata.epoch ?? "",
        },
      });
    }
    await saveSafetensors(ctx.model, this.lastPath, { metadata });
  }
}
