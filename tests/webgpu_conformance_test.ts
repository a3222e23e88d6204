// Layers and losses on WebGPU, forward and backward: against the PyTorch
// float32 fixtures (tests/golden/layers.json, losses.json) and against the
// CPU backend in float32 and float64, at the float32 tolerances of docs/numerics.md
// (rtol 1e-4, atol 1e-5). Models are built on the CPU (PyTorch's init) and
// moved with `model.to(device)`; class-index targets stay on the CPU, as
// @glassbox/losses requires.

import { decodeStored, lossFixture, makeLoss, type Stored, storedTensor } from "./_loss_fixture.ts";
import {
  type ActivationName,
  createActivation,
  Dense,
  type Layer,
  mlp,
  type Sequential,
} from "@glassbox/layers";
import {
  BCELoss,
  BCEWithLogitsLoss,
  CategoricalCrossEntropy,
  CrossEntropyLoss,
  type Loss,
  MSELoss,
} from "@glassbox/losses";
import {
  assertClose,
  type Device,
  type DType,
  manualSeed,
  type NestedArray,
  rand,
  randn,
  type Tensor,
  tensor,
} from "@glassbox/tensor";
import {
  assertMatchesCpu,
  type RunContext,
  setupWebGPUTests,
} from "@glassbox/webgpu-kernels/testing";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";

const { device, ignore } = await setupWebGPUTests("webgpu_conformance_test.ts");
const gpu = device!;
const F32 = { rtol: 1e-4, atol: 1e-5 };
/** Worst share of the tolerance used, |a − e| / (atol + rtol·|e|), vs PyTorch and vs the CPU. */
const worst = { torch: 0, torchAbs: 0, cpu: 0 };

async function close(actual: Tensor, expected: NestedArray, message: string): Promise<void> {
  strictEqual(actual.device, gpu, `${message} ran on the GPU`);
  const got = await actual.readTypedArray();
  assertClose(got, expected, { ...F32, equalNan: true, message });
  const want = [expected].flat(Infinity as 1) as number[];
  got.forEach((a, i) => {
    const e = want[i];
    if (a === e || (a !== a && e !== e)) return;
    worst.torchAbs = Math.max(worst.torchAbs, Math.abs(a - e));
    worst.torch = Math.max(worst.torch, Math.abs(a - e) / (F32.atol + F32.rtol * Math.abs(e)));
  });
}

// ---- PyTorch float32 fixtures ---------------------------------------------

type Nested = NestedArray;
interface LayerCase {
  dtype: DType;
  x: Nested;
  g: Nested;
  y: Nested;
  gradX: Nested;
}
interface ActivationCase extends LayerCase {
  name: ActivationName;
}
interface DenseCase extends LayerCase {
  activation: ActivationName;
  seed: number;
  bias: boolean;
  gradWeight: Nested;
  gradBias: Nested | null;
}
interface MlpCase extends LayerCase {
  label: string;
  seed: number;
  sizes: number[];
  activations: ActivationName[];
  grads: Record<string, Nested>;
}
const layers: { activations: ActivationCase[]; dense: DenseCase[]; mlps: MlpCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/layers.json", import.meta.url)),
);

const onGpu = (data: Nested) => tensor(data, { dtype: "float32", device: gpu });

async function checkLayer(layer: Layer, c: LayerCase): Promise<void> {
  await close(layer.forward(onGpu(c.x)), c.y, "forward");
  await close(layer.backward(onGpu(c.g)), c.gradX, "∂L/∂x");
}

Deno.test({
  name: "activation layers on WebGPU match PyTorch float32 forward and autograd",
  ignore,
  async fn(t) {
    for (const c of layers.activations.filter((c) => c.dtype === "float32")) {
      await t.step(c.name, () => checkLayer(createActivation(c.name), c));
    }
  },
});

Deno.test({
  name:
    "Dense with each activation, moved to WebGPU, matches nn.Linear float32: forward and every gradient",
  ignore,
  async fn(t) {
    for (const c of layers.dense.filter((c) => c.dtype === "float32")) {
      await t.step(`Dense(5, 4, ${c.activation}${c.bias ? "" : ", bias=false"})`, async () => {
        manualSeed(c.seed);
        const layer = new Dense(5, 4, { activation: c.activation, bias: c.bias, dtype: "float32" });
        layer.to(gpu);
        strictEqual(layer.weight.value.device, gpu);
        await checkLayer(layer, c);
        await close(layer.weight.grad, c.gradWeight, "∂L/∂W");
        if (c.gradBias !== null) await close(layer.bias!.grad, c.gradBias, "∂L/∂b");
      });
    }
  },
});

Deno.test({
  name: "mlp() on WebGPU matches nn.Sequential float32: forward and every gradient",
  ignore,
  async fn(t) {
    for (const c of layers.mlps.filter((c) => c.dtype === "float32")) {
      await t.step(c.label, async () => {
        manualSeed(c.seed);
        const model = mlp(c.sizes, { activation: c.activations, dtype: "float32" }).to(gpu);
        await checkLayer(model, c);
        const params = new Map(model.parameters().map((p) => [p.name, p]));
        for (const [name, grad] of Object.entries(c.grads)) {
          await close(params.get(name)!.grad, grad, `∂L/∂${name}`);
        }
      });
    }
  },
});

const losses = lossFixture;
const decode = decodeStored;
const load = (s: Stored, where: Device | "cpu") =>
  storedTensor(s, { dtype: "float32", device: where === "cpu" ? undefined : where });

Deno.test({
  name: "every loss on WebGPU matches PyTorch float32 autograd: value and gradient",
  ignore,
  async fn(t) {
    for (const c of losses.cases.filter((c) => c.dtype === "float32")) {
      await t.step(`${c.loss}: ${c.name}`, async () => {
        const classIndices = c.target.shape.length === 1 && c.pred.shape.length === 2;
        const target = load(c.target, classIndices ? "cpu" : gpu);
        const loss = makeLoss(c, { dtype: "float32", device: gpu });
        await close(loss.forward(load(c.pred, gpu), target), decode(c.value), "loss");
        const g = c.gradOutput === null ? loss.backward() : loss.backward(load(c.gradOutput, gpu));
        await close(g, decode(c.grad), "gradient");
      });
    }
  },
});

// ---- WebGPU float32 vs CPU float32 and float64 ----------------------------

const ACTIVATIONS: ActivationName[] = [
  "identity",
  "relu",
  "sigmoid",
  "tanh",
  "softmax",
  "logSoftmax",
  "leakyRelu",
  "gelu",
  "softplus",
  "elu",
];

/** A CPU float32 model moved to where `ctx` says: the same weights on every device. */
function build<T extends { to(target: DType | Device): unknown }>(
  make: () => T,
  ctx: RunContext,
): T {
  const model = make();
  model.to(ctx.dtype);
  model.to(ctx.device);
  return model;
}

function gradients(model: Layer): Tensor[] {
  return model.parameters().map((p) => p.grad);
}

async function matches(
  fn: (ctx: RunContext, ...xs: Tensor[]) => Tensor | Tensor[],
  inputs: Tensor[],
  message: string,
): Promise<void> {
  const r = await assertMatchesCpu(fn, inputs, { device: gpu, message });
  worst.cpu = Math.max(worst.cpu, r.toleranceUsed);
}

Deno.test({
  name:
    "Dense with every activation: WebGPU matches the CPU in float32 and float64, forward and backward",
  ignore,
  async fn() {
    manualSeed(3);
    const [x, g] = [randn([33, 20]), randn([33, 17])];
    for (const activation of ACTIVATIONS) {
      await matches(
        (ctx, xs, gs) => {
          manualSeed(1);
          const layer = build(() => new Dense(20, 17, { activation, dtype: "float32" }), ctx);
          const y = layer.forward(xs);
          return [y, layer.backward(gs), ...gradients(layer)];
        },
        [x, g],
        `Dense(20, 17, ${activation})`,
      );
    }
  },
});

Deno.test({
  name: "an MLP and each loss: WebGPU matches the CPU in float32 and float64, end to end",
  ignore,
  async fn() {
    manualSeed(4);
    const x = randn([64, 30]);
    const labels = tensor(Array.from({ length: 64 }, (_, i) => (i * 7) % 10), { dtype: "float32" });
    const probs = rand([64, 10]);
    const make = () =>
      mlp([30, 70, 70, 10], { activation: ["relu", "tanh"], dtype: "float32" }) as Sequential;
    const cases: [string, (logits: Tensor) => [Loss, Tensor]][] = [
      ["CrossEntropyLoss", (z) => [new CrossEntropyLoss(), z]],
      ["MSELoss", (z) => [new MSELoss(), z]],
      ["BCEWithLogitsLoss", (z) => [new BCEWithLogitsLoss(), z]],
      ["BCELoss", (z) => [new BCELoss(), z.sigmoid()]],
      ["CategoricalCrossEntropy", (z) => [new CategoricalCrossEntropy(), z.softmax()]],
    ];
    for (const [name, pick] of cases) {
      await matches(
        (ctx, xs, ps) => {
          manualSeed(2);
          const model = build(make, ctx);
          const logits = model.forward(xs);
          const [loss, pred] = pick(logits);
          const target = name === "CrossEntropyLoss" ? labels.to(ctx.dtype) : ps;
          const value = loss.forward(pred, target);
          const gradPred = loss.backward();
          // Through the prediction transform by hand, then the model's backward.
          const gradLogits = name === "BCELoss"
            ? gradPred.mul(pred).mul(pred.neg().add(1))
            : name === "CategoricalCrossEntropy"
            ? pred.mul(gradPred.sub(gradPred.mul(pred).sum(1, { keepDims: true })))
            : gradPred;
          const gradX = model.backward(gradLogits);
          return [value, gradPred, gradX, ...gradients(model)];
        },
        [x, probs],
        `mlp 30-70-70-10 + ${name}`,
      );
    }
  },
});

Deno.test({
  name: "a few SGD steps of an MLP by hand on WebGPU follow the CPU float64 run",
  ignore,
  async fn() {
    manualSeed(5);
    const x = randn([48, 6]), y = randn([48, 3]);
    await matches(
      (ctx, xs, ys) => {
        manualSeed(0);
        const model = build(
          () => mlp([6, 32, 32, 3], { activation: ["tanh", "sigmoid"], dtype: "float32" }),
          ctx,
        );
        const loss = new MSELoss();
        const values: Tensor[] = [];
        for (let step = 0; step < 5; step++) {
          values.push(loss.forward(model.forward(xs), ys));
          model.zeroGrad();
          model.backward(loss.backward());
          for (const p of model.parameters()) p.value = p.value.sub(p.grad.mul(0.5));
        }
        return [...values, ...model.parameters().map((p) => p.value)];
      },
      [x, y],
      "5 SGD steps",
    );
  },
});

Deno.test({
  name: "the conformance run reported no WebGPU error and stayed within tolerance",
  ignore,
  fn() {
    deepStrictEqual(gpu.errors(), []);
    ok(worst.cpu < 1 && worst.torch < 1);
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    console.log(
      `layers/losses on ${gpu.adapter}: share of the float32 tolerance used: vs PyTorch ${
        pct(worst.torch)
      } (max |Δ| ${worst.torchAbs.toExponential(2)}), vs the CPU ${pct(worst.cpu)}`,
    );
  },
});
