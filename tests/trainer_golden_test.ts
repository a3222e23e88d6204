// @glassbox/trainer against PyTorch 1.13 training runs (tests/golden/trainer.json,
// written by tasks/golden/trainer.py): the same data (torch.manual_seed +
// torch.randn, reproduced bit for bit), the same initial weights (nn.Linear's
// init), the same loop through `fit`, then per-epoch losses, final weights
// and validation predictions within rtol 1e-9 in float64 (the numerics
// contract for whole training runs, docs/numerics.md) and 1e-3 in float32. Also
// torch.randperm's draws and the schedulers' learning rates.

import { mlp, type Sequential } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import {
  assertClose,
  type DType,
  Generator,
  manualSeed,
  type NestedArray,
  randn,
  type Tensor,
  tensor,
} from "@glassbox/tensor";
import {
  Adam,
  AdamW,
  type Callback,
  CosineAnnealingLR,
  fit,
  LBFGS,
  type LRScheduler,
  type Optimizer,
  randperm,
  SGD,
  StepLR,
} from "@glassbox/trainer";
import { deepStrictEqual, strictEqual } from "node:assert/strict";

interface OptimizerSpec {
  type: "SGD" | "Adam" | "AdamW" | "LBFGS";
  // deno-lint-ignore no-explicit-any
  options: Record<string, any>;
}

interface SchedulerSpec {
  type: "StepLR" | "CosineAnnealingLR";
  stepSize?: number;
  gamma?: number;
  tMax?: number;
  etaMin?: number;
  lr?: number;
}

interface Case {
  name: string;
  data: string;
  sizes: number[];
  activations: ("tanh" | "sigmoid" | "relu")[];
  modelSeed: number;
  loss: "mse" | "crossEntropy";
  optimizer: OptimizerSpec;
  scheduler: SchedulerSpec | null;
  epochs: number;
  batchSize: number | null;
  shuffleSeed: number | null;
  dtype: DType;
  initial: Record<string, NestedArray>;
  history: {
    epoch: number;
    loss: number;
    validLoss: number;
    lr: number;
    funcEvals?: number;
    nIter?: number;
  }[];
  final: Record<string, NestedArray>;
  validPredictions: NestedArray;
}

interface Data {
  seed: number;
  rows: number;
  features: number;
  train: number;
  y: NestedArray;
}

const fixture: {
  data: Record<string, Data>;
  cases: Case[];
  randperm: { seed: number; n: number; perms: number[][] }[];
  schedulers: { spec: SchedulerSpec; lrs: number[] }[];
} = JSON.parse(await Deno.readTextFile(new URL("./golden/trainer.json", import.meta.url)));

function makeOptimizer(spec: OptimizerSpec): Optimizer {
  const o = spec.options;
  switch (spec.type) {
    case "SGD":
      return new SGD(o as { lr: number });
    case "Adam":
      return new Adam(o);
    case "AdamW":
      return new AdamW(o);
    case "LBFGS":
      return new LBFGS(o);
  }
}

function makeScheduler(spec: SchedulerSpec | null, opt: Optimizer): LRScheduler | undefined {
  if (spec === null) return undefined;
  return spec.type === "StepLR"
    ? new StepLR(opt, { stepSize: spec.stepSize!, gamma: spec.gamma })
    : new CosineAnnealingLR(opt, { tMax: spec.tMax!, etaMin: spec.etaMin });
}

function split(c: Case): { x: Tensor; y: Tensor; model: Sequential } {
  const data = fixture.data[c.data];
  manualSeed(data.seed);
  let x = randn([data.rows, data.features]);
  let y = tensor(data.y);
  if (y.rank === 1 && c.loss === "mse") y = y.reshape([-1, 1]);
  manualSeed(c.modelSeed);
  let model = mlp(c.sizes, { activation: c.activations });
  if (c.dtype === "float32") {
    model = model.to("float32");
    x = x.to("float32");
    y = y.to("float32");
  }
  return { x, y, model };
}

async function train(c: Case) {
  const data = fixture.data[c.data];
  const { x, y, model } = split(c);
  const initial = model.stateDict();
  const optimizer = makeOptimizer(c.optimizer);
  const counters: { funcEvals: number; nIter: number }[] = [];
  const lbfgsCounter: Callback = {
    onEpochEnd: () => {
      if (optimizer instanceof LBFGS) {
        counters.push({ funcEvals: optimizer.funcEvals, nIter: optimizer.iterations });
      }
    },
  };
  const loss: Loss = c.loss === "mse" ? new MSELoss() : new CrossEntropyLoss();
  const n = data.train;
  const history = await fit(model, {
    x: x.slice(0, n),
    y: y.slice(0, n),
    validation: { x: x.slice(n), y: y.slice(n) },
    loss,
    optimizer,
    scheduler: makeScheduler(c.scheduler, optimizer),
    epochs: c.epochs,
    batchSize: c.batchSize ?? undefined,
    shuffle: c.shuffleSeed !== null,
    seed: c.shuffleSeed ?? undefined,
    callbacks: [lbfgsCounter],
  });
  return { initial, history, counters, model, validX: x.slice(n) };
}

Deno.test("fit() reproduces PyTorch 1.13 training runs", async (t) => {
  for (const c of fixture.cases) {
    const f64 = c.dtype === "float64";
    // Whole runs: float64 within 1e-9; float32 within 1e-3 (atol for weights near 0).
    const tol = f64 ? { rtol: 1e-9, atol: 0 } : { rtol: 1e-3, atol: 1e-5 };
    await t.step(`${c.name} (${c.dtype})`, async () => {
      const { initial, history, counters, model, validX } = await train(c);
      for (const [name, value] of Object.entries(c.initial)) {
        // The fixture holds the float64 initialisation; float32 runs cast it, as .float() does.
        const expected = tensor(value).to(c.dtype);
        assertClose(initial[name], expected, { rtol: 0, atol: 0, message: `initial ${name}` });
      }
      strictEqual(history.stop, null);
      strictEqual(history.epochs.length, c.epochs);
      assertClose(history.column("loss"), c.history.map((h) => h.loss), {
        ...tol,
        message: "train losses",
      });
      assertClose(history.column("validLoss"), c.history.map((h) => h.validLoss), {
        ...tol,
        message: "validation losses",
      });
      assertClose(history.column("lr"), c.history.map((h) => h.lr), {
        rtol: 1e-15,
        atol: 0,
        message: "learning rates",
      });
      if (c.optimizer.type === "LBFGS") {
        deepStrictEqual(
          counters,
          c.history.map((h) => ({ funcEvals: h.funcEvals, nIter: h.nIter })),
        );
      }
      const final = model.stateDict();
      for (const [name, value] of Object.entries(c.final)) {
        assertClose(final[name], value, { ...tol, message: `final ${name}` });
      }
      assertClose(model.forward(validX), c.validPredictions, {
        ...tol,
        message: "validation predictions",
      });
    });
  }
});

Deno.test("randperm() draws torch.randperm's permutations", () => {
  for (const c of fixture.randperm) {
    const g = new Generator(c.seed);
    for (const perm of c.perms) deepStrictEqual(Array.from(randperm(c.n, g)), perm);
  }
});

Deno.test("StepLR and CosineAnnealingLR give PyTorch's learning rates", () => {
  for (const { spec, lrs } of fixture.schedulers) {
    const opt = new SGD({ lr: spec.lr! });
    const schedule = makeScheduler(spec, opt)!;
    const ours = lrs.map(() => {
      const lr = opt.lr;
      schedule.step();
      return lr;
    });
    // StepLR is exact; the cosine goes through Math.cos, which may differ from
    // glibc's cos in the last bit.
    const rtol = spec.type === "StepLR" ? 0 : 1e-15;
    assertClose(ours, lrs, { rtol, atol: 0, message: `${spec.type} ${JSON.stringify(spec)}` });
  }
});
