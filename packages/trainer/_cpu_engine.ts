/**
 * The engine of a run whose parameters live on the CPU: each batch's loss is
 * read as it is computed, validation is `evaluate`, the last good weights are
 * copied into arrays made once.
 *
 * @module
 */

import type { Layer } from "@glassbox/layers";
import type { Tensor } from "@glassbox/tensor";
import type { BatchInfo } from "./callback.ts";
import { lossValue } from "./_checks.ts";
import { attachedTo, backpropagate, type Engine, type Scores } from "./_engine.ts";
import { evaluate } from "./evaluate.ts";
import { hostView, wrap } from "./_host.ts";
import type { RunPlan } from "./_run.ts";

/** Makes the CPU engine of one run: attaches the optimizer (afresh on a restart). */
export function cpuEngine(model: Layer, plan: RunPlan, restart: number): Engine {
  const { x, y, loss, optimizer } = plan;
  const params = model.parameters();
  if (restart > 0 || !attachedTo(optimizer, params)) optimizer.attach(params);
  // The weights at the start of each epoch, copied into arrays made once: views would keep
  // the values a step replaces out of the pool, and each epoch's first step would allocate.
  const kept = plan.nanGuard
    ? params.map((p) => {
      const t = p.borrow();
      return t.dtype === "float32" ? new Float32Array(t.size) : new Float64Array(t.size);
    })
    : [];
  let order: Int32Array | null = null;
  let sum = 0, batches = 0;

  return {
    beginEpoch(o) {
      order = o;
      sum = 0;
      batches = 0;
    },
    step({ batch, start, end }: BatchInfo): number {
      let xb: Tensor, yb: Tensor;
      if (order === null) ({ x: xb, y: yb } = plan.fixedBatches![batch]);
      else {
        const index = order.subarray(start, end);
        xb = x.gather(index);
        yb = y.gather(index);
      }
      const closure = (): number => {
        model.zeroGrad();
        // Each intermediate is released as soon as it is used, so the pool serves every
        // later step and the loop allocates nothing new once it is warm.
        const pred = model.forward(xb);
        const value = lossValue(loss.forward(pred, yb), "fit");
        const grad = loss.backward();
        backpropagate(model, grad);
        grad.dispose();
        if (pred !== xb) pred.dispose();
        return value;
      };
      let value: number;
      if (optimizer.requiresClosure) value = optimizer.step(closure) as number;
      else {
        value = closure();
        optimizer.step();
      }
      if (order !== null) {
        xb.dispose();
        yb.dispose();
      }
      sum += value;
      batches++;
      return value;
    },
    endEpoch(): Promise<number> {
      return Promise.resolve(sum / batches);
    },
    score(): Promise<Scores> {
      const split = plan.validation ?? { x, y };
      const v = evaluate(model, split.x, split.y, {
        loss: plan.validation === undefined ? undefined : loss,
        metrics: plan.metrics,
      });
      if (v.predictions !== split.x) v.predictions.dispose();
      return Promise.resolve({ loss: v.loss, metrics: v.metrics });
    },
    keep(): Promise<void> {
      kept.forEach((a, i) => a.set(hostView(params[i].borrow(), "fit", "a parameter")));
      return Promise.resolve();
    },
    restore() {
      params.forEach((p, i) => (p.value = wrap(kept[i], p.shape)));
    },
    lost(error: unknown): string {
      throw error; // the CPU is not lost
    },
    finish(): Promise<void> {
      model.release?.(); // what the last forward kept for backward: training is over
      loss.release?.();
      return Promise.resolve();
    },
  };
}
