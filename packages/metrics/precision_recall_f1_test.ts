import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { assertClose, tensor } from "@glassbox/tensor";
import { precisionRecallF1 } from "./precision_recall_f1.ts";

const PRED = tensor([0, 0, 1, 1, 1, 2]);
const TRUTH = tensor([0, 1, 1, 1, 2, 2]);

Deno.test("precisionRecallF1() averages per-class scores by macro, weighted and micro", () => {
  const macro = precisionRecallF1(TRUTH, PRED);
  assertClose(macro.perClass.precision, [1 / 2, 2 / 3, 1]);
  assertClose(macro.perClass.recall, [1, 2 / 3, 1 / 2]);
  deepStrictEqual(macro.perClass.support, [1, 3, 2]);
  assertClose(macro.recall, (1 + 2 / 3 + 1 / 2) / 3);
  const weighted = precisionRecallF1(TRUTH, PRED, { average: "weighted" });
  assertClose(weighted.recall, (1 * 1 + 3 * (2 / 3) + 2 * (1 / 2)) / 6);
  const micro = precisionRecallF1(TRUTH, PRED, { average: "micro" });
  assertClose([micro.precision, micro.recall, micro.f1], [4 / 6, 4 / 6, 4 / 6]);
});

Deno.test("precisionRecallF1() sets undefined ratios to zeroDivision", () => {
  // Class 3 is never predicted and never true: precision and recall are 0/0.
  const zero = precisionRecallF1(TRUTH, PRED, { labels: [0, 3] });
  deepStrictEqual(zero.perClass.precision, [0.5, 0]);
  const one = precisionRecallF1(TRUTH, PRED, { labels: [0, 3], zeroDivision: 1 });
  deepStrictEqual(one.perClass.precision, [0.5, 1]);
  deepStrictEqual(one.perClass.f1, [2 * 0.5 / 1.5, 1]);
});

Deno.test("precisionRecallF1() scores posLabel alone for average binary", () => {
  const pred = tensor([1, 1, 0, 0]), truth = tensor([1, 0, 0, 0]);
  const result = precisionRecallF1(truth, pred, { average: "binary" });
  assertClose([result.precision, result.recall], [0.5, 1]);
  strictEqual(precisionRecallF1(truth, pred, { average: "binary", posLabel: 0 }).precision, 1);
  throws(() => precisionRecallF1(TRUTH, PRED, { average: "binary" }), {
    message: /average "binary" needs at most 2 classes, found 3 \(\[0, 1, 2\]\)/,
  });
  throws(() => precisionRecallF1(truth, pred, { average: "binary", posLabel: 4 }), {
    message: /posLabel 4 is not one of the labels \[0, 1\]/,
  });
});

Deno.test("precisionRecallF1() rejects unknown options", () => {
  throws(() => precisionRecallF1(TRUTH, PRED, { average: "samples" as never }), {
    name: "RangeError",
  });
  throws(() => precisionRecallF1(TRUTH, PRED, { zeroDivision: 2 as never }), {
    message: /zeroDivision 2/,
  });
});
