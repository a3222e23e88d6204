// `fit` on WebGPU (float32) against `fit` on the CPU in float64, from the
// same float32 initial parameters and data: the epoch losses and the
// parameters after several epochs, for every loss, optimizer and activation
// the GPU path fuses or composes, with a shorter last batch; one full-batch
// step within the single-pass tolerance; and a saved SGD momentum continued.

import { Dense, type Layer, Sequential } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import { Adam, AdamW, fit, type Optimizer, SGD } from "@glassbox/trainer";
import { assertClose, manualSeed, rand, randn, type Tensor, tensor } from "@glassbox/tensor";
import { ok } from "node:assert/strict";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";

const { device, ignore } = await setupWebGPUTests("fit_webgpu_scenarios_test.ts");

type Activation =
  | "identity"
  | "relu"
  | "tanh"
  | "sigmoid"
  | "softmax"
  | "softplus"
  | "leakyRelu"
  | "elu";

/** A training scenario: layer sizes and activations, data, loss, optimizer, batching. */
interface Scenario {
  sizes: number[];
  activations: Activation[];
  loss: () => Loss;
  targets: "classes" | "probabilities" | "values";
  optimizer: (params: ReturnType<Layer["parameters"]>) => Optimizer;
  rows: number;
  batch: number;
  epochs: number;
  /** Class-index targets set to -100 (ignored) at these rows. */
  ignoredRows?: number[];
  /** Activations as separate layers after each Dense (keys 0, 2, …). */
  separate?: boolean;
}

/** A model of the scenario's architecture in a dtype, on the CPU. */
function build(s: Scenario, dtype: "float32" | "float64"): Sequential {
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < s.sizes.length; i++) {
    const activation = s.activations[i];
    if (s.separate) {
      layers.push(new Dense(s.sizes[i], s.sizes[i + 1], { dtype }));
      if (activation !== "identity") {
        layers.push(new Dense(1, 1, { activation }).activation);
      }
    } else {
      layers.push(new Dense(s.sizes[i], s.sizes[i + 1], { dtype, activation }));
    }
  }
  return new Sequential(layers);
}

/** Data of the scenario: x [rows, in] and targets, float32 values held in float64. */
function data(s: Scenario): { x: Tensor; y: Tensor } {
  const [inF, outF] = [s.sizes[0], s.sizes[s.sizes.length - 1]];
  const x = randn([s.rows, inF]).to("float32").to("float64");
  let y: Tensor;
  if (s.targets === "classes") {
    const u = rand([s.rows]).toTypedArray();
    y = tensor(Array.from(u, (v, i) => s.ignoredRows?.includes(i) ? -100 : Math.floor(v * outF)));
  } else if (s.targets === "probabilities") {
    y = randn([s.rows, outF]).softmax(1).to("float32").to("float64");
  } else {
    y = randn([s.rows, outF]).to("float32").to("float64");
  }
  return { x, y };
}

interface Run {
  epochLosses: number[];
  params: Float64Array[];
}

/** `fit` from the initial parameters `init`: on the CPU in float64, or on the device in float32. */
async function run(
  s: Scenario,
  init: Float32Array[],
  data: { x: Tensor; y: Tensor },
  onGpu: boolean,
): Promise<Run> {
  const dtype = onGpu ? "float32" : "float64";
  const model = build(s, dtype);
  model.parameters().forEach((p, i) => {
    p.value = tensor(onGpu ? init[i] : Float64Array.from(init[i]), { shape: p.value.shape, dtype });
  });
  if (onGpu) model.to(device!);
  const history = await fit(model, {
    x: data.x.to(dtype),
    y: data.y.to(dtype),
    loss: s.loss(),
    optimizer: s.optimizer(model.parameters()),
    epochs: s.epochs,
    batchSize: s.batch,
    nanGuard: false,
  });
  const params = await Promise.all(
    model.parameters().map(async (p) => Float64Array.from(await p.borrow().readTypedArray())),
  );
  if (onGpu) { for (const p of model.parameters()) p.borrow().dispose(); }
  return { epochLosses: history.epochs.map((e) => e.loss), params };
}

/** Runs both from the same float32 initial parameters and compares them. */
async function compare(s: Scenario, tolerance = { rtol: 1e-3, atol: 1e-5 }): Promise<void> {
  manualSeed(7);
  const init = build(s, "float32").parameters().map((p) => p.value.toTypedArray() as Float32Array);
  const d = data(s);
  const cpu = await run(s, init, d, false);
  const gpu = await run(s, init, d, true);
  assertClose(gpu.epochLosses, cpu.epochLosses, { ...tolerance, message: "epoch losses" });
  gpu.params.forEach((p, i) => {
    assertClose(p, cpu.params[i], { ...tolerance, message: `parameter ${i}` });
  });
  ok(device!.errors().length === 0, device!.errors().join("\n"));
}

const base = { rows: 40, batch: 16, epochs: 3 }; // batches of 16, 16 and 8 rows

Deno.test({
  name:
    "fit on WebGPU matches the CPU float64 path for relu, cross entropy on class indices and SGD with momentum",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [12, 20, 16, 5],
      activations: ["relu", "relu", "identity"],
      loss: () => new CrossEntropyLoss(),
      targets: "classes",
      optimizer: (params) =>
        new SGD({ lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3, params }),
    }),
});

Deno.test({
  name:
    "fit on WebGPU matches the CPU path for tanh, probability targets with label smoothing and Nesterov SGD",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [9, 24, 4],
      activations: ["tanh", "identity"],
      loss: () => new CrossEntropyLoss({ labelSmoothing: 0.1 }),
      targets: "probabilities",
      optimizer: (params) =>
        new SGD({ lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-2, params }),
    }),
});

Deno.test({
  name: "fit on WebGPU matches the CPU path for sigmoid, MSE and Adam with L2 and AMSGrad",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [6, 10, 10, 3],
      activations: ["sigmoid", "tanh", "identity"],
      loss: () => new MSELoss(),
      targets: "values",
      optimizer: (params) => new Adam({ lr: 0.01, weightDecay: 1e-2, amsgrad: true, params }),
      separate: true,
    }),
});

Deno.test({
  name: "fit on WebGPU matches the CPU path for a hidden softmax, ignored targets and AdamW",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [8, 12, 10, 6],
      activations: ["softmax", "relu", "identity"],
      loss: () => new CrossEntropyLoss(),
      targets: "classes",
      ignoredRows: [0, 3, 17, 33, 34],
      optimizer: (params) => new AdamW({ lr: 0.01, betas: [0.8, 0.99], params }),
    }),
});

Deno.test({
  name:
    "fit on WebGPU matches the CPU path for an output sigmoid or softmax under MSE and plain SGD",
  ignore,
  async fn() {
    for (const last of ["sigmoid", "softmax"] as const) {
      await compare({
        ...base,
        sizes: [5, 7, 3],
        activations: ["identity", last],
        loss: () => new MSELoss(),
        targets: "values",
        optimizer: (params) => new SGD({ lr: 0.5, params }),
      });
    }
  },
});

// The activations added as fused backend ops, each fused into its Dense and as
// a separate layer; one row per activation, the same 7-16-12-2 MSE scenario.
const FUSED_ACTIVATION_SCENARIOS: (Pick<Scenario, "activations" | "optimizer"> & {
  what: string;
})[] = [
  {
    what: "Softplus and leaky ReLU (fused and as layers), MSE and Adam",
    activations: ["softplus", "leakyRelu", "identity"],
    optimizer: (params) => new Adam({ lr: 0.01, params }),
  },
  {
    what: "ELU (fused and as a layer), MSE and SGD momentum",
    activations: ["elu", "tanh", "identity"],
    optimizer: (params) => new SGD({ lr: 0.05, momentum: 0.9, params }),
  },
];

for (const { what, activations, optimizer } of FUSED_ACTIVATION_SCENARIOS) {
  Deno.test({
    name: `fit on WebGPU matches the CPU path for ${what}`,
    ignore,
    async fn() {
      for (const separate of [false, true]) {
        await compare({
          ...base,
          sizes: [7, 16, 12, 2],
          activations,
          loss: () => new MSELoss(),
          targets: "values",
          optimizer,
          separate,
        });
      }
    },
  });
}

Deno.test({
  name:
    "fit on WebGPU matches the CPU path with register-blocked tiles (130 and 100 features, 100-row batches)",
  ignore,
  fn: () =>
    compare({
      rows: 250,
      batch: 100,
      epochs: 2,
      sizes: [100, 130, 64, 10],
      activations: ["relu", "tanh", "identity"],
      loss: () => new CrossEntropyLoss(),
      targets: "classes",
      optimizer: (params) => new Adam({ lr: 1e-3, params }),
    }),
});

Deno.test({
  name:
    "one fit step on WebGPU gives the CPU float64 loss and gradient within the single-pass tolerance",
  ignore,
  async fn() {
    const s: Scenario = {
      rows: 30,
      batch: 30,
      epochs: 1,
      sizes: [100, 130, 10],
      activations: ["relu", "identity"],
      loss: () => new CrossEntropyLoss(),
      targets: "classes",
      optimizer: (params) => new SGD({ lr: 1, params }),
    };
    manualSeed(3);
    const init = build(s, "float32").parameters().map((p) =>
      p.value.toTypedArray() as Float32Array
    );
    const d = data(s);
    const cpu = await run(s, init, d, false); // θ₁ = θ₀ − g
    const gpu = await run(s, init, d, true);
    assertClose(gpu.epochLosses, cpu.epochLosses, { rtol: 1e-4, atol: 1e-5, message: "loss" });
    gpu.params.forEach((p, i) => {
      const stepGpu = p.map((v, k) => v - init[i][k]);
      const stepCpu = cpu.params[i].map((v, k) => v - init[i][k]);
      assertClose(stepGpu, stepCpu, { rtol: 1e-4, atol: 1e-5, message: `−gradient ${i}` });
      ok(stepCpu.some((v) => v !== 0), "the step moves the parameters");
    });
  },
});

Deno.test({
  name: "fit on WebGPU continues a saved SGD momentum (μ·b + (1 − τ)·g), as on the CPU",
  ignore,
  async fn() {
    manualSeed(8);
    const x = randn([6, 3], { dtype: "float32" }), y = randn([6, 2], { dtype: "float32" });
    const settings = { lr: 0.1, momentum: 0.9, dampening: 0.5 };
    const trained = async (onGpu: boolean) => {
      manualSeed(1);
      const model = new Sequential([new Dense(3, 2, { dtype: "float32" })]);
      if (onGpu) model.to(device!);
      const optimizer = new SGD({ ...settings, params: model.parameters() });
      // A saved momentum of 1 everywhere: the step must use it, not start the momentum as g.
      optimizer.loadStateDict({
        type: "SGD",
        options: { ...settings, nesterov: false, weightDecay: 0, maximize: false },
        scalars: {},
        tensors: Object.fromEntries(
          model.parameters().map((p) => [
            `${p.name}.momentum_buffer`,
            tensor(new Array(p.borrow().size).fill(1), { shape: [...p.shape], dtype: "float32" }),
          ]),
        ),
      });
      await fit(model, { x, y, loss: new MSELoss(), optimizer, epochs: 1, batchSize: 6 });
      return await Promise.all(model.parameters().map((p) => p.borrow().readTypedArray()));
    };
    const [onCpu, onGpu] = [await trained(false), await trained(true)];
    onGpu.forEach((v, i) =>
      assertClose(v, onCpu[i], { rtol: 1e-5, atol: 1e-6, message: `parameter ${i}` })
    );
  },
});
