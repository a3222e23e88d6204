import { cpu, manualSeed, randn, zeros } from "@glassbox/tensor";
import type { Backend } from "@glassbox/tensor/backend";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Dense, type Layer, mlp, ReLU, Sequential, Sigmoid, Softmax, Tanh } from "./mod.ts";

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

/** Counts the CPU backend's GEMMs while fn runs (Dense runs them inside its fused primitives). */
function countMatmuls(fn: () => void): number {
  const backend = cpu.backend;
  const matmul = backend.matmul;
  let calls = 0;
  backend.matmul = function (this: Backend, ...args: Parameters<Backend["matmul"]>) {
    calls++;
    return matmul.apply(this, args);
  };
  try {
    fn();
  } finally {
    backend.matmul = matmul;
  }
  return calls;
}

Deno.test("Sequential.accumulateGrad() leaves backward's gradients bit for bit and skips the first layer's ∂L/∂x", () => {
  manualSeed(5);
  const model = mlp([7, 5, 4, 3], { activation: "tanh" });
  const x = randn([6, 7]), gradOut = randn([6, 3]);
  const run = (pass: () => void) => {
    model.zeroGrad();
    model.forward(x);
    const matmuls = countMatmuls(pass);
    return { matmuls, grads: model.parameters().map((p) => Array.from(p.grad.toTypedArray())) };
  };
  const viaBackward = run(() => model.backward(gradOut).dispose());
  const viaAccumulate = run(() => model.accumulateGrad(gradOut));
  deepStrictEqual(viaAccumulate.grads, viaBackward.grads);
  // Three Dense layers: Δᵀ·A for each, Δ·W for the upper two only.
  strictEqual(viaBackward.matmuls, 6);
  strictEqual(viaAccumulate.matmuls, 5);
  strictEqual(gradOut.disposed, false); // the caller's gradient is left alone
});

Deno.test("Sequential.accumulateGrad() runs backward on a first layer without accumulateGrad and names a failing layer", () => {
  manualSeed(6);
  const calls: string[] = [];
  const first: Layer = {
    forward: (x) => x.tanh(),
    backward: (g) => {
      calls.push("backward");
      return g.mul(2);
    },
    parameters: () => [],
    zeroGrad: () => {},
  };
  const model = new Sequential([first, new Dense(3, 2)]);
  const x = randn([4, 3]);
  model.forward(x);
  model.accumulateGrad(randn([4, 2]));
  deepStrictEqual(calls, ["backward"]);
  throws(
    () => model.accumulateGrad(zeros([4, 5])),
    /Cannot accumulateGrad Sequential: layer 1 \(Dense\(3, 2\)\) failed on gradient of shape \[4, 5\]: Cannot backward Dense\(3, 2\): gradOut has shape \[4, 5\], expected \[4, 2\]/,
  );
  const dense = new Sequential([new Dense(3, 2)]);
  throws(
    () => dense.accumulateGrad(zeros([4, 2])),
    /Cannot accumulateGrad Sequential: layer 0 \(Dense\(3, 2\)\) failed on gradient of shape \[4, 2\]: Cannot accumulateGrad Dense\(3, 2\): there is no forward pass to differentiate/,
  );
});

Deno.test("Sequential runs a Dense and the fused activation after it as one backend call, same values", () => {
  const layers = () => [new Dense(3, 4), new Tanh(), new Dense(4, 2), new Sigmoid()];
  manualSeed(8);
  const fused = new Sequential(layers());
  manualSeed(8);
  const byHand = layers(); // the same weights, each layer run on its own
  const x = randn([5, 3]), g = randn([5, 2]);
  const backend = cpu.backend;
  const denseForward = backend.denseForward;
  let calls = 0;
  backend.denseForward = function (this: Backend, ...args: Parameters<Backend["denseForward"]>) {
    calls++;
    return denseForward.apply(this, args);
  };
  let y;
  try {
    y = fused.forward(x);
  } finally {
    backend.denseForward = denseForward;
  }
  strictEqual(calls, 2); // one per Dense + activation pair
  let h = x;
  for (const layer of byHand) h = layer.forward(h);
  deepStrictEqual(y.toArray(), h.toArray());
  const dx = fused.backward(g);
  let d = g;
  for (const layer of [...byHand].reverse()) d = layer.backward(d);
  deepStrictEqual(dx.toArray(), d.toArray());
  fused.parameters().forEach((p, i) =>
    deepStrictEqual(p.grad.toArray(), byHand.flatMap((l) => l.parameters())[i].grad.toArray())
  );
  // The fused Tanh can still run its own backward: it was handed the pass's values.
  deepStrictEqual(
    fused.layers[1].backward(randn([5, 4])).shape,
    [5, 4],
  );
});

Deno.test("Sequential.predict() returns forward's values, bit for bit, and keeps nothing for backward", () => {
  manualSeed(3);
  const bits = (t: { toArray(): unknown }) => (t.toArray() as number[][]).flat().map(String);
  const models = [
    // notebook 3.1's network (a softmax between hidden layers), as separate layers
    mlp([6, 32, 32, 32, 32, 3], {
      activation: ["tanh", "softmax", "sigmoid", "relu"],
      separateActivations: true,
      dtype: "float64",
    }),
    // a classifier ending in a Softmax layer narrower than its hidden layers
    new Sequential([...mlp([5, 32, 32, 3], { dtype: "float64" }).layers, new Softmax()]),
    // float32 and a LeakyReLU: no chain, forward then release
    mlp([6, 16, 3], { dtype: "float32" }),
    mlp([6, 16, 3], { activation: "leakyRelu", dtype: "float64" }),
  ];
  for (const model of models) {
    const inputs = (model.layers[0] as Dense).inFeatures;
    const dtype = model.parameters()[0].value.dtype;
    for (const rows of [1, 40, 1000]) {
      const x = randn([rows, inputs], { dtype });
      deepStrictEqual(bits(model.predict(x)), bits(model.forward(x)), `${model} × ${rows}`);
      model.predict(x);
      throws(() => model.backward(zeros([rows, 3], { dtype })), /call forward\(x\) first/);
    }
  }
  throws(
    () => models[0].predict(zeros([2, 5], { dtype: "float64" })),
    /layer 0 .* failed on input/,
  );
});
