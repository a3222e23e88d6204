/**
 * `SGD`: stochastic gradient descent with momentum, dampening, Nesterov
 * momentum and weight decay, as `torch.optim.SGD` (PyTorch 1.13).
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { checkBoolean, checkKeys, checkNumber, checkOptions } from "@glassbox/internal";
import { checkParams, checkStateType, ParamBuffers, zeroGrads } from "./_param_buffers.ts";
import type { Closure, Optimizer, OptimizerState } from "./optimizer.ts";

/** Options of `SGD`, named as `torch.optim.SGD`'s (camelCase). */
export interface SGDOptions {
  /** Learning rate γ (required, ≥ 0). */
  lr: number;
  /** Momentum factor μ (default 0: none). */
  momentum?: number;
  /** Dampening τ of the momentum (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximise the objective instead (default false). */
  maximize?: boolean;
  /** Parameters to attach at once (default: none; `fit` attaches the model's). */
  params?: readonly Parameter[];
}

const KEYS = ["lr", "momentum", "dampening", "nesterov", "weightDecay", "maximize", "params"];

/**
 * Stochastic gradient descent, PyTorch's single-tensor update in PyTorch's
 * order of operations. For each parameter θ with gradient g:
 *
 * ```text
 * g ← −g                         (maximize)
 * g ← g + λ·θ                    (weightDecay λ ≠ 0)
 * b ← g at the first step, else b ← μ·b + (1 − τ)·g     (momentum μ ≠ 0)
 * g ← g + μ·b (nesterov), else g ← b
 * θ ← θ − γ·g
 * ```
 *
 * float32 parameters are updated in float32 arithmetic (every operation
 * rounded to float32), as PyTorch does.
 *
 * @example Momentum SGD on a 1-D quadratic
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { SGD } from "@glassbox/trainer";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const w = new Parameter("w", tensor([1]));
 * const opt = new SGD({ lr: 0.1, momentum: 0.9, params: [w] });
 * for (let i = 0; i < 2; i++) {
 *   opt.zeroGrad();
 *   w.accumulate(w.value.mul(2)); // ∂(w²)/∂w
 *   opt.step();
 * }
 * // step 1: b = 2, w = 1 − 0.2 = 0.8; step 2: b = 0.9·2 + 1.6 = 3.4, w = 0.8 − 0.34
 * strictEqual(w.value.item(), 0.8 - 0.1 * (0.9 * 2 + 1.6));
 * ```
 */
export class SGD implements Optimizer {
  /** `"SGD"`. */
  readonly name = "SGD";
  /** Needs no closure. */
  readonly requiresClosure = false;
  /** The learning rate of the next step. */
  lr: number;
  /** Momentum factor. */
  readonly momentum: number;
  /** Dampening of the momentum. */
  readonly dampening: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;
  /** L2 penalty. */
  readonly weightDecay: number;
  /** Whether the objective is maximised. */
  readonly maximize: boolean;
  #state: ParamBuffers = new ParamBuffers([], []);

  /**
   * Creates the optimizer.
   *
   * @param options `lr` (required), `momentum`, `dampening`, `nesterov`, `weightDecay`, `maximize`, `params`.
   *
   * @example Bad options name the option
   * ```ts
   * import { SGD } from "@glassbox/trainer";
   * import { throws } from "node:assert/strict";
   *
   * throws(() => new SGD({ lr: -1 }), /lr must be finite and >= 0, got -1/);
   * throws(() => new SGD({ lr: 0.1, nesterov: true }), /nesterov needs momentum > 0 and dampening 0/);
   * ```
   */
  constructor(options: SGDOptions) {
    const action = "create SGD";
    const o = checkOptions(options, action);
    checkKeys(o, KEYS, action);
    if (o.lr === undefined) throw new TypeError(`Cannot ${action}: lr is required`);
    this.lr = checkNumber(o.lr, action, "lr", { min: 0 });
    this.momentum = checkNumber(o.momentum, action, "momentum", { min: 0 }, 0);
    this.dampening = checkNumber(o.dampening, action, "dampening", {}, 0);
    this.nesterov = checkBoolean(o.nesterov, action, "nesterov", false);
    this.weightDecay = checkNumber(o.weightDecay, action, "weightDecay", { min: 0 }, 0);
    this.maximize = checkBoolean(o.maximize, action, "maximize", false);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(
        `Cannot ${action}: nesterov needs momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`,
      );
    }
    if (o.params !== undefined) this.attach(o.params);
  }

  /** The attached parameters. */
  get params(): readonly Parameter[] {
    return this.#state.params;
  }

  /**
   * Binds the optimizer to parameters and drops the momentum buffers.
   *
   * @param params E.g. `model.parameters()`.
   * @returns This optimizer.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { SGD } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * const opt = new SGD({ lr: 0.1 }).attach(mlp([2, 1]).parameters());
   * strictEqual(opt.params.length, 2);
   * ```
   */
  attach(params: readonly Parameter[]): this {
    this.#state = new ParamBuffers(checkParams(params, "attach SGD"), ["momentum_buffer"]);
    return this;
  }

  /**
   * One update of every attached parameter from its gradient.
   *
   * @param closure Optional: called first (it should zero the gradients, run
   *   forward and backward and return the loss).
   * @returns The closure's loss, or undefined.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { SGD } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1, 2]));
   * w.accumulate(tensor([10, -10]));
   * new SGD({ lr: 0.01, params: [w] }).step();
   * deepStrictEqual(w.value.toArray(), [1 - 0.1, 2 + 0.1]);
   * ```
   */
  step(closure?: Closure): number | undefined {
    const loss = closure?.();
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = this;
    const state = this.#state;
    const names = momentum !== 0 ? ["momentum_buffer"] : [];
    state.update((indices) => ({
      kind: "sgd",
      lr,
      momentum,
      dampening,
      nesterov,
      weightDecay,
      maximize,
      // A buffer not yet created has no history: it starts as this step's gradient.
      fresh: indices.map((i) => state.buffers[i].momentum_buffer === null),
    }), () => names);
    return loss;
  }

  /**
   * Resets the gradients of the attached parameters.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { SGD } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * w.accumulate(tensor([3]));
   * new SGD({ lr: 1, params: [w] }).zeroGrad();
   * deepStrictEqual(w.grad.toArray(), [0]);
   * ```
   */
  zeroGrad(): void {
    zeroGrads(this.#state.params);
  }

  /**
   * The hyperparameters and momentum buffers (`"<param>.momentum_buffer"`).
   *
   * @returns The state.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { SGD } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * const opt = new SGD({ lr: 0.1, momentum: 0.9, params: [w] });
   * w.accumulate(tensor([2]));
   * opt.step();
   * deepStrictEqual(opt.stateDict().tensors["w.momentum_buffer"].toArray(), [2]);
   * ```
   */
  stateDict(): OptimizerState {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = this;
    return {
      type: this.name,
      options: { lr, momentum, dampening, nesterov, weightDecay, maximize },
      scalars: {},
      tensors: this.#state.toTensors(),
    };
  }

  /**
   * Restores the learning rate and momentum buffers saved by `stateDict()`.
   *
   * @param state A state of an `SGD` over parameters of the same names and shapes.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { SGD } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * const a = new SGD({ lr: 0.5, momentum: 0.9, params: [w] });
   * const b = new SGD({ lr: 0.1, momentum: 0.9, params: [w] });
   * b.loadStateDict(a.stateDict());
   * strictEqual(b.lr, 0.5);
   * ```
   */
  loadStateDict(state: OptimizerState): void {
    const action = "load SGD state";
    checkStateType(state, this.name, action);
    const lr = checkNumber(state.options.lr, action, "options.lr", { min: 0 });
    this.#state.load(state, action);
    this.lr = lr;
  }
}
