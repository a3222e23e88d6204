// A softmax output layer with the notebooks' categorical cross entropy on
// probabilities, and the same network ending at the logits with
// CrossEntropyLoss, give the same loss and the same gradient for every
// parameter (the classification notebook's 5-32-32-32-3 ReLU classifier).

import { mlp, type Softmax } from "@glassbox/layers";
import { CategoricalCrossEntropy, CrossEntropyLoss } from "@glassbox/losses";
import { assertClose, manualSeed, randn, tensor } from "@glassbox/tensor";

Deno.test("softmax + CategoricalCrossEntropy and logits + CrossEntropyLoss give one network the same gradients", () => {
  const classes = [0, 1, 2, 2, 1, 0, 0, 1];
  const labels = tensor(classes); // class indices, for CrossEntropyLoss
  const oneHot = tensor(classes.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)))); // for CE

  // (a) A softmax output layer and the notebooks' CE on probabilities.
  manualSeed(1);
  const withSoftmax = mlp([5, 32, 32, 32, 3], { activation: "relu", outputActivation: "softmax" });
  // (b) The same weights ending at the logits, and CrossEntropyLoss.
  manualSeed(1);
  const withLogits = mlp([5, 32, 32, 32, 3], { activation: "relu" });

  const x = randn([8, 5]);
  const ce = new CategoricalCrossEntropy(), xent = new CrossEntropyLoss();
  const strict = { rtol: 1e-12, atol: 0 };
  assertClose(
    ce.forward(withSoftmax.forward(x), oneHot),
    xent.forward(withLogits.forward(x), labels),
    strict,
  );
  withSoftmax.zeroGrad();
  withSoftmax.backward(ce.backward());
  withLogits.zeroGrad();
  withLogits.backward(xent.backward());

  // The same gradient at the logits: the softmax layer's backward of CE's −y / (p·m) …
  const softmax = withSoftmax.layers.at(-1) as Softmax;
  const atLogits = softmax.backward(ce.backward());
  assertClose(atLogits, xent.backward(), strict); // … is (p − y) / m
  // … and so the same gradient for every parameter.
  const logitGrads = withLogits.parameters();
  withSoftmax.parameters().forEach((p, i) => assertClose(p.grad, logitGrads[i].grad, strict));
});
