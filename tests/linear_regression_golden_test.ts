// The seed linear-regression experiment (what `deno task train` runs) against
// the same run in PyTorch float64 with autograd: same data from the same
// seed, same per-epoch losses and final weights (numerics contract: whole
// training runs within rtol 1e-9).

import { assertClose } from "@glassbox/tensor";
import {
  type LinearRegressionConfig,
  runLinearRegression,
} from "../tasks/experiments/linear_regression.ts";

interface Case {
  config: LinearRegressionConfig;
  trueWeights: number[];
  x: number[];
  weights: number[];
  bias: number[];
  history: { epoch: number; loss: number; validLoss: number }[];
}

const fixture: { cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/linear_regression.json", import.meta.url)),
);

Deno.test("linear regression experiment matches PyTorch float64 training", async (t) => {
  for (const c of fixture.cases) {
    const cfg = c.config;
    await t.step(
      `n=${cfg.samples} f=${cfg.features} epochs=${cfg.epochs} batch=${cfg.batchSize} seed=${cfg.seed}`,
      () => {
        const result = runLinearRegression(cfg);
        assertClose(result.trueWeights.flatten(), c.trueWeights, {
          rtol: 0,
          atol: 0,
          message: "true weights",
        });
        // The inputs are the same draws (difference exactly 0), not merely close ones.
        assertClose(result.inputs.flatten(), c.x, { rtol: 0, atol: 0, message: "inputs" });
        assertClose(result.history.map((h) => h.loss), c.history.map((h) => h.loss), {
          rtol: 1e-9,
          atol: 0,
          message: "train losses",
        });
        assertClose(result.history.map((h) => h.validLoss), c.history.map((h) => h.validLoss), {
          rtol: 1e-9,
          atol: 0,
          message: "validation losses",
        });
        assertClose(result.weights.flatten(), c.weights, {
          rtol: 1e-9,
          atol: 0,
          message: "weights",
        });
        assertClose(result.bias, c.bias, { rtol: 1e-9, atol: 0, message: "bias" });
      },
    );
  }
});
