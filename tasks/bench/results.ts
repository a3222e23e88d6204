/**
 * The shape of bench/results.json, how a run's engine records become its
 * rows (figures, the PyTorch reference, ratios), and the atomic write.
 *
 * Ratios are speed ratios: the reference's time ÷ glassbox's time for the
 * same workload in the same run, so 2 means glassbox takes half the time.
 * "best" is the faster of glassbox's two CPU paths (TypeScript, WASM);
 * WebGPU, a different device, gets its own ratios under `paths`. Rows
 * whose work has a FLOP count also carry `best`'s fraction of the SIMD
 * ceiling (tasks/bench/flops.ts).
 *
 * @module
 */

import type { EngineRun, Outcome } from "./engines.ts";
import type { Machine } from "./machine.ts";
import type { Measurement } from "./measure.ts";
import { simdCeiling } from "./flops.ts";
import { BENCH_EXPERIMENTS, flops, type Workload } from "./suite.ts";

/** Version of the results format. */
export const SCHEMA = 1;

/** The PyTorch figure a row is compared with. */
export interface TorchFigure {
  /** ms per run. */
  ms: number;
  /** Threads of the fastest measurement. */
  threads: number;
  /** Measured in this run, or carried over from the reference file when torch is absent. */
  source: "measured" | "stored";
  /** For stored figures: the date of the run that measured it. */
  date?: string;
}

/** One workload's figures and ratios. */
export interface Row {
  id: string;
  group: Workload["group"];
  label: string;
  dtype: Workload["dtype"];
  /** The unit the table shows: GFLOP/s (matmul), ms/step (mlp), µs/run (micro), ms/run (experiments). */
  unit: "GFLOP/s" | "ms/step" | "µs/run" | "ms/run";
  /** Floating-point operations per run (matrix products only), or null where the work is not fixed. */
  flops: number | null;
  /** `best`'s GFLOP/s ÷ the SIMD ceiling of the machine's cores (0.5 = half), or null. */
  ofCeiling: number | null;
  /** Outcome per engine id (`ts`, `wasm`, `webgpu`, `torch-1`, …, `tfjs`). */
  engines: Record<string, Outcome>;
  /** The faster glassbox CPU path, or null when neither measured. */
  best: { engine: string; ms: number } | null;
  /** The PyTorch reference, or null. */
  torch: TorchFigure | null;
  /** Speed ratios of `best`: reference ms ÷ best ms. */
  vsTorch: number | null;
  vsTfjs: number | null;
  /** The same ratios for each glassbox path. */
  paths: Record<string, { vsTorch: number | null; vsTfjs: number | null }>;
}

/** A target from the issues, checked against the rows. */
export interface Target {
  name: string;
  /** The measured value (GFLOP/s, a ratio, …), or null when not measured. */
  value: number | null;
  /** `>= goal` (or `<= goal` for `max` targets) passes. */
  goal: number;
  kind: "min" | "max";
  pass: boolean | null;
}

/** bench/results.json. */
export interface Results {
  schema: number;
  /** The flags of the run. */
  args: string[];
  quick: boolean;
  machine: Machine;
  /** Each engine: availability, its own description, but not its outcomes (see rows). */
  engines: Record<string, Omit<EngineRun, "outcomes">>;
  /** Where the PyTorch column came from. */
  pytorch: { source: "measured" | "stored" | "absent"; note: string };
  rows: Row[];
  targets: Target[];
}

/** Whether an outcome is a measurement. */
export function measured(o: Outcome | undefined): o is Measurement {
  return o !== undefined && "ms" in o;
}

const GLASSBOX_PATHS = ["ts", "wasm", "webgpu"];
const CPU_PATHS = ["ts", "wasm"];

/**
 * Builds the rows from the engines' records.
 *
 * @param workloads The suite, in order.
 * @param runs Every engine's record.
 * @param reference Rows of a stored results file, used for PyTorch when no torch engine measured.
 * @param cores Cores of the SIMD ceiling (default: the machine's).
 * @returns One row per workload.
 */
export function buildRows(
  workloads: readonly Workload[],
  runs: readonly EngineRun[],
  reference?: { date: string; rows: readonly Row[] },
  cores: number = navigator.hardwareConcurrency,
): Row[] {
  const stored = new Map(reference?.rows.map((r) => [r.id, r.torch]) ?? []);
  return workloads.map((w) => {
    const engines: Record<string, Outcome> = {};
    for (const r of runs) {
      if (r.available && w.id in r.outcomes) engines[r.id] = r.outcomes[w.id];
    }
    let torch: TorchFigure | null = null;
    for (const r of runs.filter((r) => r.id.startsWith("torch-"))) {
      const o = engines[r.id];
      if (measured(o) && (torch === null || o.ms < torch.ms)) {
        torch = { ms: o.ms, threads: Number(r.id.slice("torch-".length)), source: "measured" };
      }
    }
    if (torch === null && reference !== undefined) {
      const s = stored.get(w.id);
      if (s != null) torch = { ...s, source: "stored", date: s.date ?? reference.date };
    }
    let best: Row["best"] = null;
    for (const path of CPU_PATHS) {
      const o = engines[path];
      if (measured(o) && (best === null || o.ms < best.ms)) best = { engine: path, ms: o.ms };
    }
    const tfjs = engines.tfjs;
    const ratio = (ref: number | undefined, ms: number | undefined) =>
      ref === undefined || ms === undefined ? null : ref / ms;
    const tfjsMs = measured(tfjs) ? tfjs.ms : undefined;
    const paths: Row["paths"] = {};
    for (const path of GLASSBOX_PATHS) {
      const o = engines[path];
      if (!measured(o)) continue;
      paths[path] = { vsTorch: ratio(torch?.ms, o.ms), vsTfjs: ratio(tfjsMs, o.ms) };
    }
    const count = flops(w);
    const unit: Row["unit"] = w.kind === "matmul"
      ? "GFLOP/s"
      : w.kind === "mlp"
      ? "ms/step"
      : w.kind === "micro"
      ? "µs/run"
      : "ms/run";
    return {
      id: w.id,
      group: w.group,
      label: w.label,
      dtype: w.dtype,
      unit,
      flops: count,
      ofCeiling: count === null || best === null
        ? null
        : count / (best.ms * 1e6) / simdCeiling(w.dtype, cores),
      engines,
      best,
      torch,
      vsTorch: ratio(torch?.ms, best?.ms),
      vsTfjs: ratio(tfjsMs, best?.ms),
      paths,
    };
  });
}

/**
 * GFLOP/s of a time per run, for rows that count operations.
 *
 * @param row The row.
 * @param ms ms per run.
 * @returns GFLOP/s, or null.
 */
export function gflops(row: Row, ms: number): number | null {
  return row.flops === null ? null : row.flops / (ms * 1e6);
}

/**
 * Checks the speed targets against the rows that were measured: issue 18's
 * (every notebook experiment ≥ 2× PyTorch, notebook 3.1's ≥ 1.5×; the
 * float32 784-512-512-10 step ≥ 0.35× PyTorch; `Dense(32, 32)` + activation
 * forward on 33 rows ≤ 6 µs; the classification notebook's step ≤ 60 µs)
 * and the earlier matmul and TensorFlow.js ones. Extras
 * (`logistic-regression`, `mlp-1d`) have none.
 *
 * @param rows The rows.
 * @returns One entry per target (value null when its rows are missing).
 *
 * @example
 * ```ts
 * import { checkTargets, type Row } from "./results.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const row = {
 *   id: "micro/float64/classification-step", best: { engine: "wasm", ms: 0.05 },
 * } as Row;
 * const t = checkTargets([row]).find((t) => t.name.startsWith("classification step"))!;
 * strictEqual(t.value, 50); // µs
 * strictEqual(t.pass, true); // ≤ 60 µs
 * ```
 */
export function checkTargets(rows: readonly Row[]): Target[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Target[] = [];
  const add = (name: string, value: number | null, goal: number, kind: "min" | "max" = "min") =>
    out.push({
      name,
      value,
      goal,
      kind,
      pass: value === null ? null : kind === "min" ? value >= goal : value <= goal,
    });
  const rate = (id: string) => {
    const r = byId.get(id);
    return r?.best ? gflops(r, r.best.ms) : null;
  };
  const micros = (id: string) => {
    const ms = byId.get(id)?.best?.ms;
    return ms === undefined ? null : ms * 1000;
  };
  add("matmul f64 N=512: GFLOP/s", rate("matmul/float64/512/nn"), 15);
  add("matmul f64 N=512: × PyTorch", byId.get("matmul/float64/512/nn")?.vsTorch ?? null, 0.2);
  add("matmul f32 N=512: GFLOP/s", rate("matmul/float32/512/nn"), 30);
  for (const dtype of ["float64", "float32"]) {
    const plain = byId.get(`matmul/${dtype}/512/nn`)?.best?.ms;
    const variants = ["tn", "nt", "tt"].map((v) => byId.get(`matmul/${dtype}/512/${v}`)?.best?.ms);
    const worst = plain === undefined || variants.some((v) => v === undefined)
      ? null
      : Math.max(...(variants as number[])) / plain;
    add(
      `matmul ${dtype === "float64" ? "f64" : "f32"} N=512: slowest transposed ÷ plain time`,
      worst,
      1.2,
      "max",
    );
  }
  add("mlp f32 train step: × PyTorch", byId.get("mlp/float32/train-step")?.vsTorch ?? null, 0.35);
  add("mlp f32 train step: × tfjs", byId.get("mlp/float32/train-step")?.vsTfjs ?? null, 20);
  add("Dense(32,32)+tanh fwd 33 rows f64: µs", micros("micro/float64/dense-tanh"), 6, "max");
  add("Dense(32,32)+relu fwd 33 rows f64: µs", micros("micro/float64/dense-relu"), 6, "max");
  add(
    "classification step b33 f64: µs",
    micros("micro/float64/classification-step"),
    60,
    "max",
  );
  for (const e of BENCH_EXPERIMENTS) {
    if (e.goal === null) continue;
    add(
      `train ${e.name} (notebook ${e.notebook}): × PyTorch`,
      byId.get(`experiments/${e.name}`)?.vsTorch ?? null,
      e.goal,
    );
  }
  return out;
}

/**
 * Writes the results atomically: a temporary file beside the target, then a rename.
 *
 * @param path Where (e.g. bench/results.json).
 * @param results The results.
 */
export async function writeResults(path: string, results: Results): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(results, null, 2) + "\n");
  await Deno.rename(tmp, path);
}

/**
 * Reads a results file to take stored PyTorch figures from; undefined when
 * it is missing, unreadable or of another format version.
 *
 * @param path The file.
 * @returns Its date and rows.
 */
export async function readReference(
  path: string,
): Promise<{ date: string; rows: Row[] } | undefined> {
  try {
    const r = JSON.parse(await Deno.readTextFile(path)) as Results;
    if (r.schema !== SCHEMA || !Array.isArray(r.rows)) return undefined;
    return { date: r.machine.date, rows: r.rows };
  } catch {
    return undefined;
  }
}
