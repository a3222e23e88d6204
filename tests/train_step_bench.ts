// Training steps per second of a 784-512-512-10 relu MLP at batch 256 with
// softmax cross entropy and SGD (momentum 0.9) on the WebGPU adapter:
//
//   resident   ResidentTrainer.step: one encoder, one submit, no read-back
//   op-by-op   Dense/Sequential forward and backward and CrossEntropyLoss as
//              Tensor operations on the device, the momentum update as Tensor
//              operations too (the trainer's optimizers update CPU tensors only)
//
// Steps/s = 1000 / (ms per iteration); each iteration is one step and waits
// for the queue to finish (`onSubmittedWorkDone`), so GPU time is counted.
// Dispatches and submits per step are counted by the runtime and printed
// before the benches.
//
//   deno bench --allow-read tests/train_step_bench.ts

import { type Layer, mlp, type Parameter } from "@glassbox/layers";
import { CrossEntropyLoss } from "@glassbox/losses";
import { manualSeed, rand, randn, type Tensor, tensor } from "@glassbox/tensor";
import {
  requestWebGPU,
  ResidentTrainer,
  type WebGPUDevice,
  WebGPUUnavailableError,
} from "@glassbox/webgpu-kernels";
import { residentModel } from "../packages/trainer/_resident_model.ts";

/** `ResidentTrainer`'s layers and parameter names for a model, as `fit` describes it. */
const fromModel = (model: Layer) => residentModel(model, "create ResidentTrainer");

const SIZES = [784, 512, 512, 10];
const BATCH = 256;
const BATCHES = 4;
const LR = 0.01, MOMENTUM = 0.9;

let gpu: WebGPUDevice | null = null;
try {
  gpu = await requestWebGPU();
} catch (error) {
  if (!(error instanceof WebGPUUnavailableError)) throw error;
  console.warn(`train_step_bench.ts: WebGPU benches SKIPPED: ${error.message}`);
}

if (gpu !== null) {
  const device = gpu;
  manualSeed(0);
  const rows = BATCH * BATCHES;
  const xAll = randn([rows, SIZES[0]], { dtype: "float32" }).to(device);
  const labels = Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * 10));
  const yAll = tensor(labels, { dtype: "float32", device }); // resident class indices
  const xBatches = Array.from(
    { length: BATCHES },
    (_, b) => xAll.slice(b * BATCH, (b + 1) * BATCH),
  );
  const yBatches = Array.from(
    { length: BATCHES },
    (_, b) => tensor(labels.slice(b * BATCH, (b + 1) * BATCH), { dtype: "float32" }), // CPU, as the loss takes them
  );

  // Resident.
  const residentModel = mlp(SIZES, { activation: "relu", dtype: "float32" }).to(device);
  const trainer = new ResidentTrainer(device, {
    ...fromModel(residentModel),
    loss: "crossEntropy",
    optimizer: { name: "SGD", lr: LR, momentum: MOMENTUM },
    batchSize: BATCH,
  });
  let batch = 0;
  const residentStep = () => {
    trainer.step(xAll, yAll, { start: (batch++ % BATCHES) * BATCH, rows: BATCH });
  };

  // Op by op.
  const model = mlp(SIZES, { activation: "relu", dtype: "float32" }).to(device);
  const loss = new CrossEntropyLoss();
  const params: Parameter[] = model.parameters();
  const velocity: (Tensor | null)[] = params.map(() => null);
  let opBatch = 0;
  const opStep = () => {
    const b = opBatch++ % BATCHES;
    model.zeroGrad();
    const out = model.forward(xBatches[b]);
    loss.forward(out, yBatches[b]).dispose();
    model.backward(loss.backward());
    params.forEach((p, i) => {
      // v = μ·v + g (v = g first), θ = θ − lr·v: torch.optim.SGD without dampening.
      const v = velocity[i] === null ? p.grad.clone() : velocity[i]!.mul(MOMENTUM).add(p.grad);
      velocity[i]?.dispose();
      velocity[i] = v;
      const old = p.value;
      p.value = old.sub(v.mul(LR));
      old.dispose();
    });
  };

  const done = () => device.gpu.queue.onSubmittedWorkDone();
  const count = async (step: () => void, name: string) => {
    step(); // warm-up: compiles pipelines, creates buffers and bind groups
    await done();
    const before = device.memory();
    step();
    await done();
    const after = device.memory();
    console.log(
      `${name}: ${after.dispatches - before.dispatches} dispatches, ` +
        `${after.submits - before.submits} submits, ${
          after.readbacks - before.readbacks
        } readbacks, ` +
        `${after.bindGroups - before.bindGroups} bind groups, ` +
        `${after.createdBuffers - before.createdBuffers} buffers created per step`,
    );
  };
  console.log(`train_step_bench.ts on ${device.adapter}: MLP ${SIZES.join("-")}, batch ${BATCH}`);
  await count(residentStep, "resident");
  await count(opStep, "op-by-op");

  const group = "train step 784-512-512-10 batch 256";
  Deno.bench({
    name: "op-by-op (Tensor ops on WebGPU)",
    group,
    baseline: true,
    n: 15,
    warmup: 2,
    async fn() {
      opStep();
      device.flush();
      await done();
    },
  });
  Deno.bench({
    name: "resident (ResidentTrainer.step)",
    group,
    n: 15,
    warmup: 2,
    async fn() {
      residentStep();
      await done();
    },
  });
}
