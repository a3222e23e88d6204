/**
 * Where the CPU time of the two benchmarks that miss their targets goes:
 *
 *   deno run --allow-read --allow-env tasks/bench/profile.ts [--dtype float32|float64]
 *
 * 1. The 784-512-512-10 training step at batch 256 (`deno task bench`'s MLP step), split
 *    into zeroGrad, forward, loss, backward (`accumulateGrad`) and the SGD update.
 * 2. The default experiment (first MLP notebook: 6-32-32-32-32-3, 32 epochs of 1000 rows,
 *    a 9100-row validation pass after each), as `fit` with and without validation, and
 *    one 9100-row forward pass alone.
 *
 * Medians of repeated warm runs, in milliseconds. A diagnostic for developers; the
 * figures compared against PyTorch and TensorFlow.js come from `deno task bench`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { mlp, type Sequential } from "@glassbox/layers";
import { CrossEntropyLoss, MSELoss } from "@glassbox/losses";
import { type DType, manualSeed, tensor } from "@glassbox/tensor";
import { fit, SGD } from "@glassbox/trainer";
import { notebookRegressionData } from "../experiments/data.ts";
import { MIXED_ACTIVATIONS } from "../experiments/registry.ts";
import { cyclicLabels, lcgValues } from "./values.ts";

const { values: flags } = parseArgs({ options: { dtype: { type: "string", default: "float32" } } });
if (flags.dtype !== "float32" && flags.dtype !== "float64") {
  console.error(`profile: --dtype must be float32 or float64, got ${flags.dtype}`);
  Deno.exit(2);
}
const dtype: DType = flags.dtype;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** The MLP step in phases: the median of each over `runs` steps after `warm` unmeasured ones. */
function profileStep(warm = 10, runs = 40): void {
  manualSeed(0);
  const sizes = [784, 512, 512, 10];
  const model: Sequential = mlp(sizes, { activation: "relu", dtype });
  const x = tensor(lcgValues(256 * 784, 3), { shape: [256, 784], dtype });
  const y = tensor(Array.from(cyclicLabels(256, 10)), { dtype });
  const loss = new CrossEntropyLoss();
  const optimizer = new SGD({ lr: 0.01, params: model.parameters() });
  const names = ["zeroGrad", "forward", "loss", "backward", "SGD step", "whole step"];
  const samples: number[][] = names.map(() => []);
  for (let i = 0; i < warm + runs; i++) {
    const times = [performance.now()];
    model.zeroGrad();
    times.push(performance.now());
    const out = model.forward(x);
    times.push(performance.now());
    loss.forward(out, y).dispose();
    const grad = loss.backward();
    times.push(performance.now());
    model.accumulateGrad(grad);
    times.push(performance.now());
    grad.dispose();
    out.dispose();
    optimizer.step();
    times.push(performance.now());
    if (i < warm) continue;
    for (let p = 0; p < 5; p++) samples[p].push(times[p + 1] - times[p]);
    samples[5].push(times[5] - times[0]);
  }
  console.log(`784-512-512-10 ${dtype} training step, batch 256 (median of ${runs}):`);
  names.forEach((name, i) =>
    console.log(`  ${name.padEnd(12)} ${median(samples[i]).toFixed(2)} ms`)
  );
}

/** The default experiment with and without its validation passes, and one validation forward. */
async function profileExperiment(runs = 5): Promise<void> {
  const data = notebookRegressionData();
  const model = () => {
    manualSeed(0);
    return mlp([6, 32, 32, 32, 32, 3], { activation: [...MIXED_ACTIVATIONS] });
  };
  const train = async (validation: boolean) => {
    const started = performance.now();
    await fit(model(), {
      x: data.xTrain,
      y: data.yTrain,
      loss: new MSELoss(),
      optimizer: new SGD({ lr: 0.01 }),
      epochs: 32,
      batchSize: 333,
      validation: validation ? { x: data.xValid, y: data.yValid } : undefined,
    });
    return performance.now() - started;
  };
  await train(true); // warm-up
  const withValidation: number[] = [], without: number[] = [], forward: number[] = [];
  for (let i = 0; i < runs; i++) {
    withValidation.push(await train(true));
    without.push(await train(false));
  }
  const m = model();
  for (let i = 0; i < 10 + 32; i++) {
    const started = performance.now();
    m.forward(data.xValid).dispose();
    if (i >= 10) forward.push(performance.now() - started);
  }
  console.log(`default experiment (float64, median of ${runs}):`);
  console.log(`  fit, 32 epochs with validation   ${median(withValidation).toFixed(1)} ms`);
  console.log(`  fit, 32 epochs, no validation    ${median(without).toFixed(1)} ms`);
  console.log(`  one 9100-row forward pass         ${median(forward).toFixed(2)} ms`);
}

profileStep();
await profileExperiment();
