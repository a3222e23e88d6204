/**
 * The `Optimizer` interface every optimizer implements, and the serialisable
 * `OptimizerState`.
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import type { Tensor } from "@glassbox/tensor";

/**
 * Re-evaluates the model for an optimizer that needs several evaluations per
 * step (`LBFGS`): zeroes the gradients, runs forward and backward, and
 * returns the loss.
 */
export type Closure = () => number;

/**
 * An optimizer's state: its hyperparameters, scalar counters and per-parameter
 * buffers (keyed `"<parameter name>.<buffer>"`, e.g. `"0.weight.exp_avg"`).
 * `tensors` can be saved with `saveSafetensors` and `options`/`scalars` as
 * JSON metadata.
 */
export interface OptimizerState {
  /** The optimizer's class name, e.g. `"Adam"`. */
  type: string;
  /** Hyperparameters, including the current learning rate. */
  options: Record<string, number | boolean | string | readonly number[] | null>;
  /** Counters and scalars (`step`, L-BFGS's `n_iter`, …). */
  scalars: Record<string, number>;
  /** Buffers by `"<parameter>.<buffer>"` name. */
  tensors: Record<string, Tensor>;
}

/**
 * Updates parameters from their gradients. Optimizers are created from their
 * hyperparameters (`new SGD({ lr: 0.01 })`) and bound to parameters with
 * `attach(model.parameters())` (or the `params` option); `fit` attaches the
 * model's parameters for you. Attaching resets the state (momentum buffers,
 * moment estimates, step counts).
 *
 * @example Any optimizer fits where an `Optimizer` is expected
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { type Optimizer, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * manualSeed(0);
 * const model = mlp([2, 1]);
 * const opt: Optimizer = new SGD({ lr: 0.1 }).attach(model.parameters());
 * const x = randn([4, 2]);
 * const before = model.forward(x).square().mean().item();
 * opt.zeroGrad();
 * const y = model.forward(x);
 * model.backward(y.mul(2 / y.size)); // ∂ mean(y²) / ∂y
 * opt.step();
 * ok(model.forward(x).square().mean().item() < before);
 * ```
 */
export interface Optimizer {
  /** The class name, e.g. `"SGD"`. */
  readonly name: string;
  /** The learning rate the next step uses; schedulers assign it. */
  lr: number;
  /** The parameters it updates (empty until attached). */
  readonly params: readonly Parameter[];
  /** Whether `step` needs a closure (`LBFGS`). */
  readonly requiresClosure: boolean;
  /**
   * Binds the optimizer to parameters and resets its state.
   * @param params The parameters to update, e.g. `model.parameters()`.
   * @returns This optimizer.
   */
  attach(params: readonly Parameter[]): this;
  /**
   * One update from the current gradients (or, with a closure, from as many
   * evaluations as the method needs).
   * @param closure Re-evaluates the loss and gradients; required by `LBFGS`.
   * @returns The loss the closure returned first, or undefined without a closure.
   */
  step(closure?: Closure): number | undefined;
  /**
   * Resets the gradients of the attached parameters.
   * @returns Nothing.
   */
  zeroGrad(): void;
  /**
   * The state: hyperparameters, counters and buffers (copies of nothing:
   * tensors are immutable).
   * @returns The state.
   */
  stateDict(): OptimizerState;
  /**
   * Restores a state from `stateDict()` of the same optimizer type over the
   * same parameters.
   * @param state The state.
   * @returns Nothing.
   */
  loadStateDict(state: OptimizerState): void;
}
