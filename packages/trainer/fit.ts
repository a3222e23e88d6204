/**
 * `fit`: trains a model with an optimizer over epochs of mini-batches, with
 * validation, metrics, callbacks, cancellation and restarts.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import type { Loss } from "@glassbox/losses";
import { cpu, Generator, getDefaultGenerator, type Tensor } from "@glassbox/tensor";
import type { Callback } from "./callback.ts";
import { checkLoss, checkMetrics, checkModel, checkPair, type Metric } from "./_checks.ts";
import { checkBoolean, checkInteger, checkKeys, checkOptions, describe } from "@glassbox/internal";
import { RunContext, type RunPlan, runTraining } from "./_run.ts";
import { cpuEngine } from "./_cpu_engine.ts";
import { webgpuEngine } from "./_webgpu_engine.ts";
import { evaluate } from "./evaluate.ts";
import type { History } from "./history.ts";
import type { LRScheduler } from "./lr_scheduler.ts";
import { NanGuard } from "./nan_guard.ts";
import type { Optimizer } from "./optimizer.ts";
import { ProgressBar } from "./progress_bar.ts";

/** Options of `fit`. */
export interface FitOptions {
  /** Training inputs, one row per sample. */
  x: Tensor;
  /** Training targets, one row per sample (class indices as floats for the cross-entropies). */
  y: Tensor;
  /** The loss to minimise, e.g. `new MSELoss()`. Its reduction must give a scalar. */
  loss: Loss;
  /** The optimizer; `fit` attaches it to the model's parameters. */
  optimizer: Optimizer;
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Rows per step (default 32; all rows for `LBFGS`). The last batch of an epoch may be short. */
  batchSize?: number;
  /**
   * Shuffle the rows every epoch (default false: batches `x[i : i + B]` in
   * order, as the notebooks). Each epoch's order is `randperm(rows)` from the
   * generator `seed` makes — PyTorch's `torch.randperm(n, generator=g)`.
   */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default: draw from the one `manualSeed` seeds). */
  seed?: number | bigint;
  /** A validation split, evaluated (in one pass) after every epoch. */
  validation?: { x: Tensor; y: Tensor };
  /** Metrics by name, `(truth, pred) => number`, computed after every epoch on the validation split (or the training data without one). */
  metrics?: Record<string, Metric>;
  /** Callbacks, called in order. */
  callbacks?: readonly Callback[];
  /** Cancels training after the current batch; the model keeps the weights of the last step. */
  signal?: AbortSignal;
  /** Show a progress bar on a terminal, one line per epoch otherwise (default false). */
  verbose?: boolean;
  /** A learning-rate schedule, stepped after every epoch. */
  scheduler?: LRScheduler;
  /**
   * Train this many fresh initialisations and keep the best (default 1).
   * Needs `model` to be a factory `() => Layer`; runs are compared by
   * `History.score` (final validation loss, or last training loss).
   */
  restarts?: number;
  /** Stop on a NaN or infinite loss or weight, keeping the last good weights (default true). */
  nanGuard?: boolean;
}

const KEYS = [
  "x",
  "y",
  "loss",
  "optimizer",
  "epochs",
  "batchSize",
  "shuffle",
  "seed",
  "validation",
  "metrics",
  "callbacks",
  "signal",
  "verbose",
  "scheduler",
  "restarts",
  "nanGuard",
];

function checkOptimizer(value: unknown, action: string): Optimizer {
  const o = value as Partial<Optimizer> | null;
  if (
    typeof o !== "object" || o === null || typeof o.step !== "function" ||
    typeof o.attach !== "function"
  ) {
    throw new TypeError(
      `Cannot ${action}: optimizer must be an Optimizer, e.g. new SGD({ lr: 0.01 }), got ${
        describe(value)
      }`,
    );
  }
  return value as Optimizer;
}

function checkCallbacks(value: unknown, action: string): Callback[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`Cannot ${action}: callbacks must be an array, got ${describe(value)}`);
  }
  value.forEach((cb, i) => {
    if (typeof cb !== "object" || cb === null) {
      throw new TypeError(
        `Cannot ${action}: callbacks[${i}] must be a Callback object, got ${describe(cb)}`,
      );
    }
  });
  return value;
}

function checkScheduler(
  value: unknown,
  optimizer: Optimizer,
  action: string,
): LRScheduler | undefined {
  if (value === undefined) return undefined;
  const s = value as Partial<LRScheduler> | null;
  if (
    typeof s !== "object" || s === null || typeof s.step !== "function" ||
    typeof s.reset !== "function"
  ) {
    throw new TypeError(
      `Cannot ${action}: scheduler must be an LRScheduler, e.g. new StepLR(optimizer, { stepSize: 10 }), got ${
        describe(value)
      }`,
    );
  }
  if (s.optimizer !== optimizer) {
    throw new RangeError(
      `Cannot ${action}: scheduler drives another optimizer than options.optimizer`,
    );
  }
  return value as LRScheduler;
}

/** Builds the plan every run shares from checked options. */
function plan(options: FitOptions, action: string): RunPlan {
  const o = checkOptions(options, action);
  checkKeys(o, KEYS, action);
  const [x, y] = checkPair(o.x, o.y, action, ["x", "y"]);
  const loss = checkLoss(o.loss, action);
  const optimizer = checkOptimizer(o.optimizer, action);
  const rows = x.shape[0];
  const epochs = checkInteger(o.epochs, action, "epochs", 0, 1);
  const batchSize = checkInteger(
    o.batchSize,
    action,
    "batchSize",
    1,
    optimizer.requiresClosure ? rows : 32,
  );
  const shuffle = checkBoolean(o.shuffle, action, "shuffle", false);
  if (o.seed !== undefined && typeof o.seed !== "number" && typeof o.seed !== "bigint") {
    throw new TypeError(`Cannot ${action}: seed must be an integer, got ${describe(o.seed)}`);
  }
  if (o.seed !== undefined && !shuffle) {
    throw new RangeError(`Cannot ${action}: seed only seeds shuffling, set shuffle: true`);
  }
  let validation: RunPlan["validation"];
  if (o.validation !== undefined) {
    if (typeof o.validation !== "object" || o.validation === null) {
      throw new TypeError(
        `Cannot ${action}: validation must be { x, y }, got ${describe(o.validation)}`,
      );
    }
    const [vx, vy] = checkPair(o.validation.x, o.validation.y, action, [
      "validation.x",
      "validation.y",
    ]);
    validation = { x: vx, y: vy };
  }
  const generator = !shuffle
    ? null
    : o.seed === undefined
    ? getDefaultGenerator()
    : new Generator(o.seed);
  const fixedBatches = shuffle ? null : Array.from(
    { length: Math.ceil(rows / batchSize) },
    (_, b) =>
      batchSize >= rows ? { x, y } : {
        x: x.slice(b * batchSize, (b + 1) * batchSize),
        y: y.slice(b * batchSize, (b + 1) * batchSize),
      },
  );
  const callbacks = checkCallbacks(o.callbacks, action);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(
      `Cannot ${action}: signal must be an AbortSignal, got ${describe(o.signal)}`,
    );
  }
  const all: Callback[] = [];
  const nanGuard = checkBoolean(o.nanGuard, action, "nanGuard", true);
  if (nanGuard && !callbacks.some((c) => c instanceof NanGuard)) {
    all.push(new NanGuard());
  }
  all.push(...callbacks);
  if (checkBoolean(o.verbose, action, "verbose", false)) all.push(new ProgressBar());
  return {
    x,
    y,
    loss,
    optimizer,
    scheduler: checkScheduler(o.scheduler, optimizer, action),
    epochs,
    batchSize,
    generator,
    fixedBatches,
    validation,
    metrics: checkMetrics(o.metrics, action),
    callbacks: all,
    signal: o.signal,
    restarts: checkInteger(o.restarts, action, "restarts", 1, 1),
    nanGuard,
  };
}

/** A run's score: final validation loss, or the last epoch's training loss (lower is better). */
async function score(history: History, p: RunPlan): Promise<number> {
  if (p.validation === undefined) return history.last?.loss ?? NaN;
  const model = history.model;
  const device = model.parameters()[0]?.borrow().device ?? cpu;
  if (device === cpu) {
    return evaluate(model, p.validation.x, p.validation.y, { loss: p.loss }).loss!;
  }
  // A device model: forward there, the loss on the host (one read-back).
  const x = p.validation.x.device === device ? p.validation.x : p.validation.x.to(device);
  const pred = model.forward(x);
  const [host, y] = await Promise.all([pred.toAsync(cpu), p.validation.y.toAsync(cpu)]);
  if (pred !== x) pred.dispose();
  model.release?.(); // inference: nothing is kept for a backward pass
  if (x !== p.validation.x) x.dispose();
  const value = typeof p.loss.value === "function"
    ? p.loss.value(host, y)
    : p.loss.forward(host, y);
  const result = value.item();
  value.dispose();
  host.dispose();
  if (y !== p.validation.y) y.dispose();
  return result;
}

/** One training run: the one loop, with the engine of the device the model lives on. */
async function runOnce(model: Layer, p: RunPlan, restart: number): Promise<History> {
  const onCpu = model.parameters()[0]?.borrow().device === cpu;
  const engine = onCpu ? cpuEngine(model, p, restart) : await webgpuEngine(model, p, restart);
  return await runTraining(new RunContext(model, p, restart), engine);
}

/**
 * Trains a model: for each epoch, batches of `batchSize` rows in order (or
 * shuffled), each a forward pass, the loss, a backward pass and an optimizer
 * step (`LBFGS`: `step(closure)` with a closure that re-evaluates the batch);
 * then the scheduler steps and the validation split is evaluated. The
 * epoch's training loss is the mean of its batch losses, each taken before
 * its step — the notebooks' number.
 *
 * With `restarts: n`, `model` is a factory: it is called n times, each model
 * is trained from a fresh optimizer state (and schedule), and the history of
 * the best (lowest `score`) is returned, with `history.model` that model and
 * `history.runs` every run.
 *
 * Training stops early when a callback asks (early stopping), when the NaN
 * guard sees a non-finite loss or weight, or when `signal` aborts; then
 * `history.stop` says why. The model is always left consistent: weights of
 * a completed step.
 *
 * @param model The model, or with `restarts` a function making a fresh one.
 * @param options `x`, `y`, `loss`, `optimizer` (required); `epochs`, `batchSize`, `shuffle`, `seed`, `validation`, `metrics`, `callbacks`, `signal`, `verbose`, `scheduler`, `restarts`, `nanGuard`.
 * @returns The history.
 *
 * @example The notebooks' loop: SGD, batches in order, validation each epoch
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { fit, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([200, 3]);
 * const y = x.matmul(randn([3, 1]));
 * const model = mlp([3, 8, 1], { activation: "tanh" });
 * const history = await fit(model, {
 *   x: x.slice(0, 160), y: y.slice(0, 160),
 *   validation: { x: x.slice(160), y: y.slice(160) },
 *   loss: new MSELoss(),
 *   optimizer: new SGD({ lr: 0.05 }),
 *   epochs: 20,
 *   batchSize: 16,
 * });
 * strictEqual(history.epochs.length, 20);
 * ok(history.last!.validLoss! < history.epochs[0].validLoss! / 2);
 * ```
 *
 * @example Restarts keep the best of several initialisations
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { Adam, fit } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * manualSeed(1);
 * const x = randn([64, 1]), y = x.tanh();
 * const history = await fit(() => mlp([1, 4, 1]), {
 *   x, y, loss: new MSELoss(), optimizer: new Adam({ lr: 0.01 }), epochs: 3, restarts: 3,
 * });
 * strictEqual(history.runs.length, 3);
 * strictEqual(history.score, Math.min(...history.runs.map((r) => r.score)));
 * ```
 */
export async function fit(model: Layer | (() => Layer), options: FitOptions): Promise<History> {
  const action = "fit";
  const p = plan(options, action);
  const factory = typeof model === "function" ? model : null;
  if (factory === null) checkModel(model, action);
  if (p.restarts > 1 && factory === null) {
    throw new TypeError(
      `Cannot ${action}: restarts: ${p.restarts} needs model to be a factory () => Layer that makes a fresh model`,
    );
  }
  const make = (): Layer => checkModel(factory === null ? model : factory(), action);
  if (p.restarts === 1) return await runOnce(make(), p, 0);

  const runs: History[] = [];
  for (let r = 0; r < p.restarts; r++) {
    const history = await runOnce(make(), p, r);
    history.score = await score(history, p);
    // What the last forward pass kept for a backward pass that will not come (the
    // validation rows' activations): without this, n restarts hold n copies of them.
    history.model.release?.();
    runs.push(history);
    if (history.stop?.kind === "aborted") break;
  }
  // NaN scores lose to every number; ties keep the earlier run.
  const best = runs.reduce((
    a,
    b,
  ) => (b.score < a.score || (a.score !== a.score && b.score === b.score) ? b : a));
  best.runs = runs;
  return best;
}
