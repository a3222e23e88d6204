import { strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { mape } from "./mape.ts";

Deno.test("mape() is 0 for a perfect prediction and uses |p| where the truth is 0", () => {
  strictEqual(mape(tensor([1, -2, 3]), tensor([1, -2, 3])), 0);
  strictEqual(mape(tensor([0, 0]), tensor([0.25, 0])), 12.5);
  strictEqual(mape(tensor([[2, 1], [2, 0]]), tensor([[1, 1], [3, 0]])), (50 + 0 + 50 + 0) / 4);
});

Deno.test("mape() reads float32 tensors in float64", () => {
  strictEqual(mape(tensor([0.2], { dtype: "float32" }), tensor([0.1], { dtype: "float32" })), 50);
});

Deno.test("mape() throws on a shape mismatch, empty input and non-tensors", () => {
  throws(() => mape(tensor([[1, 2, 3]]), tensor([1, 2, 3])), {
    name: "TypeError",
    message:
      "Cannot compute mape: pred has shape [3] but truth has shape [1, 3], expected the same shape",
  });
  throws(() => mape(tensor([]), tensor([])), {
    name: "RangeError",
    message: /the tensors are empty/,
  });
  throws(() => mape(tensor([1]), [1] as never), {
    message: "Cannot compute mape: pred must be a Tensor or a number, got [1]",
  });
});
