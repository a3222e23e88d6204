/**
 * The text `deno task bench` prints: the machine line, one aligned table
 * of every workload (figures per engine, then speed ratios), the notes the
 * cells refer to, and the targets.
 *
 * @module
 */

import type { EngineRun, Outcome } from "./engines.ts";
import { simdCeiling } from "./flops.ts";
import { machineLine } from "./machine.ts";
import { gflops, measured, type Results, type Row } from "./results.ts";

/** A figure with three significant digits (more for large numbers). */
function fmt(value: number): string {
  if (value >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

/** A figure in the row's unit: GFLOP/s for matmul, µs for micro, else ms. */
function figure(row: Row, ms: number): string {
  if (row.unit === "GFLOP/s") return fmt(gflops(row, ms)!);
  return fmt(row.unit === "µs/run" ? ms * 1000 : ms);
}

/** `best`'s share of the SIMD ceiling, in percent. */
function percent(value: number | null): string {
  return value === null
    ? ""
    : `${value >= 0.1 ? (value * 100).toFixed(0) : (value * 100).toFixed(1)}%`;
}

function cell(row: Row, o: Outcome | undefined, run: EngineRun | undefined): string {
  if (run !== undefined && !run.available) return "absent";
  if (o === undefined) return "";
  if (measured(o)) return figure(row, o.ms);
  return "skip" in o ? "—" : "error";
}

function ratio(value: number | null): string {
  return value === null ? "" : `${fmt(value)}×`;
}

/**
 * Formats the results as the text report.
 *
 * @param results The results.
 * @param runs The engine records (to tell an absent engine from a skipped workload).
 * @returns The report, lines joined by newlines.
 */
export function formatReport(results: Results, runs: readonly EngineRun[]): string {
  const runById = new Map(runs.map((r) => [r.id, r]));
  const has = (id: string) => runById.has(id);
  const columns: { title: string; get: (r: Row) => string }[] = [
    { title: "workload", get: (r) => r.label },
    { title: "unit", get: (r) => r.unit },
  ];
  for (const [id, title] of [["ts", "gb ts"], ["wasm", "gb wasm"], ["webgpu", "gb webgpu"]]) {
    if (has(id)) columns.push({ title, get: (r) => cell(r, r.engines[id], runById.get(id)) });
  }
  const torchRuns = runs.filter((r) => r.id.startsWith("torch-"));
  if (torchRuns.length > 0 || results.pytorch.source === "stored") {
    columns.push({
      title: "PyTorch",
      get: (r) => {
        if (r.torch !== null) {
          return `${figure(r, r.torch.ms)}${r.torch.source === "stored" ? "*" : ""}`;
        }
        return results.pytorch.source === "absent" ? "absent" : "";
      },
    });
    if (torchRuns.length > 1) {
      columns.push({ title: "thr", get: (r) => r.torch?.threads.toString() ?? "" });
    }
  }
  if (has("tfjs")) {
    columns.push({ title: "tfjs", get: (r) => cell(r, r.engines.tfjs, runById.get("tfjs")) });
  }
  columns.push({ title: "best", get: (r) => r.best?.engine ?? "" });
  columns.push({ title: "%SIMD", get: (r) => percent(r.ofCeiling) });
  columns.push({ title: "÷PyTorch", get: (r) => ratio(r.vsTorch) });
  if (has("tfjs")) columns.push({ title: "÷tfjs", get: (r) => ratio(r.vsTfjs) });

  const cells = results.rows.map((r) => columns.map((c) => c.get(r)));
  const widths = columns.map((c, i) =>
    Math.max(c.title.length, ...cells.map((row) => row[i].length))
  );
  const line = (values: string[]) =>
    values.map((v, i) => i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i])).join("  ").trimEnd();
  const out: string[] = [];
  out.push(`glassbox bench — ${machineLine(results.machine)}`);
  for (const run of runs) out.push(`  ${describe(run)}`);
  out.push("");
  out.push(line(columns.map((c) => c.title)));
  out.push(widths.map((w) => "-".repeat(w)).join("  "));
  let group = "";
  results.rows.forEach((r, i) => {
    if (r.group !== group && group !== "") out.push("");
    group = r.group;
    out.push(line(cells[i]));
  });
  out.push("");
  const cores = results.machine.cores;
  out.push(
    "Figures: median of the samples, after warm-up (matmul: GFLOP/s = 2·N³ / time, higher is",
    "better; micro: µs per run, others: ms, lower is better). gb = glassbox; best = the faster",
    "CPU path; ÷X = X's time ÷ best's time in this run (above 1: glassbox is faster). — = not",
    `applicable. %SIMD = best's GFLOP/s (matrix products only) ÷ the ${cores}-core 128-bit FMA`,
    `ceiling: ${simdCeiling("float64", cores)} GFLOP/s float64, ${
      simdCeiling("float32", cores)
    } float32. (extra) = no notebook of its own: measured, no target.`,
  );
  out.push(`PyTorch: ${results.pytorch.note}`);
  for (const r of results.rows) {
    for (const [id, o] of Object.entries(r.engines)) {
      if (!("perRun" in o) || o.perRun === undefined) continue;
      const counts = Object.entries(o.perRun).map(([k, v]) => `${v} ${k}`).join(", ");
      out.push(`${r.label} [${id}], per ${r.unit === "ms/step" ? "step" : "run"}: ${counts}`);
    }
    const perIteration = iterationRatio(r);
    if (perIteration !== null) {
      out.push(
        `${r.label}: the runs took different numbers of iterations; per iteration ÷PyTorch = ${
          ratio(perIteration)
        }`,
      );
    }
  }
  const errors = results.rows.flatMap((r) =>
    Object.entries(r.engines).flatMap(([id, o]) =>
      "error" in o ? [`  ${r.label} [${id}]: ${o.error}`] : []
    )
  );
  if (errors.length > 0) out.push("Errors:", ...errors);
  const checked = results.targets.filter((t) => t.value !== null);
  if (checked.length > 0) {
    out.push("", "Speed targets:");
    const tw = Math.max(...checked.map((t) => t.name.length));
    for (const t of checked) {
      const verdict = t.pass ? "ok" : "MISSED";
      const value = fmt(t.value!);
      const goal = `${t.kind === "min" ? "≥" : "≤"} ${t.goal}`;
      out.push(`  ${t.name.padEnd(tw)}  ${value.padStart(6)}  (${goal})  ${verdict}`);
    }
  }
  const unchecked = results.targets.length - checked.length;
  if (unchecked > 0) out.push(`(${unchecked} target(s) not measured in this run)`);
  return out.join("\n");
}

/**
 * PyTorch's time per iteration ÷ best's, for rows whose two runs report
 * different iteration counts (optimizers that stop on a tolerance); else null.
 */
export function iterationRatio(r: Row): number | null {
  if (r.best === null || r.torch === null || r.torch.source !== "measured") return null;
  const iterations = (o: Outcome | undefined) =>
    o !== undefined && measured(o) ? o.perRun?.iterations : undefined;
  const mine = iterations(r.engines[r.best.engine]);
  const theirs = iterations(r.engines[`torch-${r.torch.threads}`]);
  if (mine === undefined || theirs === undefined || mine === theirs || mine === 0) return null;
  return (r.torch.ms / theirs) / (r.best.ms / mine);
}

/** One line per engine: what it is, or why it is absent. */
export function describe(run: EngineRun): string {
  if (!run.available) return `${run.id}: absent — ${run.reason}`;
  const info = Object.entries(run.info)
    .filter(([k]) => k !== "engine" && k !== "available")
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return `${run.id}: ${info}`;
}
