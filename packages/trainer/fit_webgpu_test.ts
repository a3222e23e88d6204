// fit() with a model on a WebGPU device: one step recorded per batch (it stays on the GPU,
// the loss is read once per epoch), and L-BFGS (forward and backward on the GPU, the
// two-loop recursion and line search on the host). Runs where an adapter exists
// (lavapipe in CI).

import { mlp } from "@glassbox/layers";
import { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss } from "@glassbox/losses";
import { assertClose, cpu, manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import { requestWebGPU } from "@glassbox/webgpu-kernels";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { Adam, fit, LBFGS, SGD, StepLR } from "./mod.ts";

const { device, ignore } = await setupWebGPUTests("fit_webgpu_test.ts");

/** The parameters' values on the host. */
async function hostWeights(params: readonly { borrow(): Tensor }[]): Promise<Float32Array[]> {
  return await Promise.all(
    params.map(async (p) => (await p.borrow().readTypedArray()) as Float32Array),
  );
}

Deno.test({
  name:
    "fit on WebGPU trains batches of more than 65,535 rows (one workgroup grid's side), as on the CPU",
  ignore,
  fn: async () => {
    manualSeed(5);
    const rows = 70_000; // a full batch of 70,000 rows, then the epoch's short one of 30,000
    const x = randn([rows + 30_000, 3], { dtype: "float32" });
    const y = randn([rows + 30_000, 2], { dtype: "float32" });
    const run = async (onGpu: boolean) => {
      manualSeed(1);
      const model = mlp([3, 8, 2], { activation: "tanh", dtype: "float32" });
      if (onGpu) model.to(device!);
      const history = await fit(model, {
        x,
        y,
        loss: new MSELoss(),
        optimizer: new SGD({ lr: 0.1 }),
        epochs: 2,
        batchSize: rows,
      });
      return {
        losses: history.epochs.map((e) => e.loss),
        w: await hostWeights(model.parameters()),
      };
    };
    const cpuRun = await run(false), gpuRun = await run(true);
    assertClose(gpuRun.losses, cpuRun.losses, { rtol: 1e-4, message: "per-epoch losses" });
    gpuRun.w.forEach((w, i) =>
      assertClose(w, cpuRun.w[i], { rtol: 1e-3, atol: 1e-5, message: `parameter ${i}` })
    );
  },
});

Deno.test({
  name: "fit on WebGPU with shuffling and a scheduler follows the same run on the CPU",
  ignore,
  fn: async () => {
    manualSeed(3);
    const x = randn([90, 4], { dtype: "float32" });
    const y = tensor(Array.from({ length: 90 }, (_, i) => i % 3), { dtype: "float32" });
    const run = async (onGpu: boolean) => {
      manualSeed(0);
      const model = mlp([4, 8, 8, 3], { activation: "tanh", dtype: "float32" });
      if (onGpu) model.to(device!);
      const optimizer = new SGD({ lr: 0.2, momentum: 0.9, nesterov: true });
      const history = await fit(model, {
        x,
        y,
        loss: new CrossEntropyLoss(),
        optimizer,
        scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }),
        epochs: 5,
        batchSize: 32,
        shuffle: true,
        seed: 7,
        validation: { x, y },
      });
      return { history, weights: await hostWeights(model.parameters()) };
    };
    const cpuRun = await run(false), gpuRun = await run(true);
    deepStrictEqual(gpuRun.history.epochs.map((e) => e.lr), [0.2, 0.2, 0.1, 0.1, 0.05]);
    assertClose(
      gpuRun.history.epochs.flatMap((e) => [e.loss, e.validLoss!]),
      cpuRun.history.epochs.flatMap((e) => [e.loss, e.validLoss!]),
      { rtol: 1e-3, atol: 1e-5, message: "per-epoch losses" },
    );
    gpuRun.weights.forEach((w, i) =>
      assertClose(w, cpuRun.weights[i], { rtol: 1e-3, atol: 1e-5, message: `parameter ${i}` })
    );
  },
});

Deno.test({
  name: "fit on WebGPU stops on a non-finite epoch loss and keeps the previous epoch's weights",
  ignore,
  fn: async () => {
    manualSeed(1);
    const x = randn([40, 2], { dtype: "float32" }).mul(1e18);
    const y = randn([40, 1], { dtype: "float32" });
    const model = mlp([2, 4, 1], { dtype: "float32" }).to(device!);
    const start = await hostWeights(model.parameters());
    const history = await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new SGD({ lr: 1e6 }),
      epochs: 4,
      batchSize: 10,
    });
    strictEqual(history.stop?.kind, "nonFinite");
    match(history.stop!.message, /Stopped at epoch \d: the mean batch loss is (NaN|Infinity)/);
    const kept = await hostWeights(model.parameters());
    if (history.epochs.length === 0) kept.forEach((w, i) => deepStrictEqual(w, start[i]));
    ok(kept.every((w) => w.every(Number.isFinite)));
  },
});

Deno.test({
  name:
    "fit on WebGPU with L-BFGS stops at the step that made a weight NaN and keeps finite weights",
  ignore,
  fn: async () => {
    manualSeed(4);
    const x = randn([60, 3], { dtype: "float32" }), y = randn([60, 2], { dtype: "float32" });
    const model = mlp([3, 8, 2], { activation: "tanh", dtype: "float32" }).to(device!);
    const history = await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new LBFGS({ lr: 1e10, maxIter: 5 }),
      epochs: 4,
      batchSize: 60,
    });
    strictEqual(history.stop?.kind, "nonFinite");
    // The weights are read back after each step: a NaN is caught at the step that made it,
    // not at the next loss, when the weights "before" it would already be NaN.
    match(
      history.stop!.message,
      /parameter \d\.(weight|bias) became (NaN|-?Infinity) after the step/,
    );
    const kept = await hostWeights(model.parameters());
    ok(kept.every((w) => w.every(Number.isFinite)), "the kept weights are finite");
  },
});

Deno.test({
  name:
    "fit on WebGPU gives back every buffer it made: after 50 fits only the models' weights are live",
  ignore,
  fn: async () => {
    manualSeed(5);
    const x = randn([48, 3], { dtype: "float32" }), y = randn([48, 2], { dtype: "float32" });
    const base = device!.memory().liveBuffers;
    for (let i = 0; i < 50; i++) {
      const model = mlp([3, 8, 2], { activation: "tanh", dtype: "float32" }).to(device!);
      await fit(model, {
        x,
        y,
        loss: new MSELoss(),
        optimizer: i % 5 === 4
          ? new LBFGS({ lr: 0.5, maxIter: 3 })
          : i % 2 === 0
          ? new SGD({ lr: 0.1, momentum: 0.9 })
          : new Adam({ lr: 0.01 }),
        epochs: 2,
        batchSize: 16,
        validation: i % 3 === 0 ? { x, y } : undefined,
      });
      // The weights may share buffers (packed for the optimizer): releasing them gives all back.
      for (const p of model.parameters()) p.borrow().dispose();
      strictEqual(device!.memory().liveBuffers, base, `live buffers after fit ${i}`);
    }
  },
});

Deno.test({
  name:
    "fit on WebGPU: a lost device stops training with the last completed epoch's weights on the CPU",
  ignore,
  fn: async () => {
    const gpu = await requestWebGPU(); // its own device: destroying it must not touch the others
    manualSeed(2);
    const x = randn([64, 3], { dtype: "float32" }), y = randn([64, 2], { dtype: "float32" });
    const model = mlp([3, 8, 2], { activation: "relu", dtype: "float32" }).to(gpu);
    let afterEpoch1: Float32Array[] = [];
    const history = await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new SGD({ lr: 0.05 }),
      epochs: 5,
      batchSize: 16,
      callbacks: [{
        onEpochEnd: async (ctx, record) => {
          if (record.epoch !== 1) return;
          afterEpoch1 = await hostWeights(ctx.params);
          gpu.destroy(); // as a driver reset would
        },
      }],
    });
    strictEqual(history.stop?.kind, "deviceLost");
    match(history.stop!.message, /The WebGPU device was lost during epoch 2 \(destroyed/);
    strictEqual(history.epochs.length, 2);
    const params = model.parameters();
    ok(params.every((p) => p.value.device === cpu), "the weights are on the CPU");
    params.forEach((p, i) => deepStrictEqual(p.value.toTypedArray(), afterEpoch1[i]));
  },
});

Deno.test({
  name:
    "fit on WebGPU runs any loss and optimizer the tensors run (BCEWithLogitsLoss as on the CPU) and refuses a loss that does not reduce",
  ignore,
  fn: async () => {
    manualSeed(6);
    const x = randn([24, 2], { dtype: "float32" }), y = randn([24, 1], { dtype: "float32" });
    const model = mlp([2, 1], { dtype: "float32" }).to(device!);
    for (const optimizer of [new LBFGS(), new SGD({ lr: 0.1 })]) {
      await rejects(
        fit(model, {
          x,
          y,
          loss: new MSELoss({ reduction: "none" }),
          optimizer,
          epochs: 1,
        }),
        /the loss must reduce to one value .* got MSELoss with reduction "none"/,
      );
    }
    const closureOnly = {
      name: "Custom",
      lr: 0.1,
      params: [],
      requiresClosure: true,
      attach() {
        return this;
      },
      step: () => 0,
      zeroGrad: () => undefined,
    } as unknown as SGD;
    await rejects(
      fit(model, { x, y, loss: new MSELoss(), optimizer: closureOnly, epochs: 1 }),
      /Custom steps with a closure that reads the loss, which only LBFGS does on WebGPU/,
    );
    // A loss without a fused kernel runs through its tensor operations, on any device.
    const run = async (onGpu: boolean) => {
      manualSeed(0);
      const m = mlp([2, 4, 1], { activation: "tanh", dtype: "float32" });
      if (onGpu) m.to(device!);
      const history = await fit(m, {
        x,
        y: y.greater(0),
        loss: new BCEWithLogitsLoss(),
        optimizer: new SGD({ lr: 0.5, momentum: 0.5 }),
        epochs: 3,
        batchSize: 8,
      });
      return {
        losses: history.epochs.map((e) => e.loss),
        weights: await hostWeights(m.parameters()),
      };
    };
    const [onCpu, onGpu] = [await run(false), await run(true)];
    assertClose(onGpu.losses, onCpu.losses, { rtol: 1e-3, atol: 1e-5, message: "epoch losses" });
    onGpu.weights.forEach((w, i) =>
      assertClose(w, onCpu.weights[i], { rtol: 1e-3, atol: 1e-5, message: `parameter ${i}` })
    );
  },
});

Deno.test({
  name: "fit on WebGPU with L-BFGS follows the same run on the CPU and leaks no buffers",
  ignore,
  fn: async () => {
    manualSeed(4);
    const x = randn([60, 1], { dtype: "float32" });
    const y = x.mul(x).sub(0.5);
    // Few iterations per step: float32 L-BFGS amplifies last-bit differences over longer runs
    // (a line-search decision flips once two trial losses are equal to float32 precision).
    const run = async (onGpu: boolean, epochs = 2) => {
      manualSeed(0);
      const model = mlp([1, 4, 1], { activation: "sigmoid", dtype: "float32" });
      if (onGpu) model.to(device!);
      const optimizer = new LBFGS({ maxIter: 2, lineSearchFn: "strong_wolfe" });
      const history = await fit(model, {
        x,
        y,
        loss: new MSELoss(),
        optimizer,
        epochs,
        validation: { x, y },
      });
      return { history, optimizer, weights: await hostWeights(model.parameters()) };
    };
    const cpuRun = await run(false);
    const before = device!.liveBuffers();
    const gpuRun = await run(true);
    const afterShort = device!.liveBuffers();
    strictEqual(gpuRun.optimizer.funcEvals, cpuRun.optimizer.funcEvals, "closure evaluations");
    strictEqual(gpuRun.history.epochs[0].batches, 1);
    assertClose(
      gpuRun.history.epochs.flatMap((e) => [e.loss, e.validLoss!]),
      cpuRun.history.epochs.flatMap((e) => [e.loss, e.validLoss!]),
      { rtol: 1e-5, atol: 0, message: "per-epoch losses" },
    );
    ok(gpuRun.history.last!.loss < gpuRun.history.epochs[0].loss, "the loss falls");
    gpuRun.weights.forEach((w, i) =>
      assertClose(w, cpuRun.weights[i], { rtol: 1e-3, atol: 1e-5, message: `parameter ${i}` })
    );
    // A run three times as long leaves as many live buffers as the short one: every trial
    // point's upload and every evaluation's intermediates went back to the pool; what
    // stays is the model's weights and its last forward's kept views.
    await run(true, 6);
    strictEqual(device!.liveBuffers() - afterShort, afterShort - before, "live buffers held");
  },
});

Deno.test({
  name: "fit on WebGPU with L-BFGS: a lost device keeps the last completed epoch's weights",
  ignore,
  fn: async () => {
    const gpu = await requestWebGPU();
    manualSeed(5);
    const x = randn([40, 2], { dtype: "float32" }), y = randn([40, 1], { dtype: "float32" });
    const model = mlp([2, 3, 1], { activation: "tanh", dtype: "float32" }).to(gpu);
    let afterEpoch0: Float32Array[] = [];
    const history = await fit(model, {
      x,
      y,
      loss: new MSELoss(),
      optimizer: new LBFGS({ maxIter: 4 }),
      epochs: 3,
      callbacks: [{
        onEpochEnd: async (ctx, record) => {
          if (record.epoch !== 0) return;
          afterEpoch0 = await hostWeights(ctx.params);
          gpu.destroy();
        },
      }],
    });
    strictEqual(history.stop?.kind, "deviceLost");
    strictEqual(history.epochs.length, 1);
    const params = model.parameters();
    ok(params.every((p) => p.borrow().device === cpu), "the weights are on the CPU");
    params.forEach((p, i) => deepStrictEqual(p.borrow().toTypedArray(), afterEpoch0[i]));
  },
});

Deno.test({
  name: "fit on WebGPU checks class-index targets on the host before training, naming the row",
  ignore,
  fn: async () => {
    const x = randn([6, 2], { dtype: "float32" });
    const model = mlp([2, 3], { dtype: "float32" }).to(device!);
    const before = await hostWeights(model.parameters());
    const run = (labels: number[], loss = new CrossEntropyLoss()) =>
      fit(model, {
        x,
        y: tensor(labels, { dtype: "float32", device: device! }),
        loss,
        optimizer: new SGD({ lr: 0.1 }),
        epochs: 1,
      });
    await rejects(
      run([0, 1, 2, 3, 0, 1]),
      /Cannot fit on WebGPU: y\[3\] = 3 is out of range for 3 classes, expected an integer in \[0, 3\) or ignoreIndex -100/,
    );
    await rejects(run([0, 1, 0.5, 2, 0, 1]), /y\[2\] = 0\.5 is not an integer class index/);
    // Nothing was trained by the rejected runs.
    deepStrictEqual(await hostWeights(model.parameters()), before);
    // ignoreIndex is a valid target.
    const history = await run([0, 7, 2, 1, 0, 1], new CrossEntropyLoss({ ignoreIndex: 7 }));
    ok(Number.isFinite(history.epochs[0].loss));
  },
});

Deno.test({
  name: "fit on WebGPU hands the optimizer state back and continues from it, on the GPU or the CPU",
  ignore,
  fn: async () => {
    manualSeed(4);
    const x = randn([32, 3], { dtype: "float32" }), y = randn([32, 2], { dtype: "float32" });
    const options = (optimizer: Adam | SGD, epochs: number) => ({
      x,
      y,
      loss: new MSELoss(),
      optimizer,
      epochs,
      batchSize: 8,
    });
    const fresh = () => {
      manualSeed(0);
      return mlp([3, 6, 2], { activation: "tanh", dtype: "float32" });
    };
    const hostState = async (opt: Adam | SGD) => {
      const { scalars, tensors } = opt.stateDict();
      const values = await Promise.all(Object.values(tensors).map((t) => t.readTypedArray()));
      return { scalars, keys: Object.keys(tensors), values };
    };
    for (const make of [() => new Adam({ lr: 0.02 }), () => new SGD({ lr: 0.05, momentum: 0.9 })]) {
      // The CPU: two epochs, then one more with the same optimizer (its state goes on).
      const cpuModel = fresh(), cpuOpt = make();
      await fit(cpuModel, options(cpuOpt, 2));
      const cpuState = await hostState(cpuOpt);
      await fit(cpuModel, options(cpuOpt, 1));
      const cpuWeights = await hostWeights(cpuModel.parameters());
      // The GPU: the same two epochs leave the same state in the optimizer...
      const gpuModel = fresh().to(device!), gpuOpt = make();
      await fit(gpuModel, options(gpuOpt, 2));
      const gpuState = await hostState(gpuOpt);
      deepStrictEqual(gpuState.scalars, cpuState.scalars, `${gpuOpt.name}: step count`);
      deepStrictEqual(gpuState.keys, cpuState.keys, `${gpuOpt.name}: buffers`);
      gpuState.values.forEach((v, i) =>
        assertClose(v, cpuState.values[i], { rtol: 1e-3, atol: 1e-6, message: gpuState.keys[i] })
      );
      // ...and a third epoch continues from it, on the GPU or after moving to the CPU.
      const onCpu = fresh().to(device!), onCpuOpt = make();
      await fit(onCpu, options(onCpuOpt, 2));
      for (const p of onCpu.parameters()) await p.toAsync(cpu);
      await fit(onCpu, options(onCpuOpt, 1));
      await fit(gpuModel, options(gpuOpt, 1));
      for (const [what, model] of [["GPU", gpuModel], ["GPU then CPU", onCpu]] as const) {
        (await hostWeights(model.parameters())).forEach((w, i) =>
          assertClose(w, cpuWeights[i], {
            rtol: 1e-3,
            atol: 1e-5,
            message: `${gpuOpt.name}, ${what}: parameter ${i}`,
          })
        );
      }
    }
  },
});
