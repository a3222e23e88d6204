import { mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, ones, randn } from "@glassbox/tensor";
import { strictEqual, throws } from "node:assert/strict";
import { fit } from "./fit.ts";
import { SGD } from "./sgd.ts";

Deno.test("fit with restarts releases each run's forward-pass views after scoring it", async () => {
  // Before: every run's model kept the activations of its last forward pass (the scoring
  // pass over the whole validation set), so `deno task train --restarts 5000` on notebook
  // 1.1 held 5000 copies of its 10,000 validation rows (about 90 KB each, 0.5 GB in all).
  manualSeed(0);
  const x = randn([20, 2]), y = randn([20, 1]);
  const history = await fit(() => mlp([2, 3, 1]), {
    x,
    y,
    validation: { x, y },
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 2,
    batchSize: 10,
    restarts: 4,
  });
  strictEqual(history.runs.length, 4);
  for (const run of history.runs) {
    // Nothing kept for a backward pass: the views are gone.
    throws(() => run.model.backward(ones([20, 1])), /forward/);
  }
  // A released model still predicts.
  strictEqual(history.model.forward(x).shape[0], 20);
});
