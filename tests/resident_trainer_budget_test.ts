// The resident step's budget, counted by the runtime: for a 784-512-512-10
// relu MLP at batch 256 with cross entropy, after the first step every step
// (the shorter last batch included) records at most 12 dispatches in one
// submit, reads nothing back and creates no buffer, pipeline or bind group.

import { type Layer, mlp } from "@glassbox/layers";
import { manualSeed, rand, randn, tensor } from "@glassbox/tensor";
import { ok, strictEqual } from "node:assert/strict";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import {
  type ResidentOptimizer,
  ResidentTrainer,
  type WebGPUMemoryStats,
} from "@glassbox/webgpu-kernels";
import { residentModel, writeBack } from "../packages/trainer/_resident_model.ts";

/** `ResidentTrainer`'s layers and parameter names for a model, as `fit` describes it. */
const fromModel = (model: Layer) => residentModel(model, "create ResidentTrainer");

const { device, ignore } = await setupWebGPUTests("resident_trainer_budget_test.ts");

const COUNTERS = [
  "dispatches",
  "submits",
  "readbacks",
  "createdBuffers",
  "createdStagingBuffers",
  "bindGroups",
  "pipelines",
] as const;

/** Counter increments between two memory snapshots. */
function delta(
  before: WebGPUMemoryStats,
  after: WebGPUMemoryStats,
): Record<(typeof COUNTERS)[number], number> {
  return Object.fromEntries(COUNTERS.map((k) => [k, after[k] - before[k]])) as Record<
    (typeof COUNTERS)[number],
    number
  >;
}

for (
  const optimizer of [
    { name: "SGD", lr: 0.01, momentum: 0.9 },
    { name: "Adam", lr: 1e-3 },
  ] as ResidentOptimizer[]
) {
  Deno.test({
    name:
      `step() with ${optimizer.name} does ≤ 12 dispatches, 1 submit, 0 readbacks, 0 buffers and 0 bind groups after the first step`,
    ignore,
    async fn() {
      const gpu = device!;
      manualSeed(0);
      const model = mlp([784, 512, 512, 10], { activation: "relu", dtype: "float32" }).to(gpu);
      const rows = 2 * 256 + 100; // two full batches and a shorter last one
      const x = randn([rows, 784], { dtype: "float32" }).to(gpu);
      const classes = Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * 10));
      const y = tensor(classes, { dtype: "float32", device: gpu });
      const live = gpu.liveBuffers();
      const trainer = new ResidentTrainer(gpu, {
        ...fromModel(model),
        loss: "crossEntropy",
        optimizer,
      });
      trainer.step(x, y, { start: 0, rows: 256 }); // compiles, allocates, binds
      const batches: [number, number][] = [[256, 256], [512, 100], [0, 256], [256, 256]];
      for (const [start, n] of batches) {
        const before = gpu.memory();
        trainer.step(x, y, { start, rows: n });
        const d = delta(before, gpu.memory());
        const where = `step at row ${start} (${n} rows): ${JSON.stringify(d)}`;
        ok(d.dispatches <= 12, where);
        strictEqual(d.dispatches, 10, where); // 3 forward, loss, 3 ∂W, 2 ∂x, optimizer
        strictEqual(d.submits, 1, where);
        strictEqual(d.readbacks, 0, where);
        strictEqual(d.createdBuffers, 0, where);
        strictEqual(d.createdStagingBuffers, 0, where);
        strictEqual(d.bindGroups, 0, where);
        strictEqual(d.pipelines, 0, where);
      }
      const before = gpu.memory();
      const loss = await trainer.readLoss();
      strictEqual(delta(before, gpu.memory()).readbacks, 1, "readLoss() maps once");
      strictEqual(loss.batches, 5);
      ok(Number.isFinite(loss.sum) && loss.sum > 0, `loss ${loss.sum}`);
      strictEqual(gpu.errors().length, 0, gpu.errors().join("\n"));
      trainer.dispose();
      for (const t of [x, y]) t.dispose();
      strictEqual(gpu.liveBuffers(), live - 2, "dispose() gives every buffer back");
      for (const p of model.parameters()) p.value.dispose();
    },
  });
}

Deno.test({
  name: "readLoss() resets the accumulator and writeBack() assigns the trained values",
  ignore,
  async fn() {
    const gpu = device!;
    manualSeed(1);
    const model = mlp([3, 4, 2], { dtype: "float32" }).to(gpu);
    const start = await model.parameters()[0].value.readTypedArray();
    const x = randn([6, 3], { dtype: "float32" }).to(gpu);
    const y = randn([6, 2], { dtype: "float32" }).to(gpu);
    using trainer = new ResidentTrainer(gpu, {
      ...fromModel(model),
      loss: "mse",
      optimizer: { name: "SGD", lr: 0.1 },
    });
    trainer.step(x, y);
    const first = await trainer.readLoss();
    const empty = await trainer.readLoss();
    strictEqual(empty.sum, 0);
    strictEqual(empty.batches, 0);
    ok(Number.isNaN(empty.mean));
    ok(first.sum > 0);
    writeBack(model.parameters(), trainer.parameters());
    const trained = await model.parameters()[0].value.readTypedArray();
    ok(trained.some((v, i) => v !== start[i]), "the weights moved");
    strictEqual(trainer.stepCount, 1);
  },
});

Deno.test({
  name: "step() on other data tensors binds them once and trains exactly as on row ranges",
  ignore,
  async fn() {
    const gpu = device!;
    manualSeed(2);
    const make = () => mlp([5, 8, 3], { activation: "tanh", dtype: "float32" });
    const a = make();
    const b = make();
    b.parameters().forEach((p, i) => (p.value = a.parameters()[i].value.clone()));
    a.to(gpu);
    b.to(gpu);
    const x = randn([12, 5], { dtype: "float32" }).to(gpu);
    const y = tensor([0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0], { dtype: "float32", device: gpu });
    const halves = [x.slice(0, 6), x.slice(6, 12)].map((t) => t.clone());
    const labels = [y.slice(0, 6), y.slice(6, 12)].map((t) => t.clone());
    const optimizer = { name: "SGD", lr: 0.1, momentum: 0.5 } as const;
    using ranges = new ResidentTrainer(gpu, { ...fromModel(a), loss: "crossEntropy", optimizer });
    using tensors = new ResidentTrainer(gpu, { ...fromModel(b), loss: "crossEntropy", optimizer });
    tensors.step(halves[0], labels[0]);
    const before = gpu.memory();
    tensors.step(halves[1], labels[1]); // new x and y: their bind groups, nothing else
    const mid = gpu.memory();
    tensors.step(halves[0], labels[0]); // cached
    tensors.step(halves[1], labels[1]);
    const after = gpu.memory();
    strictEqual(mid.bindGroups - before.bindGroups, 3, "forward 0, ∂W 0 and the loss bind x or y");
    strictEqual(after.bindGroups - mid.bindGroups, 0);
    strictEqual(after.createdBuffers - before.createdBuffers, 0);
    for (const start of [0, 6, 0, 6]) ranges.step(x, y, { start, rows: 6 });
    const [la, lb] = [await ranges.readLoss(), await tensors.readLoss()];
    strictEqual(la.sum, lb.sum);
    const [pa, pb] = [ranges.parameters(), tensors.parameters()];
    for (let i = 0; i < pa.length; i++) {
      const [va, vb] = [await pa[i].readTypedArray(), await pb[i].readTypedArray()];
      ok(va.every((v, k) => v === vb[k]), `parameter ${i} is bit-identical`);
    }
    for (const t of [...pa, ...pb, x, y, ...halves, ...labels]) t.dispose();
    for (const p of [...a.parameters(), ...b.parameters()]) p.value.dispose();
  },
});
