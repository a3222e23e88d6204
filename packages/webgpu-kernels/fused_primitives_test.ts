// The fused Backend primitives on WebGPU against the CPU backend, float32, at
// the float32 tolerances (rtol 1e-4, atol 1e-5): every activation's forward
// and backward, dense forward/backward with and without bias, both losses
// with both reductions and the accumulator, and three in-place steps of every
// optimizer rule.

import { deepStrictEqual } from "node:assert/strict";
import { assertClose, cpu, manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import {
  ACTIVATION_SAVES,
  type ActivationSpec,
  type Backend,
  type GradientRule,
  type Storage,
  storageOf,
} from "@glassbox/tensor/backend";
import { setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("fused_primitives_test.ts");
const test = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore, fn });
const TOL = { rtol: 1e-4, atol: 1e-5 };

function values(shape: number[], seed: number, scale = 1): Tensor {
  manualSeed(seed);
  return randn(shape, { dtype: "float32" }).mul(scale);
}

/** The same inputs on the CPU and the GPU, as storages. */
function both(ts: Tensor[]): { cpu: Storage[]; gpu: Storage[] } {
  return {
    cpu: ts.map((t) => storageOf(t)),
    gpu: ts.map((t) => storageOf(t.to(device!))),
  };
}

async function same(cpuOut: Storage, gpuOut: Storage, size: number, message: string) {
  const gpuBackend: Backend = device!.backend;
  const expected = await cpu.backend.read(cpuOut, "float32");
  const actual = await gpuBackend.read(gpuOut, "float32");
  assertClose(actual, expected.subarray(0, size), { ...TOL, message });
}

const SPECS: ActivationSpec[] = [
  { op: "identity" },
  { op: "relu" },
  { op: "sigmoid" },
  { op: "tanh" },
  { op: "leakyRelu", args: [0.1] },
  { op: "softplus", args: [1, 20] },
  { op: "softplus", args: [2, 5] },
  { op: "elu", args: [1] },
  { op: "elu", args: [0.3] },
];

test("activationForward and activationBackward match the CPU for every ActivationOp", async () => {
  const z = values([6, 7], 1, 6), g = values([6, 7], 2);
  for (const spec of SPECS) {
    const n = 42, label = JSON.stringify(spec);
    const s = both([z, g]);
    const yc = cpu.backend.activationForward(spec, s.cpu[0], n, "float32");
    const yg = device!.backend.activationForward(spec, s.gpu[0], n, "float32");
    await same(yc, yg, n, `${label} forward`);
    const saved = ACTIVATION_SAVES[spec.op] === "input" ? [s.cpu[0], s.gpu[0]] : [yc, yg];
    const dc = cpu.backend.activationBackward(spec, s.cpu[1], saved[0], n, "float32");
    const dg = device!.backend.activationBackward(spec, s.gpu[1], saved[1], n, "float32");
    await same(dc, dg, n, `${label} backward`);
  }
});

test("denseForward and denseBackward match the CPU with and without bias", async () => {
  const x = values([5, 4], 3, 2), w = values([3, 4], 4), b = values([3], 5), g = values([5, 3], 6);
  for (const spec of SPECS) {
    for (const bias of [true, false]) {
      const label = `${JSON.stringify(spec)} bias ${bias}`;
      const s = both([x, w, b, g]);
      const info = { dtype: "float32" as const, rows: 5, inFeatures: 4, outFeatures: 3 };
      const fc = cpu.backend.denseForward(s.cpu[0], s.cpu[1], bias ? s.cpu[2] : null, {
        ...info,
        activation: spec,
      });
      const fg = device!.backend.denseForward(s.gpu[0], s.gpu[1], bias ? s.gpu[2] : null, {
        ...info,
        activation: spec,
      });
      await same(fc.out, fg.out, 15, `${label} out`);
      const back = { ...info, activation: spec, bias, inputGrad: true };
      const bc = cpu.backend.denseBackward(s.cpu[3], s.cpu[0], s.cpu[1], fc.pre ?? fc.out, back);
      const bg = device!.backend.denseBackward(
        s.gpu[3],
        s.gpu[0],
        s.gpu[1],
        fg.pre ?? fg.out,
        back,
      );
      await same(bc.dw, bg.dw, 12, `${label} dw`);
      await same(bc.dx!, bg.dx!, 20, `${label} dx`);
      if (bias) await same(bc.db!, bg.db!, 3, `${label} db`);
    }
  }
});

test("lossValueGrad matches the CPU for MSE and softmax cross-entropy, and accumulates", async () => {
  const pred = values([6, 4], 7, 3), target = values([6, 4], 8);
  const classes = tensor([0, 3, 1, 2, 2, 1], { dtype: "float32" });
  for (const kind of ["mse", "softmaxCrossEntropy"] as const) {
    for (const reduction of ["mean", "sum"] as const) {
      const label = `${kind} ${reduction}`;
      const acc = tensor([1.5], { dtype: "float32" });
      const s = both([pred, kind === "mse" ? target : classes, acc]);
      const info = { dtype: "float32" as const, rows: 6, cols: 4, reduction };
      const rc = cpu.backend.lossValueGrad(kind, s.cpu[0], s.cpu[1], {
        ...info,
        accumulator: s.cpu[2],
      });
      const rg = device!.backend.lossValueGrad(kind, s.gpu[0], s.gpu[1], {
        ...info,
        accumulator: s.gpu[2],
      });
      await same(rc.value, rg.value, 1, `${label} value`);
      await same(rc.grad, rg.grad, 24, `${label} grad`);
      await same(s.cpu[2], s.gpu[2], 1, `${label} accumulator`);
    }
  }
});

test("lossValue gives lossValueGrad's value on the device, and accumulates", async () => {
  const pred = values([6, 4], 9, 3), target = values([6, 4], 10);
  const classes = tensor([1, 0, 3, 2, 0, 1], { dtype: "float32" });
  for (const kind of ["mse", "softmaxCrossEntropy"] as const) {
    for (const reduction of ["mean", "sum"] as const) {
      const label = `${kind} ${reduction}`;
      const acc = tensor([0.25], { dtype: "float32" });
      const s = both([pred, kind === "mse" ? target : classes, acc]);
      const info = { dtype: "float32" as const, rows: 6, cols: 4, reduction };
      const full = device!.backend.lossValueGrad(kind, s.gpu[0], s.gpu[1], info);
      const value = device!.backend.lossValue(kind, s.gpu[0], s.gpu[1], {
        ...info,
        accumulator: s.gpu[2],
      });
      const gpu: Backend = device!.backend;
      const [want, got] = [await gpu.read(full.value, "float32"), await gpu.read(value, "float32")];
      deepStrictEqual(got, want, `${label} value`);
      const onCpu = cpu.backend.lossValue(kind, s.cpu[0], s.cpu[1], {
        ...info,
        accumulator: s.cpu[2],
      });
      await same(onCpu, value, 1, `${label} value on the CPU`);
      await same(s.cpu[2], s.gpu[2], 1, `${label} accumulator`);
    }
  }
});

test("optimizerUpdate matches the CPU in place for every SGD and Adam rule", async () => {
  const sgd = {
    kind: "sgd",
    lr: 0.1,
    dampening: 0,
    nesterov: false,
    weightDecay: 0,
    maximize: false,
  };
  const adam = {
    kind: "adam",
    lr: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    amsgrad: false,
    maximize: false,
    decoupled: false,
  };
  const rules: ((step: number) => GradientRule)[] = [
    () => ({ ...sgd, momentum: 0, fresh: [true, true] }) as GradientRule,
    (t) =>
      ({
        ...sgd,
        momentum: 0.9,
        nesterov: true,
        weightDecay: 0.01,
        fresh: [t === 1, t === 1],
      }) as GradientRule,
    (t) =>
      ({
        ...sgd,
        momentum: 0.8,
        dampening: 0.3,
        maximize: true,
        fresh: [t === 1, t === 1],
      }) as GradientRule,
    (t) => ({ ...adam, step: t }) as GradientRule,
    (t) => ({ ...adam, amsgrad: true, weightDecay: 0.1, step: t }) as GradientRule,
    (t) =>
      ({ ...adam, decoupled: true, weightDecay: 0.1, maximize: true, step: t }) as GradientRule,
  ];
  for (const [k, rule] of rules.entries()) {
    const first = rule(1);
    const stateCount = first.kind === "sgd"
      ? (first.momentum !== 0 ? 1 : 0)
      : (first.amsgrad ? 3 : 2);
    const params = [values([3, 2], 10), values([4], 11)];
    const p = both(params.map((t) => t.clone()));
    const zeros = (size: number) =>
      Array.from({ length: stateCount }, () => tensor(new Float32Array(size)));
    const sc = params.map((t) => zeros(t.size).map((z) => storageOf(z)));
    const sg = params.map((t) => zeros(t.size).map((z) => storageOf(z.to(device!))));
    for (let step = 1; step <= 3; step++) {
      const grads = both([values([3, 2], 20 + step), values([4], 30 + step)]);
      const info = { dtype: "float32" as const, sizes: [6, 4] };
      cpu.backend.optimizerUpdate(rule(step), p.cpu, grads.cpu, sc, info);
      device!.backend.optimizerUpdate(rule(step), p.gpu, grads.gpu, sg, info);
    }
    for (let i = 0; i < 2; i++) {
      await same(p.cpu[i], p.gpu[i], params[i].size, `rule ${k}: parameter ${i}`);
      for (let j = 0; j < stateCount; j++) {
        await same(sc[i][j], sg[i][j], params[i].size, `rule ${k}: state ${j} of ${i}`);
      }
    }
  }
});
