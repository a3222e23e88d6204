import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { EngineRun } from "./engines.ts";
import type { Machine } from "./machine.ts";
import { buildRows, checkTargets, type Results, SCHEMA, type Target } from "./results.ts";
import { BENCH_EXPERIMENTS, buildSuite, type Workload } from "./suite.ts";
import { formatReport, iterationRatio } from "./table.ts";

const SUITE = buildSuite({ long: true });
const MACHINE: Machine = {
  cpu: "test",
  cores: 2,
  os: "linux/x86_64",
  deno: "0",
  v8: "0",
  typescript: "0",
  loadBefore: 1,
  loadAfter: 1.5,
  date: "2000-01-01T00:00:00.000Z",
};

/** An engine that measured `ms(w)` for each workload where it is defined. */
function engine(id: string, ms: (w: Workload) => number | undefined): EngineRun {
  const outcomes: EngineRun["outcomes"] = {};
  for (const w of SUITE) {
    const t = ms(w);
    if (t !== undefined) outcomes[w.id] = { ms: t, minMs: t, maxMs: t, samples: 1, inner: 1 };
  }
  return { id, available: true, info: {}, outcomes };
}

/**
 * Targets of a run where glassbox's WASM path took `gb` ms and PyTorch `torch` ms for
 * the workload `id`, and 1 ms for every other (so its targets read 1×).
 */
function targetsWith(id: string, gb: number, torch = 1): Target[] {
  const rows = buildRows(
    SUITE,
    [
      engine("wasm", (w) => (w.id === id ? gb : 1)),
      engine("torch-1", (w) => (w.id === id ? torch : 1)),
    ],
    undefined,
    2,
  );
  return checkTargets(rows);
}

function target(targets: Target[], name: string): Target {
  const t = targets.find((t) => t.name.startsWith(name));
  ok(t !== undefined, `no target named ${name}…: ${targets.map((t) => t.name).join("; ")}`);
  return t;
}

Deno.test("checkTargets: every notebook experiment ≥ 2× PyTorch, notebook 3.1's ≥ 1.5×", () => {
  const notebooks = BENCH_EXPERIMENTS.filter((e) => e.notebook !== null);
  deepStrictEqual(notebooks.map((e) => e.name), [
    "mlp-regression",
    "mlp-classification",
    "linear-regression",
    "multivariate-linear-regression",
    "assignment-fit",
    "assignment-adam",
    "assignment-depths",
    "assignment-widths",
    "assignment-units",
    "assignment-backprop",
  ]);
  for (const e of notebooks) {
    const goal = e.name === "mlp-regression" ? 1.5 : 2;
    const id = `experiments/${e.name}`;
    const name = `train ${e.name} (notebook`;
    // PyTorch 10 ms; glassbox just slower than the goal allows, then just fast enough.
    const below = target(targetsWith(id, 10 / (goal - 0.01), 10), name);
    strictEqual(below.goal, goal);
    strictEqual(below.kind, "min");
    strictEqual(below.pass, false, `${e.name} at ${below.value}×`);
    const above = target(targetsWith(id, 10 / (goal + 0.01), 10), name);
    strictEqual(above.pass, true, `${e.name} at ${above.value}×`);
  }
  // Notebook 3.1 at 1.6× passes; a 2× notebook at 1.6× does not.
  strictEqual(
    target(targetsWith("experiments/mlp-regression", 10, 16), "train mlp-regression").pass,
    true,
  );
  strictEqual(
    target(targetsWith("experiments/linear-regression", 10, 16), "train linear-regression").pass,
    false,
  );
});

Deno.test("checkTargets: the extras are measured without a target", () => {
  const names = targetsWith("", 1).map((t) => t.name);
  for (const extra of ["logistic-regression", "mlp-1d"]) {
    ok(!names.some((n) => n.includes(extra)), `${extra} has a target: ${names.join("; ")}`);
    ok(SUITE.some((w) => w.id === `experiments/${extra}` && w.label.endsWith("(extra)")));
  }
});

Deno.test("checkTargets: the float32 784-512-512-10 step ≥ 0.35× PyTorch", () => {
  const id = "mlp/float32/train-step";
  const name = "mlp f32 train step: × PyTorch";
  const below = target(targetsWith(id, 10 / 0.34, 10), name);
  strictEqual(below.goal, 0.35);
  strictEqual(below.pass, false);
  strictEqual(target(targetsWith(id, 10 / 0.36, 10), name).pass, true);
});

Deno.test("checkTargets: Dense(32, 32) + tanh or ReLU forward ≤ 6 µs, classification step ≤ 60 µs", () => {
  const cases = [
    ["micro/float64/dense-tanh", "Dense(32,32)+tanh", 6],
    ["micro/float64/dense-relu", "Dense(32,32)+relu", 6],
    ["micro/float64/classification-step", "classification step b33", 60],
  ] as const;
  for (const [id, name, goal] of cases) {
    const slow = target(targetsWith(id, (goal + 0.1) / 1000), name);
    strictEqual(slow.kind, "max");
    strictEqual(slow.goal, goal);
    strictEqual(slow.value!.toFixed(6), (goal + 0.1).toFixed(6)); // in µs
    strictEqual(slow.pass, false);
    strictEqual(target(targetsWith(id, (goal - 0.1) / 1000), name).pass, true);
  }
  // x.tanh() is measured (the table has it) but has no target of its own.
  ok(!targetsWith("", 1).some((t) => t.name.startsWith("x.tanh")));
});

Deno.test("checkTargets: a target whose row was not measured has no value and no verdict", () => {
  const rows = buildRows(buildSuite({ only: ["micro"] }), [], undefined, 2);
  const targets = checkTargets(rows);
  ok(targets.length > 10);
  for (const t of targets) {
    strictEqual(t.value, null, t.name);
    strictEqual(t.pass, null, t.name);
  }
});

Deno.test("formatReport prints MISSED below a goal and ok above it, and the SIMD ceiling", () => {
  const micro = buildSuite({ only: ["micro"] });
  const runs = [
    engine(
      "wasm",
      (w) => w.id === "micro/float64/dense-tanh" ? 0.0059 : w.group === "micro" ? 0.07 : undefined,
    ),
  ];
  const rows = buildRows(micro, runs, undefined, 2);
  const results: Results = {
    schema: SCHEMA,
    args: [],
    quick: true,
    machine: MACHINE,
    engines: {},
    pytorch: { source: "absent", note: "not selected" },
    rows,
    targets: checkTargets(rows),
  };
  const text = formatReport(results, runs);
  const line = (start: string) => text.split("\n").find((l) => l.trim().startsWith(start)) ?? "";
  ok(/ 5\.90 +\(≤ 6\) +ok$/.test(line("Dense(32,32)+tanh fwd 33 rows f64: µs")), text);
  ok(/ 70\.0 +\(≤ 6\) +MISSED$/.test(line("Dense(32,32)+relu fwd 33 rows f64: µs")), text);
  ok(/ 70\.0 +\(≤ 60\) +MISSED$/.test(line("classification step b33 f64: µs")), text);
  // The micro rows in µs, with best's share of the 38 GFLOP/s float64 ceiling.
  const dense = line("Dense(32,32)+tanh fwd [33,32] f64");
  ok(dense.includes(" µs/run "), dense);
  const share = (2 * 33 * 32 * 32 / (0.0059 * 1e6) / 38 * 100).toFixed(0);
  ok(dense.includes(` ${share}%`), `${share}% in ${dense}`);
  ok(text.includes("38 GFLOP/s float64, 76 float32"), text);
  ok(text.includes("load 1.00 → 1.50"), text);
});

Deno.test("formatReport: where the runs took different iteration counts, the per-iteration ratio", () => {
  const adam = SUITE.filter((w) => w.id === "experiments/assignment-adam");
  const run = (id: string, ms: number, iterations: number): EngineRun => ({
    id,
    available: true,
    info: {},
    outcomes: {
      [adam[0].id]: { ms, minMs: ms, maxMs: ms, samples: 3, inner: 1, perRun: { iterations } },
    },
  });
  const runs = [run("wasm", 875, 4185), run("torch-1", 436, 1867)];
  const [row] = buildRows(adam, runs, undefined, 2);
  strictEqual(row.vsTorch, 436 / 875);
  const perIteration = iterationRatio(row)!;
  strictEqual(perIteration, (436 / 1867) / (875 / 4185));
  const text = formatReport({
    schema: SCHEMA,
    args: [],
    quick: false,
    machine: { ...MACHINE },
    engines: {},
    pytorch: { source: "measured", note: "torch" },
    rows: [row],
    targets: checkTargets([row]),
  }, runs);
  ok(text.includes("train assignment-adam [wasm], per run: 4185 iterations"), text);
  ok(text.includes("train assignment-adam [torch-1], per run: 1867 iterations"), text);
  ok(
    text.includes(
      `train assignment-adam: the runs took different numbers of iterations; per iteration ÷PyTorch = ${
        perIteration.toPrecision(3)
      }×`,
    ),
    text,
  );
  // The same counts on both sides: no such line.
  const same = [run("wasm", 875, 1867), run("torch-1", 436, 1867)];
  strictEqual(iterationRatio(buildRows(adam, same, undefined, 2)[0]), null);
});
