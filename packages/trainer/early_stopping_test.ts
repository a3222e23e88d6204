import { mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, randn, type Tensor } from "@glassbox/tensor";
import { deepStrictEqual, match, rejects, strictEqual, throws } from "node:assert/strict";
import { EarlyStopping } from "./early_stopping.ts";
import { fit } from "./fit.ts";
import { SGD } from "./sgd.ts";

/** A metric that replays `values`, one per epoch, so the best epoch is known in advance. */
function scripted(values: number[]): () => number {
  let epoch = 0;
  return () => values[epoch++];
}

Deno.test("EarlyStopping stops after patience epochs without improvement and restores the best weights", async () => {
  manualSeed(0);
  const x = randn([20, 2]), y = randn([20, 1]);
  const model = mlp([2, 3, 1]);
  const weightsAfter: Tensor[][] = [];
  const stopper = new EarlyStopping({ monitor: "score", patience: 2, minDelta: 0.05 });
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 20,
    batchSize: 5,
    // Epoch 2 is best; 1.48 at epoch 3 improves by less than minDelta; stop after epoch 4.
    metrics: { score: scripted([3, 2, 1.5, 1.48, 1.7, 1.0]) },
    callbacks: [
      // Copies taken without reading `value` (which would make the next step copy the weights
      // before updating them in place, hiding a restore that kept views).
      { onEpochEnd: (ctx) => void weightsAfter.push(ctx.params.map((p) => p.borrow().clone())) },
      stopper,
    ],
  });
  strictEqual(history.epochs.length, 5);
  strictEqual(history.stop?.kind, "earlyStopping");
  strictEqual(history.stop?.epoch, 4);
  strictEqual(history.stop?.batch, null);
  match(
    history.stop!.message,
    /after epoch 4: score did not improve on 1\.5000 \(epoch 2\) for 2 epochs; restored the weights of epoch 2/,
  );
  strictEqual(stopper.bestEpoch, 2);
  strictEqual(stopper.bestValue, 1.5);
  model.parameters().forEach((p, i) =>
    deepStrictEqual(p.value.toArray(), weightsAfter[2][i].toArray())
  );
});

Deno.test("EarlyStopping in max mode, without restoring, keeps the last weights", async () => {
  manualSeed(0);
  const x = randn([10, 2]), y = randn([10, 1]);
  const model = mlp([2, 1]);
  const history = await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 10,
    metrics: { acc: scripted([0.5, 0.7, 0.6, 0.65, 0.9]) },
    callbacks: [
      new EarlyStopping({ monitor: "acc", mode: "max", patience: 2, restoreBest: false }),
    ],
  });
  deepStrictEqual(history.column("acc"), [0.5, 0.7, 0.6, 0.65]);
  strictEqual(history.stop?.kind, "earlyStopping");
});

Deno.test("EarlyStopping watches validLoss by default, loss without validation", async () => {
  manualSeed(0);
  const x = randn([10, 2]), y = randn([10, 1]);
  const seen: string[] = [];
  const probe = new EarlyStopping({ patience: 100 });
  const original = probe.onEpochEnd.bind(probe);
  probe.onEpochEnd = (ctx, record) => {
    original(ctx, record);
    seen.push(probe.bestValue === record.validLoss ? "validLoss" : "loss");
  };
  await fit(mlp([2, 1]), {
    x,
    y,
    validation: { x, y },
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.01 }),
    epochs: 1,
    callbacks: [probe],
  });
  deepStrictEqual(seen, ["validLoss"]);
});

Deno.test("EarlyStopping rejects bad options and unknown monitors", async () => {
  throws(() => new EarlyStopping({ patience: 1.5 }), /patience must be an integer >= 0, got 1.5/);
  // @ts-expect-error: mode is min or max
  throws(() => new EarlyStopping({ mode: "lowest" }), /mode must be "min" or "max", got "lowest"/);
  throws(
    () => new EarlyStopping({ monitor: "" }),
    /monitor must be "loss", "validLoss" or a metric's name/,
  );
  manualSeed(0);
  const x = randn([10, 2]), y = randn([10, 1]);
  await rejects(
    fit(mlp([2, 1]), {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new SGD({ lr: 0.1 }),
      callbacks: [new EarlyStopping({ monitor: "validLoss" })],
    }),
    /Cannot stop early: monitor validLoss is not recorded \(epochs record loss\)/,
  );
});

Deno.test("EarlyStopping restores the best weights when nobody else read them (in-place steps)", async () => {
  manualSeed(0);
  const x = randn([20, 2]), y = randn([20, 1]);
  const model = mlp([2, 3, 1]);
  const copies: number[][][] = []; // copies, not `value` reads: those would keep the old values alive
  await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1, momentum: 0.5 }),
    epochs: 20,
    batchSize: 5,
    metrics: { score: scripted([3, 2, 1.5, 1.48, 1.7, 1.0]) },
    callbacks: [
      {
        onEpochEnd: (ctx) =>
          void copies.push(ctx.params.map((p) => Array.from(p.borrow().toTypedArray()))),
      },
      new EarlyStopping({ monitor: "score", patience: 2, minDelta: 0.05 }),
    ],
  });
  model.parameters().forEach((p, i) =>
    deepStrictEqual(Array.from(p.value.toTypedArray()), copies[2][i])
  );
});
