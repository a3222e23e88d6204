/**
 * The engine of a run whose parameters live on a WebGPU device. The data
 * moves there once. A step is the same forward, loss, backward and
 * `optimizer.step()` as on the CPU: the layers, losses and optimizers call
 * the backend's fused primitives, which the WebGPU backend records into one
 * command encoder (one submit per step, no read-back); the batch losses are
 * summed on the GPU and read once per epoch. Validation runs forward on the
 * GPU and scores the predictions on the host. L-BFGS runs forward and
 * backward on the GPU and its two-loop recursion and line search on the host
 * (`LBFGS.stepAsync`), reading the loss and gradients at each evaluation.
 * The last good weights are host copies, so a lost device leaves the model
 * on the CPU with them; after training the optimizer's state comes back to
 * the host too, so nothing of the run stays on the device but the weights.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss } from "@glassbox/losses";
import { cpu, type Tensor, tensor } from "@glassbox/tensor";
import { type LossKind, storageOf } from "@glassbox/tensor/backend";
import { classIndexProblem } from "@glassbox/internal";
import {
  type WebGPUDevice,
  WebGPUDeviceLostError,
  type WebGPULostInfo,
} from "@glassbox/webgpu-kernels";
import type { BatchInfo } from "./callback.ts";
import { accumulateLoss, fusedLossKind } from "./_device_loss.ts";
import { attachedTo, backpropagate, type Engine, type Scores } from "./_engine.ts";
import { Adam } from "./adam.ts";
import { LBFGS } from "./lbfgs.ts";
import type { Optimizer } from "./optimizer.ts";
import { SGD } from "./sgd.ts";
import type { RunPlan } from "./_run.ts";

/** How one kind of WebGPU run trains its batches. */
interface Stepper {
  /** Starts an epoch. */
  beginEpoch(): void;
  /** Trains one batch; its loss, or undefined where the loss stays on the device. */
  step(x: Tensor, y: Tensor): Promise<number | undefined>;
  /** The epoch's mean batch loss. */
  endEpoch(): Promise<number>;
  /** Ends the run (`alive`: the device was not lost). */
  finish(alive: boolean): Promise<void>;
}

/** A tensor on `device` (the same one when it is there already; `owned` says whether we made it). */
function onDevice(t: Tensor, device: WebGPUDevice): { t: Tensor; owned: boolean } {
  return t.device === device ? { t, owned: false } : { t: t.to(device), owned: true };
}

/** A CPU copy of a device tensor (one read-back); a CPU tensor itself. */
const toHost = (t: Tensor): Promise<Tensor> => t.toAsync(cpu);

/** Checks that `loss` reduces to one value (what training minimises). */
function checkDeviceLoss(loss: Loss): void {
  if ("reduction" in loss && loss.reduction === "none") {
    throw new TypeError(
      `Cannot fit on WebGPU: the loss must reduce to one value (reduction "mean" or "sum"), ` +
        `got ${loss.constructor.name} with reduction "none"`,
    );
  }
}

/** Class-index targets for `classes` classes, checked before they go to the GPU. */
function checkClassIndices(labels: ArrayLike<number>, classes: number, ignoreIndex: number): void {
  for (let i = 0; i < labels.length; i++) {
    const problem = classIndexProblem(labels[i], classes, ignoreIndex);
    if (problem === null) continue;
    throw new RangeError(
      `Cannot fit on WebGPU: y[${i}] = ${
        labels[i]
      } ${problem}, expected an integer in [0, ${classes}) ` +
        `or ignoreIndex ${ignoreIndex}`,
    );
  }
}

/** The width of the model's output on `device`, from a forward pass of one row of `x`. */
function outputWidth(model: Layer, x: Tensor, device: WebGPUDevice): number {
  const host = x.slice(0, 1);
  const row = host.device === device ? host : host.to(device);
  const pred = model.forward(row);
  model.release?.();
  const width = pred.shape[pred.rank - 1];
  for (const t of new Set([host, row, pred])) t.dispose();
  return width;
}

/**
 * Gives the optimizer its state on the host (SGD momenta, Adam moments), read back once
 * after training, so the device keeps nothing of the run but the weights and a later run
 * — on the GPU, or on the CPU after moving the parameters — goes on from it. A device lost
 * while reading leaves the optimizer as it was.
 */
async function stateToHost(optimizer: Optimizer): Promise<void> {
  if (typeof optimizer.stateDict !== "function") return; // a custom optimizer without state
  const state = optimizer.stateDict(); // copies, ours to release
  const entries = Object.entries(state.tensors);
  let host: Tensor[] = [];
  try {
    if (entries.every(([, t]) => t.device === cpu)) return;
    host = await Promise.all(entries.map(([, t]) => toHost(t)));
    optimizer.loadStateDict({
      ...state,
      tensors: Object.fromEntries(entries.map(([k], i) => [k, host[i]])),
    });
  } catch (error) {
    if (!(error instanceof WebGPUDeviceLostError)) throw error;
  } finally {
    for (const t of new Set([...entries.map(([, t]) => t), ...host])) t.dispose();
  }
}

/**
 * Lays the parameters out for the optimizer's update before the first step
 * (the WebGPU backend packs them into one buffer), so that no step moves
 * them and every step's kernels bind them where the first step's did. For
 * SGD, Adam and AdamW, which update through the backend's `optimizerUpdate`
 * on `writableValue()`: taken here, so the first step writes these storages.
 */
function prepareUpdate(optimizer: Optimizer): void {
  if (!(optimizer instanceof SGD || optimizer instanceof Adam)) return;
  const values = optimizer.params.map((p) => p.writableValue());
  if (values.length === 0) return;
  const action = "prepare the parameters";
  values[0].device.backend.prepareUpdate?.(values.map((v) => storageOf(v, action)), {
    dtype: values[0].dtype,
    sizes: values.map((v) => v.size),
  });
}

/**
 * The steps of SGD, Adam and any optimizer without a closure: the CPU's step,
 * with the batch loss added into a sum on the GPU instead of read (by the
 * loss kernel itself where the loss fuses: `fused`).
 */
function deviceStepper(
  model: Layer,
  loss: Loss,
  optimizer: Optimizer,
  device: WebGPUDevice,
  fused: LossKind | null,
): Stepper {
  let sum: Tensor | null = null, batches = 0;
  const drop = () => {
    sum?.dispose();
    sum = null;
    batches = 0;
  };
  return {
    beginEpoch() {
      drop();
      // Started at 0, so every step of the epoch records the same kernels. Uploaded, not
      // filled (no kernel between steps), after a flush: the first upload of a submission,
      // so every epoch's sum takes the buffer the last one had and the loss kernel binds it.
      device.flush();
      const dtype = model.parameters()[0].borrow().dtype;
      sum = tensor(new Float32Array(1), { dtype, device });
    },
    step(xb, yb) {
      model.zeroGrad();
      const pred = model.forward(xb);
      const reduction = loss.reduction as "mean" | "sum";
      let grad = fused === null ? null : accumulateLoss(fused, pred, yb, reduction, sum!);
      if (grad === null) {
        const value = loss.forward(pred, yb);
        const next = sum!.add(value);
        sum!.dispose();
        value.dispose();
        sum = next;
        grad = loss.backward();
      }
      backpropagate(model, grad);
      grad.dispose();
      if (pred !== xb) pred.dispose();
      optimizer.step();
      // What forward kept for backward, released now rather than at the next forward: the
      // next step then finds this step's buffers free and binds the same ones.
      model.release?.();
      loss.release?.();
      batches++;
      return Promise.resolve(undefined);
    },
    async endEpoch() {
      const total = sum === null ? NaN : (await sum.readTypedArray())[0];
      const mean = total / batches;
      drop();
      return mean;
    },
    async finish(alive) {
      drop();
      model.zeroGrad(); // the last step's gradients: the device keeps only the weights
      if (alive) await stateToHost(optimizer);
    },
  };
}

/** The L-BFGS steps: forward and backward on the GPU, the rest on the host. */
function lbfgsStepper(model: Layer, loss: Loss, optimizer: LBFGS): Stepper {
  let sum = 0, batches = 0;
  return {
    beginEpoch() {
      sum = 0;
      batches = 0;
    },
    async step(xb, yb) {
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
      const value = await optimizer.stepAsync(closure);
      sum += value;
      batches++;
      return value;
    },
    endEpoch: () => Promise.resolve(sum / batches),
    finish: () => Promise.resolve(model.zeroGrad()), // the gradients L-BFGS accumulated
  };
}

/** Makes the WebGPU engine of one run: checks, attaches the optimizer, moves the data. */
export async function webgpuEngine(
  model: Layer,
  plan: RunPlan,
  restart: number,
): Promise<Engine> {
  const { loss, optimizer } = plan;
  const params = model.parameters();
  const device = params[0].borrow().device as WebGPUDevice;
  const lbfgs = optimizer.name === "LBFGS";
  if (lbfgs && !(optimizer instanceof LBFGS)) {
    throw new TypeError(`Cannot fit on WebGPU: the optimizer named LBFGS is not an LBFGS`);
  }
  if (optimizer.requiresClosure && !lbfgs) {
    throw new TypeError(
      `Cannot fit on WebGPU: ${optimizer.name} steps with a closure that reads the loss, ` +
        `which only LBFGS does on WebGPU (LBFGS.stepAsync); train on the CPU`,
    );
  }
  checkDeviceLoss(loss);
  // Class indices: L-BFGS keeps them on the host, where CrossEntropyLoss reads them; the other
  // optimizers' steps take them on the GPU as they are (one out of range would only show as a
  // NaN), so they are checked here first, and stay on the host when rows are ignored or the
  // loss weighs or smooths (the loss's own steps read them there).
  let hostLabels = lbfgs && loss instanceof CrossEntropyLoss && plan.y.rank === 1;
  if (loss instanceof CrossEntropyLoss && plan.y.rank === 1 && !lbfgs) {
    const labels = await plan.y.readTypedArray();
    checkClassIndices(labels, outputWidth(model, plan.x, device), loss.ignoreIndex);
    hostLabels = labels.includes(loss.ignoreIndex) || loss.weight !== undefined ||
      loss.labelSmoothing !== 0;
  }
  const stepper = optimizer instanceof LBFGS
    ? lbfgsStepper(model, loss, optimizer)
    : deviceStepper(model, loss, optimizer, device, fusedLossKind(loss, plan.y, hostLabels));
  if (restart > 0 || !attachedTo(optimizer, params)) optimizer.attach(params);
  prepareUpdate(optimizer);
  let lostInfo: WebGPULostInfo | null = null;
  device.lost.then((info) => (lostInfo = info));
  const throwIfLost = (): void => {
    if (lostInfo !== null) throw new WebGPUDeviceLostError(lostInfo.message, lostInfo);
  };
  const x = onDevice(plan.x, device);
  const y = !hostLabels
    ? onDevice(plan.y, device)
    : plan.y.device === cpu
    ? { t: plan.y, owned: false }
    : { t: await toHost(plan.y), owned: true };
  // Scoring: forward on the GPU, the loss and metrics on the host against host targets.
  const validation = plan.validation === undefined ? undefined : {
    x: onDevice(plan.validation.x, device),
    y: await toHost(plan.validation.y),
  };
  const trainY = Object.keys(plan.metrics).length > 0 && validation === undefined
    ? await toHost(plan.y)
    : null;
  /** The weights after the last epoch that finished with a finite loss, on the host. */
  let lastGood: Tensor[] = [];
  let xs = x.t, ys = y.t;
  const rows = x.t.shape[0];
  const releaseEpoch = () => {
    if (xs !== x.t) xs.dispose();
    if (ys !== y.t) ys.dispose();
    xs = x.t;
    ys = y.t;
  };

  return {
    beginEpoch(order) {
      releaseEpoch();
      if (order !== null) {
        const index = Array.from(order);
        xs = x.t.gather(index);
        ys = y.t.gather(index);
      }
      stepper.beginEpoch();
    },
    async step({ start, end }: BatchInfo): Promise<number | undefined> {
      // The last step's gradients go back before anything of this step is recorded, so its
      // own gradients can take the same buffers.
      model.zeroGrad();
      // What came before (the epoch's shuffle) goes to the GPU first: the step's
      // allocations then start the runtime's step arena afresh, as every step's do.
      device.flush();
      const whole = start === 0 && end === rows;
      const xb = whole ? xs : xs.slice(start, end), yb = whole ? ys : ys.slice(start, end);
      try {
        const value = await stepper.step(xb, yb);
        throwIfLost();
        return value;
      } finally {
        if (!whole) {
          xb.dispose();
          yb.dispose();
        }
      }
    },
    async endEpoch(): Promise<number> {
      releaseEpoch();
      const mean = await stepper.endEpoch();
      throwIfLost();
      return mean;
    },
    async score(): Promise<Scores> {
      const input = validation?.x.t ?? x.t;
      const truth = validation?.y ?? trainY!;
      const pred = model.forward(input);
      const host = await toHost(pred);
      if (pred !== input) pred.dispose();
      model.release?.(); // inference: nothing is kept for a backward pass
      throwIfLost();
      const scores: Scores = { metrics: {} };
      if (validation !== undefined) {
        const value = loss.forward(host, truth);
        scores.loss = value.item();
        value.dispose();
      }
      for (const [name, metric] of Object.entries(plan.metrics)) {
        scores.metrics[name] = metric(truth, host);
      }
      host.dispose();
      return scores;
    },
    async keep(): Promise<void> {
      const good = await Promise.all(params.map((p) => toHost(p.borrow())));
      for (const t of lastGood) t.dispose();
      lastGood = good;
    },
    restore() {
      params.forEach((p, i) => (p.value = lastGood[i].to(device)));
    },
    lost(error: unknown, epoch: number): string {
      const info = lostInfo ??
        (error instanceof WebGPUDeviceLostError
          ? { reason: error.reason, message: error.message }
          : null);
      if (info === null) throw error;
      // The device's memory is gone: move the model to the CPU with the last good weights.
      params.forEach((p, i) => p.to(cpu, { value: lastGood[i] }));
      lastGood = [];
      return `The WebGPU device was lost during epoch ${epoch} (${info.reason}: ${info.message}); ` +
        `the model holds the weights of the last completed epoch, moved to the CPU`;
    },
    async finish(): Promise<void> {
      try {
        await stepper.finish(lostInfo === null);
      } finally {
        // Device buffers the last forward and backward kept: the views for backward.
        model.release?.();
        loss.release?.();
        releaseEpoch();
        if (x.owned) x.t.dispose();
        if (y.owned) y.t.dispose();
        if (validation?.x.owned) validation.x.t.dispose();
        if (validation !== undefined && validation.y !== plan.validation!.y) validation.y.dispose();
        if (trainY !== null && trainY !== plan.y) trainY.dispose();
        for (const t of lastGood) t.dispose();
      }
    },
  };
}
