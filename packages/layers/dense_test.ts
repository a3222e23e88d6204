import {
  assertClose,
  Generator,
  manualSeed,
  ones,
  rand,
  randn,
  tensor,
  zeros,
} from "@glassbox/tensor";
import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Dense, GELU, type Parameter, ReLU } from "./mod.ts";

Deno.test("Dense.backward() accumulates gradients across calls until zeroGrad()", () => {
  manualSeed(0);
  const layer = new Dense(3, 2, { activation: "tanh" });
  const x = randn([4, 3]), g = randn([4, 2]);
  layer.forward(x);
  layer.backward(g);
  const once = layer.parameters().map((p) => p.grad.view()); // the next accumulate releases p.grad itself
  layer.forward(x);
  layer.backward(g);
  layer.parameters().forEach((p, i) => assertClose(p.grad, once[i].mul(2), { rtol: 1e-15 }));
  layer.zeroGrad();
  for (const p of layer.parameters()) {
    deepStrictEqual(Array.from(p.grad.toTypedArray()), new Array(p.grad.size).fill(0));
  }
});

Deno.test("Dense.forward() computes x·Wᵀ + b with the weight stored [out, in]", () => {
  const layer = new Dense(3, 2);
  layer.loadStateDict({ weight: tensor([[1, 0, -1], [2, 1, 0]]), bias: tensor([0.5, -0.5]) });
  deepStrictEqual(layer.forward(tensor([[1, 2, 3]])).toArray(), [[-1.5, 3.5]]);
});

Deno.test("Dense accepts [N, in], [in] and [..., in] inputs and returns gradients of the same shape", () => {
  manualSeed(1);
  const layer = new Dense(3, 2);
  deepStrictEqual(layer.forward(randn([3])).shape, [2]);
  deepStrictEqual(layer.backward(ones([2])).shape, [3]);
  deepStrictEqual(layer.forward(randn([2, 5, 3])).shape, [2, 5, 2]);
  deepStrictEqual(layer.backward(ones([2, 5, 2])).shape, [2, 5, 3]);
});

Deno.test("Dense errors name the layer and the shapes got and expected", () => {
  const layer = new Dense(6, 32);
  throws(
    () => layer.forward(zeros([8, 5])),
    {
      name: "TypeError",
      message:
        "Cannot forward Dense(6, 32): input has shape [8, 5], expected [N, 6] (the last axis must have 6 features)",
    },
  );
  throws(
    () => layer.backward(zeros([8, 32])),
    /Cannot backward Dense\(6, 32\): there is no forward pass/,
  );
  layer.forward(zeros([8, 6]));
  throws(
    () => layer.backward(zeros([8, 3])),
    /Cannot backward Dense\(6, 32\): gradOut has shape \[8, 3\], expected \[8, 32\]/,
  );
  throws(
    () => layer.forward(zeros([8, 6], { dtype: "float32" })),
    /input is float32 on cpu, parameters are float64 on cpu/,
  );
  throws(
    () => layer.forward([[1]] as never),
    /Cannot forward Dense\(6, 32\): the input is an array, expected a Tensor/,
  );
  throws(() => layer.forward(tensor(1)), /input has shape \[\], expected \[N, 6\]/);
});

Deno.test("new Dense() validates its arguments", () => {
  throws(
    () => new Dense(0, 3),
    /Cannot create Dense: inFeatures must be an integer >= 1, got 0/,
  );
  throws(() => new Dense(2, 1.5), /outFeatures must be an integer >= 1, got 1.5/);
  throws(() => new Dense(2, 3, { init: "xavier" as "randn" }), /unknown init "xavier"/);
  throws(() => new Dense(2, 3, { activation: "swish" as "relu" }), /unknown activation "swish"/);
  throws(
    () => new Dense(2, 3, { activation: new Dense(3, 3) }),
    /has parameters, add it as its own layer/,
  );
});

Deno.test("Dense options: dtype, generator, randn init, layer activations", () => {
  const a = new Dense(4, 3, { generator: new Generator(5) });
  const b = new Dense(4, 3, { generator: new Generator(5) });
  deepStrictEqual(a.weight.value.toArray(), b.weight.value.toArray());
  manualSeed(5);
  const c = new Dense(4, 3);
  deepStrictEqual(c.weight.value.toArray(), a.weight.value.toArray());

  manualSeed(0);
  const w = randn([4, 3]), bias = randn([3]);
  manualSeed(0);
  const r = new Dense(4, 3, { init: "randn" });
  deepStrictEqual(r.weight.value.toArray(), w.transpose().toArray());
  deepStrictEqual(r.bias!.value.toArray(), bias.toArray());

  const f = new Dense(2, 2, { dtype: "float32", activation: new GELU() });
  strictEqual(f.weight.value.dtype, "float32");
  strictEqual(f.bias!.value.dtype, "float32");
  strictEqual(String(f), "Dense(2, 2, activation=GELU())");
  ok(new Dense(2, 2, { activation: new ReLU() }).activation instanceof ReLU);
});

Deno.test("Dense draws weight then bias, like nn.Linear, and only those", () => {
  manualSeed(3);
  const layer = new Dense(2, 2);
  const next = rand([1]).item();
  manualSeed(3);
  rand([6]); // 4 weights + 2 biases
  strictEqual(rand([1]).item(), next);
  const bound = 1 / Math.sqrt(2);
  ok(layer.weight.value.toTypedArray().every((v) => Math.abs(v) <= bound));
});

Deno.test("Dense.to() converts parameters and keeps working", () => {
  manualSeed(2);
  const layer = new Dense(3, 2, { activation: "relu" });
  const x = randn([4, 3]);
  const y64 = layer.forward(x);
  layer.to("float32");
  for (const p of layer.parameters()) strictEqual(p.value.dtype, "float32");
  const y32 = layer.forward(x.to("float32"));
  assertClose(y32, y64.to("float32"), { rtol: 1e-6, atol: 1e-6 });
  layer.backward(ones([4, 2], { dtype: "float32" }));
  strictEqual(layer.weight.grad.dtype, "float32");
});

Deno.test("optimizer-style updates through parameters() change the layer", () => {
  const layer = new Dense(1, 1);
  const before = layer.forward(tensor([[1]])).item();
  for (const p of layer.parameters()) p.value = p.value.add(1);
  strictEqual(layer.forward(tensor([[1]])).item(), before + 2);
  throws(
    () => {
      (layer.parameters()[0] as Parameter).value = zeros([2, 1]);
    },
    /Cannot set value of parameter weight: got \[2, 1\] float64 on cpu, expected \[1, 1\] float64 on cpu/,
  );
  notDeepStrictEqual(layer.weight.value.toArray(), [[0]]);
});
