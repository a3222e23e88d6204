import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { mse, rmse } from "./mse.ts";

const PRED = tensor([[1, 10], [2, 20], [4, 30]]);
const TRUTH = tensor([[1, 12], [3, 20], [2, 30]]);

Deno.test("mse() averages each output's error, or returns them with raw_values", () => {
  deepStrictEqual(mse(TRUTH, PRED, { multioutput: "raw_values" }), [5 / 3, 4 / 3]);
  strictEqual(mse(TRUTH, PRED), (5 / 3 + 4 / 3) / 2);
  strictEqual(mse(TRUTH, PRED, { multioutput: [1, 0] }), 5 / 3);
  // [N] and [N, 1] are the same single output.
  strictEqual(mse(tensor([0, 0]), tensor([1, 2])), mse(tensor([[0], [0]]), tensor([[1], [2]])));
});

Deno.test("rmse() takes the root per output before averaging, as scikit-learn", () => {
  deepStrictEqual(rmse(TRUTH, PRED, { multioutput: "raw_values" }), [
    Math.sqrt(5 / 3),
    Math.sqrt(4 / 3),
  ]);
  strictEqual(rmse(TRUTH, PRED), (Math.sqrt(5 / 3) + Math.sqrt(4 / 3)) / 2);
});

Deno.test("mse() throws clear errors for bad shapes and multioutput options", () => {
  throws(() => mse(tensor([[[1]]]), tensor([[[1]]])), {
    name: "TypeError",
    message: "Cannot compute mse: inputs have shape [1, 1, 1], expected [N] or [N, K] (K outputs)",
  });
  throws(() => mse(TRUTH, PRED, { multioutput: [1, 2, 3] }), {
    name: "RangeError",
    message: /multioutput has 3 weights, expected 2 finite numbers \(one per output\)/,
  });
  throws(() => rmse(TRUTH, PRED, { multioutput: "variance_weighted" as never }), {
    message:
      /multioutput "variance_weighted" is not supported, expected "uniform_average", "raw_values"/,
  });
  throws(() => mse(TRUTH, PRED, { multioutput: [0, 0] }), {
    message: /the multioutput weights sum to 0/,
  });
});
