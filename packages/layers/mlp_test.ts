import { assertClose, manualSeed, randn } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { mlp } from "./mod.ts";

Deno.test("mlp() builds Dense layers with activations between, in both notebook styles", () => {
  strictEqual(
    String(
      mlp([6, 32, 32, 3], { activation: ["tanh", "softmax"], outputActivation: "logSoftmax" }),
    ),
    "Sequential(Dense(6, 32), Tanh(), Dense(32, 32), Softmax(axis=-1), Dense(32, 3), LogSoftmax(axis=-1))",
  );
  strictEqual(
    String(mlp([6, 32, 3], { activation: "sigmoid", separateActivations: false })),
    "Sequential(Dense(6, 32, activation=Sigmoid()), Dense(32, 3))",
  );
  strictEqual(String(mlp([3, 1])), "Sequential(Dense(3, 1))");
});

Deno.test("mlp() gives the same function and gradients whether activations are layers or Dense options", () => {
  manualSeed(8);
  const a = mlp([4, 5, 3], { activation: "gelu", outputActivation: "softmax" });
  manualSeed(8);
  const b = mlp([4, 5, 3], {
    activation: "gelu",
    outputActivation: "softmax",
    separateActivations: false,
  });
  const x = randn([6, 4]), g = randn([6, 3]);
  deepStrictEqual(a.forward(x).toArray(), b.forward(x).toArray());
  deepStrictEqual(a.backward(g).toArray(), b.backward(g).toArray());
  const gb = b.parameters().map((p) => p.grad);
  a.parameters().forEach((p, i) => assertClose(p.grad, gb[i], { rtol: 0, atol: 0 }));
});

Deno.test("mlp() validates sizes and activations", () => {
  throws(() => mlp([3]), /sizes must list at least an input and an output size, got \[3\]/);
  throws(() => mlp([3, 0, 1]), /sizes\[1\] must be an integer >= 1, got 0/);
  throws(
    () => mlp([3, 4, 4, 1], { activation: ["relu"] }),
    /expected one activation or 2 \(one per hidden layer/,
  );
  throws(() => mlp([3, 4, 1], { activation: "swish" as "relu" }), /unknown activation "swish"/);
  throws(() => mlp([3, 1], { outputActivation: "max" as "relu" }), /unknown activation "max"/);
});
