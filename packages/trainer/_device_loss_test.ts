import { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss } from "@glassbox/losses";
import { manualSeed, randn, tensor, zeros } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { accumulateLoss, fusedLossKind } from "./_device_loss.ts";

Deno.test("fusedLossKind() fuses exactly MSELoss and CrossEntropyLoss on device class indices", () => {
  const indices = tensor([0, 1]), probabilities = tensor([[1, 0], [0, 1]]);
  strictEqual(fusedLossKind(new MSELoss(), probabilities, false), "mse");
  strictEqual(fusedLossKind(new MSELoss({ reduction: "sum" }), probabilities, false), "mse");
  strictEqual(fusedLossKind(new MSELoss({ reduction: "none" }), probabilities, false), null);
  class Scaled extends MSELoss {}
  strictEqual(fusedLossKind(new Scaled(), probabilities, false), null);
  strictEqual(fusedLossKind(new CrossEntropyLoss(), indices, false), "softmaxCrossEntropy");
  strictEqual(fusedLossKind(new CrossEntropyLoss(), indices, true), null); // labels on the host
  strictEqual(fusedLossKind(new CrossEntropyLoss(), probabilities, false), null);
  strictEqual(fusedLossKind(new BCEWithLogitsLoss(), probabilities, false), null);
});

for (const reduction of ["mean", "sum"] as const) {
  Deno.test(`accumulateLoss() adds the ${reduction} loss into the sum and gives the loss's gradient`, () => {
    manualSeed(0);
    const pred = randn([5, 3]);
    const cases = [
      { kind: "mse" as const, loss: new MSELoss({ reduction }), target: randn([5, 3]) },
      {
        kind: "softmaxCrossEntropy" as const,
        loss: new CrossEntropyLoss({ reduction }),
        target: tensor([0, 2, 1, 1, 0]),
      },
    ];
    for (const { kind, loss, target } of cases) {
      const sum = tensor([0.25]);
      const value = loss.forward(pred, target).item();
      const expected = loss.backward();
      const grad = accumulateLoss(kind, pred, target, reduction, sum)!;
      deepStrictEqual(sum.toArray(), [0.25 + value], kind);
      deepStrictEqual(grad.toArray(), expected.toArray(), kind);
      strictEqual(accumulateLoss(kind, pred, target, reduction, sum) !== null, true);
      deepStrictEqual(sum.toArray(), [0.25 + value + value], `${kind}: twice`);
    }
  });
}

Deno.test("accumulateLoss() leaves shapes the fused kernel does not take to the loss", () => {
  const sum = zeros([1]);
  strictEqual(accumulateLoss("mse", zeros([4, 2]), zeros([4, 1]), "mean", sum), null);
  strictEqual(
    accumulateLoss("softmaxCrossEntropy", zeros([4, 2]), tensor([0, 1, 1]), "mean", sum),
    null,
  );
  strictEqual(accumulateLoss("softmaxCrossEntropy", zeros([0, 2]), zeros([0]), "mean", sum), null);
  deepStrictEqual(sum.toArray(), [0]);
});
