import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { mlp } from "@glassbox/layers";
import { CategoricalCrossEntropy, type Loss, MSELoss } from "@glassbox/losses";
import { manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import { evaluate } from "./evaluate.ts";

Deno.test("evaluate() gives the loss forward() gives, for MSE and categorical cross-entropy", () => {
  for (const dtype of ["float64", "float32"] as const) {
    manualSeed(2);
    const model = mlp([4, 8, 3], { activation: "tanh", dtype });
    const x = randn([500, 4], { dtype }), y = randn([500, 3], { dtype });
    const mse = new MSELoss();
    strictEqual(evaluate(model, x, y, { loss: mse }).loss, mse.forward(model.forward(x), y).item());
    const classifier = mlp([4, 8, 3], { activation: "relu", outputActivation: "softmax", dtype });
    const classes = tensor([[0, 1, 2]], { dtype });
    const oneHot = y.argmax(1).to(dtype).reshape([-1, 1]).equal(classes).to(dtype);
    const ce = new CategoricalCrossEntropy();
    strictEqual(
      evaluate(classifier, x, oneHot, { loss: ce }).loss,
      ce.forward(classifier.forward(x), oneHot).item(),
    );
  }
});

Deno.test("evaluate() leaves what the loss's last forward() kept for backward()", () => {
  manualSeed(4);
  const model = mlp([2, 3]);
  const pred = randn([5, 3]), target = randn([5, 3]);
  const loss = new MSELoss();
  loss.forward(pred, target);
  const want = loss.backward().toTypedArray();
  loss.forward(pred, target);
  evaluate(model, randn([40, 2]), randn([40, 3]), { loss });
  deepStrictEqual(loss.backward().toTypedArray(), want);
});

Deno.test("evaluate() takes a loss without value() through forward()", () => {
  manualSeed(6);
  const model = mlp([2, 1]);
  const x = randn([30, 2]), y = randn([30, 1]);
  let forwards = 0;
  const inner = new MSELoss();
  const plain: Loss = {
    reduction: "mean",
    forward: (p: Tensor, t: Tensor) => (forwards++, inner.forward(p, t)),
    backward: (g?: Tensor) => inner.backward(g),
  };
  const result = evaluate(model, x, y, { loss: plain });
  strictEqual(forwards, 1);
  strictEqual(result.loss, new MSELoss().forward(model.forward(x), y).item());
});
