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

Deno.test("accuracy reads [N, C] scores' labels as Tensor.argmax(1) gives them: NaN wins, ties keep the first", () => {
  const scores = [
    [1, 3, 3], // tie: 1
    [NaN, 5, 6], // NaN first: 0
    [2, NaN, NaN], // first NaN: 1
    [-0, 0, -1], // ±0 tie: 0
    [-Infinity, -Infinity, -Infinity], // all equal: 0
    [0.5, 0.25, 0.75], // 2
  ];
  for (const dtype of ["float64", "float32"] as const) {
    const t = tensor(scores, { dtype });
    const expected = Array.from(t.argmax(1).toTypedArray());
    strictEqual(expected.join(), "1,0,1,0,0,2");
    for (let c = 0; c < 3; c++) {
      // Each row's label compared against the class c for every row: the correct count is the
      // number of rows whose argmax is c.
      const truth = tensor(scores.map(() => c), { dtype });
      strictEqual(
        accuracy(truth, t, { normalize: false }),
        expected.filter((l) => l === c).length,
        `${dtype}, class ${c}`,
      );
    }
  }
});

Deno.test("accuracy() of two [N, C] score tensors counts rows whose argmaxes agree, NaN and ties as argmax", () => {
  // Row argmaxes: NaN wins (index 1), ties keep the first (0), then plain maxima.
  const pred = tensor([[0.2, NaN, 0.1], [0.5, 0.5, 0], [0.1, 0.2, 0.7], [0.3, 0.6, 0.1]]);
  const oneHot = tensor([[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0]]);
  const labels = tensor([1, 0, 1, 1]);
  strictEqual(accuracy(oneHot, pred), accuracy(labels, pred));
  strictEqual(accuracy(oneHot, pred), 3 / 4);
  strictEqual(accuracy(oneHot, pred, { normalize: false }), 3);
  // Different class counts on each side, float32 scores.
  const wide = tensor([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 2], [0, 1, 0, 0]], {
    dtype: "float32",
  });
  strictEqual(accuracy(wide, pred), accuracy(tensor([2, 0, 3, 1]), pred));
  throws(() => accuracy(oneHot, tensor([[0.2, 0.8]])), /pred has 1 samples but truth has 4/);
});
