/**
 * `LBFGS`: limited-memory BFGS with an optional strong-Wolfe line search, as
 * `torch.optim.LBFGS` (PyTorch 1.13).
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { cpu, Tensor, type TypedArray } from "@glassbox/tensor";
import { hostView } from "./_host.ts";
import {
  checkInteger,
  checkKeys,
  checkNumber,
  checkOptions,
  describe,
  fmtShape,
} from "@glassbox/internal";
import { assignFlat, checkParams, checkStateType, zeroGrads } from "./_param_buffers.ts";
import {
  freshState,
  type LbfgsState,
  stateFromTensors,
  stateToTensors,
  twoLoopDirection,
} from "./_lbfgs_state.ts";
import { absMax, dot, type Step, strongWolfe } from "./_strong_wolfe.ts";
import type { Closure, Optimizer, OptimizerState } from "./optimizer.ts";

/** Options of `LBFGS`, named as `torch.optim.LBFGS`'s (camelCase). */
export interface LBFGSOptions {
  /** Learning rate: the initial step length (default 1). */
  lr?: number;
  /** Iterations per `step` (default 20). */
  maxIter?: number;
  /** Function evaluations per `step` (default ⌊maxIter · 5 / 4⌋). */
  maxEval?: number;
  /** Stop when the largest gradient component is at most this (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss or the step changes by less than this (default 1e-9). */
  toleranceChange?: number;
  /** Curvature pairs kept (default 100). */
  historySize?: number;
  /** `"strong_wolfe"` or `null` (default: fixed steps of `lr`). */
  lineSearchFn?: "strong_wolfe" | null;
  /** Parameters to attach at once (default: none; `fit` attaches the model's). */
  params?: readonly Parameter[];
}

/** Throws unless `closure` is a function. */
function checkClosure(closure: unknown): asserts closure is () => unknown {
  if (typeof closure !== "function") {
    throw new TypeError(
      "Cannot step LBFGS: it needs a closure that zeroes the gradients, runs forward and backward and returns the loss",
    );
  }
}

const KEYS = [
  "lr",
  "maxIter",
  "maxEval",
  "toleranceGrad",
  "toleranceChange",
  "historySize",
  "lineSearchFn",
  "params",
];

/**
 * L-BFGS, PyTorch's algorithm step for step: the two-loop recursion over the
 * last `historySize` curvature pairs (pairs with yᵀs ≤ 1e-10 are skipped),
 * the first step scaled to min(1, 1/‖g‖₁)·lr, PyTorch's termination tests in
 * PyTorch's order, and with `lineSearchFn: "strong_wolfe"` the same line
 * search and cubic interpolation. Every parameter is treated as one flat
 * vector (in double precision; float32 parameters are rounded when written).
 *
 * `step(closure)` needs a closure that zeroes the gradients, runs forward and
 * backward on the (full) batch and returns the loss; `fit` builds it.
 *
 * @example Minimising a quadratic in one step
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { LBFGS } from "@glassbox/trainer";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * // f(w) = (w₀ − 3)² + 10·(w₁ + 1)²
 * const w = new Parameter("w", tensor([0, 0]));
 * const target = tensor([3, -1]), scale = tensor([1, 10]);
 * const opt = new LBFGS({ lineSearchFn: "strong_wolfe", params: [w] });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const diff = w.value.sub(target);
 *   w.accumulate(diff.mul(scale).mul(2));
 *   return diff.square().mul(scale).sum().item();
 * });
 * assertClose(w.value, [3, -1], { rtol: 1e-6, atol: 1e-6 });
 * ```
 */
export class LBFGS implements Optimizer {
  /** `"LBFGS"`. */
  readonly name = "LBFGS";
  /** `step` needs a closure. */
  readonly requiresClosure = true;
  /** The initial step length of each iteration. */
  lr: number;
  /** Iterations per step. */
  readonly maxIter: number;
  /** Function evaluations per step. */
  readonly maxEval: number;
  /** Gradient tolerance. */
  readonly toleranceGrad: number;
  /** Loss / step change tolerance. */
  readonly toleranceChange: number;
  /** Curvature pairs kept. */
  readonly historySize: number;
  /** The line search, or null. */
  readonly lineSearchFn: "strong_wolfe" | null;
  #params: readonly Parameter[] = [];
  #state: LbfgsState = freshState();
  /**
   * During a step: the parameters as one flat host vector (float32 values
   * held exactly), the point every trial and update is computed from and
   * then written to the parameters.
   */
  #x: Float64Array | null = null;
  /** During `stepAsync` on a device: the host copies of the last evaluation's gradients. */
  #hostGrads: TypedArray[] | null = null;

  /**
   * Creates the optimizer.
   *
   * @param options `lr`, `maxIter`, `maxEval`, `toleranceGrad`, `toleranceChange`, `historySize`, `lineSearchFn`, `params`.
   *
   * @example
   * ```ts
   * import { LBFGS, type LBFGSOptions } from "@glassbox/trainer";
   * import { strictEqual, throws } from "node:assert/strict";
   *
   * strictEqual(new LBFGS({ maxIter: 8 }).maxEval, 10);
   * const backtracking = { lineSearchFn: "backtracking" } as unknown as LBFGSOptions;
   * throws(() => new LBFGS(backtracking), /lineSearchFn must be "strong_wolfe" or null/);
   * ```
   */
  constructor(options: LBFGSOptions = {}) {
    const action = "create LBFGS";
    const o = checkOptions(options, action);
    checkKeys(o, KEYS, action);
    this.lr = checkNumber(o.lr, action, "lr", { min: 0 }, 1);
    this.maxIter = checkInteger(o.maxIter, action, "maxIter", 1, 20);
    this.maxEval = checkInteger(o.maxEval, action, "maxEval", 1, Math.floor(this.maxIter * 5 / 4));
    this.toleranceGrad = checkNumber(o.toleranceGrad, action, "toleranceGrad", { min: 0 }, 1e-7);
    this.toleranceChange = checkNumber(
      o.toleranceChange,
      action,
      "toleranceChange",
      { min: 0 },
      1e-9,
    );
    this.historySize = checkInteger(o.historySize, action, "historySize", 1, 100);
    const ls = o.lineSearchFn ?? null;
    if (ls !== null && ls !== "strong_wolfe") {
      throw new RangeError(
        `Cannot ${action}: lineSearchFn must be "strong_wolfe" or null, got ${describe(ls)}`,
      );
    }
    this.lineSearchFn = ls;
    if (o.params !== undefined) this.attach(o.params);
  }

  /** The attached parameters. */
  get params(): readonly Parameter[] {
    return this.#params;
  }

  /** Closure evaluations since the last `attach` (PyTorch's `func_evals`). */
  get funcEvals(): number {
    return this.#state.funcEvals;
  }

  /** Iterations since the last `attach` (PyTorch's `n_iter`). */
  get iterations(): number {
    return this.#state.nIter;
  }

  /**
   * Binds the optimizer to parameters and clears the history.
   *
   * @param params E.g. `model.parameters()`.
   * @returns This optimizer.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { LBFGS } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new LBFGS().attach(mlp([1, 4, 1]).parameters()).funcEvals, 0);
   * ```
   */
  attach(params: readonly Parameter[]): this {
    this.#params = checkParams(params, "attach LBFGS");
    this.#state = freshState();
    return this;
  }

  #gatherFlatGrad(): Float64Array {
    const size = this.#params.reduce((n, p) => n + p.borrow().size, 0);
    const flat = new Float64Array(size);
    let offset = 0;
    this.#params.forEach((p, i) => {
      const grad = this.#hostGrads?.[i] ??
        hostView(p.grad, "step LBFGS", `the gradient of ${p.name}`);
      flat.set(grad, offset);
      offset += grad.length;
    });
    return flat;
  }

  /** Reads the parameters into the flat vector `#x` (CPU: `values` absent) for a step. */
  #readPoint(values?: readonly TypedArray[]): void {
    const x = new Float64Array(this.#params.reduce((n, p) => n + p.borrow().size, 0));
    let offset = 0;
    this.#params.forEach((p, i) => {
      const v = values?.[i] ?? hostView(p.borrow(), "step LBFGS", `parameter ${p.name}`);
      x.set(v, offset);
      offset += v.length;
    });
    this.#x = x;
  }

  /**
   * θ ← θ + t·d for the flat direction d, computed in double precision and
   * rounded to float32 for float32 parameters (as a float32 store would),
   * then written to the parameters.
   */
  #addGrad(t: number, d: Float64Array): void {
    const x = this.#x!;
    let offset = 0;
    for (const p of this.#params) {
      const end = offset + p.borrow().size;
      if (p.borrow().dtype === "float32") {
        for (let k = offset; k < end; k++) x[k] = Math.fround(x[k] + t * d[k]);
      } else {
        for (let k = offset; k < end; k++) x[k] = x[k] + t * d[k];
      }
      offset = end;
    }
    assignFlat(this.#params, x);
  }

  /** Checks what a closure returned. */
  #loss(value: unknown): number {
    if (typeof value !== "number") {
      throw new TypeError(
        `Cannot step LBFGS: the closure must return the loss as a number, got ${describe(value)}`,
      );
    }
    return value;
  }

  /**
   * Up to `maxIter` L-BFGS iterations on the loss the closure computes.
   *
   * @param closure Zeroes the gradients, runs forward and backward, returns the loss.
   * @returns The loss of the first evaluation (before this step's updates), as PyTorch.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { LBFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual, throws } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([4]));
   * const opt = new LBFGS({ params: [w] });
   * throws(() => opt.step(), /needs a closure/);
   * const loss = opt.step(() => {
   *   opt.zeroGrad();
   *   w.accumulate(w.value.mul(2));
   *   return w.value.square().item();
   * });
   * strictEqual(loss, 16);
   * ```
   */
  step(closure?: Closure): number | undefined {
    checkClosure(closure);
    const device = this.#params[0]?.borrow().device ?? cpu;
    if (device !== cpu) {
      throw new TypeError(
        `Cannot step LBFGS: the parameters live on ${device.name}, which cannot be read ` +
          `synchronously; use await stepAsync(closure)`,
      );
    }
    this.#readPoint();
    try {
      const run = this.#iterate();
      let next = run.next();
      while (!next.done) next = run.next(this.#loss(closure()));
      return next.value;
    } finally {
      this.#x = null;
    }
  }

  /**
   * `step` for parameters on a device that cannot be read synchronously
   * (WebGPU): the closure may be async, and the curvature pairs, the
   * two-loop recursion and the line search run on the host (in double
   * precision, as on the CPU) over host copies of the parameters and of each
   * evaluation's gradients. Each closure evaluation costs one read-back of
   * the gradients; each trial point one upload of the parameters. A closure
   * that returns the loss as a one-element tensor lets the loss come back
   * with the gradients in one wait (the tensor is disposed). On the CPU it
   * gives exactly `step`'s result.
   *
   * @param closure Zeroes the gradients, runs forward and backward, returns (a promise of) the loss, as a number or a one-element tensor.
   * @returns The loss of the first evaluation, as `step`.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { LBFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([4]));
   * const opt = new LBFGS({ params: [w] });
   * const loss = await opt.stepAsync(async () => {
   *   opt.zeroGrad();
   *   w.accumulate(w.value.mul(2));
   *   return (await w.value.square().readTypedArray())[0];
   * });
   * strictEqual(loss, 16);
   * ```
   */
  async stepAsync(
    closure: () => number | Tensor | Promise<number | Tensor>,
  ): Promise<number> {
    checkClosure(closure);
    const params = this.#params;
    const onDevice = (params[0]?.borrow().device ?? cpu) !== cpu;
    this.#readPoint(
      onDevice ? await Promise.all(params.map((p) => p.borrow().readTypedArray())) : undefined,
    );
    try {
      const run = this.#iterate();
      let next = run.next();
      while (!next.done) {
        const result = await closure();
        let value: unknown = result;
        if (result instanceof Tensor) {
          // The loss and the gradients come back together: one wait for the device, not two.
          const [loss, ...grads] = await Promise.all([
            result.readTypedArray(),
            ...(onDevice ? params.map((p) => p.grad.readTypedArray()) : []),
          ]);
          if (result.size !== 1) {
            throw new TypeError(
              `Cannot step LBFGS: the closure's loss tensor must hold one value, got shape ${
                fmtShape(result.shape)
              }`,
            );
          }
          value = loss[0];
          result.dispose();
          if (onDevice) this.#hostGrads = grads;
        } else if (onDevice) {
          this.#hostGrads = await Promise.all(params.map((p) => p.grad.readTypedArray()));
        }
        next = run.next(this.#loss(value));
      }
      return next.value;
    } finally {
      this.#x = null;
      this.#hostGrads = null;
    }
  }

  /** The line search's objective: the loss and gradient at x + t·d, then back to x. */
  *#trialPoint(
    x: Float64Array,
    t: number,
    d: Float64Array,
  ): Generator<void, [number, Float64Array], number> {
    this.#addGrad(t, d);
    const value: number = yield;
    const grad = this.#gatherFlatGrad();
    this.#x!.set(x);
    assignFlat(this.#params, x);
    return [value, grad];
  }

  /**
   * The algorithm of one `step`, PyTorch's line for line. It yields whenever
   * it needs the closure evaluated at the current parameters; its driver
   * (`step` or `stepAsync`) passes the loss back.
   */
  *#iterate(): Generator<void, number, number> {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize } = this;
    const state = this.#state;

    const origLoss: number = yield;
    let loss = origLoss;
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.#gatherFlatGrad();
    let optCond = absMax(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let { d, t, hDiag, prevFlatGrad, prevLoss } = state;
    const { oldDirs, oldStps, ro } = state;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      // The descent direction.
      if (state.nIter === 1) {
        d = flatGrad.map((g) => -g);
        oldDirs.length = 0;
        oldStps.length = 0;
        ro.length = 0;
        hDiag = 1;
      } else {
        const y = flatGrad.map((g, i) => g - prevFlatGrad![i]);
        const s = d!.map((v) => v * t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        d = twoLoopDirection(flatGrad, oldDirs, oldStps, ro, hDiag);
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice();
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      // The step length: min(1, 1/‖g‖₁)·lr at the very first iteration, then lr. PyTorch
      // holds 1/‖g‖₁ as a tensor, which changes how the line search divides by it.
      let step: Step = { v: lr, tensor: false };
      if (state.nIter === 1) {
        let l1 = 0;
        for (let k = 0; k < flatGrad.length; k++) l1 += Math.abs(flatGrad[k]);
        const inverse = 1 / l1;
        step = inverse < 1 ? { v: inverse * lr, tensor: true } : { v: 1 * lr, tensor: false };
      }
      t = step.v;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (this.lineSearchFn === "strong_wolfe") {
        // The point to come back to after each trial.
        const x = this.#x!.slice();
        const dir = d;
        const objective = (step: number, direction: Float64Array) =>
          this.#trialPoint(x, step, direction);
        const found = yield* strongWolfe(objective, step, dir, loss, flatGrad, gtd);
        loss = found.loss;
        flatGrad = found.grad;
        t = found.t.v;
        lsFuncEvals = found.evals;
        this.#addGrad(t, d);
        optCond = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.#addGrad(t, d);
        if (nIter !== maxIter) {
          loss = yield;
          flatGrad = this.#gatherFlatGrad();
          optCond = absMax(flatGrad) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals += lsFuncEvals;

      // Termination tests, in PyTorch's order.
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      let stepMax = 0;
      for (let k = 0; k < d.length; k++) {
        const v = Math.abs(d[k] * t);
        if (v > stepMax || v !== v) stepMax = v;
      }
      if (stepMax <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    Object.assign(state, { d, t, hDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }

  /**
   * Resets the gradients of the attached parameters.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { LBFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * w.accumulate(tensor([3]));
   * new LBFGS({ params: [w] }).zeroGrad();
   * deepStrictEqual(w.grad.toArray(), [0]);
   * ```
   */
  zeroGrad(): void {
    zeroGrads(this.#params);
  }

  /**
   * The hyperparameters, counters and history as flat vectors
   * (`"d"`, `"prev_flat_grad"`, `"old_dirs.<i>"`, `"old_stps.<i>"`) and scalars.
   *
   * @returns The state.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { LBFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([4]));
   * const opt = new LBFGS({ params: [w] });
   * opt.step(() => {
   *   opt.zeroGrad();
   *   w.accumulate(w.value.mul(2));
   *   return w.value.square().item();
   * });
   * strictEqual(opt.stateDict().scalars.func_evals, opt.funcEvals);
   * ```
   */
  stateDict(): OptimizerState {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } =
      this;
    return {
      type: this.name,
      options: { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn },
      ...stateToTensors(this.#state),
    };
  }

  /**
   * Restores a state saved by `stateDict()`.
   *
   * @param state A state of an `LBFGS` over parameters of the same total size.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { LBFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([4]));
   * const a = new LBFGS({ params: [w] });
   * a.step(() => {
   *   a.zeroGrad();
   *   w.accumulate(w.value.mul(2));
   *   return w.value.square().item();
   * });
   * const b = new LBFGS({ params: [w] });
   * b.loadStateDict(a.stateDict());
   * strictEqual(b.iterations, a.iterations);
   * ```
   */
  loadStateDict(state: OptimizerState): void {
    const action = "load LBFGS state";
    checkStateType(state, this.name, action);
    const size = this.#params.reduce((n, p) => n + p.borrow().size, 0);
    const next = stateFromTensors(state, size, action);
    this.lr = checkNumber(state.options.lr, action, "options.lr", { min: 0 });
    this.#state = next;
  }
}
