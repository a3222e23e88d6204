import { strictEqual, throws } from "node:assert/strict";
import { assertClose, tensor } from "@glassbox/tensor";
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

// Asymmetric data: swapping the arguments changes every metric's value, so
// these pin scikit-learn's order (truth first, prediction second).
const truth = tensor([3, -0.5, 2, 7]);
const pred = tensor([2.5, 0, 2, 8]);

Deno.test("regression metrics take the truth first, as scikit-learn (values from sklearn 1.2)", () => {
  // r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679; swapped it is 0.9573712255772646.
  assertClose(r2Score(truth, pred), 0.9486081370449679, { rtol: 1e-15 });
  assertClose(r2Score(pred, truth), 0.9573712255772646, { rtol: 1e-15 });
  // mape divides by the truth: |(3 − 2.5)/3| + |(−0.5 − 0)/−0.5| + 0 + |(7 − 8)/7|, mean × 100.
  assertClose(mape(truth, pred), (0.5 / 3 + 1 + 0 + 1 / 7) / 4 * 100, { rtol: 1e-15 });
  assertClose(mape(pred, truth), (0.5 / 2.5 + 0.5 + 0 + 1 / 8) / 4 * 100, { rtol: 1e-15 });
  // mse, rmse and mae are symmetric in value; their shape errors name each side.
  strictEqual(mse(truth, pred), mse(pred, truth));
  strictEqual(mae(truth, pred), 0.5);
  assertClose(rmse(truth, pred), Math.sqrt(0.375), { rtol: 1e-15 });
  throws(() => mse(tensor([1, 2, 3]), tensor([1, 2])), {
    message: /pred has shape \[2\] but truth has shape \[3\]/,
  });
});

Deno.test("mape(), mse(), mae() and rmse() take plain numbers, truth first", () => {
  strictEqual(mape(2, 2.5), 25);
  strictEqual(mape(2.5, 2), 20);
  strictEqual(mse(2, 5), 9);
  strictEqual(mae(2, 5), 3);
  strictEqual(rmse(2, 5), 3);
  throws(() => mape(tensor([1, 2]), 1), {
    message: /pred has shape \[1\] but truth has shape \[2\]/,
  });
});

Deno.test("classification metrics take the truth first, as scikit-learn (values from sklearn 1.2)", () => {
  const yTrue = tensor([0, 0, 0, 1, 1, 2]);
  const yPred = tensor([0, 1, 1, 1, 2, 2]);
  // confusion_matrix(y_true, y_pred): rows are true classes.
  const m = confusionMatrix(yTrue, yPred);
  strictEqual(JSON.stringify(m), JSON.stringify([[1, 2, 0], [0, 1, 1], [0, 0, 1]]));
  strictEqual(
    JSON.stringify(confusionMatrix(yPred, yTrue)),
    JSON.stringify([[1, 0, 0], [2, 1, 0], [0, 1, 1]]),
  );
  // precision_recall_fscore_support(y_true, y_pred, average=None): precision [1, 1/3, 1/2], recall [1/3, 1/2, 1].
  const prf = precisionRecallF1(yTrue, yPred, { average: "macro" });
  assertClose(prf.perClass.precision, [1, 1 / 3, 1 / 2]);
  assertClose(prf.perClass.recall, [1 / 3, 1 / 2, 1]);
  const swapped = precisionRecallF1(yPred, yTrue, { average: "macro" });
  assertClose(swapped.perClass.precision, [1 / 3, 1 / 2, 1]);
  // accuracy is symmetric in value; scores [N, C] belong in the prediction slot.
  const scores = tensor([[0.9, 0.1], [0.2, 0.8]]);
  strictEqual(accuracy(tensor([0, 0]), scores), 0.5);
  strictEqual(accuracy(tensor([0, 0]), tensor([0, 1]), { normalize: false }), 1);
});
