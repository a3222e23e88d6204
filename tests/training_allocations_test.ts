// Once the first epoch has run, a training step allocates no new typed array: every
// intermediate goes back to the CPU backend's pool and is served from it again.
// Two independent counts: the backend's own counter (cpuMemory().allocations) and
// every Float64Array/Float32Array constructed anywhere in the process (the global
// constructors wrapped, plus slice(), which copies without calling them).

import { type Layer, mlp } from "@glassbox/layers";
import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import {
  cpuMemory,
  manualSeed,
  rand,
  randn,
  setCpuPoolLimit,
  type Tensor,
  tensor,
  tidy,
} from "@glassbox/tensor";
import { Adam, type Callback, fit, type Optimizer, SGD } from "@glassbox/trainer";
import { deepStrictEqual, ok } from "node:assert/strict";

/** Counts typed arrays made from now until `restore()`, whichever module makes them. */
function countTypedArrays(): { count: () => number; restore: () => void } {
  let made = 0;
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const ctors = [Float64Array, Float32Array] as const;
  const names = ["Float64Array", "Float32Array"] as const;
  const slices = ctors.map((C) => C.prototype.slice);
  ctors.forEach((C, k) => {
    g[names[k]] = new Proxy(C, {
      construct(target, args) {
        made++;
        return Reflect.construct(target, args);
      },
    });
    // slice() copies through the species constructor, not the global: count it too.
    Object.defineProperty(C.prototype, "slice", {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        made++;
        return (slices[k] as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  });
  return {
    count: () => made,
    restore: () => {
      ctors.forEach((C, k) => {
        g[names[k]] = C;
        Object.defineProperty(C.prototype, "slice", {
          configurable: true,
          writable: true,
          value: slices[k],
        });
      });
    },
  };
}

interface Case {
  name: string;
  model: () => Layer;
  loss: Loss;
  optimizer: () => Optimizer;
  y: (rows: number) => Tensor;
}

const regression = (): Layer =>
  mlp([6, 32, 32, 32, 32, 3], { activation: ["tanh", "softmax", "sigmoid", "relu"] });

const CASES: Case[] = [
  {
    // The default `deno task train` experiment's shapes: 1000 training rows in batches of
    // 333 (the last has one row), a validation pass every epoch.
    name: "notebook MLP regression, SGD",
    model: regression,
    loss: new MSELoss(),
    optimizer: () => new SGD({ lr: 0.01 }),
    y: (rows) => randn([rows, 3]),
  },
  {
    name: "MLP regression, SGD with momentum, Nesterov and weight decay",
    model: regression,
    loss: new MSELoss(),
    optimizer: () => new SGD({ lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    y: (rows) => randn([rows, 3]),
  },
  {
    name: "MLP classification, cross-entropy on class indices, Adam",
    model: () => mlp([6, 16, 16, 3], { activation: "relu" }),
    loss: new CrossEntropyLoss(),
    optimizer: () => new Adam({ lr: 1e-3 }),
    y: (rows) => tensor(Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * 3))),
  },
];

/** Per-epoch counts (backend, global) of one 4-epoch run of `c`. */
async function countRun(c: Case): Promise<{ backend: number[]; global: number[] }> {
  manualSeed(0);
  const x = randn([1000, 6]), y = c.y(1000);
  const xv = randn([2100, 6]), yv = c.y(2100);
  const model = c.model();
  const backend: number[] = [], global: number[] = [];
  let counter: ReturnType<typeof countTypedArrays> | null = null;
  const probe: Callback = {
    onEpochEnd: (_ctx, record) => {
      if (record.epoch === 0) counter = countTypedArrays(); // warm: start counting
      backend.push(cpuMemory().allocations);
      global.push(counter!.count());
    },
  };
  try {
    await fit(model, {
      x,
      y,
      loss: c.loss,
      optimizer: c.optimizer(),
      epochs: 4,
      batchSize: 333,
      validation: { x: xv, y: yv },
      callbacks: [probe],
    });
  } finally {
    (counter as ReturnType<typeof countTypedArrays> | null)?.restore();
  }
  return { backend, global };
}

for (const c of CASES) {
  Deno.test(`after the first epoch a training step allocates no typed array: ${c.name}`, async () => {
    const { backend, global } = await countRun(c);
    ok(backend[0] > 0, "the first epoch allocates");
    // Epochs 1–3: 3 × (4 training steps + a validation pass), nothing new.
    deepStrictEqual(backend.slice(1).map((n) => n - backend[0]), [0, 0, 0]);
    deepStrictEqual(global.slice(1).map((n) => n - global[0]), [0, 0, 0]);
  });
}

Deno.test("the allocation count sees a loop that allocates: the same run with the pool off", async () => {
  setCpuPoolLimit(0);
  try {
    const { backend, global } = await countRun(CASES[0]);
    ok(
      backend[3] - backend[0] > 100,
      `backend allocations in epochs 1–3: ${backend[3] - backend[0]}`,
    );
    ok(global[3] - global[0] > 100, `typed arrays made in epochs 1–3: ${global[3] - global[0]}`);
  } finally {
    setCpuPoolLimit(512 * 1024 * 1024);
  }
});

Deno.test("a hand-written training step inside tidy() allocates nothing once warm", () => {
  manualSeed(0);
  const x = randn([64, 6]), y = randn([64, 3]);
  const model = mlp([6, 32, 32, 3], { activation: "tanh" });
  const optimizer = new Adam({ lr: 0.01 });
  optimizer.attach(model.parameters());
  const loss = new MSELoss();
  // The README's own loop: every intermediate (prediction, loss, gradients) is made inside
  // tidy(), which disposes them, so the pool serves the next step.
  const step = () =>
    tidy(() => {
      model.zeroGrad();
      const value = loss.forward(model.forward(x), y).item();
      model.backward(loss.backward());
      optimizer.step();
      return value;
    });
  for (let i = 0; i < 3; i++) step();
  const before = cpuMemory().allocations;
  for (let i = 0; i < 10; i++) step();
  deepStrictEqual(cpuMemory().allocations - before, 0);
});
