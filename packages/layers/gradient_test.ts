// Every backward pass against central finite differences of its forward
// pass, in float64: activations, Dense with each activation (∂L/∂W, ∂L/∂b,
// ∂L/∂x) and a Sequential. L = Σ g ⊙ forward(x) for a fixed random g.

import { assertClose, manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import {
  ACTIVATION_NAMES,
  createActivation,
  Dense,
  type Layer,
  mlp,
  type Parameter,
} from "./mod.ts";

const EPS = 1e-6;

/** L(x) = Σ g ⊙ layer.forward(x). */
function loss(layer: Layer, x: Tensor, g: Tensor): number {
  return layer.forward(x).mul(g).sum().item();
}

/** Central differences of L with respect to each element of `values`, which `rebuild` turns into the input. */
function numericGradient(
  values: Float64Array,
  evaluate: (values: Float64Array) => number,
): Float64Array {
  const grad = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    values[i] = v + EPS;
    const up = evaluate(values);
    values[i] = v - EPS;
    const down = evaluate(values);
    values[i] = v;
    grad[i] = (up - down) / (2 * EPS);
  }
  return grad;
}

/** Checks ∂L/∂x and ∂L/∂p for every parameter p against central differences. */
function check(layer: Layer, x: Tensor, message: string): void {
  const g = randn(layer.forward(x).shape);
  layer.zeroGrad();
  layer.forward(x);
  const gradX = layer.backward(g);
  const analytic = new Map(layer.parameters().map((p) => [p.name, p.grad]));
  const opts = { rtol: 1e-6, atol: 1e-7 };
  const xs = x.toTypedArray() as Float64Array;
  const numX = numericGradient(xs.slice(), (v) => loss(layer, tensor(v, { shape: x.shape }), g));
  assertClose(gradX, tensor(numX, { shape: x.shape }), { ...opts, message: `${message}: ∂L/∂x` });
  for (const p of layer.parameters()) {
    const original = p.value;
    const num = numericGradient(original.toTypedArray().slice() as Float64Array, (v) => {
      (p as Parameter).value = tensor(v, { shape: original.shape });
      return loss(layer, x, g);
    });
    p.value = original;
    assertClose(analytic.get(p.name)!, tensor(num, { shape: original.shape }), {
      ...opts,
      message: `${message}: ∂L/∂${p.name}`,
    });
  }
}

Deno.test("activation backward passes match central differences", () => {
  manualSeed(10);
  for (const name of ACTIVATION_NAMES) {
    // Keep ReLU-like kinks away from the difference step.
    const x = randn([4, 5]).mul(2).add(0.01);
    check(createActivation(name), x, name);
  }
});

Deno.test("Dense backward (∂L/∂W = Δᵀ·A, ∂L/∂b = 1ᵀ·Δ, ∂L/∂A = Δ·W) matches central differences", () => {
  manualSeed(11);
  for (const activation of ACTIVATION_NAMES) {
    check(new Dense(3, 4, { activation }), randn([5, 3]), `Dense(3, 4, ${activation})`);
  }
  check(new Dense(3, 2, { bias: false }), randn([4, 3]), "Dense without bias");
  check(new Dense(3, 2, { activation: "tanh" }), randn([2, 4, 3]), "Dense on [2, 4, 3]");
  check(new Dense(3, 2, { activation: "sigmoid" }), randn([3]), "Dense on a 1-D input");
});

Deno.test("Sequential backward matches central differences through the whole chain", () => {
  manualSeed(12);
  const model = mlp([4, 6, 5, 3], { activation: ["tanh", "gelu"], outputActivation: "softmax" });
  check(model, randn([3, 4]), "mlp 4-6-5-3");
});
