// The notebook experiments of `deno task train --dtype float32` against the same
// runs in PyTorch 1.13 float32 (tasks/golden/experiments_float32.py): same data,
// same float32 initial weights (bit for bit), per-epoch losses, final weights
// and validation predictions within the float32 contract for whole training
// runs (docs/numerics.md: 1e-3; atol 1e-5 for weights near zero) — trained on the CPU,
// and trained end to end on WebGPU (fit's step on the fused primitives, one
// submit per step, the loss read once per epoch) where an adapter exists.

import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { type Case, checkExperimentCases } from "./_experiment_fixture.ts";

const fixture: { torch: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/experiments_float32.json", import.meta.url)),
);

Deno.test("train experiments in float32 on the CPU match PyTorch float32 training runs", async (t) => {
  await checkExperimentCases(t, fixture.cases, { rtol: 1e-3, atol: 1e-5 });
});

const { device, ignore } = await setupWebGPUTests("experiments_float32_golden_test.ts");

Deno.test({
  name: "train experiments on WebGPU match PyTorch float32 training runs",
  ignore,
  fn: async (t) => {
    // Every case, the classification notebook's Softmax layer + categorical
    // cross-entropy included (that loss runs as its tensor operations on the GPU).
    await checkExperimentCases(t, fixture.cases, { rtol: 1e-3, atol: 1e-5, device: device! });
  },
});
