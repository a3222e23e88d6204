/**
 * The `Callback` interface and the `TrainContext` `fit` hands to callbacks.
 *
 * @module
 */

import type { Layer, Parameter } from "@glassbox/layers";
import type { EpochRecord, History, StopInfo } from "./history.ts";
import type { Optimizer } from "./optimizer.ts";

/** What a callback sees of the run in progress. */
export interface TrainContext {
  /** The model being trained. */
  readonly model: Layer;
  /** Its parameters (the optimizer updates these). */
  readonly params: readonly Parameter[];
  /** The optimizer. */
  readonly optimizer: Optimizer;
  /** Epochs planned. */
  readonly epochs: number;
  /** Training rows. */
  readonly rows: number;
  /** Rows per batch. */
  readonly batchSize: number;
  /** Batches per epoch (the last may be short). */
  readonly batchesPerEpoch: number;
  /** Whether a validation split is evaluated after each epoch. */
  readonly hasValidation: boolean;
  /** Which run this is (0 … restarts − 1). */
  readonly restart: number;
  /** Runs planned. */
  readonly restarts: number;
  /** The run's history so far. */
  readonly history: History;
  /** The stop requested so far, or null. */
  readonly stopped: StopInfo | null;
  /**
   * Ends training after the current batch (from `onBatchEnd`) or epoch (from
   * `onEpochEnd`). The first request wins.
   * @param kind Why.
   * @param message A sentence for the user.
   */
  stop(kind: StopInfo["kind"], message: string): void;
}

/** A batch about to be trained on. */
export interface BatchInfo {
  /** Epoch index, from 0. */
  epoch: number;
  /** Batch index within the epoch, from 0. */
  batch: number;
  /** First row (position in the epoch's order). */
  start: number;
  /** One past the last row. */
  end: number;
}

/** A batch after its optimizer step. */
export interface BatchResult extends BatchInfo {
  /**
   * The batch loss, before the step. Absent when the model trains on a
   * WebGPU device with SGD or Adam: there the loss is summed on the GPU and
   * read once per epoch (the epoch record has the mean).
   */
  loss?: number;
}

/**
 * Hooks `fit` calls during training; every hook is optional and may be
 * async (`fit` awaits it). Hooks run in the order the callbacks were given.
 * With `restarts`, `onTrainBegin` … `onTrainEnd` run once per run, so
 * callbacks reset their state in `onTrainBegin`.
 *
 * @example Recording batch losses
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { type BatchResult, type Callback, fit, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const losses: number[] = [];
 * const recorder: Callback = { onBatchEnd: (_ctx, b: BatchResult) => void losses.push(b.loss!) };
 * const x = randn([10, 2]), y = randn([10, 1]);
 * await fit(mlp([2, 1]), {
 *   x, y, loss: new MSELoss(), optimizer: new SGD({ lr: 0.1 }), epochs: 2, batchSize: 4,
 *   callbacks: [recorder],
 * });
 * strictEqual(losses.length, 6); // 3 batches (4 + 4 + 2 rows) × 2 epochs
 * ```
 */
export interface Callback {
  /**
   * Before the first epoch of a run.
   * @param ctx The run.
   */
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  /**
   * Before an epoch.
   * @param ctx The run.
   * @param epoch The epoch index.
   */
  onEpochBegin?(ctx: TrainContext, epoch: number): void | Promise<void>;
  /**
   * Before a batch's forward pass.
   * @param ctx The run.
   * @param batch Which batch.
   */
  onBatchBegin?(ctx: TrainContext, batch: BatchInfo): void | Promise<void>;
  /**
   * After a batch's optimizer step.
   * @param ctx The run.
   * @param batch Which batch, and its loss.
   */
  onBatchEnd?(ctx: TrainContext, batch: BatchResult): void | Promise<void>;
  /**
   * After an epoch's validation.
   * @param ctx The run.
   * @param record The epoch's record (already in `ctx.history`).
   */
  onEpochEnd?(ctx: TrainContext, record: EpochRecord): void | Promise<void>;
  /**
   * After the run, however it ended (`ctx.stopped` says why, if early).
   * @param ctx The run.
   */
  onTrainEnd?(ctx: TrainContext): void | Promise<void>;
}
