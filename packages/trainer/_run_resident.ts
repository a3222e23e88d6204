/**
 * One `fit` run on a WebGPU device: every training step stays on the GPU
 * (`ResidentTrainer`: one command encoder, one submit, no read-back), the
 * loss is read once per epoch, validation runs the model forward on the GPU
 * and scores the predictions on the host. L-BFGS runs forward and backward
 * on the GPU op by op and its two-loop recursion and line search on the
 * host (`LBFGS.stepAsync`), reading the loss and gradients back at each
 * closure evaluation.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import { cpu, type Tensor } from "@glassbox/tensor";
import {
  type ResidentLoss,
  type ResidentOptimizer,
  ResidentTrainer,
  type WebGPUDevice,
  WebGPUDeviceLostError,
  type WebGPULostInfo,
} from "@glassbox/webgpu-kernels";
import type { BatchInfo } from "./callback.ts";
import type { History } from "./history.ts";
import { LBFGS } from "./lbfgs.ts";
import {
  attachedTo,
  backpropagate,
  emit,
  nonFiniteEpochMessage,
  RunContext,
  type RunPlan,
} from "./_run.ts";
import type { Optimizer, OptimizerState } from "./optimizer.ts";
import { randperm } from "./randperm.ts";
import { residentModel, writeBack as writeValues } from "./_resident_model.ts";

/**
 * Checks that `loss` runs forward and backward on a WebGPU device op by op
 * (the L-BFGS path): any loss whose reduction makes a single value.
 */
function checkDeviceLoss(loss: Loss): void {
  if ("reduction" in loss && loss.reduction === "none") {
    throw new TypeError(
      `Cannot fit on WebGPU: the loss must reduce to one value (reduction "mean" or "sum"), ` +
        `got ${loss.constructor.name} with reduction "none"`,
    );
  }
}

/** The resident trainer's description of `loss`, or a TypeError naming what is unsupported. */
function residentLoss(loss: Loss): ResidentLoss {
  if (loss instanceof MSELoss && loss.reduction === "mean") return "mse";
  if (
    loss instanceof CrossEntropyLoss && loss.reduction === "mean" && loss.weight === undefined
  ) {
    return {
      name: "crossEntropy",
      ignoreIndex: loss.ignoreIndex,
      labelSmoothing: loss.labelSmoothing,
    };
  }
  throw new TypeError(
    `Cannot fit on WebGPU: the loss must be MSELoss or CrossEntropyLoss (without class weights) ` +
      `with reduction "mean", got ${loss.constructor.name}` +
      (("reduction" in loss) ? ` with reduction "${String(loss.reduction)}"` : "") +
      `; train on the CPU for other losses`,
  );
}

/** The optimizer's state into the resident trainer; the CPU copies are released after. */
function loadOptimizerState(trainer: ResidentTrainer, state: OptimizerState): void {
  try {
    trainer.loadOptimizerState(state);
  } finally {
    for (const t of Object.values(state.tensors)) t.dispose();
  }
}

/**
 * Gives the CPU optimizer the resident trainer's state (SGD momenta, Adam moments and step
 * count), read back once, so that training continued on the CPU (or a saved optimizer
 * state) goes on from where the GPU stopped rather than from fresh buffers. A device lost
 * while reading leaves the optimizer as it was.
 */
async function copyOptimizerState(trainer: ResidentTrainer, optimizer: Optimizer): Promise<void> {
  const state = trainer.optimizerState();
  const entries = Object.entries(state.tensors);
  let host: Tensor[];
  try {
    host = await Promise.all(entries.map(([, t]) => toHost(t)));
  } catch (error) {
    if (error instanceof WebGPUDeviceLostError) return;
    throw error;
  } finally {
    for (const [, t] of entries) t.dispose();
  }
  const tensors = Object.fromEntries(entries.map(([name], i) => [name, host[i]]));
  try {
    optimizer.loadStateDict({ ...state, tensors });
  } finally {
    for (const t of host) t.dispose();
  }
}

/** Class-index targets for `classes` classes, checked before they go to the GPU. */
function checkClassIndices(labels: ArrayLike<number>, classes: number, ignoreIndex: number): void {
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    if (t === ignoreIndex || (Number.isInteger(t) && t >= 0 && t < classes)) continue;
    const what = Number.isInteger(t)
      ? `is out of range for ${classes} classes`
      : "is not an integer class index";
    throw new RangeError(
      `Cannot fit on WebGPU: y[${i}] = ${t} ${what}, expected an integer in [0, ${classes}) ` +
        `or ignoreIndex ${ignoreIndex}`,
    );
  }
}

/** The resident trainer's description of `optimizer` (SGD, Adam, AdamW), or a TypeError. */
function residentOptimizer(optimizer: RunPlan["optimizer"]): ResidentOptimizer {
  const name = optimizer.name;
  if (name === "SGD" || name === "Adam" || name === "AdamW") {
    return optimizer as unknown as ResidentOptimizer; // the same fields and defaults
  }
  throw new TypeError(
    `Cannot fit on WebGPU: the optimizer must be SGD, Adam, AdamW or LBFGS, got ${name}; ` +
      `train on the CPU`,
  );
}

/** What training one epoch's batches gave. */
type EpochOutcome =
  | { kind: "trained"; mean: number; batches: number }
  | { kind: "lost"; info: WebGPULostInfo }
  | { kind: "stopped" };

/** The lost-device details of `error`, or the error rethrown when it is something else. */
function lostInfo(error: unknown, lost: WebGPULostInfo | null): WebGPULostInfo {
  if (lost !== null) return lost;
  if (error instanceof WebGPUDeviceLostError) {
    return { reason: error.reason, message: error.message };
  }
  throw error;
}

/** A tensor on `device` (the same one when it is there already; `owned` says whether we made it). */
function onDevice(t: Tensor, device: WebGPUDevice): { t: Tensor; owned: boolean } {
  return t.device === device ? { t, owned: false } : { t: t.to(device), owned: true };
}

/** A CPU copy of a device tensor (one read-back); a CPU tensor itself. */
const toHost = (t: Tensor): Promise<Tensor> => t.toAsync(cpu);

/**
 * The model's predictions for `x` (on the model's device), brought to the
 * host; the device copy is released.
 */
export async function hostForward(model: Layer, x: Tensor): Promise<Tensor> {
  const pred = model.forward(x);
  const host = await toHost(pred);
  if (pred !== x) pred.dispose();
  model.release?.(); // inference: nothing is kept for a backward pass
  return host;
}

/** Trains `model` (parameters on a WebGPU device) once under `plan`. */
export async function runResident(model: Layer, plan: RunPlan, restart: number): Promise<History> {
  const { loss, optimizer, callbacks } = plan;
  const lbfgs = optimizer.name === "LBFGS";
  // L-BFGS reads the loss at every closure evaluation, so it reports batch losses.
  const ctx = new RunContext(model, plan, restart, lbfgs);
  const params = ctx.params;
  const device = params[0].borrow().device as WebGPUDevice;
  if (lbfgs && !(optimizer instanceof LBFGS)) {
    throw new TypeError(`Cannot fit on WebGPU: the optimizer named LBFGS is not an LBFGS`);
  }
  const trainer = lbfgs ? null : new ResidentTrainer(device, {
    ...residentModel(model, "fit on WebGPU"),
    loss: residentLoss(loss),
    optimizer: residentOptimizer(optimizer),
    batchSize: plan.batchSize,
  });
  try {
    if (trainer !== null && loss instanceof CrossEntropyLoss && plan.y.rank === 1) {
      // The GPU takes class indices as they are: one out of range would only show as a NaN.
      checkClassIndices(await plan.y.readTypedArray(), trainer.outFeatures, loss.ignoreIndex);
    }
    if (optimizer instanceof LBFGS) checkDeviceLoss(loss);
    if (restart > 0 || !attachedTo(optimizer, params)) optimizer.attach(params);
    // As on the CPU, training goes on from the optimizer's state (fresh when just attached):
    // the GPU takes it here and hands it back at the end (copyOptimizerState).
    if (trainer !== null) loadOptimizerState(trainer, optimizer.stateDict());
  } catch (error) {
    trainer?.dispose(); // nothing was trained: leave no buffers behind
    throw error;
  }
  let lost: WebGPULostInfo | null = null;
  device.lost.then((info) => (lost = info));
  const x = onDevice(plan.x, device);
  // L-BFGS runs the loss's own forward, and CrossEntropyLoss reads class indices on the host:
  // there they stay (the resident trainer takes them on the GPU).
  const hostLabels = lbfgs && loss instanceof CrossEntropyLoss && plan.y.rank === 1;
  const y = !hostLabels
    ? onDevice(plan.y, device)
    : plan.y.device === cpu
    ? { t: plan.y, owned: false }
    : { t: await toHost(plan.y), owned: true };
  // Validation: forward on the GPU, scored on the host against CPU targets.
  const validation = plan.validation === undefined ? undefined : {
    x: onDevice(plan.validation.x, device),
    y: await toHost(plan.validation.y),
  };
  const trainY = Object.keys(plan.metrics).length > 0 && validation === undefined
    ? await toHost(plan.y)
    : null;
  /** The weights after the last epoch that finished with a finite loss, on the host. */
  let lastGood: Tensor[] = await Promise.all(params.map((p) => toHost(p.borrow())));
  const rows = x.t.shape[0];
  if (restart > 0) plan.scheduler?.reset();

  /** One epoch of resident steps (no read-back), then one read of the accumulated loss. */
  const residentEpoch = async (epoch: number, xs: Tensor, ys: Tensor): Promise<EpochOutcome> => {
    trainer!.lr = optimizer.lr; // a scheduler may have changed it
    let batches = 0;
    for (let b = 0, start = 0; start < rows; b++, start += plan.batchSize) {
      const end = Math.min(start + plan.batchSize, rows);
      const info: BatchInfo = { epoch, batch: b, start, end };
      ctx.batch = b;
      await emit(callbacks, "onBatchBegin", ctx, info);
      try {
        trainer!.step(xs, ys, { start, rows: end - start });
      } catch (error) {
        return { kind: "lost", info: lostInfo(error, lost) };
      }
      batches++;
      await emit(callbacks, "onBatchEnd", ctx, { ...info, loss: NaN });
      await ctx.afterBatch(epoch, b);
      if (ctx.stopped !== null) break;
    }
    let reading;
    try {
      reading = await trainer!.readLoss();
    } catch (error) {
      return { kind: "lost", info: lostInfo(error, lost) };
    }
    if (lost !== null) return { kind: "lost", info: lost };
    if (ctx.stopped !== null) {
      // Aborted mid-epoch: the steps taken so far are kept, the epoch is not recorded.
      writeBack();
      return { kind: "stopped" };
    }
    if (Number.isFinite(reading.mean)) writeBack();
    return { kind: "trained", mean: reading.mean, batches };
  };

  /**
   * One epoch of L-BFGS steps: forward and backward on the GPU, the loss and
   * gradients read back at each closure evaluation, the two-loop recursion
   * and line search on the host (`LBFGS.stepAsync`).
   */
  const lbfgsEpoch = async (epoch: number, xs: Tensor, ys: Tensor): Promise<EpochOutcome> => {
    const opt = optimizer as LBFGS;
    const losses: number[] = [];
    for (let b = 0, start = 0; start < rows; b++, start += plan.batchSize) {
      const end = Math.min(start + plan.batchSize, rows);
      const info: BatchInfo = { epoch, batch: b, start, end };
      ctx.batch = b;
      const whole = start === 0 && end === rows;
      const xb = whole ? xs : xs.slice(start, end), yb = whole ? ys : ys.slice(start, end);
      await emit(callbacks, "onBatchBegin", ctx, info);
      const closure = (): Tensor => {
        model.zeroGrad();
        const pred = model.forward(xb);
        const lossT = loss.forward(pred, yb);
        const grad = loss.backward();
        backpropagate(model, grad);
        grad.dispose();
        if (pred !== xb) pred.dispose();
        return lossT; // read back with the gradients, then disposed, by stepAsync
      };
      let value: number;
      try {
        value = await opt.stepAsync(closure);
      } catch (error) {
        return { kind: "lost", info: lostInfo(error, lost) };
      } finally {
        if (!whole) {
          xb.dispose();
          yb.dispose();
        }
      }
      if (lost !== null) return { kind: "lost", info: lost };
      losses.push(value);
      await emit(callbacks, "onBatchEnd", ctx, { ...info, loss: value });
      await ctx.afterBatch(epoch, b);
      if (ctx.stopped !== null) return { kind: "stopped" };
    }
    let sum = 0;
    for (const l of losses) sum += l;
    return { kind: "trained", mean: sum / losses.length, batches: losses.length };
  };

  /** The trained values into the model; each epoch's copy releases the previous epoch's. */
  const writeBack = (): void => writeValues(params, trainer!.parameters());

  const lostStop = (epoch: number, info: WebGPULostInfo): void => {
    // The device's memory is gone: give the model the last good weights on the CPU.
    params.forEach((p, i) => p.restore(lastGood[i]));
    ctx.stop(
      "deviceLost",
      `The WebGPU device was lost during epoch ${epoch} (${info.reason}: ${info.message}); ` +
        `the model holds the weights of the last completed epoch, moved to the CPU`,
    );
  };

  await emit(callbacks, "onTrainBegin", ctx);
  try {
    for (let epoch = 0; epoch < plan.epochs && ctx.stopped === null; epoch++) {
      const start = await ctx.beginEpoch(epoch);
      if (start === null) break;
      let xs = x.t, ys = y.t;
      if (plan.generator !== null) {
        const order = Array.from(randperm(rows, plan.generator));
        xs = x.t.gather(order);
        ys = y.t.gather(order);
      }
      let outcome: EpochOutcome;
      try {
        outcome = lbfgs ? await lbfgsEpoch(epoch, xs, ys) : await residentEpoch(epoch, xs, ys);
      } finally {
        if (xs !== x.t) {
          xs.dispose();
          ys.dispose();
        }
      }
      if (outcome.kind === "lost") {
        lostStop(epoch, outcome.info);
        break;
      }
      if (outcome.kind === "stopped") break;
      ctx.batch = null;
      if (!Number.isFinite(outcome.mean)) {
        params.forEach((p, i) => (p.value = lastGood[i].to(device)));
        ctx.stop(
          "nonFinite",
          nonFiniteEpochMessage(epoch, `the mean batch loss is ${outcome.mean}`),
        );
        break;
      }
      const record = ctx.record(start, outcome.mean, outcome.batches);
      plan.scheduler?.step();
      if (validation !== undefined) {
        const host = await hostForward(model, validation.x.t);
        const lossT = loss.forward(host, validation.y);
        record.validLoss = lossT.item();
        lossT.dispose();
        for (const [name, metric] of Object.entries(plan.metrics)) {
          record.metrics[name] = metric(validation.y, host);
        }
        host.dispose();
      } else if (trainY !== null) {
        const host = await hostForward(model, x.t);
        for (const [name, metric] of Object.entries(plan.metrics)) {
          record.metrics[name] = metric(trainY, host);
        }
        host.dispose();
      }
      if (lost !== null) {
        lostStop(epoch, lost);
        break;
      }
      if (ctx.stopIfNonFinite(record)) {
        params.forEach((p, i) => (p.value = lastGood[i].to(device)));
        break;
      }
      const good = await Promise.all(params.map((p) => toHost(p.borrow())));
      for (const t of lastGood) t.dispose();
      lastGood = good;
      await ctx.endEpoch(start, record);
    }
    if (trainer !== null && ctx.stopped?.kind !== "deviceLost") {
      await copyOptimizerState(trainer, optimizer);
    }
  } finally {
    trainer?.dispose();
    // Device buffers the last forward and backward kept: the views for backward, and the
    // gradients (L-BFGS accumulates them in the parameters) — the model keeps its weights only.
    model.release?.();
    loss.release?.();
    if (lbfgs) model.zeroGrad();
    if (x.owned) x.t.dispose();
    if (y.owned) y.t.dispose();
    if (validation?.x.owned) validation.x.t.dispose();
  }
  return await ctx.endTraining();
}
