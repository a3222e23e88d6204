// fit() with L-BFGS on WebGPU and CrossEntropyLoss on class indices: the loss reads the
// labels on the host, so they stay there. Before, they were moved to the GPU with the
// inputs and every such run failed at its first step with "class-index targets must be
// readable on the host" (`deno task train --experiment logistic-regression --device webgpu
// --optimizer lbfgs`). Runs where an adapter exists (lavapipe in CI).

import { mlp } from "@glassbox/layers";
import { CrossEntropyLoss } from "@glassbox/losses";
import { assertClose, manualSeed, randn, tensor } from "@glassbox/tensor";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { fit, LBFGS } from "./mod.ts";

const { device, ignore } = await setupWebGPUTests("fit_webgpu_lbfgs_labels_test.ts");

Deno.test({
  name: "fit on WebGPU with L-BFGS and class-index targets follows the same run on the CPU",
  ignore,
  fn: async () => {
    manualSeed(5);
    const x = randn([60, 4], { dtype: "float32" });
    const y = tensor(Array.from({ length: 60 }, (_, i) => i % 3), { dtype: "float32" });
    const run = async (onGpu: boolean) => {
      manualSeed(0);
      const model = mlp([4, 3], { dtype: "float32" });
      if (onGpu) model.to(device!);
      const history = await fit(model, {
        x,
        y,
        loss: new CrossEntropyLoss(),
        optimizer: new LBFGS({ maxIter: 3 }),
        epochs: 2,
        batchSize: 60,
      });
      return history.column("loss");
    };
    assertClose(await run(true), await run(false), { rtol: 1e-4, atol: 1e-5 });
  },
});
