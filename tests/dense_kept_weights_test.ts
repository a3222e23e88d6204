// The CPU's small kernel keeps each small dense layer's W (and Wᵀ) in its WebAssembly memory
// between calls (packages/tensor/wasm/small_kept.ts). A kept copy that outlived a write of
// W would be a silent wrong answer: here every forward and backward, after every way W
// changes (SGD and Adam steps in place, momentum, an assigned value, a loaded state dict, a
// dtype round trip, the same layer used between steps), gives the bits of a reference
// layer that never keeps anything (a fresh Dense built from the same numbers each time).

import { Dense, mlp } from "@glassbox/layers";
import { CategoricalCrossEntropy } from "@glassbox/losses";
import { manualSeed, rand, randn, type Tensor, tensor, tidy } from "@glassbox/tensor";
import { Adam, SGD } from "@glassbox/trainer";
import { deepStrictEqual, strictEqual } from "node:assert/strict";

/**
 * out and ∂L/∂x of a fresh Dense with `layer`'s current weights (no kept copy to read). The
 * weights are read through `borrow()`: reading `value` would make the next optimizer step
 * write a copy instead of W in place, the case a stale copy would get wrong.
 */
function reference(layer: Dense, x: Tensor, g: Tensor): [Float64Array, Float64Array] {
  const fresh = new Dense(layer.inFeatures, layer.outFeatures, {
    activation: "relu",
    dtype: "float64",
  });
  fresh.weight.value = layer.weight.borrow().clone();
  fresh.bias!.value = layer.bias!.borrow().clone();
  const out = fresh.forward(x).toTypedArray() as Float64Array;
  const dx = fresh.backward(g).toTypedArray() as Float64Array;
  fresh.release();
  return [out, dx];
}

function check(layer: Dense, x: Tensor, g: Tensor, what: string): void {
  tidy(() => {
    const [out, dx] = reference(layer, x, g);
    deepStrictEqual(layer.forward(x).toTypedArray(), out, `${what}: forward`);
    deepStrictEqual(layer.backward(g).toTypedArray(), dx, `${what}: ∂L/∂x`);
    layer.release();
  });
}

Deno.test("a small Dense gives fresh bits after every write of its weight", () => {
  manualSeed(4);
  const layer = new Dense(32, 32, { activation: "relu", dtype: "float64" });
  const x = randn([33, 32], { dtype: "float64" }), g = randn([33, 32], { dtype: "float64" });
  check(layer, x, g, "first call");
  check(layer, x, g, "second call, nothing written");
  for (const optimizer of [new SGD({ lr: 0.1, momentum: 0.9 }), new Adam({ lr: 0.01 })]) {
    optimizer.attach(layer.parameters());
    let w: Tensor | null = null;
    for (let step = 0; step < 3; step++) {
      layer.zeroGrad();
      tidy(() => {
        layer.forward(x);
        layer.backward(g);
        layer.release();
      });
      optimizer.step(); // writes W in place
      // The first write may copy (a value the parameter did not make); the next ones are in place.
      if (step > 0) strictEqual(layer.weight.borrow(), w, "the step wrote W in place");
      w = layer.weight.borrow();
      check(layer, x, g, `${optimizer.constructor.name} step ${step}`);
    }
  }
  layer.weight.value = randn([32, 32], { dtype: "float64" });
  check(layer, x, g, "assigned value");
  const dict = new Dense(32, 32, { dtype: "float64" }).stateDict();
  layer.loadStateDict(dict);
  check(layer, x, g, "loaded state dict");
  layer.to("float32").to("float64");
  check(layer, x, g, "dtype round trip");
});

Deno.test("the classification network trains to the same bits with its layers' kept weights", () => {
  // Two identical networks stepped alike: one reads kept copies, the other is rebuilt from
  // the first's numbers before each step, so it never reuses a copy.
  manualSeed(9);
  const sizes = [5, 32, 32, 32, 3];
  const make = () =>
    mlp(sizes, { activation: "relu", outputActivation: "softmax", dtype: "float64" });
  const model = make();
  let written: Tensor[] = [];
  const xb = randn([33, 5], { dtype: "float64" });
  const labels = Array.from(rand([33]).toTypedArray(), (u) => Math.floor(u * 3));
  const yb = tensor(labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0))), {
    dtype: "float64",
  });
  const loss = new CategoricalCrossEntropy();
  const opt = new SGD({ lr: 0.08, params: model.parameters() });
  const step = (net: typeof model, optimizer: SGD) => {
    net.zeroGrad();
    const out = net.forward(xb);
    loss.forward(out, yb).dispose();
    const grad = loss.backward();
    net.accumulateGrad(grad);
    grad.dispose();
    out.dispose();
    optimizer.step();
    net.release();
    loss.release();
  };
  for (let i = 0; i < 5; i++) {
    // The model's weights are written in place, step after step (the case under test).
    // (The first step copies the constructor's values; the later ones write those copies.)
    if (i > 1) model.parameters().forEach((p, j) => strictEqual(p.borrow(), written[j]));
    written = model.parameters().map((p) => p.borrow());
    const twin = make();
    twin.parameters().forEach((p, j) => {
      p.value = model.parameters()[j].borrow().clone(); // borrow: the model's steps stay in place
    });
    step(model, opt);
    step(twin, new SGD({ lr: 0.08, params: twin.parameters() }));
    model.parameters().forEach((p, j) => {
      const mine = p.borrow().toTypedArray();
      deepStrictEqual(mine, twin.parameters()[j].borrow().toTypedArray(), p.name);
    });
  }
});
