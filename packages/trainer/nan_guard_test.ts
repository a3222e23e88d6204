import { mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { fit } from "./fit.ts";
import { NanGuard } from "./nan_guard.ts";
import { SGD } from "./sgd.ts";

Deno.test("NanGuard stops at the batch whose loss is NaN, naming epoch, batch and rows, and keeps the weights", async () => {
  manualSeed(0);
  const rows = Array.from(randn([30, 2]).toTypedArray());
  rows[2 * 23] = NaN; // row 23: in batch 2 (rows 20–29) of every epoch
  const x = tensor(rows, { shape: [30, 2] }), y = randn([30, 1]);
  const model = mlp([2, 3, 1]);
  let before: Tensor[] = [];
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 3,
    batchSize: 10,
    callbacks: [{ onBatchBegin: (ctx) => void (before = ctx.params.map((p) => p.value)) }],
  });
  strictEqual(history.stop?.kind, "nonFinite");
  strictEqual(history.stop?.epoch, 0);
  strictEqual(history.stop?.batch, 2);
  strictEqual(
    history.stop?.message,
    "Stopped at epoch 0, batch 2 (rows 20–29): the loss is NaN; kept the weights from before this batch's step",
  );
  strictEqual(history.epochs.length, 0);
  model.parameters().forEach((p, i) => deepStrictEqual(p.value.toArray(), before[i].toArray()));
  ok(model.parameters().every((p) => p.value.toTypedArray().every(Number.isFinite)));
});

Deno.test("NanGuard names the parameter that overflowed", async () => {
  manualSeed(0);
  const x = randn([16, 2]).mul(1e150), y = randn([16, 1]);
  const history = await fit(mlp([2, 1]), {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 1e10 }),
    epochs: 5,
    batchSize: 4,
    callbacks: [new NanGuard()],
  });
  strictEqual(history.stop?.kind, "nonFinite");
  // The loss (≈1.5e300) is finite; the gradient overflows, and so does the weight.
  match(
    history.stop!.message,
    /^Stopped at epoch 0, batch 0 \(rows 0–3\): parameter 0\.weight became -Infinity after the step \(loss 1\.47\d*e\+300\); kept the weights from before this batch's step$/,
  );
  ok(history.model.parameters().every((p) => p.value.toTypedArray().every(Number.isFinite)));
});

Deno.test("NanGuard restores the weights from before a later batch's step, which updates them in place", async () => {
  manualSeed(0);
  const rows = Array.from(randn([16, 2]).toTypedArray());
  for (let i = 16; i < 24; i++) rows[i] *= 1e150; // rows 8–11: batch 2 overflows
  const x = tensor(rows, { shape: [16, 2] }), y = randn([16, 1]);
  const model = mlp([2, 1]);
  // Copies taken without reading `value` (which would make the step copy the weights first).
  let before: Tensor[] = [];
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 1e10 }),
    epochs: 1,
    batchSize: 4,
    callbacks: [{
      onBatchBegin: (ctx) => void (before = ctx.params.map((p) => p.borrow().clone())),
    }],
  });
  strictEqual(history.stop?.batch, 2, history.stop?.message);
  model.parameters().forEach((p, i) => deepStrictEqual(p.value.toArray(), before[i].toArray()));
});

Deno.test("fit() with nanGuard: false trains through NaN", async () => {
  manualSeed(0);
  const x = tensor([[NaN, 1], [1, 1]]), y = tensor([[1], [1]]);
  const history = await fit(mlp([2, 1]), {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 2,
    nanGuard: false,
  });
  strictEqual(history.stop, null);
  ok(Number.isNaN(history.last!.loss));
});

Deno.test("fit() stops when the validation loss overflows and keeps the weights it started from", async () => {
  manualSeed(0);
  const x = randn([32, 2]), y = randn([32, 1]);
  // Training is finite, but the validation inputs are so large that the squared errors
  // overflow: the batch losses never show it.
  const validation = { x: randn([8, 2]).mul(1e200), y: randn([8, 1]) };
  const run = async (nanGuard: boolean) => {
    manualSeed(1);
    const model = mlp([2, 1]);
    const start = model.parameters().map((p) => p.value.toArray());
    const history = await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new SGD({ lr: 0.1 }),
      epochs: 3,
      batchSize: 8,
      validation,
      nanGuard,
    });
    return { history, start, end: model.parameters().map((p) => p.value.toArray()) };
  };
  const guarded = await run(true);
  strictEqual(guarded.history.stop?.kind, "nonFinite");
  strictEqual(
    guarded.history.stop!.message,
    "Stopped at epoch 0: the validation loss is Infinity; kept the weights it started from",
  );
  strictEqual(guarded.history.epochs.length, 0, "the overflowing epoch is not recorded");
  deepStrictEqual(guarded.end, guarded.start);
  const unguarded = await run(false);
  strictEqual(unguarded.history.stop, null);
  strictEqual(unguarded.history.epochs.length, 3);
});

Deno.test("NanGuard keeps the weights from before a later batch's step when nobody else read them", async () => {
  manualSeed(0);
  const rows = Array.from(randn([30, 2]).toTypedArray());
  rows[2 * 23] = NaN; // row 23: in batch 2 (rows 20–29)
  const x = tensor(rows, { shape: [30, 2] }), y = randn([30, 1]);
  const model = mlp([2, 3, 1]);
  let before: number[][] = []; // copies, not `value` reads: those would keep the old values alive
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1, momentum: 0.9 }),
    epochs: 3,
    batchSize: 10,
    callbacks: [{
      onBatchBegin: (ctx) =>
        void (before = ctx.params.map((p) => Array.from(p.borrow().toTypedArray()))),
    }],
  });
  strictEqual(history.stop?.kind, "nonFinite");
  model.parameters().forEach((p, i) =>
    deepStrictEqual(Array.from(p.value.toTypedArray()), before[i])
  );
});
