import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { findAssignmentExperiment } from "../experiments/assignment_registry.ts";
import { parseTrainFlags } from "../experiments/flags.ts";
import { findExperiment } from "../experiments/registry.ts";
import { BENCH_EXPERIMENTS, buildSuite, GROUPS, MICRO_OPS } from "./suite.ts";

Deno.test("the bench's experiment shapes are the registry's defaults and the data's shapes", () => {
  for (const e of BENCH_EXPERIMENTS) {
    if (e.work === null) continue;
    const spec = findExperiment(e.name);
    ok(spec !== undefined, e.name);
    const { config } = parseTrainFlags(["--experiment", e.name]);
    strictEqual(config.architectures.length, 1, e.name);
    strictEqual(config.restarts, 1, e.name);
    strictEqual(config.optimizer, "sgd", e.name); // every row once per epoch
    const data = spec.data(config.seed, config.trainRows!);
    const sizes = [data.xTrain.shape[1], ...config.architectures[0], data.outputs];
    deepStrictEqual(e.work.sizes, sizes, e.name);
    strictEqual(e.work.trainRows, data.xTrain.shape[0], e.name);
    strictEqual(e.work.validRows, data.xValid.shape[0], e.name);
    strictEqual(e.work.epochs, config.epochs, e.name);
  }
});

Deno.test("the bench's assignment settings are the assignment registry's defaults", () => {
  const assignment = BENCH_EXPERIMENTS.filter((e) => e.assignment !== undefined);
  deepStrictEqual(assignment.map((e) => [e.name, e.long ?? false]), [
    ["assignment-fit", false],
    ["assignment-adam", false],
    ["assignment-depths", false],
    ["assignment-widths", true],
    ["assignment-units", true],
    ["assignment-backprop", true],
  ]);
  for (const e of assignment) {
    const d = findAssignmentExperiment(e.name)!.defaults;
    deepStrictEqual(e.assignment, {
      hidden: d.hidden,
      widths: d.widths,
      nreps: d.nreps,
      phi: d.phi,
      optimizer: d.optimizer,
      lr: d.lr,
      epochs: d.epochs,
      tol: d.tol,
      seed: d.seed,
      dataSeed: d.dataSeed,
    }, e.name);
    strictEqual(d.gtol, 1e-5, "SciPy's default gtol, which PyTorch's side leaves as it is");
    strictEqual(d.maxiter, null, "SciPy's default iteration limit");
  }
});

Deno.test("--only micro: the four µs-scale workloads on 33 float64 rows", () => {
  ok(GROUPS.includes("micro"));
  const micro = buildSuite({ only: ["micro"] });
  deepStrictEqual(micro.map((w) => w.id), MICRO_OPS.map((op) => `micro/float64/${op}`));
  for (const w of micro) {
    strictEqual(w.kind === "micro" && w.rows, 33);
    ok(w.timing.minSampleMs >= 10, "a sample is many back-to-back runs");
  }
  const quick = buildSuite({ only: ["micro"], quick: true });
  ok(quick.every((w) => w.timing.budgetMs <= 500), "--quick stays short");
});

Deno.test("the minutes-long assignment parts run only with long: one run, no warm-up", () => {
  const ids = (w: { id: string }[]) => w.map((w) => w.id);
  const plain = buildSuite({ only: ["experiments"] });
  ok(!ids(plain).some((id) => /widths|units|backprop/.test(id)), ids(plain).join(" "));
  ok(ids(plain).includes("experiments/assignment-fit"));
  const long = buildSuite({ only: ["experiments"], long: true });
  const extra = long.filter((w) => !ids(plain).includes(w.id));
  deepStrictEqual(ids(extra), [
    "experiments/assignment-widths",
    "experiments/assignment-units",
    "experiments/assignment-backprop",
  ]);
  for (const w of extra) {
    ok(w.timing.warmupMs < 0 && w.timing.samples === 1, JSON.stringify(w.timing));
  }
  // --quick keeps the first two notebook experiments, plus the long ones only when asked.
  deepStrictEqual(ids(buildSuite({ only: ["experiments"], quick: true })), [
    "experiments/mlp-regression",
    "experiments/mlp-classification",
  ]);
});
