import { manualSeed, randn, zeros } from "@glassbox/tensor";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Dense, mlp, ReLU, Sequential, Sigmoid, Tanh } from "./mod.ts";

Deno.test("Sequential.parameters() names parameters by layer index, as nn.Sequential", () => {
  const model = new Sequential([new Dense(2, 3), new ReLU(), new Dense(3, 1, { bias: false })]);
  deepStrictEqual(model.parameters().map((p) => p.name), ["0.weight", "0.bias", "2.weight"]);
  deepStrictEqual(model.parameters().map((p) => p.shape), [[3, 2], [3], [1, 3]]);
});

Deno.test("Sequential.forward() errors name the failing layer's index and type and the shape it got", () => {
  const model = new Sequential([new Tanh(), new Dense(6, 32)]);
  throws(() => model.forward(zeros([8, 5])), (error: Error) => {
    ok(error instanceof TypeError);
    strictEqual(
      error.message,
      "Cannot forward Sequential: layer 1 (Dense(6, 32)) failed on input of shape [8, 5]: " +
        "Cannot forward Dense(6, 32): input has shape [8, 5], expected [N, 6] (the last axis must have 6 features)",
    );
    ok(error.cause instanceof TypeError);
    return true;
  });
  throws(
    () => model.backward(zeros([8, 32])),
    /Cannot backward Sequential: layer 1 \(Dense\(6, 32\)\) failed on gradient/,
  );
  model.forward(zeros([8, 6]));
  throws(
    () => model.backward(zeros([8, 31])),
    /layer 1 \(Dense\(6, 32\)\) failed on gradient of shape \[8, 31\]: Cannot backward Dense\(6, 32\): gradOut has shape \[8, 31\], expected \[8, 32\]/,
  );
});

Deno.test("new Sequential() rejects values that are not layers", () => {
  throws(
    () => new Sequential([new ReLU(), {} as never]),
    /layers\[1\] is an object, expected a Layer/,
  );
  throws(() => new Sequential("relu" as never), /expected an array of layers, got a string/);
});

Deno.test("Sequential.backward() returns ∂L/∂x and an empty Sequential is the identity", () => {
  manualSeed(4);
  const x = randn([3, 2]);
  const empty = new Sequential([]);
  strictEqual(empty.forward(x), x);
  strictEqual(empty.backward(x), x);
  const model = new Sequential([new Sigmoid(), new Sequential([new Dense(2, 2), new Tanh()])]);
  deepStrictEqual(model.parameters().map((p) => p.name), ["1.0.weight", "1.0.bias"]);
  deepStrictEqual(model.backward(randn(model.forward(x).shape)).shape, [3, 2]);
});

Deno.test("Sequential.to() converts every nested parameter", () => {
  const model = new Sequential([mlp([2, 2, 2]), new ReLU(), new Dense(2, 1)]).to("float32");
  ok(model.parameters().every((p) => p.value.dtype === "float32" && p.grad.dtype === "float32"));
  strictEqual(model.forward(zeros([1, 2], { dtype: "float32" })).dtype, "float32");
});
