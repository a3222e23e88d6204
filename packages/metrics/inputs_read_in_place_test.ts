import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import {
  accuracy,
  confusionMatrix,
  mae,
  mape,
  mse,
  precisionRecallF1,
  r2Score,
  rmse,
} from "./mod.ts";

// The metrics read a CPU tensor's elements in place (no copy): this pins that none of them
// writes into what it reads, for one- and multi-output inputs in both dtypes.
Deno.test("metrics leave their input tensors' values unchanged", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const cases = [
      [[3, -0.5, 2, 7], [2.5, 0, 2, 8]],
      [[[1, 2], [3, 4], [5, 7]], [[1.5, 2], [2, 4.5], [5, 6]]],
    ];
    for (const [t, p] of cases) {
      const truth = tensor(t, { dtype }), pred = tensor(p, { dtype });
      const before = [truth.toArray(), pred.toArray()];
      for (const metric of [mae, mape, mse, rmse]) metric(truth, pred);
      r2Score(truth, pred);
      r2Score(truth, pred, { multioutput: "raw_values" });
      deepStrictEqual([truth.toArray(), pred.toArray()], before);
    }
    const labels = tensor([0, 2, 1, 2], { dtype });
    const scores = tensor([[0.1, 0.2, 0.7], [0, 0, 1], [0.3, 0.6, 0.1], [1, 0, 0]], { dtype });
    const before = [labels.toArray(), scores.toArray()];
    strictEqual(accuracy(labels, scores), 0.5);
    confusionMatrix(labels, scores);
    precisionRecallF1(labels, scores);
    deepStrictEqual([labels.toArray(), scores.toArray()], before);
  }
});
