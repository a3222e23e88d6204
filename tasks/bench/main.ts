/**
 * `deno task bench`: one fixed benchmark suite — matmul 64…1024 in every
 * transpose variant, a 784-512-512-10 MLP training step at batch 256, the
 * µs-scale pieces of a 33-row notebook step (`micro`), and the notebooks'
 * experiments — run by glassbox (TypeScript path, WASM path, WebGPU where an
 * adapter exists), PyTorch (when the Python has torch; each row the faster
 * of its 1- and 2-thread runs) and TensorFlow.js (wasm backend, float32),
 * each in its own subprocess, group by group so the figures compared were
 * taken minutes apart at most. Prints one table with the ratios, the share
 * of the SIMD ceiling where the FLOPs are known, the load average before
 * and after, and the speed targets (ok / MISSED); writes bench/results.json.
 *
 * The targets (results.ts `checkTargets`): every notebook experiment ≥ 2×
 * PyTorch, notebook 3.1's (`mlp-regression`) ≥ 1.5×; the float32
 * 784-512-512-10 step ≥ 0.35× PyTorch; `Dense(32, 32)` + activation forward
 * on 33 rows ≤ 6 µs; the classification notebook's training step (batch 33)
 * ≤ 60 µs; and the matmul and TensorFlow.js goals of earlier issues.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  ENGINE_CHOICES,
  type EngineChoice,
  engineCommands,
  type EngineRun,
  runEngine,
} from "./engines.ts";
import { describeMachine, loadAverage } from "./machine.ts";
import {
  buildRows,
  checkTargets,
  measured,
  readReference,
  type Results,
  SCHEMA,
  writeResults,
} from "./results.ts";
import { buildSuite, type Group, GROUPS } from "./suite.ts";
import { formatReport } from "./table.ts";

const DEFAULT_OUT = "bench/results.json";
const DEFAULT_PYTHON = "/usr/bin/python3";

/** The text of `--help`. */
export const USAGE = `Usage: deno task bench [options]

Runs the benchmark suite on glassbox, PyTorch and TensorFlow.js and prints one
table with glassbox's speed relative to each, measured in the same run.

Groups (all by default):
  matmul       A·B, Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ for N = 64, 128, 256, 512, 1024; float64, float32
  mlp          784-512-512-10 ReLU MLP, batch 256: one SGD training step; float32, float64
  micro        µs per run, float64, 33 rows: Dense(32, 32) + tanh / relu forward, x.tanh(),
               one training step of the classification notebook (5-32-32-32-3, batch 33)
  experiments  the notebooks' experiments (deno task train --experiment <name>), float64:
               1.1, 1.2, 3.1, MLP for classification, the assignment's fit, adam and depths
               parts; logistic-regression and mlp-1d are extras (measured, no target);
               with --long also the assignment's widths, units and backprop parts

Engines (all by default): ts, wasm (glassbox's CPU paths, GLASSBOX_WASM=off|auto),
webgpu (glassbox on requestWebGPU(), float32), torch (${DEFAULT_PYTHON} with PyTorch,
tasks/bench/torch_bench.py), tfjs (TensorFlow.js 4.22 wasm backend, float32; it runs
with --cached-only, so fetch it once with \`deno install\`).

Options:
  --quick               fewer sizes, experiments and samples: a smoke test, not a measurement
                        (--quick --only micro: a few seconds)
  --long                also the experiments that take minutes a run (assignment-widths,
                        -units, -backprop): one run per engine, the better part of an hour
                        (PyTorch's width study alone: 15 minutes a run on 2 cores)
  --only <group>        run only these groups (repeat, or separate with commas)
  --engines <list>      run only these engines, e.g. ts,wasm,torch
  --sizes <list>        matmul sizes instead of the defaults, e.g. 64,512
  --torch-threads <l>   torch.set_num_threads values to measure; each row keeps the
                        fastest (default: 1 and the core count)
  --python <path>       the Python with PyTorch (default ${DEFAULT_PYTHON})
  --reference <file>    where PyTorch figures come from when torch is absent
                        (default ${DEFAULT_OUT}, the last complete run)
  --out <file>          write the results there (default: ${DEFAULT_OUT} after a
                        complete run — no --quick, --only, --engines or --sizes — else nowhere)
  --json                print the results JSON instead of the table
  --help                show this text
`;

/** A bad flag: printed with the usage, exit code 2. */
class UsageError extends Error {}

interface Flags {
  quick: boolean;
  long: boolean;
  only: Group[];
  engines: EngineChoice[];
  sizes?: number[];
  torchThreads: number[];
  python: string;
  reference: string;
  out?: string;
  json: boolean;
  help: boolean;
  complete: boolean;
}

function list(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

function positiveIntegers(flag: string, values: string[]): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(`Cannot parse ${flag}: got ${v}, expected a positive integer`);
    }
    return n;
  });
}

/**
 * Parses the command line.
 *
 * @param args The arguments.
 * @returns The flags.
 */
function parseFlags(args: string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        quick: { type: "boolean" },
        long: { type: "boolean" },
        only: { type: "string", multiple: true },
        engines: { type: "string", multiple: true },
        sizes: { type: "string" },
        "torch-threads": { type: "string" },
        python: { type: "string" },
        reference: { type: "string" },
        out: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const only = list(values.only) ?? [...GROUPS];
  for (const g of only) {
    if (!(GROUPS as readonly string[]).includes(g)) {
      throw new UsageError(`Cannot parse --only: got ${g}, expected one of ${GROUPS.join(", ")}`);
    }
  }
  const engines = list(values.engines) ?? [...ENGINE_CHOICES];
  for (const e of engines) {
    if (!(ENGINE_CHOICES as readonly string[]).includes(e)) {
      throw new UsageError(
        `Cannot parse --engines: got ${e}, expected some of ${ENGINE_CHOICES.join(", ")}`,
      );
    }
  }
  const sizes = values.sizes === undefined
    ? undefined
    : positiveIntegers("--sizes", list([values.sizes])!);
  const cores = navigator.hardwareConcurrency;
  const torchThreads = values["torch-threads"] === undefined
    ? [...new Set([1, cores])]
    : positiveIntegers("--torch-threads", list([values["torch-threads"]])!);
  const complete = !values.quick && values.only === undefined && values.engines === undefined &&
    values.sizes === undefined;
  return {
    quick: values.quick ?? false,
    long: values.long ?? false,
    only: only as Group[],
    engines: engines as EngineChoice[],
    sizes,
    torchThreads,
    python: values.python ?? DEFAULT_PYTHON,
    reference: values.reference ?? DEFAULT_OUT,
    out: values.out ?? (complete ? DEFAULT_OUT : undefined),
    json: values.json ?? false,
    help: values.help ?? false,
    complete,
  };
}

function pytorchNote(
  runs: EngineRun[],
  results: Pick<Results, "rows">,
  flags: Flags,
): Results["pytorch"] {
  const torchRuns = runs.filter((r) => r.id.startsWith("torch-"));
  const live = torchRuns.filter((r) => r.available);
  if (live.length > 0) {
    const info = live[0].info;
    const threads = live.map((r) => r.info.threads).join(" and ");
    return {
      source: "measured",
      note: `torch ${info.version} (${flags.python}), each row the faster of ${threads} ` +
        `thread(s) (column thr); torch's own default here: ${info.defaultThreads} thread(s)`,
    };
  }
  const why = torchRuns.length === 0
    ? "not selected (--engines)"
    : `absent — ${torchRuns[0].reason}`;
  const stored = results.rows.find((r) => r.torch?.source === "stored");
  if (stored !== undefined) {
    return {
      source: "stored",
      note: `${why}; * = stored figure from ${flags.reference} (measured ${stored.torch!.date})`,
    };
  }
  return { source: "absent", note: `${why}; no stored reference figure in ${flags.reference}` };
}

async function main(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  // Checked before minutes of measuring, not when the results are written: the file is
  // created new (a temporary file, then a rename), which needs read and write access.
  const out = flags.out;
  if (out !== undefined) {
    const granted = (name: "read" | "write") =>
      Deno.permissions.querySync({ name, path: out }).state === "granted";
    if (!granted("write") || !granted("read")) {
      console.error(
        `--out ${out}: no permission to write there. \`deno task bench\` writes only under bench/; run\n` +
          `  deno run --allow-read=.,${out} --allow-write=${out} --allow-run=deno,/usr/bin/python3,cat ` +
          `--allow-sys=loadavg tasks/bench/main.ts ${args.join(" ")}\n` +
          `or pick --out bench/<name>.json\n\n${USAGE}`,
      );
      return 2;
    }
  }
  const started = new Date();
  const machine = await describeMachine(started);
  const workloads = buildSuite({
    quick: flags.quick,
    only: flags.only,
    sizes: flags.sizes,
    long: flags.long,
  });
  const commands = engineCommands(flags.engines, {
    python: flags.python,
    torchThreads: flags.torchThreads,
  });
  const runs = new Map<string, EngineRun>();
  for (const group of GROUPS) {
    const part = workloads.filter((w) => w.group === group);
    if (part.length === 0) continue;
    for (const cmd of commands) {
      const previous = runs.get(cmd.id);
      if (previous !== undefined && !previous.available) continue;
      console.error(`bench: ${group} on ${cmd.id} (${part.length} workloads)…`);
      const labels = new Map(part.map((w) => [w.id, w.label]));
      const run = await runEngine(cmd, part, {
        run: previous,
        onResult: (id, o) => {
          const text = measured(o) ? `${o.ms.toPrecision(4)} ms` : "skip" in o ? "—" : o.error;
          console.error(`  ${cmd.id.padEnd(8)} ${labels.get(id)!.padEnd(40)} ${text}`);
        },
      });
      if (!run.available) console.error(`  ${cmd.id}: absent — ${run.reason}`);
      runs.set(cmd.id, run);
    }
  }
  const engineRuns = [...runs.values()];
  const glassbox = engineRuns.filter((r) => ["ts", "wasm", "webgpu"].includes(r.id));
  if (glassbox.length > 0 && glassbox.every((r) => !r.available)) {
    console.error(`bench: glassbox did not run (${glassbox[0].reason}); no results written`);
    return 1;
  }
  const torchMeasured = engineRuns.some((r) => r.id.startsWith("torch-") && r.available);
  const reference = torchMeasured ? undefined : await readReference(flags.reference);
  const rows = buildRows(workloads, engineRuns, reference);
  machine.loadAfter = loadAverage();
  const results: Results = {
    schema: SCHEMA,
    args,
    quick: flags.quick,
    machine,
    engines: Object.fromEntries(
      engineRuns.map(({ outcomes: _, ...rest }) => [rest.id, rest]),
    ),
    pytorch: pytorchNote(engineRuns, { rows }, flags),
    rows,
    targets: checkTargets(rows),
  };
  if (flags.json) console.log(JSON.stringify(results, null, 2));
  else console.log(formatReport(results, engineRuns));
  if (flags.out !== undefined) {
    await writeResults(flags.out, results);
    console.error(`bench: results written to ${flags.out}`);
  } else {
    console.error(
      `bench: partial run (--quick/--only/--engines/--sizes): no results file (use --out)`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
