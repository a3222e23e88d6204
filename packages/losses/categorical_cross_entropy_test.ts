import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { assertClose, gradcheck, tensor } from "@glassbox/tensor";
import { CategoricalCrossEntropy } from "./categorical_cross_entropy.ts";
import { CrossEntropyLoss } from "./cross_entropy_loss.ts";
import type { Reduction } from "./loss.ts";

const LOGITS = tensor([[1, -0.5, 2], [0.3, 0.2, -1], [-2, 1.5, 0.5]]);
const ONE_HOT = tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);

Deno.test("CategoricalCrossEntropy backward() matches finite differences for every reduction", () => {
  const p = LOGITS.softmax();
  for (const reduction of ["mean", "sum", "none"] as Reduction[]) {
    for (const y of [ONE_HOT, tensor([[0.2, 0.3, 0.5], [0.6, 0.4, 0], [0, 0.9, 0.1]])]) {
      const ce = new CategoricalCrossEntropy({ reduction });
      gradcheck({ forward: (q) => ce.forward(q, y), backward: (g) => ce.backward(g) }, [p]);
    }
  }
});

Deno.test("CategoricalCrossEntropy after a softmax gives CrossEntropyLoss's gradient at the logits", () => {
  // The notebooks' point: CE(softmax(z)) and CrossEntropyLoss(z) are the same function of z.
  const ce = new CategoricalCrossEntropy(), xent = new CrossEntropyLoss();
  const a = LOGITS.softmax();
  assertClose(ce.forward(a, ONE_HOT), xent.forward(LOGITS, tensor([2, 0, 1])));
  const delta = ce.backward();
  // Softmax backward: a ⊙ (Δ − rowsum(Δ ⊙ a))
  const throughSoftmax = a.mul(delta.sub(delta.mul(a).sum(1, { keepDims: true })));
  assertClose(throughSoftmax, xent.backward());
});

Deno.test("CategoricalCrossEntropy counts 0·log 0 as 0 and keeps its gradient 0", () => {
  const ce = new CategoricalCrossEntropy({ reduction: "none" });
  assertClose(ce.forward(tensor([[1, 0], [0.5, 0.5]]), tensor([[1, 0], [0, 1]])), [0, Math.LN2]);
  assertClose(ce.backward(), [[-1, 0], [0, -2]]);
});

Deno.test("CategoricalCrossEntropy throws clear errors for non-probabilities and bad shapes", () => {
  const ce = new CategoricalCrossEntropy();
  throws(() => ce.forward(LOGITS, ONE_HOT), {
    name: "RangeError",
    message:
      "Cannot compute CategoricalCrossEntropy: pred[0, 1] = -0.5 is not a probability, expected values in [0, 1] (apply softmax first, or use CrossEntropyLoss on logits)",
  });
  throws(() => ce.forward(LOGITS.softmax(), tensor([2, 0, 1])), {
    message: /pred has shape \[3, 3\] but target has shape \[3\], expected the same shape/,
  });
  throws(() => ce.forward(tensor([0.5, 0.5]), tensor([1, 0])), {
    message: /expected probabilities of shape \[N, C\]/,
  });
  throws(() => ce.backward(), {
    message: /CategoricalCrossEntropy.backward: no forward pass is stored/,
  });
});

Deno.test("CategoricalCrossEntropy of a diverged softmax (NaN) is NaN, for the non-finite guard", () => {
  // Before: "pred[0, 0] = NaN is not a probability … (apply softmax first …)", which made
  // `deno task train --experiment mlp-classification --lr 1e300` fail with exit 1 and save
  // nothing instead of stopping on the NaN loss (exit 3, the last finite weights saved).
  const loss = new CategoricalCrossEntropy().forward(
    tensor([[NaN, NaN], [0.5, 0.5]]),
    tensor([[1, 0], [0, 1]]),
  );
  strictEqual(Number.isNaN(loss.item()), true);
  // Values that are numbers outside [0, 1] are still a missing softmax.
  throws(
    () => new CategoricalCrossEntropy().forward(tensor([[2, -1]]), tensor([[1, 0]])),
    /pred\[0, 0\] = 2 is not a probability/,
  );
});

Deno.test("CategoricalCrossEntropy's fused CPU value and gradient are the composed operations' bits", () => {
  // backward() returns the gradient the backend computed with the value (one pass);
  // backward(g) runs the composed Tensor operations. Equal bits, float64 and float32.
  for (const dtype of ["float64", "float32"] as const) {
    const p = LOGITS.to(dtype).mul(1.7).softmax();
    const y = tensor([[0, 0, 1], [0.25, 0.75, 0], [0, 1, 0]], { dtype });
    for (const reduction of ["mean", "sum"] as Reduction[]) {
      const ce = new CategoricalCrossEntropy({ reduction });
      const fusedValue = ce.forward(p, y).toTypedArray();
      const fused = ce.backward().toTypedArray();
      const composed = ce.backward(tensor(1, { dtype })).toTypedArray();
      deepStrictEqual(fused, composed, `${dtype} ${reduction} gradient`);
      const safeP = p.maximum(y.equal(0));
      const total = y.mul(safeP.log()).sum(1).neg().sum();
      const value = reduction === "mean" ? total.div(3) : total;
      deepStrictEqual(fusedValue, value.toTypedArray(), `${dtype} ${reduction} value`);
    }
  }
});
