/**
 * One training run of `fit`: epochs of batches, validation, the scheduler,
 * callbacks, cancellation.
 *
 * @module
 */

import type { Layer, Parameter } from "@glassbox/layers";
import type { Loss } from "@glassbox/losses";
import type { Generator, Tensor } from "@glassbox/tensor";
import type { BatchInfo, Callback, TrainContext } from "./callback.ts";
import { lossValue, type Metric } from "./_checks.ts";
import { evaluate } from "./evaluate.ts";
import { type EpochRecord, History, type StopInfo } from "./history.ts";
import type { LRScheduler } from "./lr_scheduler.ts";
import type { Optimizer } from "./optimizer.ts";
import { randperm } from "./randperm.ts";
import { hostView, wrap } from "./_host.ts";

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
  readonly batchLosses: boolean;

  constructor(
    readonly model: Layer,
    readonly plan: RunPlan,
    readonly restart: number,
    batchLosses = true,
  ) {
    this.batchLosses = batchLosses;
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
  async afterBatch(epoch: number, batch: number): Promise<void> {
    const signal = this.plan.signal;
    if (signal?.aborted) this.stop("aborted", abortMessage(signal, epoch, batch));
    if (this.stopped === null && performance.now() - this.#lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      this.#lastYield = performance.now();
      if (signal?.aborted) this.stop("aborted", abortMessage(signal, epoch, batch));
    }
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

/** Whether the optimizer is already bound to exactly these parameters. */
export function attachedTo(optimizer: Optimizer, params: readonly Parameter[]): boolean {
  const own = optimizer.params;
  return own.length === params.length &&
    own.every((p, i) => p.name === params[i].name && p.borrow() === params[i].borrow());
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

/** Trains `model` (parameters on the CPU) once under `plan` and returns its history. */
export async function runTraining(model: Layer, plan: RunPlan, restart: number): Promise<History> {
  const ctx = new RunContext(model, plan, restart);
  const { x, y, loss, optimizer, callbacks } = plan;
  if (restart > 0 || !attachedTo(optimizer, ctx.params)) optimizer.attach(ctx.params);
  if (restart > 0) plan.scheduler?.reset();
  const rows = x.shape[0];

  await emit(callbacks, "onTrainBegin", ctx);
  // The weights at the start of each epoch, copied into arrays made once: views would keep
  // the values a step replaces out of the pool, and each epoch's first step would allocate.
  const epochStart = plan.nanGuard
    ? ctx.params.map((p) => {
      const t = p.borrow();
      return t.dtype === "float32" ? new Float32Array(t.size) : new Float64Array(t.size);
    })
    : [];
  for (let epoch = 0; epoch < plan.epochs && ctx.stopped === null; epoch++) {
    const start = await ctx.beginEpoch(epoch);
    if (start === null) break;
    epochStart.forEach((a, i) => a.set(hostView(ctx.params[i].borrow(), "fit", "a parameter")));
    const order = plan.generator === null ? null : randperm(rows, plan.generator);
    const losses: number[] = [];
    for (let b = 0, start = 0; start < rows; b++, start += plan.batchSize) {
      const end = Math.min(start + plan.batchSize, rows);
      const info: BatchInfo = { epoch, batch: b, start, end };
      ctx.batch = b;
      let xb: Tensor, yb: Tensor;
      if (order === null) ({ x: xb, y: yb } = plan.fixedBatches![b]);
      else {
        const index = order.subarray(start, end);
        xb = x.gather(index);
        yb = y.gather(index);
      }
      await emit(callbacks, "onBatchBegin", ctx, info);
      const closure = (): number => {
        model.zeroGrad();
        // Each intermediate is released as soon as it is used, so the pool serves every
        // later step and the loop allocates nothing new once it is warm.
        const pred = model.forward(xb);
        const value = lossValue(loss.forward(pred, yb), "fit");
        const grad = loss.backward();
        backpropagate(model, grad);
        grad.dispose();
        if (pred !== xb) pred.dispose();
        return value;
      };
      let value: number;
      if (optimizer.requiresClosure) value = optimizer.step(closure) as number;
      else {
        value = closure();
        optimizer.step();
      }
      losses.push(value);
      if (order !== null) {
        xb.dispose();
        yb.dispose();
      }
      await emit(callbacks, "onBatchEnd", ctx, { ...info, loss: value });
      await ctx.afterBatch(epoch, b);
      if (ctx.stopped !== null) break;
    }
    if (ctx.stopped !== null) break; // an unfinished epoch is not recorded
    ctx.batch = null;
    let sum = 0;
    for (const l of losses) sum += l;
    const record = ctx.record(start, sum / losses.length, losses.length);
    plan.scheduler?.step();
    const names = Object.keys(plan.metrics);
    if (plan.validation !== undefined) {
      const v = evaluate(model, plan.validation.x, plan.validation.y, {
        loss,
        metrics: plan.metrics,
      });
      record.validLoss = v.loss;
      record.metrics = v.metrics;
      if (v.predictions !== plan.validation.x) v.predictions.dispose();
    } else if (names.length > 0) {
      const v = evaluate(model, x, y, { metrics: plan.metrics });
      record.metrics = v.metrics;
      if (v.predictions !== x) v.predictions.dispose();
    }
    if (ctx.stopIfNonFinite(record)) {
      ctx.params.forEach((p, i) => (p.value = wrap(epochStart[i], p.shape)));
      break;
    }
    await ctx.endEpoch(start, record);
  }
  model.release?.(); // what the last forward kept for backward: training is over
  loss.release?.();
  return await ctx.endTraining();
}

/**
 * ∂L/∂parameters of the last forward pass, accumulated into the gradients:
 * `accumulateGrad` where the model has it (no ∂L/∂input, which training on
 * data never uses), else `backward` with its result disposed.
 */
export function backpropagate(model: Layer, grad: Tensor): void {
  if (model.accumulateGrad !== undefined) return model.accumulateGrad(grad);
  const gradIn = model.backward(grad);
  if (gradIn !== grad) gradIn.dispose();
}
