// Training steps per second of a 784-512-512-10 relu MLP at batch 256 with
// softmax cross entropy and SGD (momentum 0.9) on the WebGPU adapter:
//
//   fused      fit's step: Sequential, CrossEntropyLoss and SGD on the backend's
//              fused primitives, recorded into one encoder, one submit, no read-back
//
// Steps/s = 1000 / (ms per iteration); each iteration is one step and waits
// for the queue to finish (`onSubmittedWorkDone`), so GPU time is counted.
// Dispatches and submits per step are counted by the runtime and printed
// before the benches.
//
//   deno bench --allow-read tests/train_step_bench.ts

import { mlp } from "@glassbox/layers";
import { CrossEntropyLoss } from "@glassbox/losses";
import { manualSeed, rand, randn, tensor } from "@glassbox/tensor";
import { SGD } from "@glassbox/trainer";
import { requestWebGPU, type WebGPUDevice, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";

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
  const xBatches = Array.from(
    { length: BATCHES },
    (_, b) => xAll.slice(b * BATCH, (b + 1) * BATCH),
  );
  const yBatches = Array.from(
    { length: BATCHES },
    (_, b) => tensor(labels.slice(b * BATCH, (b + 1) * BATCH), { dtype: "float32", device }),
  );

  // Fused: the step fit takes.
  const fusedModel = mlp(SIZES, { activation: "relu", dtype: "float32" }).to(device);
  const fusedLoss = new CrossEntropyLoss();
  const sgd = new SGD({ lr: LR, momentum: MOMENTUM, params: fusedModel.parameters() });
  let batch = 0;
  const fusedStep = () => {
    const b = batch++ % BATCHES;
    fusedModel.zeroGrad();
    const out = fusedModel.forward(xBatches[b]);
    fusedLoss.forward(out, yBatches[b]).dispose();
    const grad = fusedLoss.backward();
    fusedModel.accumulateGrad(grad);
    grad.dispose();
    out.dispose();
    sgd.step();
    fusedModel.release();
    fusedLoss.release();
  };

  const done = () => device.gpu.queue.onSubmittedWorkDone();
  const count = async (step: () => void, name: string) => {
    // Warm-up, one pass over the batches: the first step compiles pipelines and creates
    // buffers and bind groups, and its optimizer packs the parameters; the second binds them
    // where they now live; each batch's x and y are bound once (the first batch's again
    // with the packed parameters).
    for (let i = 0; i <= BATCHES; i++) {
      step();
      device.flush();
    }
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
  await count(fusedStep, "fused");

  const group = "train step 784-512-512-10 batch 256";
  Deno.bench({
    name: "fused (fit's step: one encoder, one submit)",
    group,
    baseline: true,
    n: 15,
    warmup: 2,
    async fn() {
      fusedStep();
      device.flush();
      await done();
    },
  });
}
