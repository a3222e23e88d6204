/**
 * `@glassbox/trainer`: optimizers with PyTorch's exact update rules, learning
 * rate schedules, and the training loop with callbacks.
 *
 * - Optimizers (`Optimizer`): `SGD` (momentum, dampening, Nesterov, weight
 *   decay), `Adam` and `AdamW` (AMSGrad, weight decay), `LBFGS` (PyTorch's
 *   two-loop recursion and strong-Wolfe line search) — PyTorch 1.13's
 *   single-tensor updates in PyTorch's order of operations, float64 and
 *   float32. State: `stateDict` / `loadStateDict`, `saveOptimizerState` /
 *   `loadOptimizerState`.
 * - `minimizeBfgs(fun, x0)` and `BFGS` (over a model's parameters): SciPy's
 *   `minimize(method="BFGS")` — its line search, stopping tests, messages
 *   and evaluation counts.
 * - Schedules (`LRScheduler`): `StepLR`, `CosineAnnealingLR`, in PyTorch's
 *   recursive form.
 * - `fit(model, { x, y, loss, optimizer, epochs, batchSize, … })` →
 *   `History`; `evaluate`, `predict`; `randperm` (PyTorch's shuffle order).
 * - Callbacks (`Callback`): `ProgressBar`, `EpochLogger` (the notebooks'
 *   `Epoch: 0 - L: … - L_v …`), `EarlyStopping`, `ModelCheckpoint`,
 *   `NanGuard`; cancellation through an `AbortSignal`.
 *
 * @example Train a small regression network and read its history
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { Adam, fit, predict } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([256, 2]);
 * const y = x.mul(x).sum(1, { keepDims: true }); // y = x₀² + x₁²
 * const model = mlp([2, 16, 1], { activation: "tanh" });
 * const history = await fit(model, {
 *   x, y, loss: new MSELoss(), optimizer: new Adam({ lr: 0.02 }), epochs: 30, batchSize: 32,
 *   shuffle: true, seed: 0,
 * });
 * ok(history.last!.loss < history.epochs[0].loss / 4);
 * deepStrictEqual(predict(model, x).shape, [256, 1]);
 * ```
 *
 * @module
 */

export type { Closure, Optimizer, OptimizerState } from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, type AdamOptions } from "./adam.ts";
export { AdamW } from "./adam_w.ts";
export { LBFGS, type LBFGSOptions } from "./lbfgs.ts";
export {
  BFGS_MESSAGES,
  type BfgsObjective,
  type BfgsOptions,
  type BfgsResult,
  minimizeBfgs,
} from "./minimize_bfgs.ts";
export { BFGS } from "./bfgs.ts";
export { loadOptimizerState, saveOptimizerState } from "./optimizer_state_file.ts";
export { type Checkpoint, loadCheckpoint } from "./load_checkpoint.ts";
export type { LRScheduler } from "./lr_scheduler.ts";
export { StepLR, type StepLROptions } from "./step_lr.ts";
export { CosineAnnealingLR, type CosineAnnealingLROptions } from "./cosine_annealing_lr.ts";
export { randperm } from "./randperm.ts";
export type { Metric } from "./_checks.ts";
export { fit, type FitOptions } from "./fit.ts";
export { evaluate, type EvaluateOptions, type Evaluation } from "./evaluate.ts";
export { predict, type PredictOptions } from "./predict.ts";
export { type EpochColumn, type EpochRecord, History, type StopInfo } from "./history.ts";
export type { BatchInfo, BatchResult, Callback, TrainContext } from "./callback.ts";
export { consoleOutput, memoryOutput, stdoutOutput, type TextOutput } from "./text_output.ts";
export { EpochLogger, type EpochLoggerOptions, formatEpoch } from "./epoch_logger.ts";
export { ProgressBar, type ProgressBarOptions } from "./progress_bar.ts";
export { EarlyStopping, type EarlyStoppingOptions } from "./early_stopping.ts";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model_checkpoint.ts";
export type { Mode } from "./_monitor.ts";
export { NanGuard } from "./nan_guard.ts";
