import { loadSafetensors, mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, randn, type Tensor } from "@glassbox/tensor";
import { deepStrictEqual, notStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { Adam } from "./adam.ts";
import { fit } from "./fit.ts";
import { loadCheckpoint } from "./load_checkpoint.ts";
import { ModelCheckpoint } from "./model_checkpoint.ts";
import { SGD } from "./sgd.ts";
import { loadOptimizerState } from "./optimizer_state_file.ts";

function scripted(values: number[]): () => number {
  let epoch = 0;
  return () => values[epoch++];
}

Deno.test("ModelCheckpoint writes best and last as loadable safetensors, atomically", async () => {
  const dir = await Deno.makeTempDir({ prefix: "glassbox-checkpoint-" });
  try {
    manualSeed(0);
    const x = randn([20, 2]), y = randn([20, 1]);
    const model = mlp([2, 4, 1]);
    const after: Tensor[][] = [];
    const inodes: (number | null)[] = [];
    const checkpoint = new ModelCheckpoint({
      dir: `${dir}/run/`,
      monitor: "score",
      saveOptimizer: true,
    });
    const optimizer = new Adam({ lr: 0.01 });
    await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer,
      epochs: 4,
      batchSize: 5,
      metrics: { score: scripted([3, 1, 2, 4]) }, // best at epoch 1
      callbacks: [
        { onEpochEnd: (ctx) => void after.push(ctx.params.map((p) => p.value)) },
        checkpoint,
        { onEpochEnd: async () => void inodes.push((await Deno.stat(checkpoint.lastPath)).ino) },
      ],
    });
    // Only the finished files: every write went to a temporary file renamed into place.
    const names = [];
    for await (const entry of Deno.readDir(`${dir}/run`)) names.push(entry.name);
    deepStrictEqual(names.sort(), [
      "best.safetensors",
      "last.optimizer.safetensors",
      "last.safetensors",
    ]);
    // A rename puts a new file in place each time rather than rewriting the old one.
    if (inodes[0] !== null) notStrictEqual(inodes[0], inodes[1]);

    const best = await loadSafetensors(checkpoint.bestPath);
    strictEqual(best.metadata.epoch, "1");
    strictEqual(best.metadata.monitor, "score");
    strictEqual(best.metadata.value, "1");
    const fresh = mlp([2, 4, 1]);
    fresh.loadStateDict(best.tensors);
    fresh.parameters().forEach((p, i) => deepStrictEqual(p.value.toArray(), after[1][i].toArray()));

    const last = await loadSafetensors(checkpoint.lastPath);
    strictEqual(last.metadata.epoch, "3");
    strictEqual(last.metadata.format, "pt");
    model.parameters().forEach((p) =>
      deepStrictEqual(last.tensors[p.name].toArray(), p.value.toArray())
    );
    const state = await loadOptimizerState(`${dir}/run/last.optimizer.safetensors`);
    strictEqual(state.type, "Adam");
    strictEqual(state.scalars.step, 16);
    const resumed = new Adam().attach(model.parameters());
    resumed.loadStateDict(state);
    deepStrictEqual(
      resumed.stateDict().tensors["0.weight.exp_avg"].toArray(),
      optimizer.stateDict().tensors["0.weight.exp_avg"].toArray(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ModelCheckpoint saves the model as left by a cancellation mid-epoch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "glassbox-checkpoint-" });
  try {
    manualSeed(0);
    const x = randn([40, 2]), y = randn([40, 1]);
    const model = mlp([2, 1]);
    const controller = new AbortController();
    const checkpoint = new ModelCheckpoint({ dir });
    const history = await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new Adam({ lr: 0.01 }),
      epochs: 5,
      batchSize: 10,
      signal: controller.signal,
      callbacks: [
        checkpoint,
        { onBatchEnd: (_ctx, b) => void (b.epoch === 2 && b.batch === 1 && controller.abort()) },
      ],
    });
    strictEqual(history.stop?.kind, "aborted");
    const last = await loadSafetensors(checkpoint.lastPath);
    strictEqual(last.metadata.stopped, "aborted");
    strictEqual(last.metadata.epoch, "1"); // the last completed epoch
    model.parameters().forEach((p) =>
      deepStrictEqual(last.tensors[p.name].toArray(), p.value.toArray())
    );
    ok((await loadSafetensors(checkpoint.bestPath)).metadata.monitor === "loss");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadCheckpoint refuses a model and optimizer state from different saves", async () => {
  manualSeed(0);
  const x = randn([16, 2]), y = randn([16, 1]);
  const dir = await Deno.makeTempDir({ prefix: "glassbox_ckpt_" });
  try {
    const optimizerFile = `${dir}/last.optimizer.safetensors`;
    let epoch0: Uint8Array | null = null;
    await fit(mlp([2, 3, 1]), {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new SGD({ lr: 0.1, momentum: 0.9 }),
      epochs: 2,
      callbacks: [
        new ModelCheckpoint({ dir, saveBest: false, saveOptimizer: true }),
        {
          onEpochEnd: async (_ctx, record) => {
            if (record.epoch === 0) epoch0 = await Deno.readFile(optimizerFile);
          },
        },
      ],
    });
    const good = await loadCheckpoint(dir);
    strictEqual(good.metadata.epoch, "1");
    ok(good.optimizer !== null);
    // A save killed between its two files: epoch 1's model beside epoch 0's optimizer state.
    await Deno.writeFile(optimizerFile, epoch0!);
    await rejects(
      loadCheckpoint(dir),
      /last\.safetensors \(epoch 1\) and last\.optimizer\.safetensors \(epoch 0\) come from different saves/,
    );
    await Deno.remove(optimizerFile);
    strictEqual((await loadCheckpoint(dir)).optimizer, null, "a model saved alone loads alone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
