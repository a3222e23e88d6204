// The resident training step against the op-by-op CPU path in float64
// (`@glassbox/layers`, `@glassbox/losses`, `@glassbox/trainer`): losses and
// parameters after several epochs, one pass exactly, for every loss,
// optimizer and activation, with a shorter last batch.

import { Dense, type Layer, Sequential } from "@glassbox/layers";
import { CrossEntropyLoss, MSELoss } from "@glassbox/losses";
import { Adam, AdamW, SGD } from "@glassbox/trainer";
import { assertClose, manualSeed, rand, randn, type Tensor, tensor } from "@glassbox/tensor";
import { ok, strictEqual } from "node:assert/strict";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import {
  type ResidentActivation,
  type ResidentLoss,
  type ResidentOptimizer,
  ResidentTrainer,
} from "@glassbox/webgpu-kernels";
import { residentModel, writeBack } from "../packages/trainer/_resident_model.ts";

/** `ResidentTrainer`'s layers and parameter names for a model, as `fit` describes it. */
const fromModel = (model: Layer) => residentModel(model, "create ResidentTrainer");

const { device, ignore } = await setupWebGPUTests("resident_trainer_test.ts");

/** What `fn` throws, asserted to be a `kind` whose message matches `message`. */
function refusal(fn: () => unknown, kind: ErrorConstructor, message: RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  ok(caught instanceof kind, `expected ${kind.name} matching ${message}, got ${caught}`);
  ok(message.test((caught as Error).message), `${(caught as Error).message} !~ ${message}`);
  return caught as Error;
}

/** A training scenario: layer sizes and activations, data, loss, optimizer, batching. */
interface Scenario {
  sizes: number[];
  activations: ResidentActivation[];
  loss: ResidentLoss;
  targets: "classes" | "probabilities" | "values";
  optimizer: ResidentOptimizer;
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
        layers.push(activationLayer(activation));
      }
    } else {
      layers.push(new Dense(s.sizes[i], s.sizes[i + 1], { dtype, activation }));
    }
  }
  return new Sequential(layers);
}

/** A Dense-free activation layer by name (through a Dense's own activation). */
function activationLayer(name: ResidentActivation): Layer {
  return new Dense(1, 1, { activation: name }).activation;
}

/** Data of the scenario: x [rows, in] and targets. */
function data(s: Scenario): { x: Tensor; y: Tensor } {
  const [inF, outF] = [s.sizes[0], s.sizes[s.sizes.length - 1]];
  const x = randn([s.rows, inF]).to("float32").to("float64");
  let y: Tensor;
  if (s.targets === "classes") {
    const u = rand([s.rows]).toTypedArray();
    const classes = Array.from(
      u,
      (v, i) => s.ignoredRows?.includes(i) ? -100 : Math.floor(v * outF),
    );
    y = tensor(classes);
  } else if (s.targets === "probabilities") {
    y = randn([s.rows, outF]).softmax(1).to("float32").to("float64");
  } else {
    y = randn([s.rows, outF]).to("float32").to("float64");
  }
  return { x, y };
}

function cpuOptimizer(o: ResidentOptimizer, params: ReturnType<Layer["parameters"]>) {
  const { name: _name, ...rest } = o;
  if (o.name === "SGD") return new SGD({ ...(rest as { lr: number }), params });
  if (o.name === "Adam") return new Adam({ ...rest, params });
  return new AdamW({ ...rest, params });
}

function cpuLoss(l: ResidentLoss) {
  const o = typeof l === "string" ? { name: l } : l;
  if (o.name === "mse") return new MSELoss();
  const { name: _name, ...rest } = o as {
    name: string;
    ignoreIndex?: number;
    labelSmoothing?: number;
  };
  return new CrossEntropyLoss(rest);
}

/** The batches of an epoch: [start, rows]. */
function batches(s: Scenario): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < s.rows; start += s.batch) {
    out.push([start, Math.min(s.batch, s.rows - start)]);
  }
  return out;
}

interface Run {
  epochLosses: number[];
  params: Float64Array[];
}

/** The op-by-op reference: CPU float64 layers, loss and optimizer. */
function runCpu(s: Scenario, init: Float32Array[], x: Tensor, y: Tensor): Run {
  const model = build(s, "float64");
  model.parameters().forEach((p, i) => {
    p.value = tensor(Float64Array.from(init[i]), { shape: p.value.shape });
  });
  const loss = cpuLoss(s.loss);
  const opt = cpuOptimizer(s.optimizer, model.parameters());
  const epochLosses: number[] = [];
  for (let e = 0; e < s.epochs; e++) {
    let sum = 0;
    for (const [start, rows] of batches(s)) {
      opt.zeroGrad();
      const out = model.forward(x.slice(start, start + rows));
      sum += loss.forward(out, y.slice(start, start + rows)).item();
      model.backward(loss.backward());
      opt.step();
    }
    epochLosses.push(sum);
  }
  return {
    epochLosses,
    params: model.parameters().map((p) => p.value.toTypedArray() as Float64Array),
  };
}

/** The resident path on the device. */
async function runGpu(s: Scenario, init: Float32Array[], x: Tensor, y: Tensor): Promise<Run> {
  const gpu = device!;
  const model = build(s, "float32");
  model.parameters().forEach((p, i) => {
    p.value = tensor(init[i], { shape: p.value.shape, dtype: "float32" });
  });
  model.to(gpu);
  const xs = x.to("float32").to(gpu), ys = y.to("float32").to(gpu);
  const trainer = new ResidentTrainer(gpu, {
    ...fromModel(model),
    loss: s.loss,
    optimizer: s.optimizer,
  });
  const epochLosses: number[] = [];
  for (let e = 0; e < s.epochs; e++) {
    for (const [start, rows] of batches(s)) trainer.step(xs, ys, { start, rows });
    const reading = await trainer.readLoss();
    strictEqual(reading.batches, batches(s).length);
    epochLosses.push(reading.sum);
  }
  writeBack(model.parameters(), trainer.parameters());
  const params = await Promise.all(
    model.parameters().map(async (p) => Float64Array.from(await p.value.readTypedArray())),
  );
  for (const p of model.parameters()) p.value.dispose();
  trainer.dispose();
  xs.dispose();
  ys.dispose();
  strictEqual(gpu.errors().length, 0, gpu.errors().join("\n"));
  return { epochLosses, params };
}

/** Runs both paths from the same float32 initial parameters and compares them. */
async function compare(s: Scenario, tolerance = { rtol: 1e-3, atol: 1e-5 }): Promise<void> {
  manualSeed(7);
  const init = build(s, "float32").parameters().map((p) => p.value.toTypedArray() as Float32Array);
  const { x, y } = data(s);
  const cpu = runCpu(s, init, x, y);
  const gpu = await runGpu(s, init, x, y);
  assertClose(gpu.epochLosses, cpu.epochLosses, { ...tolerance, message: "epoch losses" });
  gpu.params.forEach((p, i) => {
    assertClose(p, cpu.params[i], { ...tolerance, message: `parameter ${i}` });
  });
}

const base = { rows: 40, batch: 16, epochs: 3 }; // batches of 16, 16 and 8 rows

Deno.test({
  name:
    "step() matches the CPU float64 path for relu, cross entropy on class indices and SGD with momentum",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [12, 20, 16, 5],
      activations: ["relu", "relu", "identity"],
      loss: "crossEntropy",
      targets: "classes",
      optimizer: { name: "SGD", lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 },
    }),
});

Deno.test({
  name:
    "step() matches the CPU path for tanh, probability targets with label smoothing and Nesterov SGD",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [9, 24, 4],
      activations: ["tanh", "identity"],
      loss: { name: "crossEntropy", labelSmoothing: 0.1 },
      targets: "probabilities",
      optimizer: { name: "SGD", lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-2 },
    }),
});

Deno.test({
  name: "step() matches the CPU path for sigmoid, MSE and Adam with L2 and AMSGrad",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [6, 10, 10, 3],
      activations: ["sigmoid", "tanh", "identity"],
      loss: "mse",
      targets: "values",
      optimizer: { name: "Adam", lr: 0.01, weightDecay: 1e-2, amsgrad: true },
      separate: true,
    }),
});

Deno.test({
  name: "step() matches the CPU path for a hidden softmax, ignored targets and AdamW",
  ignore,
  fn: () =>
    compare({
      ...base,
      sizes: [8, 12, 10, 6],
      activations: ["softmax", "relu", "identity"],
      loss: "crossEntropy",
      targets: "classes",
      ignoredRows: [0, 3, 17, 33, 34],
      optimizer: { name: "AdamW", lr: 0.01, betas: [0.8, 0.99] },
    }),
});

Deno.test({
  name: "step() matches the CPU path for an output sigmoid or softmax under MSE and plain SGD",
  ignore,
  async fn() {
    for (const last of ["sigmoid", "softmax"] as const) {
      await compare({
        ...base,
        sizes: [5, 7, 3],
        activations: ["identity", last],
        loss: "mse",
        targets: "values",
        optimizer: { name: "SGD", lr: 0.5 },
      });
    }
  },
});

Deno.test({
  name:
    "step() matches the CPU path with register-blocked tiles (130 and 100 features, 100-row batches)",
  ignore,
  fn: () =>
    compare({
      rows: 250,
      batch: 100,
      epochs: 2,
      sizes: [100, 130, 64, 10],
      activations: ["relu", "tanh", "identity"],
      loss: "crossEntropy",
      targets: "classes",
      optimizer: { name: "Adam", lr: 1e-3 },
    }),
});

Deno.test({
  name: "one step gives the CPU float64 loss and gradient within the single-pass tolerance",
  ignore,
  async fn() {
    const s: Scenario = {
      rows: 30,
      batch: 30,
      epochs: 1,
      sizes: [100, 130, 10],
      activations: ["relu", "identity"],
      loss: "crossEntropy",
      targets: "classes",
      optimizer: { name: "SGD", lr: 1 },
    };
    manualSeed(3);
    const init = build(s, "float32").parameters().map((p) =>
      p.value.toTypedArray() as Float32Array
    );
    const { x, y } = data(s);
    const cpu = runCpu(s, init, x, y); // θ₁ = θ₀ − g
    const gpu = await runGpu(s, init, x, y);
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
  name: "bad models, losses and optimizers are refused with errors naming the option",
  ignore,
  fn() {
    const gpu = device!;
    const sgd = { name: "SGD", lr: 0.1 } as const;
    const onGpu = () => new Sequential([new Dense(3, 2, { dtype: "float32" })]).to(gpu);
    const cases: [() => unknown, ErrorConstructor, RegExp][] = [
      [
        () =>
          new ResidentTrainer(gpu, { ...fromModel(new Dense(3, 2)), loss: "mse", optimizer: sgd }),
        TypeError,
        /layers\[0\]\.weight is float64, expected float32/,
      ],
      [
        () =>
          new ResidentTrainer(gpu, {
            ...fromModel(new Dense(3, 2, { dtype: "float32" })),
            loss: "mse",
            optimizer: sgd,
          }),
        TypeError,
        /layers\[0\]\.weight lives on cpu, expected the trainer's device/,
      ],
      [
        () =>
          new ResidentTrainer(gpu, {
            ...fromModel(new Dense(3, 2, { dtype: "float32", activation: "gelu" }).to(gpu)),
            loss: "mse",
            optimizer: sgd,
          }),
        TypeError,
        /has activation GELU\(\), expected one of identity, relu, tanh, sigmoid, softmax/,
      ],
      [
        () => {
          const [a, b] = [onGpu(), onGpu()].map((m) => m.parameters());
          return new ResidentTrainer(gpu, {
            layers: [{ weight: a[0].value, bias: a[1].value }, { weight: b[0].value }],
            loss: "mse",
            optimizer: sgd,
          });
        },
        TypeError,
        /layers\[1\]\.weight has shape \[2, 3\], expected \[2, 2\] \(layer 0 has 2 outputs\)/,
      ],
      [
        () =>
          new ResidentTrainer(gpu, {
            ...fromModel(onGpu()),
            loss: "hinge" as "mse",
            optimizer: sgd,
          }),
        RangeError,
        /loss\.name is "hinge", expected "crossEntropy" or "mse"/,
      ],
      [
        () =>
          new ResidentTrainer(gpu, {
            ...fromModel(onGpu()),
            loss: "mse",
            optimizer: { name: "RMSprop" } as unknown as ResidentOptimizer,
          }),
        RangeError,
        /optimizer\.name is "RMSprop", expected "SGD", "Adam" or "AdamW"/,
      ],
      [
        () =>
          new ResidentTrainer(gpu, {
            ...fromModel(onGpu()),
            loss: "mse",
            optimizer: { name: "SGD", lr: -1 },
          }),
        RangeError,
        /optimizer\.lr is -1, expected a finite number >= 0/,
      ],
      [
        () =>
          new ResidentTrainer(gpu, {
            ...fromModel(onGpu()),
            loss: "mse",
            optimizer: { name: "Adam", betas: [0.9, 1] },
          }),
        RangeError,
        /optimizer\.betas\[1\] is 1, expected a finite number >= 0 and < 1/,
      ],
      [
        () =>
          new ResidentTrainer({ name: "cpu" } as never, {
            ...fromModel(onGpu()),
            loss: "mse",
            optimizer: sgd,
          }),
        TypeError,
        /device is "cpu", expected a WebGPU device from requestWebGPU\(\)/,
      ],
    ];
    for (const [fn, kind, message] of cases) {
      ok(refusal(fn, kind, message).message.startsWith("Cannot create ResidentTrainer: "));
    }
  },
});

Deno.test({
  name:
    "bad batches are refused with errors naming x, y or the option, and a disposed trainer refuses steps",
  ignore,
  fn() {
    const gpu = device!;
    const opts = { dtype: "float32", device: gpu } as const;
    const model = new Sequential([new Dense(3, 4, { dtype: "float32" })]).to(gpu);
    const trainer = new ResidentTrainer(gpu, {
      ...fromModel(model),
      loss: "crossEntropy",
      optimizer: { name: "SGD", lr: 0.1 },
    });
    const x = tensor([[1, 2, 3], [4, 5, 6]], opts);
    const y = tensor([0, 3], opts);
    const cases: [() => unknown, ErrorConstructor, RegExp][] = [
      [() => trainer.step(tensor([[1, 2, 3]]), y), TypeError, /x is float64, expected float32/],
      [
        () => trainer.step(tensor([[1, 2, 3]], { dtype: "float32" }), y),
        TypeError,
        /x lives on cpu, expected webgpu:/,
      ],
      [
        () => trainer.step(tensor([[1, 2]], opts), y),
        TypeError,
        /x has shape \[1, 2\], expected \[N, 3\]/,
      ],
      [
        () => trainer.step(x, tensor([[1, 0], [0, 1]], opts)),
        TypeError,
        /y has shape \[2, 2\], expected \[N, 4\]/,
      ],
      [() => trainer.step(x, tensor([0, 1, 2], opts)), TypeError, /y has 3 rows, x has 2/],
      [
        () => trainer.step(x, y, { start: 2 }),
        RangeError,
        /options\.start is 2, expected an integer in \[0, 2\)/,
      ],
      [
        () => trainer.step(x, y, { start: 1, rows: 2 }),
        RangeError,
        /options\.rows is 2, expected an integer in \[1, 1\]/,
      ],
      [() => trainer.step("x" as never, y), TypeError, /x is "x", expected a Tensor/],
    ];
    for (const [fn, kind, message] of cases) refusal(fn, kind, message);
    strictEqual(trainer.stepCount, 0, "no refused step was taken");
    trainer.dispose();
    refusal(() => trainer.step(x, y), ReferenceError, /was disposed/);
    for (const t of [x, y, ...model.parameters().map((p) => p.value)]) t.dispose();
  },
});

Deno.test({
  name:
    "optimizerState() holds the CPU trainer's moments and step under its names, and lr can be scheduled",
  ignore,
  async fn() {
    const gpu = device!;
    manualSeed(5);
    const model64 = new Sequential([new Dense(4, 6, { activation: "tanh" }), new Dense(6, 3)]);
    const model32 = new Sequential([
      new Dense(4, 6, { activation: "tanh", dtype: "float32" }),
      new Dense(6, 3, { dtype: "float32" }),
    ]);
    model32.parameters().forEach((p, i) => {
      p.value = model64.parameters()[i].value.to("float32");
    });
    model32.to(gpu);
    const x = randn([8, 4]).to("float32").to("float64");
    const y = randn([8, 3]).to("float32").to("float64");
    const cpuOpt = new Adam({ lr: 0.02, params: model64.parameters() });
    const loss = new MSELoss();
    const trainer = new ResidentTrainer(gpu, {
      ...fromModel(model32),
      loss: "mse",
      optimizer: { name: "Adam", lr: 0.02 },
    });
    const xs = x.to("float32").to(gpu), ys = y.to("float32").to(gpu);
    for (const lr of [0.02, 0.02, 0.005]) {
      cpuOpt.lr = lr;
      trainer.lr = lr;
      cpuOpt.zeroGrad();
      loss.forward(model64.forward(x), y);
      model64.backward(loss.backward());
      cpuOpt.step();
      trainer.step(xs, ys);
    }
    const want = cpuOpt.stateDict();
    const got = trainer.optimizerState();
    strictEqual(got.type, "Adam");
    strictEqual(got.options.lr, 0.005);
    strictEqual(got.scalars.step, want.scalars.step);
    strictEqual(Object.keys(got.tensors).join(), Object.keys(want.tensors).join());
    for (const [name, t] of Object.entries(got.tensors)) {
      strictEqual(t.shape.join(), want.tensors[name].shape.join(), name);
      assertClose(await t.readTypedArray(), want.tensors[name].toTypedArray(), {
        rtol: 1e-3,
        atol: 1e-6,
        message: name,
      });
      t.dispose();
    }
    trainer.dispose();
    for (const t of [xs, ys, ...model32.parameters().map((p) => p.value)]) t.dispose();
  },
});

Deno.test({
  name: "ResidentTrainer.loadOptimizerState() continues a saved SGD momentum and checks the state",
  ignore,
  fn: async () => {
    manualSeed(8);
    const x = randn([6, 3], { dtype: "float32" }), y = randn([6, 2], { dtype: "float32" });
    const settings = { lr: 0.1, momentum: 0.9, dampening: 0.5 };
    const model = () => {
      manualSeed(1);
      return new Sequential([new Dense(3, 2, { dtype: "float32" })]);
    };
    // A saved momentum of 1 everywhere: the next step must use it (μ·1 + (1 − τ)·g), not
    // start the momentum as g as a fresh optimizer does.
    const cpuModel = model();
    const cpuOpt = new SGD({ ...settings, params: cpuModel.parameters() });
    const ones = (p: { shape: readonly number[] }) =>
      tensor(new Array(p.shape.reduce((a, b) => a * b, 1)).fill(1), {
        shape: [...p.shape],
        dtype: "float32",
      });
    const saved = {
      type: "SGD",
      options: { ...settings, nesterov: false, weightDecay: 0, maximize: false },
      scalars: {},
      tensors: Object.fromEntries(
        cpuModel.parameters().map((p) => [`${p.name}.momentum_buffer`, ones(p)]),
      ),
    };
    cpuOpt.loadStateDict(saved);
    cpuModel.zeroGrad();
    const loss = new MSELoss();
    loss.forward(cpuModel.forward(x), y);
    cpuModel.backward(loss.backward());
    cpuOpt.step();

    const gpuModel = model().to(device!);
    const t = new ResidentTrainer(device!, {
      ...fromModel(gpuModel),
      loss: "mse",
      optimizer: { name: "SGD", ...settings },
    });
    try {
      t.loadOptimizerState(saved);
      t.step(x.to(device!), y.to(device!));
      const values = await Promise.all(t.parameters().map((p) => p.readTypedArray()));
      values.forEach((v, i) =>
        assertClose(v, cpuModel.parameters()[i].value.toTypedArray(), {
          rtol: 1e-5,
          atol: 1e-6,
          message: `parameter ${i}`,
        })
      );
      const bad = (tensors: Record<string, Tensor>, pattern: RegExp) =>
        refusal(() => t.loadOptimizerState({ ...saved, tensors }), Error, pattern);
      bad(
        { "0.weight.momentum_buffer": saved.tensors["0.weight.momentum_buffer"] },
        /no 0\.bias\.momentum_buffer/,
      );
      bad(
        { ...saved.tensors, "9.weight.momentum_buffer": ones({ shape: [1] }) },
        /a buffer 9\.weight\.momentum_buffer no parameter owns/,
      );
      bad(
        { ...saved.tensors, "0.bias.momentum_buffer": ones({ shape: [3] }) },
        /0\.bias\.momentum_buffer is \[3\] float32, expected \[2\] float32/,
      );
    } finally {
      t.dispose();
    }
  },
});
