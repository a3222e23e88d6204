import { strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { accuracy } from "./accuracy.ts";

Deno.test("accuracy() compares labels, or the argmax of scores and one-hot rows", () => {
  strictEqual(accuracy(tensor([0, 1, 1, 2]), tensor([0, 1, 2, 2])), 0.75);
  strictEqual(accuracy(tensor([[0, 1], [0, 1]]), tensor([[0.1, 0.9], [0.8, 0.2]])), 0.5);
  strictEqual(accuracy(tensor([1, 0]), tensor([1, 1], { dtype: "float32" })), 0.5);
  strictEqual(accuracy(tensor([0, 1, 1, 2]), tensor([0, 1, 2, 2]), { normalize: false }), 3);
});

Deno.test("accuracy() throws clear errors for non-integer labels, single columns and length mismatches", () => {
  throws(() => accuracy(tensor([0, 1]), tensor([0.5, 1])), {
    name: "RangeError",
    message: "Cannot compute accuracy: pred[0] = 0.5 is not an integer class label",
  });
  throws(() => accuracy(tensor([1, 0]), tensor([[0.7], [0.2]])), {
    message: /a single column is ambiguous/,
  });
  throws(() => accuracy(tensor([0, 1]), tensor([0, 1, 1])), {
    name: "TypeError",
    message:
      "Cannot compute accuracy: pred has 3 samples but truth has 2, expected the same number",
  });
  throws(() => accuracy(tensor([]), tensor([])), { message: /no samples/ });
});
