// SGD, Adam and AdamW step parameters on any device through the backend's
// optimizerUpdate: a manual training loop (forward, loss, backward, step) on
// WebGPU follows the same loop on the CPU in float32, and a value read through
// `Parameter.value` before a step keeps its numbers (copy-on-write).

import { mlp, Parameter } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { assertClose, manualSeed, randn, tensor } from "@glassbox/tensor";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { deepStrictEqual } from "node:assert/strict";
import { Adam, AdamW, type Optimizer, SGD } from "./mod.ts";

const { device, ignore } = await setupWebGPUTests("optimizer_device_test.ts");

Deno.test({
  name: "SGD, Adam and AdamW step WebGPU parameters as they step CPU ones",
  ignore,
  fn: async () => {
    const makers: [string, () => Optimizer][] = [
      [
        "SGD nesterov",
        () => new SGD({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
      ],
      ["SGD dampening", () => new SGD({ lr: 0.05, momentum: 0.5, dampening: 0.2 })],
      ["Adam amsgrad", () => new Adam({ lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
      ["AdamW", () => new AdamW({ lr: 0.01 })],
    ];
    manualSeed(2);
    const x = randn([16, 3], { dtype: "float32" }), y = randn([16, 2], { dtype: "float32" });
    for (const [label, make] of makers) {
      const weights: Float32Array[][] = [];
      for (const onGpu of [false, true]) {
        manualSeed(9);
        const model = mlp([3, 5, 2], { activation: "tanh", dtype: "float32" });
        if (onGpu) model.to(device!);
        const [xs, ys] = onGpu ? [x.to(device!), y.to(device!)] : [x, y];
        const opt = make().attach(model.parameters());
        const loss = new MSELoss();
        for (let step = 0; step < 4; step++) {
          opt.zeroGrad();
          loss.forward(model.forward(xs), ys);
          model.backward(loss.backward());
          opt.step();
        }
        weights.push(
          await Promise.all(
            model.parameters().map(async (p) => (await p.value.readTypedArray()) as Float32Array),
          ),
        );
      }
      weights[1].forEach((w, i) =>
        assertClose(w, weights[0][i], { rtol: 1e-4, atol: 1e-5, message: `${label}: ${i}` })
      );
    }
  },
});

Deno.test("a parameter value read before a step keeps its numbers; the step writes a copy", () => {
  const w = new Parameter("w", tensor([1, 2]));
  const opt = new SGD({ lr: 0.5, params: [w] });
  const before = w.value;
  w.accumulate(tensor([1, 1]));
  opt.step();
  deepStrictEqual(before.toArray(), [1, 2]);
  deepStrictEqual(w.value.toArray(), [0.5, 1.5]);
  const held = w.value; // read again: the next step copies again
  opt.step();
  deepStrictEqual(held.toArray(), [0.5, 1.5]);
  deepStrictEqual(w.value.toArray(), [0, 1]);
});
