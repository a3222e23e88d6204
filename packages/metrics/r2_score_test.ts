import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { assertClose, tensor } from "@glassbox/tensor";
import { r2Score } from "./r2_score.ts";

Deno.test("r2Score() is 1 for perfect predictions, 0 for the mean and negative when worse", () => {
  const truth = tensor([3, -0.5, 2, 7]);
  strictEqual(r2Score(truth, truth), 1);
  strictEqual(r2Score(truth, tensor([2.875, 2.875, 2.875, 2.875])), 0);
  ok(r2Score(truth, tensor([7, 2, -0.5, 3])) < 0);
  // scikit-learn's docstring example: r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.948...
  assertClose(r2Score(truth, tensor([2.5, 0, 2, 8])), 0.9486081370449679);
});

Deno.test("r2Score() handles constant truth columns with and without forceFinite", () => {
  const pred = tensor([[1, 5, 2], [2, 5, 2], [3, 6, 2]]),
    truth = tensor([[1, 5, 2], [2, 5, 2], [4, 5, 2]]);
  const raw = r2Score(truth, pred, { multioutput: "raw_values" });
  deepStrictEqual(raw.slice(1), [0, 1]);
  const infinite = r2Score(truth, pred, { multioutput: "raw_values", forceFinite: false });
  deepStrictEqual(infinite.slice(1), [-Infinity, NaN]);
  // variance_weighted: only the non-constant column has weight.
  strictEqual(r2Score(truth, pred, { multioutput: "variance_weighted" }), raw[0]);
});

Deno.test("r2Score() is NaN for fewer than two samples", () => {
  ok(Number.isNaN(r2Score(tensor([2]), tensor([1]))));
  deepStrictEqual(r2Score(tensor([[1, 2]]), tensor([[1, 2]]), { multioutput: "raw_values" }), [
    NaN,
    NaN,
  ]);
});
