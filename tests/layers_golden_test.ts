// @glassbox/layers against PyTorch 1.13 (tests/golden/layers.json, written by
// tasks/golden/layers.py): nn.Linear's initial weights bit for bit, and the
// forward values and autograd gradients of every activation, of Dense with
// each activation, and of whole MLPs — float64 within rtol 1e-12, float32
// within rtol 1e-4 / atol 1e-5 (docs/numerics.md).

import {
  type ActivationName,
  createActivation,
  Dense,
  type Layer,
  mlp,
  type Sequential,
} from "@glassbox/layers";
import {
  assertClose,
  type CloseOptions,
  type DType,
  manualSeed,
  type NestedArray,
  rand,
  type Tensor,
  tensor,
} from "@glassbox/tensor";
import { strictEqual } from "node:assert/strict";
import { kaimingUniformBound, linearBiasBound } from "../packages/layers/_init.ts";

type Nested = NestedArray;

interface LinearInitCase {
  seed: string;
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
  dtype: DType;
  weightBound: number;
  biasBound: number;
  weight: Nested;
  biasValues: Nested | null;
  next: number[];
}

interface RandnInitCase {
  seed: number;
  sizes: number[];
  dtype: DType;
  params: { w: Nested; b: Nested }[];
}

interface ActivationCase {
  name: ActivationName;
  dtype: DType;
  x: Nested;
  g: Nested;
  y: Nested;
  gradX: Nested;
}

interface DenseCase {
  activation: ActivationName;
  dtype: DType;
  seed: number;
  bias: boolean;
  weight: Nested;
  biasValues: Nested | null;
  x: Nested;
  g: Nested;
  y: Nested;
  gradWeight: Nested;
  gradBias: Nested | null;
  gradX: Nested;
}

interface MlpCase {
  label: string;
  seed: number;
  sizes: number[];
  activations: ActivationName[];
  dtype: DType;
  stateDict: Record<string, Nested>;
  x: Nested;
  g: Nested;
  y: Nested;
  grads: Record<string, Nested>;
  gradX: Nested;
}

const fixture: {
  linearInit: LinearInitCase[];
  randnInit: RandnInitCase[];
  activations: ActivationCase[];
  dense: DenseCase[];
  mlps: MlpCase[];
} = JSON.parse(await Deno.readTextFile(new URL("./golden/layers.json", import.meta.url)));

const EXACT: CloseOptions = { rtol: 0, atol: 0 };
const tolerance = (dtype: DType): CloseOptions =>
  dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
const t = (data: Nested, dtype: DType): Tensor => tensor(data, { dtype });

Deno.test("Dense init equals nn.Linear's after the same manualSeed, bit for bit", async (ctx) => {
  for (const c of fixture.linearInit) {
    const name = `seed ${c.seed} Linear(${c.inFeatures}, ${c.outFeatures}${
      c.bias ? "" : ", bias=False"
    }) ${c.dtype}`;
    await ctx.step(name, () => {
      strictEqual(kaimingUniformBound(c.inFeatures), c.weightBound, "kaiming_uniform_ bound");
      strictEqual(linearBiasBound(c.inFeatures), c.biasBound, "bias bound");
      manualSeed(BigInt(c.seed));
      const layer = new Dense(c.inFeatures, c.outFeatures, { bias: c.bias, dtype: c.dtype });
      strictEqual(layer.weight.value.dtype, c.dtype);
      assertClose(layer.weight.value, c.weight, { ...EXACT, message: "weight" });
      if (c.biasValues === null) strictEqual(layer.bias, null);
      else assertClose(layer.bias!.value, c.biasValues, { ...EXACT, message: "bias" });
      // Nothing more and nothing less was drawn than PyTorch draws.
      assertClose(rand([3], { dtype: "float64" }), c.next, { ...EXACT, message: "next draw" });
    });
  }
});

Deno.test("init: 'randn' draws the notebooks' W = randn(in, out), b = randn(out) per layer, bit for bit", async (ctx) => {
  for (const c of fixture.randnInit) {
    await ctx.step(`seed ${c.seed} ${JSON.stringify(c.sizes)} ${c.dtype}`, () => {
      manualSeed(c.seed);
      const dict = mlp(c.sizes, { init: "randn", dtype: c.dtype }).stateDict();
      c.params.forEach(({ w, b }, i) => {
        // Stored as [out, in]: the transpose of the notebook's W.
        const weight = dict[`${2 * i}.weight`].transpose();
        assertClose(weight, w, { ...EXACT, message: `W${i + 1}` });
        assertClose(dict[`${2 * i}.bias`], b, { ...EXACT, message: `b${i + 1}` });
      });
    });
  }
});

function checkLayer(
  layer: Layer,
  c: { x: Nested; g: Nested; y: Nested; gradX: Nested; dtype: DType },
): void {
  const tol = tolerance(c.dtype);
  const y = layer.forward(t(c.x, c.dtype));
  strictEqual(y.dtype, c.dtype);
  assertClose(y, c.y, { ...tol, message: "forward" });
  assertClose(layer.backward(t(c.g, c.dtype)), c.gradX, { ...tol, message: "∂L/∂x" });
}

Deno.test("activation layers match PyTorch forward and autograd", async (ctx) => {
  for (const c of fixture.activations) {
    await ctx.step(`${c.name} ${c.dtype}`, () => checkLayer(createActivation(c.name), c));
  }
});

Deno.test("Dense with each activation matches nn.Linear + activation: init, forward, every gradient", async (ctx) => {
  for (const c of fixture.dense) {
    await ctx.step(`Dense(5, 4, ${c.activation}${c.bias ? "" : ", bias=false"}) ${c.dtype}`, () => {
      manualSeed(c.seed);
      const layer = new Dense(5, 4, { activation: c.activation, bias: c.bias, dtype: c.dtype });
      assertClose(layer.weight.value, c.weight, { ...EXACT, message: "initial weight" });
      if (c.biasValues !== null) {
        assertClose(layer.bias!.value, c.biasValues, { ...EXACT, message: "initial bias" });
      }
      checkLayer(layer, c);
      const tol = tolerance(c.dtype);
      assertClose(layer.weight.grad, c.gradWeight, { ...tol, message: "∂L/∂W" });
      if (c.gradBias !== null) {
        assertClose(layer.bias!.grad, c.gradBias, { ...tol, message: "∂L/∂b" });
      }
    });
  }
});

function checkModel(model: Sequential, c: MlpCase, key: (name: string) => string): void {
  const tol = tolerance(c.dtype);
  const dict = model.stateDict();
  for (const [name, value] of Object.entries(c.stateDict)) {
    assertClose(dict[key(name)], value, { ...EXACT, message: `initial ${name}` });
  }
  checkLayer(model, c);
  const params = new Map(model.parameters().map((p) => [p.name, p]));
  for (const [name, grad] of Object.entries(c.grads)) {
    assertClose(params.get(key(name))!.grad, grad, { ...tol, message: `∂L/∂${name}` });
  }
}

Deno.test("mlp() matches nn.Sequential: initial state dict, forward and every gradient", async (ctx) => {
  for (const c of fixture.mlps) {
    await ctx.step(`${c.label} ${c.dtype}, activations as layers`, () => {
      manualSeed(c.seed);
      const model = mlp(c.sizes, { activation: c.activations, dtype: c.dtype });
      strictEqual(Object.keys(model.stateDict()).join(), Object.keys(c.stateDict).join());
      checkModel(model, c, (name) => name);
    });
    await ctx.step(`${c.label} ${c.dtype}, activations as Dense options`, () => {
      manualSeed(c.seed);
      const model = mlp(c.sizes, {
        activation: c.activations,
        dtype: c.dtype,
        separateActivations: false,
      });
      // PyTorch's "2.weight" (Linear, ReLU, Linear) is the fused model's "1.weight".
      checkModel(model, c, (name) => name.replace(/^(\d+)\./, (_, i) => `${Number(i) / 2}.`));
    });
  }
});

Deno.test("the notebook's 2-3-4-2 check: randn init after manualSeed(0) prints its output", () => {
  // torch_random.json's "mlp": the seed notebook's float32 randn weights and output.
  manualSeed(0);
  const model = mlp([2, 3, 4, 2], { activation: "relu", init: "randn", dtype: "float32" });
  const y = model.forward(tensor([[-1, 2], [1, -2]], { dtype: "float32" }));
  assertClose(y, [[0.8315, -3.6792], [4.8448, -6.8813]], { rtol: 0, atol: 5e-5 });
});
