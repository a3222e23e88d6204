import { strictEqual } from "node:assert/strict";
import {
  experimentFlops,
  forwardFlops,
  SIMD_CEILING_PER_CORE,
  simdCeiling,
  trainFlops,
} from "./flops.ts";
import { buildRows } from "./results.ts";
import { BENCH_EXPERIMENTS, buildSuite, flops } from "./suite.ts";

Deno.test("forwardFlops counts 2 operations per multiply-add of every layer's product", () => {
  // [5, 2]·[2, 3] then [5, 3]·[3, 4]: 5·(6 + 12) multiply-adds.
  strictEqual(forwardFlops({ sizes: [2, 3, 4], rows: 5 }), 2 * 5 * (2 * 3 + 3 * 4));
  strictEqual(forwardFlops({ sizes: [7], rows: 5 }), 0);
});

Deno.test("trainFlops: forward, every weight gradient, every input gradient but the first layer's", () => {
  // By hand for 2-3-4 on 5 rows: forward 5·(6 + 12), ∂W 5·(6 + 12), ∂x of layer 2 only 5·12.
  const multiplyAdds = 5 * (6 + 12) + 5 * (6 + 12) + 5 * 12;
  strictEqual(trainFlops({ sizes: [2, 3, 4], rows: 5 }), 2 * multiplyAdds);
  // A linear model has no input gradient at all: forward and ∂W.
  strictEqual(trainFlops({ sizes: [6, 3], rows: 33 }), 2 * 2 * 33 * 18);
  // The 784-512-512-10 step at batch 256: 0.82 GFLOP.
  const step = trainFlops({ sizes: [784, 512, 512, 10], rows: 256 });
  strictEqual(step, 821_559_296);
  strictEqual((step / 1e9).toFixed(2), "0.82");
});

Deno.test("experimentFlops: notebook 3.1's run is 2.6 GFLOP (0.63 training, 1.96 validation)", () => {
  const work = { sizes: [6, 32, 32, 32, 32, 3], trainRows: 1000, validRows: 9100, epochs: 32 };
  const training = 32 * trainFlops({ sizes: work.sizes, rows: 1000 });
  const validation = 32 * forwardFlops({ sizes: work.sizes, rows: 9100 });
  strictEqual(training, 632_832_000);
  strictEqual(validation, 1_956_864_000);
  strictEqual(experimentFlops(work), training + validation);
  strictEqual((experimentFlops(work) / 1e9).toFixed(1), "2.6");
  strictEqual(experimentFlops({ ...work, runs: 3 }), 3 * (training + validation));
  // The classification notebook: about 0.19 GFLOP.
  const classification = BENCH_EXPERIMENTS.find((e) => e.name === "mlp-classification")!.work!;
  strictEqual((experimentFlops(classification) / 1e9).toFixed(2), "0.19");
});

Deno.test("the suite's FLOP counts: matmul 2·N³, the mlp step and micro rows from the formula", () => {
  const suite = buildSuite({ sizes: [64] });
  const byId = new Map(suite.map((w) => [w.id, w]));
  strictEqual(flops(byId.get("matmul/float64/64/nn")!), 2 * 64 ** 3);
  strictEqual(flops(byId.get("mlp/float32/train-step")!), 821_559_296);
  strictEqual(flops(byId.get("micro/float64/dense-tanh")!), 2 * 33 * 32 * 32);
  strictEqual(flops(byId.get("micro/float64/tanh")!), null);
  strictEqual(
    flops(byId.get("micro/float64/classification-step")!),
    trainFlops({ sizes: [5, 32, 32, 32, 3], rows: 33 }),
  );
  strictEqual(flops(byId.get("experiments/mlp-regression")!), 2_589_696_000);
  strictEqual(flops(byId.get("experiments/mlp-1d")!), null); // L-BFGS: evaluations vary
  strictEqual(flops(byId.get("experiments/assignment-fit")!), null); // BFGS
});

Deno.test("the SIMD ceiling: 19 / 38 GFLOP/s per core; a row's share of it from best's time", () => {
  strictEqual(SIMD_CEILING_PER_CORE.float64, 19);
  strictEqual(simdCeiling("float64", 2), 38);
  strictEqual(simdCeiling("float32", 2), 76);
  const w = buildSuite({ only: ["mlp"] }).find((w) => w.dtype === "float32")!;
  // 0.821559296 GFLOP in 21.62 ms ≈ 38 GFLOP/s: half of the float32 ceiling on 2 cores.
  const ms = 821_559_296 / 38e6;
  const [row] = buildRows(
    [w],
    [{
      id: "ts",
      available: true,
      info: {},
      outcomes: { [w.id]: { ms, minMs: ms, maxMs: ms, samples: 1, inner: 1 } },
    }],
    undefined,
    2,
  );
  strictEqual(row.ofCeiling!.toFixed(6), (0.5).toFixed(6));
  const [none] = buildRows([w], [], undefined, 2);
  strictEqual(none.ofCeiling, null);
});
