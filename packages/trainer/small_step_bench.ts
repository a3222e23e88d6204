// The per-operation fixed costs of a 33-row training step, as the classification notebook
// runs it (float64 on the CPU): `Dense(32, 32)` + activation forward on [33, 32], `tanh` of
// the same tensor, one full step of the 5-32-32-32-3 ReLU MLP with a Softmax output layer,
// categorical cross-entropy on one-hot targets and SGD (lr 0.08) — by hand and inside
// `fit` (engine, NanGuard, loss bookkeeping) — and the notebook's 1,000-row forward pass.
// packages/tensor/small_ops_bench.ts measures the pieces (pool, tensor construction,
// tidy/keep, one small op, the 33 × 32 × 32 products) one by one.
//
//   deno bench --lock=tasks/dev.lock --allow-read packages/trainer/small_step_bench.ts
//
// Read the figures as ratios within one run (the machine is shared).

import { Dense, mlp } from "@glassbox/layers";
import { CategoricalCrossEntropy } from "@glassbox/losses";
import { manualSeed, rand, randn, type Tensor, tensor, tidy } from "@glassbox/tensor";
import { fit } from "./fit.ts";
import { SGD } from "./sgd.ts";

manualSeed(0);
const x = randn([33, 32], { dtype: "float64" });
const tanhLayer = new Dense(32, 32, { activation: "tanh", dtype: "float64" });
const reluLayer = new Dense(32, 32, { activation: "relu", dtype: "float64" });

/** `rows` one-hot rows of 3 classes drawn uniformly. */
function oneHot(rows: number): Tensor {
  const labels = Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * 3));
  return tensor(labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0))), { dtype: "float64" });
}

/** The classification notebook's network. */
const classifier = () =>
  mlp([5, 32, 32, 32, 3], { activation: "relu", outputActivation: "softmax", dtype: "float64" });

const model = classifier();
const xb = randn([33, 5], { dtype: "float64" });
const yb = oneHot(33);
const loss = new CategoricalCrossEntropy();
const sgd = new SGD({ lr: 0.08, params: model.parameters() });

// fit: 100 rows in batches of 33 (4 steps an epoch), no validation, 25 epochs = 100 steps.
const fitModel = classifier();
const xTrain = randn([100, 5], { dtype: "float64" });
const yTrain = oneHot(100);
const fitSgd = new SGD({ lr: 0.08 });
const xValid = randn([1000, 5], { dtype: "float64" });

Deno.bench("Dense(32, 32) + tanh forward, [33, 32] float64", { group: "layer" }, () => {
  tanhLayer.forward(x).dispose();
  tanhLayer.release();
});
Deno.bench("Dense(32, 32) + relu forward, [33, 32] float64", { group: "layer" }, () => {
  reluLayer.forward(x).dispose();
  reluLayer.release();
});
Deno.bench("x.tanh(), [33, 32] float64", { group: "layer" }, () => {
  x.tanh().dispose();
});

Deno.bench("classification step, batch 33, by hand", { group: "step" }, () => {
  model.zeroGrad();
  const out = model.forward(xb);
  loss.forward(out, yb).dispose();
  const g = loss.backward();
  model.accumulateGrad(g);
  g.dispose();
  out.dispose();
  sgd.step();
  model.release();
  loss.release();
});
Deno.bench("classification fit, 100 steps of batch 33 (÷ 100 per step)", {
  group: "step",
}, async () => {
  await fit(fitModel, {
    x: xTrain,
    y: yTrain,
    loss,
    optimizer: fitSgd,
    epochs: 25,
    batchSize: 33,
  });
});
Deno.bench("classification forward, 1,000 rows", { group: "step" }, () => {
  tidy(() => model.forward(xValid)).dispose();
  model.release();
});
