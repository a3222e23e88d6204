import { deepStrictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { confusionMatrix } from "./confusion_matrix.ts";

Deno.test("confusionMatrix() puts the truth on rows and the prediction on columns", () => {
  deepStrictEqual(confusionMatrix(tensor([0, 1, 0]), tensor([1, 1, 0])), [[1, 1], [0, 1]]);
});

Deno.test("confusionMatrix() uses the sorted union of labels, or the given labels", () => {
  const pred = tensor([5, 2, 2]), truth = tensor([2, 2, 7]);
  deepStrictEqual(confusionMatrix(truth, pred), [[1, 1, 0], [0, 0, 0], [1, 0, 0]]);
  deepStrictEqual(confusionMatrix(truth, pred, { labels: [7, 2, 9] }), [[0, 1, 0], [0, 1, 0], [
    0,
    0,
    0,
  ]]);
});

Deno.test("confusionMatrix() throws for labels that never occur in truth, or repeat", () => {
  throws(() => confusionMatrix(tensor([0, 1]), tensor([0, 1]), { labels: [4] }), {
    message:
      "Cannot compute confusionMatrix: none of labels [4] occurs in truth, expected at least one",
  });
  throws(() => confusionMatrix(tensor([0, 1]), tensor([0, 1]), { labels: [1, 1] }), {
    message: /has duplicates/,
  });
});
