/**
 * One training run of `fit`: epochs of batches, validation, the scheduler,
 * callbacks, cancellation.
 *
 * @module
 */

import type { Layer, Parameter } from "@glassbox/layers";
import type { Loss } from "@glassbox/losses";
import type { Generator, Tensor } from "@glassbox/tensor";
import type { BatchInfo, BatchResult, Callback, TrainContext } from "./callback.ts";
import type { Metric } from "./_checks.ts";
import { type EpochRecord, History, type StopInfo } from "./history.ts";
import type { LRScheduler } from "./lr_scheduler.ts";
import type { Optimizer } from "./optimizer.ts";
import { randperm } from "./randperm.ts";
import type { Engine } from "./_engine.ts";

/** Everything a run needs, checked by `fit`. */
export interface RunPlan {
  x: Tensor;
  y: Tensor;
  loss: Loss;
  optimizer: Optimizer;
  scheduler?: LRScheduler;
  epochs: number;
  batchSize: number;
  /** The shuffling generator, or null for batches in order. */
  generator: Generator | null;
  /** The in-order batches, sliced once for all epochs and runs (null when shuffling). */
  fixedBatches: { x: Tensor; y: Tensor }[] | null;
  validation?: { x: Tensor; y: Tensor };
  metrics: Record<string, Metric>;
  callbacks: readonly Callback[];
  signal?: AbortSignal;
  restarts: number;
  /** Whether non-finite values stop the run (`fit`'s `nanGuard`): per batch and per epoch. */
  nanGuard: boolean;
}

/** How often (ms) a run lets timers and signal handlers run, so an abort is seen. */
const YIELD_EVERY_MS = 50;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** An epoch under way: its index, when it started and the learning rate it trains with. */
export interface EpochStart {
  readonly epoch: number;
  readonly started: number;
  readonly lr: number;
}

export class RunContext implements TrainContext {
  readonly history: History;
  readonly params: readonly Parameter[];
  readonly batchesPerEpoch: number;
  stopped: StopInfo | null = null;
  epoch = 0;
  batch: number | null = null;

  constructor(
    readonly model: Layer,
    readonly plan: RunPlan,
    readonly restart: number,
  ) {
    this.history = new History(model);
    this.history.restart = restart;
    this.params = model.parameters();
    this.batchesPerEpoch = Math.ceil(plan.x.shape[0] / plan.batchSize);
  }
  get optimizer(): Optimizer {
    return this.plan.optimizer;
  }
  get epochs(): number {
    return this.plan.epochs;
  }
  get rows(): number {
    return this.plan.x.shape[0];
  }
  get batchSize(): number {
    return this.plan.batchSize;
  }
  get hasValidation(): boolean {
    return this.plan.validation !== undefined;
  }
  get restarts(): number {
    return this.plan.restarts;
  }
  stop(kind: StopInfo["kind"], message: string): void {
    this.stopped ??= { kind, message, epoch: this.epoch, batch: this.batch };
  }

  #lastYield = performance.now();

  /**
   * The start of epoch `epoch`, the same for every kind of run: records it, stops on an
   * abort of `plan.signal` (null), else runs `onEpochBegin` and returns when the epoch
   * started and the learning rate it trains with.
   */
  async beginEpoch(epoch: number): Promise<EpochStart | null> {
    this.epoch = epoch;
    this.batch = null;
    const signal = this.plan.signal;
    if (signal?.aborted) {
      this.stop("aborted", abortMessage(signal, epoch, null));
      return null;
    }
    const start = { epoch, started: performance.now(), lr: this.plan.optimizer.lr };
    await emit(this.plan.callbacks, "onEpochBegin", this, epoch);
    return start;
  }

  /** A finished epoch's record: its mean batch loss, batches and learning rate, no metrics yet. */
  record(start: EpochStart, loss: number, batches: number): EpochRecord {
    return { epoch: start.epoch, loss, metrics: {}, lr: start.lr, batches, timeMs: 0 };
  }

  /**
   * The epoch-level half of the non-finite guard, the same for every device and optimizer:
   * when a finished epoch's mean loss or validation loss is NaN or infinite (weights that
   * overflow without a single non-finite batch loss), the run stops as `"nonFinite"`, and
   * the caller puts back the weights from the end of the previous epoch. Returns whether it
   * stopped. Off with `fit`'s `nanGuard: false`.
   */
  stopIfNonFinite(record: EpochRecord): boolean {
    if (!this.plan.nanGuard) return false;
    let problem: string | null = null;
    if (!Number.isFinite(record.loss)) problem = `the mean batch loss is ${record.loss}`;
    else if (record.validLoss !== undefined && !Number.isFinite(record.validLoss)) {
      problem = `the validation loss is ${record.validLoss}`;
    }
    if (problem === null) return false;
    this.stop("nonFinite", nonFiniteEpochMessage(record.epoch, problem));
    return true;
  }

  /** The end of an epoch: its time, the record in the history, then `onEpochEnd`. */
  async endEpoch(start: EpochStart, record: EpochRecord): Promise<void> {
    record.timeMs = performance.now() - start.started;
    this.history.epochs.push(record);
    await emit(this.plan.callbacks, "onEpochEnd", this, record);
  }

  /** The end of the run: why it stopped (null when it ran every epoch), then `onTrainEnd`. */
  async endTraining(): Promise<History> {
    this.history.stop = this.stopped;
    await emit(this.plan.callbacks, "onTrainEnd", this);
    return this.history;
  }

  /**
   * After each batch: records an abort of `plan.signal`, and every
   * `YIELD_EVERY_MS` lets timers and signal handlers run (so an abort is
   * seen), checking again afterwards.
   */
  afterBatch(epoch: number, batch: number): Promise<void> | undefined {
    const signal = this.plan.signal;
    if (signal?.aborted) this.stop("aborted", abortMessage(signal, epoch, batch));
    if (this.stopped === null && performance.now() - this.#lastYield > YIELD_EVERY_MS) {
      return this.#yield(signal, epoch, batch);
    }
    return undefined; // most batches: no promise to make and await
  }

  async #yield(signal: AbortSignal | undefined, epoch: number, batch: number): Promise<void> {
    await yieldToEventLoop();
    this.#lastYield = performance.now();
    if (signal?.aborted) this.stop("aborted", abortMessage(signal, epoch, batch));
  }
}

/** Calls one hook of every callback in order, awaiting the async ones. */
export async function emit<K extends keyof Callback>(
  callbacks: readonly Callback[],
  hook: K,
  ...args: Parameters<NonNullable<Callback[K]>>
): Promise<void> {
  for (const cb of callbacks) {
    const f = cb[hook] as ((...a: typeof args) => void | Promise<void>) | undefined;
    if (f !== undefined) {
      const result = f.apply(cb, args);
      if (result instanceof Promise) await result;
    }
  }
}

/**
 * `emit` for the per-batch hooks: calls them in order and returns a promise only when one
 * of them returned one (the rest then run after it, in order), so a batch whose callbacks
 * are all synchronous makes no promise and waits for no microtask.
 */
function emitBatch(
  callbacks: readonly Callback[],
  hook: "onBatchBegin" | "onBatchEnd",
  ctx: TrainContext,
  batch: BatchInfo | BatchResult,
  from = 0,
): Promise<void> | undefined {
  for (let i = from; i < callbacks.length; i++) {
    const cb = callbacks[i];
    const f = cb[hook] as ((c: TrainContext, b: BatchInfo) => void | Promise<void>) | undefined;
    if (f === undefined) continue;
    const result = f.call(cb, ctx, batch);
    if (result instanceof Promise) {
      return result.then(() => emitBatch(callbacks, hook, ctx, batch, i + 1));
    }
  }
  return undefined;
}

/** Why a run stopped at the end of `epoch`, and which weights the model keeps. */
export function nonFiniteEpochMessage(epoch: number, problem: string): string {
  const kept = epoch === 0
    ? "the weights it started from"
    : `the weights from the end of epoch ${epoch - 1}`;
  return `Stopped at epoch ${epoch}: ${problem}; kept ${kept}`;
}

function abortMessage(signal: AbortSignal, epoch: number, batch: number | null): string {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  const where = batch === null ? `before epoch ${epoch}` : `after epoch ${epoch}, batch ${batch}`;
  return `Training was cancelled (${reason}) ${where}; the model holds the weights of the last completed step`;
}

/**
 * Trains once under `plan` with `engine` doing what depends on the device:
 * the one epoch/batch loop of every `fit` run.
 */
export async function runTraining(ctx: RunContext, engine: Engine): Promise<History> {
  const { plan } = ctx;
  const { callbacks } = plan;
  const rows = ctx.rows;
  try {
    if (ctx.restart > 0) plan.scheduler?.reset();
    await emit(callbacks, "onTrainBegin", ctx);
    await engine.keep();
    for (let epoch = 0; epoch < plan.epochs && ctx.stopped === null; epoch++) {
      const start = await ctx.beginEpoch(epoch);
      if (start === null) break;
      let record: EpochRecord;
      try {
        engine.beginEpoch(plan.generator === null ? null : randperm(rows, plan.generator));
        let batches = 0;
        for (let b = 0, first = 0; first < rows; b++, first += plan.batchSize) {
          const info: BatchInfo = {
            epoch,
            batch: b,
            start: first,
            end: Math.min(first + plan.batchSize, rows),
          };
          ctx.batch = b;
          // Awaited only when something returned a promise: a CPU step with synchronous
          // callbacks runs without a microtask per await.
          const begun = emitBatch(callbacks, "onBatchBegin", ctx, info);
          if (begun !== undefined) await begun;
          let loss = engine.step(info);
          if (loss instanceof Promise) loss = await loss;
          batches++;
          const result = loss === undefined ? info : { ...info, loss };
          const ended = emitBatch(callbacks, "onBatchEnd", ctx, result);
          if (ended !== undefined) await ended;
          const after = ctx.afterBatch(epoch, b);
          if (after !== undefined) await after;
          if (ctx.stopped !== null) break;
        }
        const mean = await engine.endEpoch();
        if (ctx.stopped !== null) break; // an unfinished epoch is not recorded
        ctx.batch = null;
        record = ctx.record(start, mean, batches);
        plan.scheduler?.step();
        if (plan.validation !== undefined || Object.keys(plan.metrics).length > 0) {
          const scores = await engine.score();
          if (scores.loss !== undefined) record.validLoss = scores.loss;
          record.metrics = scores.metrics;
        }
      } catch (error) {
        ctx.stop("deviceLost", engine.lost(error, epoch));
        break;
      }
      if (ctx.stopIfNonFinite(record)) {
        engine.restore();
        break;
      }
      await engine.keep();
      await ctx.endEpoch(start, record);
    }
  } finally {
    await engine.finish();
  }
  return await ctx.endTraining();
}
