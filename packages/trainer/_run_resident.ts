/**
 * One `fit` run on a WebGPU device: every training step stays on the GPU
 * (`ResidentTrainer`: one command encoder, one submit, no read-back), the
 * loss is read once per epoch, validation runs the model forward on the GPU
 * and scores the predictions on the host.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import { cpu, type Tensor, tensor } from "@glassbox/tensor";
import {
  type ResidentLoss,
  type ResidentOptimizer,
  ResidentTrainer,
  type WebGPUDevice,
  WebGPUDeviceLostError,
  type WebGPULostInfo,
} from "@glassbox/webgpu-kernels";
import type { BatchInfo } from "./callback.ts";
import type { EpochRecord, History } from "./history.ts";
import {
  abortMessage,
  emit,
  RunContext,
  type RunPlan,
  YIELD_EVERY_MS,
  yieldToEventLoop,
} from "./_run.ts";
import { randperm } from "./randperm.ts";

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

/** The resident trainer's description of `optimizer` (SGD, Adam, AdamW), or a TypeError. */
function residentOptimizer(optimizer: RunPlan["optimizer"]): ResidentOptimizer {
  const name = optimizer.name;
  if (name === "SGD" || name === "Adam" || name === "AdamW") {
    return optimizer as unknown as ResidentOptimizer; // the same fields and defaults
  }
  throw new TypeError(
    `Cannot fit on WebGPU: the optimizer must be SGD, Adam or AdamW, got ${name}; ` +
      `L-BFGS needs synchronous reads of the loss and gradients, which WebGPU does not offer: ` +
      `train on the CPU`,
  );
}

/** A tensor on `device` (the same one when it is there already; `owned` says whether we made it). */
function onDevice(t: Tensor, device: WebGPUDevice): { t: Tensor; owned: boolean } {
  return t.device === device ? { t, owned: false } : { t: t.to(device), owned: true };
}

/** A CPU copy of a device tensor (one read-back). */
async function toHost(t: Tensor): Promise<Tensor> {
  if (t.device === cpu) return t;
  return tensor(await t.readTypedArray(), { shape: t.shape, dtype: t.dtype });
}

/** Trains `model` (parameters on a WebGPU device) once under `plan`. */
export async function runResident(model: Layer, plan: RunPlan, restart: number): Promise<History> {
  const ctx = new RunContext(model, plan, restart, false);
  const { loss, optimizer, callbacks, signal } = plan;
  const params = ctx.params;
  const device = params[0].borrow().device as WebGPUDevice;
  const trainer = new ResidentTrainer(device, {
    model,
    loss: residentLoss(loss),
    optimizer: residentOptimizer(optimizer),
    batchSize: plan.batchSize,
  });
  let lost: WebGPULostInfo | null = null;
  device.lost.then((info) => (lost = info));
  const x = onDevice(plan.x, device), y = onDevice(plan.y, device);
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
  let lastYield = performance.now();
  if (restart > 0) plan.scheduler?.reset();

  /** The trained values into the model; each epoch's copy releases the previous epoch's. */
  const writeBack = (): void => {
    const values = trainer.parameters();
    params.forEach((p, i) => p.replace(values[i]));
  };

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
      ctx.epoch = epoch;
      ctx.batch = null;
      if (signal?.aborted) {
        ctx.stop("aborted", abortMessage(signal, epoch, null));
        break;
      }
      const started = performance.now();
      const lr = optimizer.lr;
      trainer.lr = lr; // a scheduler may have changed it
      await emit(callbacks, "onEpochBegin", ctx, epoch);
      let xs = x.t, ys = y.t;
      if (plan.generator !== null) {
        const order = Array.from(randperm(rows, plan.generator));
        xs = x.t.gather(order);
        ys = y.t.gather(order);
      }
      let batches = 0, gone = false;
      for (let b = 0, start = 0; start < rows; b++, start += plan.batchSize) {
        const end = Math.min(start + plan.batchSize, rows);
        const info: BatchInfo = { epoch, batch: b, start, end };
        ctx.batch = b;
        await emit(callbacks, "onBatchBegin", ctx, info);
        try {
          trainer.step(xs, ys, { start, rows: end - start });
        } catch (error) {
          if (!(error instanceof WebGPUDeviceLostError)) throw error;
          lostStop(epoch, lost ?? { reason: error.reason, message: error.message });
          gone = true;
          break;
        }
        batches++;
        await emit(callbacks, "onBatchEnd", ctx, { ...info, loss: NaN });
        if (signal?.aborted) ctx.stop("aborted", abortMessage(signal, epoch, b));
        if (ctx.stopped !== null) break;
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
          if (signal?.aborted) ctx.stop("aborted", abortMessage(signal, epoch, b));
          if (ctx.stopped !== null) break;
        }
      }
      if (xs !== x.t) {
        xs.dispose();
        ys.dispose();
      }
      if (gone) break;
      let reading;
      try {
        reading = await trainer.readLoss();
      } catch (error) {
        if (lost === null && !(error instanceof WebGPUDeviceLostError)) throw error;
        lost ??= { reason: (error as WebGPUDeviceLostError).reason, message: String(error) };
      }
      if (lost !== null) {
        lostStop(epoch, lost);
        break;
      }
      if (ctx.stopped !== null) {
        // Aborted mid-epoch: the steps taken so far are kept, the epoch is not recorded.
        writeBack();
        break;
      }
      if (!Number.isFinite(reading!.mean)) {
        params.forEach((p, i) => (p.value = lastGood[i].to(device)));
        ctx.stop(
          "nonFinite",
          `Stopped at epoch ${epoch}: the mean batch loss is ${reading!.mean}; ` +
            `kept the weights from the end of the previous epoch`,
        );
        break;
      }
      writeBack();
      lastGood = await Promise.all(params.map((p) => toHost(p.borrow())));
      const record: EpochRecord = {
        epoch,
        loss: reading!.mean,
        metrics: {},
        lr,
        batches,
        timeMs: 0,
      };
      plan.scheduler?.step();
      if (validation !== undefined) {
        const pred = model.forward(validation.x.t);
        const host = await toHost(pred);
        pred.dispose();
        const lossT = loss.forward(host, validation.y);
        record.validLoss = lossT.item();
        lossT.dispose();
        for (const [name, metric] of Object.entries(plan.metrics)) {
          record.metrics[name] = metric(host, validation.y);
        }
        host.dispose();
      } else if (trainY !== null) {
        const pred = model.forward(x.t);
        const host = await toHost(pred);
        pred.dispose();
        for (const [name, metric] of Object.entries(plan.metrics)) {
          record.metrics[name] = metric(host, trainY);
        }
        host.dispose();
      }
      if (lost !== null) {
        lostStop(epoch, lost);
        break;
      }
      record.timeMs = performance.now() - started;
      ctx.history.epochs.push(record);
      await emit(callbacks, "onEpochEnd", ctx, record);
    }
  } finally {
    trainer.dispose();
    if (x.owned) x.t.dispose();
    if (y.owned) y.t.dispose();
    if (validation?.x.owned) validation.x.t.dispose();
  }
  ctx.history.stop = ctx.stopped;
  await emit(callbacks, "onTrainEnd", ctx);
  return ctx.history;
}
