import { type Layer, mlp } from "@glassbox/layers";
import { CrossEntropyLoss, MSELoss } from "@glassbox/losses";
import { accuracy } from "@glassbox/metrics";
import { assertClose, Generator, manualSeed, randn, type Tensor } from "@glassbox/tensor";
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import type { BatchResult, Callback } from "./callback.ts";
import { fit, type FitOptions } from "./fit.ts";
import { LBFGS } from "./lbfgs.ts";
import { randperm } from "./randperm.ts";
import { SGD } from "./sgd.ts";
import { StepLR } from "./step_lr.ts";

function data(rows = 50): { x: Tensor; y: Tensor } {
  manualSeed(3);
  const x = randn([rows, 2]);
  return { x, y: x.sum(1, { keepDims: true }).tanh() };
}

/** Records the rows of every batch (by the first input column, which identifies a row). */
function batchRecorder(x: Tensor): { cb: Callback; rows: number[][] } {
  const firstColumn = Array.from(x.toTypedArray()).filter((_, i) => i % 2 === 0);
  const rows: number[][] = [];
  let pending: number[] = [];
  const cb: Callback = {
    onBatchBegin: (ctx) => {
      // Peek at the batch through a forward hook: wrap the model's forward once.
      const layer = ctx.model as Layer & { __wrapped?: boolean };
      if (!layer.__wrapped) {
        const forward = layer.forward.bind(layer);
        layer.forward = (input: Tensor) => {
          pending = Array.from(input.toTypedArray()).filter((_, i) => i % 2 === 0)
            .map((v) => firstColumn.indexOf(v));
          return forward(input);
        };
        layer.__wrapped = true;
      }
    },
    onBatchEnd: () => void rows.push(pending),
  };
  return { cb, rows };
}

Deno.test("fit() trains on x[i : i + B] in order, the last batch short, loss = mean of batch losses", async () => {
  const { x, y } = data(50);
  const { cb, rows } = batchRecorder(x);
  const losses: number[] = [];
  const history = await fit(mlp([2, 1]), {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 2,
    batchSize: 16,
    callbacks: [cb, { onBatchEnd: (_c, b: BatchResult) => void losses.push(b.loss!) }],
  });
  const order = Array.from({ length: 50 }, (_, i) => i);
  const epochRows = [order.slice(0, 16), order.slice(16, 32), order.slice(32, 48), order.slice(48)];
  deepStrictEqual(rows, [...epochRows, ...epochRows]);
  strictEqual(history.epochs[0].batches, 4);
  strictEqual(history.epochs[0].loss, (losses[0] + losses[1] + losses[2] + losses[3]) / 4);
  strictEqual(history.epochs[1].loss, (losses[4] + losses[5] + losses[6] + losses[7]) / 4);
});

Deno.test("fit() with shuffle takes each epoch's order from randperm(rows, new Generator(seed))", async () => {
  const { x, y } = data(20);
  const { cb, rows } = batchRecorder(x);
  await fit(mlp([2, 1]), {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 2,
    batchSize: 8,
    shuffle: true,
    seed: 42,
    callbacks: [cb],
  });
  const g = new Generator(42);
  const expected: number[][] = [];
  for (let e = 0; e < 2; e++) {
    const perm = Array.from(randperm(20, g));
    expected.push(perm.slice(0, 8), perm.slice(8, 16), perm.slice(16));
  }
  deepStrictEqual(rows, expected);
});

Deno.test("fit() is deterministic for a seed and records validation, metrics and lr", async () => {
  manualSeed(5);
  const x = randn([90, 4]);
  const labels = x.argmax(1);
  const run = async () => {
    manualSeed(9);
    const model = mlp([4, 8, 4]);
    const optimizer = new SGD({ lr: 0.5, momentum: 0.5 });
    return await fit(model, {
      x: x.slice(0, 60),
      y: labels.slice(0, 60),
      validation: { x: x.slice(60), y: labels.slice(60) },
      loss: new CrossEntropyLoss(),
      optimizer,
      scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }),
      metrics: { accuracy },
      epochs: 5,
      batchSize: 10,
      shuffle: true,
      seed: 1,
    });
  };
  const a = await run(), b = await run();
  deepStrictEqual(a.column("loss"), b.column("loss"));
  deepStrictEqual(a.column("lr"), [0.5, 0.5, 0.25, 0.25, 0.125]);
  ok(a.epochs.every((e) => typeof e.validLoss === "number" && e.timeMs >= 0));
  ok(a.last!.metrics.accuracy > 0.5, `accuracy ${a.last!.metrics.accuracy}`);
  strictEqual(a.stop, null);
});

Deno.test("fit() runs LBFGS full batch by default, one step(closure) per epoch", async () => {
  const { x, y } = data(40);
  let steps = 0;
  const history = await fit(mlp([2, 8, 1], { activation: "sigmoid" }), {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new LBFGS({ lineSearchFn: "strong_wolfe", maxIter: 5 }),
    epochs: 3,
    callbacks: [{ onBatchEnd: () => void steps++ }],
  });
  strictEqual(steps, 3);
  ok(history.epochs.every((e) => e.batches === 1));
  ok(history.last!.loss < history.epochs[0].loss);
});

Deno.test("fit() with restarts trains fresh models and keeps the lowest score", async () => {
  const { x, y } = data(40);
  const made: Layer[] = [];
  const history = await fit(() => {
    const m = mlp([2, 4, 1]);
    made.push(m);
    return m;
  }, {
    x: x.slice(0, 30),
    y: y.slice(0, 30),
    validation: { x: x.slice(30), y: y.slice(30) },
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.2, momentum: 0.9 }),
    epochs: 4,
    restarts: 4,
  });
  strictEqual(made.length, 4);
  strictEqual(history.runs.length, 4);
  deepStrictEqual(history.runs.map((r) => r.restart), [0, 1, 2, 3]);
  const best = history.runs.reduce((a, b) => (b.score < a.score ? b : a));
  strictEqual(history, best);
  strictEqual(history.model, made[history.restart]);
  // The score is the final model's validation loss.
  const pred = history.model.forward(x.slice(30));
  assertClose(history.score, pred.sub(y.slice(30)).square().mean().item(), { rtol: 1e-15 });
  const json = JSON.parse(JSON.stringify(history));
  strictEqual(json.runs.length, 4);
});

Deno.test("fit() stops after the current batch when its AbortSignal aborts", async () => {
  const { x, y } = data(64);
  const controller = new AbortController();
  const model = mlp([2, 4, 1]);
  let afterStep: Tensor[] = [];
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 10,
    batchSize: 8,
    signal: controller.signal,
    callbacks: [{
      onBatchEnd: (ctx, b) => {
        afterStep = ctx.params.map((p) => p.value);
        if (b.epoch === 1 && b.batch === 2) controller.abort(new Error("Ctrl-C"));
      },
    }],
  });
  strictEqual(history.stop?.kind, "aborted");
  deepStrictEqual([history.stop!.epoch, history.stop!.batch], [1, 2]);
  match(history.stop!.message, /cancelled \(Ctrl-C\) after epoch 1, batch 2/);
  strictEqual(history.epochs.length, 1); // the unfinished epoch is not recorded
  // The model holds the weights of the last completed step.
  model.parameters().forEach((p, i) => strictEqual(p.value, afterStep[i]));
});

Deno.test("fit() sees an abort from a timer while it trains (it yields to the event loop)", async () => {
  const { x, y } = data(256);
  const signal = AbortSignal.timeout(50);
  const started = performance.now();
  const history = await fit(mlp([2, 64, 64, 1]), {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.01 }),
    epochs: 100_000,
    batchSize: 4,
    signal,
  });
  strictEqual(history.stop?.kind, "aborted");
  ok(performance.now() - started < 5000);
  match(history.stop!.message, /cancelled \(The operation was aborted due to timeout\)/);
});

Deno.test("fit() rejects bad options with errors that name the option", async () => {
  const { x, y } = data(10);
  const base = { x, y, loss: new MSELoss(), optimizer: new SGD({ lr: 0.1 }) };
  const model = mlp([2, 1]);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ epochs: -1 }, /Cannot fit: epochs must be an integer >= 0, got -1/],
    [{ batchSize: 0 }, /Cannot fit: batchSize must be an integer >= 1, got 0/],
    [{ batchSize: 2.5 }, /batchSize must be an integer >= 1, got 2.5/],
    [{ y: y.slice(0, 9) }, /Cannot fit: x has 10 rows but y has 9/],
    [{ x: [[1, 2]] }, /Cannot fit: x must be a Tensor, got \[\[1, 2\]\]/],
    [
      { loss: undefined },
      /loss must be a Loss \(forward, backward\), e\.g\. new MSELoss\(\), got undefined/,
    ],
    [{ optimizer: {} }, /optimizer must be an Optimizer, e\.g\. new SGD/],
    [{ validation: { x, y: y.slice(1) } }, /validation\.x has 10 rows but validation\.y has 9/],
    [{ metrics: { mape: 3 } }, /metrics\.mape must be a function \(truth, pred\) => number, got 3/],
    [{ callbacks: {} }, /callbacks must be an array, got an object/],
    [{ signal: "stop" }, /signal must be an AbortSignal, got "stop"/],
    [{ shuffle: 1 }, /shuffle must be true or false, got 1/],
    [{ seed: 3 }, /seed only seeds shuffling, set shuffle: true/],
    [{ restarts: 0 }, /restarts must be an integer >= 1, got 0/],
    [{ restarts: 2 }, /restarts: 2 needs model to be a factory \(\) => Layer/],
    [{ learningRate: 0.1 }, /unknown option learningRate/],
    [
      { scheduler: new StepLR(new SGD({ lr: 1 }), { stepSize: 1 }) },
      /scheduler drives another optimizer/,
    ],
  ];
  for (const [patch, message] of cases) {
    await rejects(
      fit(model, { ...base, ...patch } as unknown as FitOptions),
      message,
      JSON.stringify(Object.keys(patch)),
    );
  }
  await rejects(fit({} as unknown as Layer, base), /model must be a Layer/);
  await rejects(
    fit(mlp([3, 1]), base),
    /layer 0 \(Dense\(3, 1\)\) failed on input of shape \[10, 2\]/,
  );
  const reduced = { ...base, loss: new MSELoss({ reduction: "none" }) };
  await rejects(
    fit(model, reduced),
    /the loss returned 10 values \(shape \[10, 1\]\), expected one/,
  );
});

Deno.test("fit() with epochs: 0 returns an empty history and leaves the model alone", async () => {
  const { x, y } = data(10);
  const model = mlp([2, 1]);
  const before = model.parameters().map((p) => p.value);
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 1 }),
    epochs: 0,
  });
  strictEqual(history.epochs.length, 0);
  model.parameters().forEach((p, i) => strictEqual(p.value, before[i]));
});

Deno.test("fit() restarts each run from a fresh optimizer state and schedule", async () => {
  const { x, y } = data(20);
  const optimizer = new SGD({ lr: 0.1, momentum: 0.9 });
  const history = await fit(() => mlp([2, 1]), {
    x,
    y,
    loss: new MSELoss(),
    optimizer,
    scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }),
    epochs: 3,
    restarts: 2,
  });
  for (const run of history.runs) deepStrictEqual(run.column("lr"), [0.1, 0.05, 0.025]);
  // The optimizer ends attached to the last run's model.
  strictEqual(optimizer.params[0].value, history.runs[1].model.parameters()[0].value);
});

Deno.test("fit() back-propagates through accumulateGrad where the model has it, else backward", async () => {
  const { x, y } = data(20);
  const options = () => ({
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 2,
    batchSize: 8,
  });
  manualSeed(1);
  const plain = mlp([2, 4, 1]);
  manualSeed(1);
  const model = mlp([2, 4, 1]);
  let accumulated = 0;
  const accumulate = model.accumulateGrad.bind(model);
  model.accumulateGrad = (g) => void (accumulated++, accumulate(g));
  model.backward = () => {
    throw new Error("fit called backward");
  };
  const viaAccumulate = await fit(model, options());
  strictEqual(accumulated, 6); // 3 batches × 2 epochs
  // A layer without accumulateGrad trains through backward, to the same weights.
  const withoutAccumulate: Layer = {
    forward: (t) => plain.forward(t),
    backward: (g) => plain.backward(g),
    parameters: () => plain.parameters(),
    zeroGrad: () => plain.zeroGrad(),
  };
  const viaBackward = await fit(withoutAccumulate, options());
  deepStrictEqual(viaAccumulate.epochs.map((e) => e.loss), viaBackward.epochs.map((e) => e.loss));
  deepStrictEqual(
    model.parameters().map((p) => Array.from(p.value.toTypedArray())),
    plain.parameters().map((p) => Array.from(p.value.toTypedArray())),
  );
});
