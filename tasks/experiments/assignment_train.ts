/**
 * The assignment notebook's training code, task 2: `train1` (fresh models,
 * `nreps` repetitions, the best by training MSE), `trainScipy` (BFGS to
 * convergence on all parameters flattened into one vector, as the notebook's
 * `train_scipy` hands them to `scipy.optimize.minimize(method="BFGS")`);
 * `fnnTrain` (assignment_fnn_train.ts) trains with Adam instead.
 *
 * The cost is the notebook's `F.mse_loss(y1, model(X1))`: the mean squared
 * error over the training rows.
 *
 * Printed lines, as in the notebook:
 *
 * ```text
 * Repetition  0: Optimization terminated successfully.
 *          Current function value: 0.293673
 *          Iterations: 120
 *          Function evaluations: 240
 *          Gradient evaluations: 233
 * best_cost=0.294
 * ```
 *
 * @module
 */

import { checkInteger } from "@glassbox/internal";
import type { Parameter } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { type Tensor, tensor, tidy } from "@glassbox/tensor";
import { LBFGS, minimizeBfgs, type TextOutput } from "@glassbox/trainer";
import { AssignmentMLP, type PhiName } from "./assignment_model.ts";

/** Training rows: inputs `[N, 1]` and targets `[N, 1]`. */
export interface XY {
  /** Inputs. */
  x: Tensor;
  /** Targets. */
  y: Tensor;
}

/**
 * The notebook's `F.mse_loss(y, model(x)).item()`.
 *
 * @param model The model.
 * @param data Inputs and targets.
 * @returns The mean squared error.
 *
 * @example
 * ```ts
 * import { mseOf } from "./assignment_train.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const model = new AssignmentMLP([1, 2, 1]);
 * for (const p of model.parameters()) p.value = p.value.mul(0); // ŷ = 0 everywhere
 * strictEqual(mseOf(model, { x: tensor([[1], [2]]), y: tensor([[1], [3]]) }), 5);
 * ```
 */
export function mseOf(model: AssignmentMLP, data: XY): number {
  return tidy(() => new MSELoss().forward(model.forward(data.x), data.y).item());
}

/** Copies the parameters into one vector, in the notebook's order (`0_weight`, `0_bias`, …). *
 * @example
 * ```ts
 * import { assignParameters, flattenParameters } from "./assignment_train.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const model = new AssignmentMLP([1, 2, 1]); // 0_weight [1, 2], 0_bias [2], 1_weight [2, 1], 1_bias [1]
 * const x = flattenParameters(model.parameters());
 * strictEqual(x.length, 7);
 * assignParameters(model.parameters(), x.map((_, i) => i));
 * deepStrictEqual(model.getParameter("1_weight").value.toArray(), [[4], [5]]);
 * ```
 */
export function flattenParameters(params: readonly Parameter[]): Float64Array {
  const sizes = params.map((p) => p.shape.reduce((a, b) => a * b, 1));
  const out = new Float64Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  params.forEach((p, i) => {
    out.set(p.value.toTypedArray(), at);
    at += sizes[i];
  });
  return out;
}

/** Sets the parameters from one vector laid out as `flattenParameters` lays it out. *
 * @example
 * ```ts
 * import { assignParameters } from "./assignment_train.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { throws } from "node:assert/strict";
 *
 * const model = new AssignmentMLP([1, 1, 1]);
 * throws(() => assignParameters(model.parameters(), new Float64Array(3)), /the vector has 3 values, the parameters 4/);
 * ```
 */
export function assignParameters(params: readonly Parameter[], flat: Float64Array): void {
  const sizes = params.map((p) => p.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== flat.length) {
    throw new RangeError(
      `Cannot assign parameters: the vector has ${flat.length} values, the parameters ${total}`,
    );
  }
  let at = 0;
  params.forEach((p, i) => {
    p.value = tensorLike(p.value, flat.subarray(at, at + sizes[i]));
    at += sizes[i];
  });
}

function tensorLike(like: Tensor, values: Float64Array): Tensor {
  return tensor(values, { dtype: like.dtype, shape: [...like.shape] });
}

/** What one repetition's optimizer reports. */
export interface TrainReport {
  /** `"bfgs"`, `"lbfgs"` or `"adam"`. */
  method: string;
  /** Final cost (training MSE). */
  fun: number;
  /** Iterations (BFGS, L-BFGS) or epochs run (Adam). */
  nit: number;
  /** Function evaluations. */
  nfev: number;
  /** Gradient evaluations. */
  njev: number;
  /** 0 converged; otherwise the optimizer's own status code. */
  status: number;
  /** Whether the optimizer reports success. */
  success: boolean;
  /** Why it stopped. */
  message: string;
  /** The cost of every epoch (`fnnTrain` only). */
  costs?: number[];
}

/** Trains a model in place and says how it went. */
export type TrainFn = (model: AssignmentMLP, data: XY, output: TextOutput) => TrainReport;

/**
 * The objective SciPy minimizes in the notebook's `train_scipy`: the
 * training MSE as a function of all parameters flattened into one vector,
 * with its gradient from the model's backward pass.
 *
 * @param model The model (its parameters are overwritten at each call).
 * @param data Training rows.
 * @returns `fun(x)` → `{ value, grad }`.
 *
 * @example
 * ```ts
 * import { flattenParameters, mseObjective } from "./assignment_train.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { tensor } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * const model = new AssignmentMLP([1, 3, 1]);
 * const data = { x: tensor([[0], [1], [2]]), y: tensor([[1], [0], [1]]) };
 * const fun = mseObjective(model, data);
 * const x0 = flattenParameters(model.parameters());
 * const { value, grad } = fun(x0);
 * // The gradient predicts the change along a small step against it.
 * const step = grad.map((g) => -1e-6 * g);
 * const moved = fun(x0.map((v, i) => v + step[i])).value;
 * const predicted = grad.reduce((s, g, i) => s + g * step[i], 0);
 * ok(Math.abs(moved - value - predicted) < 1e-10);
 * ```
 */
export function mseObjective(
  model: AssignmentMLP,
  data: XY,
): (x: Float64Array) => { value: number; grad: Float64Array } {
  const params = model.parameters();
  const loss = new MSELoss();
  return (x) => {
    assignParameters(params, x);
    model.zeroGrad();
    const value = tidy(() => {
      const cost = loss.forward(model.forward(data.x), data.y).item();
      model.accumulateGradients(loss.backward());
      return cost;
    });
    const grad = new Float64Array(x.length);
    let at = 0;
    for (const p of params) {
      const g = p.grad.toTypedArray();
      grad.set(g, at);
      at += g.length;
    }
    return { value, grad };
  };
}

/** Python's `"%f"`: six decimals. */
function pyF(x: number): string {
  return Number.isFinite(x) ? x.toFixed(6) : String(x).toLowerCase().replace("infinity", "inf");
}

/**
 * SciPy's `disp=True` lines for a `minimize` result (SciPy 1.10's
 * `_minimize_bfgs`: "Warning: " before the message unless it succeeded).
 *
 * @param r The result.
 * @returns Five lines, each ending in a newline.
 *
 * @example
 * ```ts
 * import { scipyDispLines } from "./assignment_train.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const text = scipyDispLines({
 *   method: "bfgs", fun: 0.293673217, nit: 120, nfev: 240, njev: 233, status: 0, success: true,
 *   message: "Optimization terminated successfully.",
 * });
 * strictEqual(text.split("\n")[1], "         Current function value: 0.293673");
 * ```
 */
export function scipyDispLines(r: TrainReport): string {
  return `${r.status === 0 ? "" : "Warning: "}${r.message}\n` +
    `         Current function value: ${pyF(r.fun)}\n` +
    `         Iterations: ${r.nit}\n` +
    `         Function evaluations: ${r.nfev}\n` +
    `         Gradient evaluations: ${r.njev}\n`;
}

/** Options of `trainScipy`. */
export interface TrainScipyOptions {
  /** `"bfgs"` (SciPy's `minimize(method="BFGS")`, default) or `"lbfgs"` (PyTorch's L-BFGS). */
  method?: "bfgs" | "lbfgs";
  /** Gradient tolerance (∞-norm; default 1e-5, SciPy's). */
  gtol?: number;
  /** Iteration limit (default: SciPy's 200 × number of parameters). */
  maxiter?: number;
  /** Print SciPy's disp lines (default true, as the notebook's `train_scipy`). */
  disp?: boolean;
  /** Called after every BFGS iteration with the iteration count (progress reports). */
  onIteration?: (nit: number) => void;
}

/**
 * The notebook's `train_scipy`: minimizes the training MSE over all
 * parameters at once to convergence and leaves the result in the model.
 * BFGS is SciPy's `minimize(fun, x0, jac=True, method="BFGS",
 * options={"disp": True})`; `"lbfgs"` runs PyTorch's L-BFGS (strong-Wolfe
 * line search, history 100) in one `step` of up to `maxiter` iterations.
 *
 * @param model The model, trained in place.
 * @param data Training rows.
 * @param output Where the disp lines go.
 * @param options `method`, `gtol`, `maxiter`, `disp`.
 * @returns The optimizer's report.
 *
 * @example
 * ```ts
 * import { mseOf, trainScipy } from "./assignment_train.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { assignmentData } from "./assignment_data.ts";
 * import { manualSeed } from "@glassbox/tensor";
 * import { memoryOutput } from "@glassbox/trainer";
 * import { match, ok } from "node:assert/strict";
 *
 * const { X1, y1 } = assignmentData();
 * manualSeed(0);
 * const model = new AssignmentMLP([1, 1, 1]);
 * const out = memoryOutput();
 * const report = trainScipy(model, { x: X1, y: y1 }, out);
 * ok(report.success && Math.abs(report.fun - mseOf(model, { x: X1, y: y1 })) < 1e-15);
 * match(out.text, /^Optimization terminated successfully\.\n {9}Current function value: 0\.239120\n/);
 * ```
 */
export function trainScipy(
  model: AssignmentMLP,
  data: XY,
  output: TextOutput,
  options: TrainScipyOptions = {},
): TrainReport {
  const params = model.parameters();
  const x0 = flattenParameters(params);
  const gtol = options.gtol ?? 1e-5;
  const maxiter = options.maxiter ?? 200 * x0.length;
  let report: TrainReport;
  if ((options.method ?? "bfgs") === "bfgs") {
    let nit = 0;
    const onIteration = options.onIteration;
    const r = minimizeBfgs(mseObjective(model, data), x0, {
      gtol,
      maxiter,
      callback: onIteration === undefined ? undefined : () => onIteration(++nit),
    });
    assignParameters(params, r.x);
    report = {
      method: "bfgs",
      fun: r.fun,
      nit: r.nit,
      nfev: r.nfev,
      njev: r.njev,
      status: r.status,
      success: r.success,
      message: r.message,
    };
  } else {
    const fun = mseObjective(model, data);
    const opt = new LBFGS({
      lr: 1,
      maxIter: maxiter,
      maxEval: Math.ceil(maxiter * 1.25),
      toleranceGrad: gtol,
      toleranceChange: 1e-12,
      historySize: 100,
      lineSearchFn: "strong_wolfe",
      params,
    });
    // The closure leaves the gradients in the parameters, where LBFGS reads them.
    opt.step(() => fun(flattenParameters(params)).value);
    const nit = opt.iterations;
    const nfev = opt.funcEvals;
    const cost = mseOf(model, data);
    const gmax = Math.max(...fun(flattenParameters(params)).grad.map(Math.abs));
    const success = gmax <= gtol;
    report = {
      method: "lbfgs",
      fun: cost,
      nit,
      nfev,
      njev: nfev,
      status: success ? 0 : 1,
      success,
      message: success
        ? "Optimization terminated successfully."
        : `L-BFGS stopped with max |gradient| ${gmax.toExponential(2)} > gtol ${gtol}`,
    };
  }
  if (options.disp ?? true) output.write(scipyDispLines(report));
  return report;
}

/** One repetition of `train1`. */
export interface Repetition {
  /** 0-based index. */
  rep: number;
  /** Training MSE of the trained model. */
  cost: number;
  /** The optimizer's report. */
  report: TrainReport;
  /** Initial parameters (flattened, the notebook's order). */
  initial: Float64Array;
}

/** What `train1` returns. */
export interface Train1Result {
  /** The model with the lowest training MSE. */
  best: AssignmentMLP;
  /** Its training MSE. */
  bestCost: number;
  /** Its repetition. */
  bestRep: number;
  /** Every repetition, in order. */
  reps: Repetition[];
}

/** Options of `train1`. */
export interface Train1Options {
  /** Repetitions (default 10). */
  nreps?: number;
  /** Hidden activation (default sigmoid). */
  phi?: PhiName;
  /** How to train one model (default BFGS: `trainScipy`). */
  train?: TrainFn;
  /** Where the lines go. */
  output: TextOutput;
  /** Called after each repetition (progress, cancellation checks). */
  onRepetition?: (rep: Repetition) => void;
}

/**
 * The notebook's `train1(hidden_sizes, nreps=10, phi=F.sigmoid, train=train_bfgs)`:
 * trains `nreps` fresh `MLP([1, ...hidden, 1], phi)` models (each drawn from
 * the global generator after the previous one) and keeps the one with the
 * lowest training MSE, printing `Repetition  k: ` before each training and
 * `best_cost=0.294` after it.
 *
 * @param hidden Hidden widths, e.g. `[2]`.
 * @param data Training rows.
 * @param options `nreps`, `phi`, `train`, `output`, `onRepetition`.
 * @returns The best model and every repetition.
 *
 * @example
 * ```ts
 * import { train1 } from "./assignment_train.ts";
 * import { assignmentData } from "./assignment_data.ts";
 * import { manualSeed } from "@glassbox/tensor";
 * import { memoryOutput } from "@glassbox/trainer";
 * import { match, strictEqual } from "node:assert/strict";
 *
 * const { X1, y1 } = assignmentData();
 * manualSeed(0);
 * const out = memoryOutput();
 * const r = train1([1], { x: X1, y: y1 }, { nreps: 2, output: out });
 * strictEqual(r.reps.length, 2);
 * match(out.text, /^Repetition  0: Optimization terminated successfully\.\n/);
 * match(out.text, /best_cost=0\.239\n$/);
 * ```
 */
export function train1(hidden: readonly number[], data: XY, options: Train1Options): Train1Result {
  const nreps = checkInteger(options.nreps, "train", "nreps", 1, 10);
  const train: TrainFn = options.train ??
    ((model, d, out) => trainScipy(model, d, out));
  const out = options.output;
  const inputs = data.x.shape[1];
  const outputs = data.y.shape[1];
  let best: AssignmentMLP | null = null;
  let bestCost = Infinity;
  let bestRep = -1;
  const reps: Repetition[] = [];
  for (let rep = 0; rep < nreps; rep++) {
    const model = new AssignmentMLP([inputs, ...hidden, outputs], { phi: options.phi });
    const initial = flattenParameters(model.parameters());
    out.write(`Repetition ${(" " + rep).padStart(2)}: `);
    const report = train(model, data, out);
    const cost = mseOf(model, data);
    if (cost < bestCost) {
      best = model;
      bestCost = cost;
      bestRep = rep;
    }
    out.write(`best_cost=${bestCost.toFixed(3)}\n`);
    const r = { rep, cost, report, initial };
    reps.push(r);
    options.onRepetition?.(r);
  }
  if (best === null) {
    throw new RangeError(
      `Cannot train: no repetition reached a finite training MSE (${
        reps.map((r) => r.cost).join(", ")
      })`,
    );
  }
  return { best, bestCost, bestRep, reps };
}
