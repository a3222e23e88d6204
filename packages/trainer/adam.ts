/**
 * `Adam`: adaptive moment estimation with optional AMSGrad and L2 weight
 * decay, as `torch.optim.Adam` (PyTorch 1.13, single-tensor path).
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { checkBoolean, checkKeys, checkNumber, checkOptions, describe } from "@glassbox/internal";
import { checkParams, checkStateType, ParamBuffers, zeroGrads } from "./_param_buffers.ts";
import type { Closure, Optimizer, OptimizerState } from "./optimizer.ts";

/** The per-parameter buffers, named as in PyTorch's state (the backend's order). */
const ADAM_BUFFERS: string[] = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

/** Options of `Adam` and `AdamW`, named as PyTorch's (camelCase). */
export interface AdamOptions {
  /** Learning rate γ (default 1e-3). */
  lr?: number;
  /** β₁, β₂: decay rates of the moment estimates, each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** ε added to the denominator (default 1e-8). */
  eps?: number;
  /** Weight decay λ (default 0 for Adam: L2 added to the gradient; 1e-2 for AdamW: decoupled). */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad, default false). */
  amsgrad?: boolean;
  /** Maximise the objective instead (default false). */
  maximize?: boolean;
  /** Parameters to attach at once (default: none; `fit` attaches the model's). */
  params?: readonly Parameter[];
}

const KEYS = ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize", "params"];

/** Checks `betas`: two numbers in [0, 1). */
function checkBetas(value: unknown, action: string): readonly [number, number] {
  if (value === undefined) return [0.9, 0.999];
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TypeError(`Cannot ${action}: betas must be two numbers, got ${describe(value)}`);
  }
  return [
    checkNumber(value[0], action, "betas[0]", { min: 0, max: 1, maxExclusive: true }),
    checkNumber(value[1], action, "betas[1]", { min: 0, max: 1, maxExclusive: true }),
  ];
}

/**
 * Adam, PyTorch's update in PyTorch's order of operations (see
 * `torch/optim/adam.py`, `_single_tensor_adam`). For each parameter θ with
 * gradient g at step t = 1, 2, …:
 *
 * ```text
 * g ← g + λθ                                  (weightDecay λ ≠ 0)
 * m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 * v̂ ← max(v̂, v)                               (amsgrad)
 * θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)      (√v̂ with amsgrad)
 * ```
 *
 * The bias corrections are computed in double precision as PyTorch's Python
 * floats are; float32 parameters are updated in float32 arithmetic.
 *
 * @example Adam's first step moves every weight by about γ
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { Adam } from "@glassbox/trainer";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const w = new Parameter("w", tensor([1, -1]));
 * const opt = new Adam({ lr: 0.1, params: [w] });
 * w.accumulate(tensor([5, -0.01]));
 * opt.step();
 * assertClose(w.value, [0.9, -0.9], { rtol: 1e-5 });
 * ```
 */
export class Adam implements Optimizer {
  /** `"Adam"` (or `"AdamW"`). */
  readonly name: string = "Adam";
  /** Needs no closure. */
  readonly requiresClosure = false;
  /** The learning rate of the next step. */
  lr: number;
  /** β₁, β₂. */
  readonly betas: readonly [number, number];
  /** ε. */
  readonly eps: number;
  /** λ. */
  readonly weightDecay: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;
  /** Whether the objective is maximised. */
  readonly maximize: boolean;
  #state: ParamBuffers = new ParamBuffers([], ADAM_BUFFERS);
  #step = 0;

  /**
   * Creates the optimizer.
   *
   * @param options `lr`, `betas`, `eps`, `weightDecay`, `amsgrad`, `maximize`, `params`.
   *
   * @example
   * ```ts
   * import { Adam } from "@glassbox/trainer";
   * import { strictEqual, throws } from "node:assert/strict";
   *
   * strictEqual(new Adam().lr, 1e-3);
   * throws(() => new Adam({ betas: [0.9, 1] }), /betas\[1\] must be finite and >= 0 and < 1, got 1/);
   * ```
   */
  constructor(options: AdamOptions = {}) {
    const action = `create ${new.target.name}`;
    const o = checkOptions(options, action);
    checkKeys(o, KEYS, action);
    this.lr = checkNumber(o.lr, action, "lr", { min: 0 }, 1e-3);
    this.betas = checkBetas(o.betas, action);
    this.eps = checkNumber(o.eps, action, "eps", { min: 0 }, 1e-8);
    this.weightDecay = checkNumber(
      o.weightDecay,
      action,
      "weightDecay",
      { min: 0 },
      this.decoupled ? 1e-2 : 0,
    );
    this.amsgrad = checkBoolean(o.amsgrad, action, "amsgrad", false);
    this.maximize = checkBoolean(o.maximize, action, "maximize", false);
    if (o.params !== undefined) this.attach(o.params);
  }

  /** Whether weight decay is decoupled from the gradient (AdamW). */
  get decoupled(): boolean {
    return false;
  }

  /** The attached parameters. */
  get params(): readonly Parameter[] {
    return this.#state.params;
  }

  /** Steps taken since the last `attach`. */
  get stepCount(): number {
    return this.#step;
  }

  /**
   * Binds the optimizer to parameters and resets the moments and step count.
   *
   * @param params E.g. `model.parameters()`.
   * @returns This optimizer.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { Adam } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Adam().attach(mlp([3, 2]).parameters()).stepCount, 0);
   * ```
   */
  attach(params: readonly Parameter[]): this {
    this.#state = new ParamBuffers(checkParams(params, `attach ${this.name}`), ADAM_BUFFERS);
    this.#step = 0;
    return this;
  }

  /**
   * One update of every attached parameter.
   *
   * @param closure Optional: called first; its loss is returned.
   * @returns The closure's loss, or undefined.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { Adam } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([0]));
   * const opt = new Adam({ lr: 0.5, params: [w] });
   * w.accumulate(tensor([-3]));
   * opt.step();
   * strictEqual(opt.stepCount, 1);
   * strictEqual(w.value.item() > 0.49, true);
   * ```
   */
  step(closure?: Closure): number | undefined {
    const loss = closure?.();
    const step = ++this.#step;
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize, decoupled } = this;
    const rule = {
      kind: "adam",
      lr,
      beta1,
      beta2,
      eps,
      weightDecay,
      amsgrad,
      maximize,
      decoupled,
      step,
    } as const;
    const names = amsgrad ? ADAM_BUFFERS : ADAM_BUFFERS.slice(0, 2);
    this.#state.update(() => rule, () => names);
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
   * import { Adam } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * w.accumulate(tensor([3]));
   * new Adam({ params: [w] }).zeroGrad();
   * deepStrictEqual(w.grad.toArray(), [0]);
   * ```
   */
  zeroGrad(): void {
    zeroGrads(this.#state.params);
  }

  /**
   * The hyperparameters, the step count and the moment buffers
   * (`"<param>.exp_avg"`, `"<param>.exp_avg_sq"`, `"<param>.max_exp_avg_sq"`).
   *
   * @returns The state.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { Adam } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * const opt = new Adam({ params: [w] });
   * w.accumulate(tensor([2]));
   * opt.step();
   * const state = opt.stateDict();
   * deepStrictEqual(state.scalars, { step: 1 });
   * deepStrictEqual(Object.keys(state.tensors), ["w.exp_avg", "w.exp_avg_sq"]);
   * ```
   */
  stateDict(): OptimizerState {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = this;
    return {
      type: this.name,
      options: { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize },
      scalars: { step: this.#step },
      tensors: this.#state.toTensors(),
    };
  }

  /**
   * Restores the learning rate, step count and moments saved by `stateDict()`.
   *
   * @param state A state of the same optimizer type over parameters of the same names and shapes.
   * @returns Nothing.
   *
   * @example Resuming gives the same next step
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { Adam } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * const a = new Adam({ lr: 0.1, params: [w] });
   * w.accumulate(tensor([2]));
   * a.step();
   * const saved = a.stateDict(), start = w.value;
   * a.step();
   * const expected = w.value;
   * w.value = start;
   * const b = new Adam({ lr: 0.1, params: [w] });
   * b.loadStateDict(saved);
   * b.step();
   * deepStrictEqual(w.value.toArray(), expected.toArray());
   * ```
   */
  loadStateDict(state: OptimizerState): void {
    const action = `load ${this.name} state`;
    checkStateType(state, this.name, action);
    const lr = checkNumber(state.options.lr, action, "options.lr", { min: 0 });
    const step = state.scalars.step;
    if (typeof step !== "number" || !Number.isInteger(step) || step < 0) {
      throw new RangeError(`Cannot ${action}: scalars.step must be an integer >= 0, got ${step}`);
    }
    this.#state.load(state, action);
    this.#step = step;
    this.lr = lr;
  }
}
