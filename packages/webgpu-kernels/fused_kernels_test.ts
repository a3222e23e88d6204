// The fused Backend primitives on WebGPU against the CPU backend's, in
// float32 at the single-pass tolerances (rtol 1e-4, atol 1e-5), at sizes
// that reach the kernels' register-blocked tiles and multi-row loops (the
// small cases are in fused_primitives_test.ts): dense forward and backward
// for every activation of the table (Softplus and leaky ReLU with their
// arguments), with and without bias and ∂x; both losses over 300 rows with
// their accumulator; the optimizer update over three parameters packed into
// flat buffers for three steps, the buffers given back with the storages.
// Each primitive is also checked to be one dispatch (∂W and ∂x: two).

import {
  assertClose,
  cpu,
  type Device,
  manualSeed,
  rand,
  randn,
  type Tensor,
  tensor,
  zeros,
} from "@glassbox/tensor";
import {
  ACTIVATION_SAVES,
  type ActivationOp,
  type ActivationSpec,
  type OptimizerRule,
  type Storage,
  storageOf,
} from "@glassbox/tensor/backend";
import { ok, strictEqual } from "node:assert/strict";
import { setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("fused_kernels_test.ts");

const TOL = { rtol: 1e-4, atol: 1e-5 };
const f32 = { dtype: "float32" } as const;

/** Every activation of the table, with arguments where it takes them. */
const SPECS: { readonly [K in ActivationOp]: ActivationSpec } = {
  identity: { op: "identity" },
  relu: { op: "relu" },
  sigmoid: { op: "sigmoid" },
  tanh: { op: "tanh" },
  leakyRelu: { op: "leakyRelu", args: [0.1] },
  softplus: { op: "softplus", args: [2, 3] }, // β = 2, threshold 3: both branches are hit
  elu: { op: "elu", args: [0.7] },
};

const storage = (t: Tensor): Storage => storageOf(t, "test");

/** The values of a storage of `device` as a host array. */
async function host(d: Device, s: Storage): Promise<Float32Array> {
  return (await d.backend.read(s, "float32")) as Float32Array;
}

/** Dispatches recorded while `fn` runs. */
function dispatches(fn: () => void): number {
  const before = device!.memory().dispatches;
  fn();
  return device!.memory().dispatches - before;
}

/** The same float32 tensor on the CPU and on the device. */
function pair(t: Tensor): [Tensor, Tensor] {
  return [t, t.to(device!)];
}

for (const op of Object.keys(SPECS) as ActivationOp[]) {
  const spec = SPECS[op];
  Deno.test({
    name: `denseForward and denseBackward with ${op} match the CPU, in one dispatch each GEMM`,
    ignore,
    async fn() {
      const gpu = device!;
      manualSeed(11);
      for (const [rows, inF, outF, bias] of [[7, 5, 9, true], [130, 100, 64, false]] as const) {
        const [x, gx] = pair(randn([rows, inF], f32).mul(1.5));
        const [w, gw] = pair(randn([outF, inF], f32).mul(0.5));
        const [b, gb] = pair(randn([outF], f32));
        const info = {
          dtype: "float32",
          rows,
          inFeatures: inF,
          outFeatures: outF,
          activation: spec,
        } as const;
        const want = cpu.backend.denseForward(
          storage(x),
          storage(w),
          bias ? storage(b) : null,
          info,
        );
        let got!: ReturnType<typeof gpu.backend.denseForward>;
        strictEqual(
          dispatches(() => {
            got = gpu.backend.denseForward(
              storage(gx),
              storage(gw),
              bias ? storage(gb) : null,
              info,
            );
          }),
          1,
        );
        const wantOut = cpu.backend.readSync(want.out, "float32")!;
        assertClose(await host(gpu, got.out), wantOut, { ...TOL, message: `${op} forward` });
        strictEqual(got.pre === null, ACTIVATION_SAVES[op] === "output" || op === "identity");
        if (got.pre !== null) {
          assertClose(await host(gpu, got.pre), cpu.backend.readSync(want.pre!, "float32")!, TOL);
        }
        const [g, gg] = pair(randn([rows, outF], f32));
        const savedCpu = want.pre ?? want.out, savedGpu = got.pre ?? got.out;
        const binfo = { ...info, bias, inputGrad: true };
        const wantGrads = cpu.backend.denseBackward(
          storage(g),
          storage(x),
          storage(w),
          savedCpu,
          binfo,
        );
        let gotGrads!: ReturnType<typeof gpu.backend.denseBackward>;
        strictEqual(
          dispatches(() => {
            gotGrads = gpu.backend.denseBackward(
              storage(gg),
              storage(gx),
              storage(gw),
              savedGpu,
              binfo,
            );
          }),
          2,
          "∂W (with ∂b) and ∂x",
        );
        const read = (s: Storage) => cpu.backend.readSync(s, "float32")!;
        assertClose(await host(gpu, gotGrads.dw), read(wantGrads.dw), { ...TOL, message: "dw" });
        assertClose(await host(gpu, gotGrads.dx!), read(wantGrads.dx!), { ...TOL, message: "dx" });
        strictEqual(gotGrads.db === null, !bias);
        if (bias) {
          assertClose(await host(gpu, gotGrads.db!), read(wantGrads.db!), {
            ...TOL,
            message: "db",
          });
        }
        const noDx = gpu.backend.denseBackward(storage(gg), storage(gx), storage(gw), savedGpu, {
          ...binfo,
          inputGrad: false,
        });
        strictEqual(noDx.dx, null);
        for (
          const s of [got.out, got.pre, gotGrads.dw, gotGrads.db, gotGrads.dx, noDx.dw, noDx.db]
        ) {
          if (s !== null) gpu.backend.dispose(s);
        }
        for (const t of [gx, gw, gb, gg]) t.dispose();
      }
    },
  });
}

Deno.test({
  name:
    "lossValueGrad matches the CPU for MSE and softmax cross entropy and adds into the accumulator",
  ignore,
  async fn() {
    const gpu = device!;
    manualSeed(13);
    for (const kind of ["mse", "softmaxCrossEntropy"] as const) {
      for (const reduction of ["mean", "sum"] as const) {
        const rows = 300, cols = 7;
        const [p, gp] = pair(randn([rows, cols], f32).mul(3));
        const target = kind === "mse"
          ? randn([rows, cols], f32)
          : tensor(Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * cols)), f32);
        const gt = target.to(gpu);
        const info = { dtype: "float32", rows, cols, reduction } as const;
        const want = cpu.backend.lossValueGrad(kind, storage(p), storage(target), info);
        const acc = tensor([0.5], f32).to(gpu);
        let got!: ReturnType<typeof gpu.backend.lossValueGrad>;
        strictEqual(
          dispatches(() => {
            got = gpu.backend.lossValueGrad(kind, storage(gp), storage(gt), {
              ...info,
              accumulator: storage(acc),
            });
          }),
          1,
        );
        const value = cpu.backend.readSync(want.value, "float32")![0];
        const where = `${kind} ${reduction}`;
        assertClose(await host(gpu, got.value), [value], { ...TOL, message: `${where} value` });
        assertClose(
          await host(gpu, got.grad),
          cpu.backend.readSync(want.grad, "float32")!,
          { ...TOL, message: `${where} grad` },
        );
        assertClose(await acc.readTypedArray(), [0.5 + value], { ...TOL, message: `${where} acc` });
        gpu.backend.dispose(got.value);
        gpu.backend.dispose(got.grad);
        for (const t of [gp, gt, acc]) t.dispose();
      }
    }
  },
});

/** Rules of the optimizer test, with the number of state buffers each keeps. */
const RULES: [string, (step: number) => OptimizerRule, number][] = [
  ["plain SGD", () => sgd({}), 0],
  [
    "SGD with momentum, dampening, weight decay",
    (t) => sgd({ momentum: 0.9, dampening: 0.1, weightDecay: 1e-2, fresh: t === 1 }),
    1,
  ],
  [
    "Nesterov SGD, maximize",
    (t) => sgd({ momentum: 0.8, nesterov: true, maximize: true, fresh: t === 1 }),
    1,
  ],
  ["Adam with L2", (t) => adam({ weightDecay: 1e-2, step: t }), 2],
  [
    "AdamW with AMSGrad",
    (t) => adam({ weightDecay: 1e-2, decoupled: true, amsgrad: true, step: t }),
    3,
  ],
];

function sgd(
  o: {
    momentum?: number;
    dampening?: number;
    nesterov?: boolean;
    weightDecay?: number;
    maximize?: boolean;
    fresh?: boolean;
  },
): OptimizerRule {
  return {
    kind: "sgd",
    lr: 0.05,
    momentum: o.momentum ?? 0,
    dampening: o.dampening ?? 0,
    nesterov: o.nesterov ?? false,
    weightDecay: o.weightDecay ?? 0,
    maximize: o.maximize ?? false,
    fresh: [o.fresh ?? true, o.fresh ?? true, o.fresh ?? true],
  };
}

function adam(
  o: { weightDecay: number; decoupled?: boolean; amsgrad?: boolean; step: number },
): OptimizerRule {
  return {
    kind: "adam",
    lr: 0.01,
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-8,
    weightDecay: o.weightDecay,
    amsgrad: o.amsgrad ?? false,
    maximize: false,
    decoupled: o.decoupled ?? false,
    step: o.step,
  };
}

for (const [name, rule, kinds] of RULES) {
  Deno.test({
    name:
      `optimizerUpdate (${name}) matches the CPU over three parameters in one dispatch per step`,
    ignore,
    async fn() {
      const gpu = device!;
      manualSeed(14);
      const shapes = [[40, 30], [40], [3, 40]];
      const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
      const cpuParams = shapes.map((s) => randn(s, f32));
      const gpuParams = cpuParams.map((t) => t.to(gpu));
      const cpuStates = shapes.map((s) => Array.from({ length: kinds }, () => zeros(s, f32)));
      const gpuStates = cpuStates.map((list) => list.map((t) => t.to(gpu)));
      for (let step = 1; step <= 3; step++) {
        const grads = shapes.map((s) => randn(s, f32));
        const gpuGrads = grads.map((t) => t.to(gpu));
        const r = rule(step);
        cpu.backend.optimizerUpdate(
          r,
          cpuParams.map(storage),
          grads.map(storage),
          cpuStates.map((l) => l.map(storage)),
          { dtype: "float32", sizes },
        );
        const n = dispatches(() =>
          gpu.backend.optimizerUpdate(
            r,
            gpuParams.map(storage),
            gpuGrads.map(storage),
            gpuStates.map((l) => l.map(storage)),
            { dtype: "float32", sizes },
          )
        );
        strictEqual(n, 1, `step ${step}`);
        for (const t of gpuGrads) t.dispose();
      }
      for (let i = 0; i < shapes.length; i++) {
        assertClose(await gpuParams[i].readTypedArray(), cpuParams[i].toTypedArray(), {
          ...TOL,
          message: `parameter ${i}`,
        });
        for (let j = 0; j < kinds; j++) {
          assertClose(await gpuStates[i][j].readTypedArray(), cpuStates[i][j].toTypedArray(), {
            ...TOL,
            message: `state ${i}.${j}`,
          });
        }
      }
      const live = gpu.liveBuffers();
      for (const t of [...gpuParams, ...gpuStates.flat()]) t.dispose();
      ok(gpu.liveBuffers() < live, "the packed buffers go back when their storages are released");
      strictEqual(gpu.errors().length, 0, gpu.errors().join("\n"));
    },
  });
}
