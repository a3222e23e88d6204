import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { mae } from "./mae.ts";

Deno.test("mae() averages absolute errors per output, then over outputs", () => {
  const pred = tensor([[1, 10], [2, 20]]), truth = tensor([[0, 13], [2, 21]]);
  deepStrictEqual(mae(truth, pred, { multioutput: "raw_values" }), [0.5, 2]);
  strictEqual(mae(truth, pred), 1.25);
});

Deno.test("mae() throws on a shape mismatch", () => {
  throws(() => mae(tensor([1, 2, 3]), tensor([1, 2])), {
    message: /pred has shape \[2\] but truth has shape \[3\]/,
  });
});
