/**
 * The assignment notebook's `fnn_train` (task 2e): a PyTorch optimizer such
 * as Adam on the full training set, epoch by epoch, until a tolerance stop.
 *
 * @module
 */

import { MSELoss } from "@glassbox/losses";
import { tidy } from "@glassbox/tensor";
import { Adam, type Optimizer, type TextOutput } from "@glassbox/trainer";
import type { AssignmentMLP } from "./assignment_model.ts";
import type { TrainReport, XY } from "./assignment_train.ts";

/** Options of `fnnTrain`. */
export interface FnnTrainOptions {
  /** The optimizer (default `Adam({ lr: 0.01 })`, the notebook's). */
  optimizer?: Optimizer;
  /** At most this many epochs (default 5000). */
  maxEpochs?: number;
  /** Stop once the cost changes by less than this between two epochs (default 1e-8). */
  tol?: number;
  /** Print `Epoch     0: cost=   2.496 ` every epoch (default false). */
  verbose?: boolean;
}

/**
 * The notebook's `fnn_train` (its helper file is not included; this is
 * glassbox's reading of it): full-batch gradient steps with a PyTorch
 * optimizer. Each epoch computes the cost on all training rows, prints it
 * when `verbose`, stops when it changed by less than `tol` since the
 * previous epoch, and otherwise takes one optimizer step.
 *
 * @param model The model, trained in place.
 * @param data Training rows.
 * @param output Where the epoch lines go.
 * @param options `optimizer`, `maxEpochs`, `tol`, `verbose`.
 * @returns The report (`nit`: epochs run; `nfev`, `njev`: cost and gradient evaluations).
 *
 * @example
 * ```ts
 * import { fnnTrain } from "./assignment_fnn_train.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { assignmentData } from "./assignment_data.ts";
 * import { manualSeed } from "@glassbox/tensor";
 * import { Adam, memoryOutput } from "@glassbox/trainer";
 * import { match, ok } from "node:assert/strict";
 *
 * const { X1, y1 } = assignmentData();
 * manualSeed(0);
 * const out = memoryOutput();
 * const r = fnnTrain(new AssignmentMLP([1, 5, 1]), { x: X1, y: y1 }, out, {
 *   optimizer: new Adam({ lr: 0.01 }), maxEpochs: 50, verbose: true,
 * });
 * match(out.text, /^Epoch     0: cost= {3}\d\.\d{3} \n/);
 * ok(r.costs![49] < r.costs![0]);
 * ```
 */
export function fnnTrain(
  model: AssignmentMLP,
  data: XY,
  output: TextOutput,
  options: FnnTrainOptions = {},
): TrainReport {
  const maxEpochs = options.maxEpochs ?? 5000;
  const tol = options.tol ?? 1e-8;
  const opt = options.optimizer ?? new Adam({ lr: 0.01 });
  opt.attach(model.parameters());
  const loss = new MSELoss();
  let previous = Infinity;
  let cost = NaN;
  let epoch = 0;
  let converged = false;
  let steps = 0;
  const costs: number[] = [];
  for (; epoch < maxEpochs; epoch++) {
    model.zeroGrad();
    cost = tidy(() => {
      const c = loss.forward(model.forward(data.x), data.y).item();
      if (Math.abs(previous - c) >= tol && Number.isFinite(c)) {
        model.accumulateGradients(loss.backward());
      }
      return c;
    });
    costs.push(cost);
    if (options.verbose) {
      output.write(`Epoch ${String(epoch).padStart(5)}: cost=${cost.toFixed(3).padStart(8)} \n`);
    }
    if (!Number.isFinite(cost)) break;
    if (Math.abs(previous - cost) < tol) {
      converged = true;
      epoch++;
      break;
    }
    opt.step();
    steps++;
    previous = cost;
  }
  const message = converged
    ? `Converged: the cost changed by less than tol after ${epoch} epochs.`
    : Number.isFinite(cost)
    ? `Stopped after max_epochs=${maxEpochs} epochs.`
    : `Stopped: the cost is ${cost}.`;
  output.write(`${message}\n`);
  return {
    method: opt.name.toLowerCase(),
    fun: cost,
    nit: epoch,
    nfev: epoch,
    njev: steps,
    status: converged ? 0 : 1,
    success: converged,
    message,
    costs,
  };
}
