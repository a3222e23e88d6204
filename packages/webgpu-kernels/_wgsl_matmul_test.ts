import { manualSeed, randn } from "@glassbox/tensor";
import { storageOf, tensorFromStorage, type UnaryOp } from "@glassbox/tensor/backend";
import { ok } from "node:assert/strict";
import type { WebGPUBackend } from "./_webgpu_backend.ts";
import { assertMatchesCpu, setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("_wgsl_matmul_test.ts");

Deno.test({
  name: "the fused dense epilogue f(x·Wᵀ + b) matches matmul, add and the activation on the CPU",
  ignore,
  async fn() {
    const gpu = device!;
    const backend = gpu.backend as WebGPUBackend;
    manualSeed(0);
    const cases: [number, number, number][] = [[37, 20, 13], [130, 70, 100], [5, 3, 2]];
    for (const [n, inF, outF] of cases) {
      const [x, w, b] = [randn([n, inF]), randn([outF, inF]), randn([outF])];
      for (const activation of [undefined, "relu", "sigmoid", "tanh"] as (UnaryOp | undefined)[]) {
        for (const withBias of [true, false]) {
          const r = await assertMatchesCpu(
            (ctx, xs, ws, bs) => {
              if (ctx.device !== gpu) {
                const z = xs.matmul(ws, { transposeB: true });
                const y = withBias ? z.add(bs) : z;
                return activation ? y[activation]() : y;
              }
              const info = {
                dtype: "float32" as const,
                m: n,
                n: outF,
                k: inF,
                transposeA: false,
                transposeB: true,
                aOffsets: [0],
                bOffsets: [0],
              };
              const storage = backend.matmulEpilogue(storageOf(xs), storageOf(ws), info, {
                bias: withBias ? storageOf(bs) : undefined,
                activation,
              });
              return tensorFromStorage(storage, {
                shape: [n, outF],
                dtype: "float32",
                device: gpu,
              });
            },
            [x, w, b],
            { device: gpu, message: `${n}×${inF}→${outF} ${activation} bias=${withBias}` },
          );
          ok(r.toleranceUsed < 1);
        }
      }
    }
  },
});
