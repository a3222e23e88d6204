// The WebGPU training step's budget, counted by the runtime while `fit`
// trains a 784-512-512-10 relu MLP at batch 256 with cross entropy on class
// indices (three epochs of two full batches and a shorter last one), with SGD
// (momentum) and Adam: every step after the first — the short last batch of
// the first epoch and the first step of every later epoch included — records
// 10 dispatches in one submit, reads nothing back and creates no buffer, bind
// group or pipeline; the loss is read once per epoch. The parameters are
// packed for the optimizer before the first step, a shorter batch binds the
// full batch's buffers, and the loss kernel adds each batch's loss into the
// epoch's sum. The step is the CPU's (forward, loss, backward,
// optimizer.step()) on the backend's fused primitives, recorded into one
// command encoder.

import { mlp } from "@glassbox/layers";
import { CrossEntropyLoss } from "@glassbox/losses";
import { manualSeed, rand, randn, tensor } from "@glassbox/tensor";
import { Adam, type Callback, fit, type Optimizer, SGD } from "@glassbox/trainer";
import type { WebGPUMemoryStats } from "@glassbox/webgpu-kernels";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";

const { device, ignore } = await setupWebGPUTests("fit_webgpu_budget_test.ts");

const COUNTERS = [
  "dispatches",
  "submits",
  "readbacks",
  "createdBuffers",
  "createdStagingBuffers",
  "bindGroups",
  "pipelines",
] as const;
type Counts = Record<(typeof COUNTERS)[number], number>;

/** Counter increments between two memory snapshots. */
function delta(before: WebGPUMemoryStats, after: WebGPUMemoryStats): Counts {
  return Object.fromEntries(COUNTERS.map((k) => [k, after[k] - before[k]])) as Counts;
}

/** A callback that counts what each step did, and what each epoch's end did. */
function stepCounter(): Callback & { steps: Counts[]; epochEnds: Counts[] } {
  let before: WebGPUMemoryStats | null = null;
  const steps: Counts[] = [], epochEnds: Counts[] = [];
  return {
    steps,
    epochEnds,
    onBatchBegin() {
      before = device!.memory();
    },
    onBatchEnd() {
      const after = device!.memory();
      steps.push(delta(before!, after));
      before = after;
    },
    onEpochEnd() {
      epochEnds.push(delta(before!, device!.memory()));
    },
  };
}

for (const make of [() => new SGD({ lr: 0.01, momentum: 0.9 }), () => new Adam({ lr: 1e-3 })]) {
  const name = make().name;
  Deno.test({
    name:
      `fit on WebGPU with ${name}: 10 dispatches, 1 submit, no read-back and nothing created per step after the first (short last batch and every epoch's first step included), the loss read once per epoch`,
    ignore,
    async fn() {
      const gpu = device!;
      manualSeed(0);
      const model = mlp([784, 512, 512, 10], { activation: "relu", dtype: "float32" }).to(gpu);
      const rows = 2 * 256 + 100; // two full batches and a shorter last one
      const x = randn([rows, 784], { dtype: "float32" }).to(gpu);
      const classes = Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * 10));
      const y = tensor(classes, { dtype: "float32", device: gpu });
      const counter = stepCounter();
      const optimizer: Optimizer = make();
      const history = await fit(model, {
        x,
        y,
        loss: new CrossEntropyLoss(),
        optimizer,
        epochs: 3,
        batchSize: 256,
        callbacks: [counter],
      });
      strictEqual(history.epochs.length, 3);
      ok(history.epochs.every((e) => Number.isFinite(e.loss) && e.loss > 0), "finite losses");
      strictEqual(counter.steps.length, 9);
      counter.steps.forEach((d, step) => {
        if (step === 0) return; // compiles the pipelines, creates buffers and bind groups
        const where = `step ${step}: ${JSON.stringify(d)}`;
        ok(d.dispatches <= 12, where);
        // 3 dense forward (bias and relu fused), the loss (value, gradient and the epoch's
        // sum), 3 ∂W (with ∂b), 2 ∂x, the optimizer over every parameter; the batch rows
        // and the gradients' packing are copies.
        strictEqual(d.dispatches, 10, where);
        strictEqual(d.submits, 1, where);
        strictEqual(d.readbacks, 0, where);
        strictEqual(d.createdBuffers, 0, where);
        strictEqual(d.createdStagingBuffers, 0, where);
        strictEqual(d.bindGroups, 0, where);
        strictEqual(d.pipelines, 0, where);
      });
      // Each epoch's end reads the loss once (no validation, no metrics); the keep-last-good
      // copy of the weights reads them once more.
      deepStrictEqual(
        counter.epochEnds.map((d) => d.readbacks),
        Array(3).fill(1 + model.parameters().length),
      );
      strictEqual(gpu.errors().length, 0, gpu.errors().join("\n"));
      for (const t of [x, y]) t.dispose();
      for (const p of model.parameters()) p.borrow().dispose();
    },
  });
}
