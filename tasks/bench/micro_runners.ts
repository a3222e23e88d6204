/**
 * The glassbox side of the bench's `micro` group: µs-scale operations, each
 * run as the training loop runs it (outputs disposed, what a forward pass
 * kept for backward released), so buffers come back from the pool and a
 * warm run allocates nothing new.
 *
 * - `dense-tanh`, `dense-relu`: `new Dense(32, 32, { activation, dtype:
 *   "float64" })`, `forward` on [33, 32], dispose the output, `release()`;
 * - `tanh`: `x.tanh()` on [33, 32], disposed;
 * - `classification-step`: one step of the classification notebook as `fit`
 *   takes it — the experiment's own model (`makeModel`: 5-32-32-32-3 ReLU
 *   with a Softmax layer) and loss (`CategoricalCrossEntropy` on one-hot
 *   rows), `zeroGrad`, forward, the loss and its value, backward,
 *   `accumulateGrad`, the SGD step (lr 0.08), `release`.
 *
 * @module
 */

import { Dense } from "@glassbox/layers";
import { manualSeed, type Tensor, tensor } from "@glassbox/tensor";
import { SGD } from "@glassbox/trainer";
import { makeLoss, makeModel } from "../experiments/run_experiment.ts";
import type { Runner } from "./measure.ts";
import { CLASSIFICATION_LR, CLASSIFICATION_SIZES, type Workload } from "./suite.ts";
import { cyclicLabels, lcgValues } from "./values.ts";

function f64(shape: number[], seed: number): Tensor {
  return tensor(lcgValues(shape[0] * shape[1], seed), { shape, dtype: "float64" });
}

/**
 * The runner of one `micro` workload.
 *
 * @param w The workload.
 * @returns Its runner (synchronous: measured in a plain loop).
 */
export function microRunner(w: Workload & { kind: "micro" }): Runner {
  manualSeed(0);
  switch (w.op) {
    case "dense-tanh":
    case "dense-relu": {
      const activation = w.op === "dense-tanh" ? "tanh" : "relu";
      const layer = new Dense(32, 32, { activation, dtype: "float64" });
      const x = f64([w.rows, 32], 1);
      return {
        run: () => {
          layer.forward(x).dispose();
          layer.release();
        },
      };
    }
    case "tanh": {
      const x = f64([w.rows, 32], 1);
      return { run: () => x.tanh().dispose() };
    }
    case "classification-step":
      return classificationStep(w.rows);
  }
}

function classificationStep(rows: number): Runner {
  const sizes = CLASSIFICATION_SIZES;
  const classes = sizes.at(-1)!;
  const model = makeModel(
    { activation: "relu", loss: "categorical-cross-entropy", dtype: "float64" },
    sizes,
  );
  const loss = makeLoss("categorical-cross-entropy");
  const opt = new SGD({ lr: CLASSIFICATION_LR, params: model.parameters() });
  const x = f64([rows, sizes[0]], 3);
  const labels = cyclicLabels(rows, classes);
  const oneHot = Array.from(
    labels,
    (c) => Array.from({ length: classes }, (_, j) => j === c ? 1 : 0),
  );
  const y = tensor(oneHot, { dtype: "float64" });
  let sink = 0;
  return {
    run: () => {
      model.zeroGrad();
      const out = model.forward(x);
      const value = loss.forward(out, y);
      sink += value.item(); // fit reads each batch's loss, as PyTorch's loss.item()
      value.dispose();
      const grad = loss.backward();
      model.accumulateGrad(grad);
      grad.dispose();
      out.dispose();
      opt.step();
      model.release();
      loss.release?.();
      if (Number.isNaN(sink)) throw new RangeError("the classification step's loss is NaN");
    },
  };
}
