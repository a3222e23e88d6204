// `deno task bench` as a smoke test: the runner as a subprocess (with the
// permissions of the task) in --quick mode on the smallest subset — matmul
// at N = 64 on glassbox's TypeScript path and PyTorch — checking the table
// and bench/results.json's structure, and what happens without PyTorch: the
// column says "absent", or carries a stored reference figure marked "*".
// PyTorch is not required: where torch cannot be imported the first test
// checks the absent column instead, and says so.
//
// Needs --allow-run (to start `deno`); without it the tests are ignored,
// with a note saying why.

import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import type { Results } from "../tasks/bench/results.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CAN_RUN = Deno.permissions.querySync({ name: "run" }).state === "granted";
if (!CAN_RUN) {
  console.warn("bench_test.ts: skipped — starting `deno task bench` needs --allow-run");
}
const MISSING_PYTHON = "/nonexistent/python3";

interface Output {
  code: number;
  stdout: string;
  stderr: string;
  results: Results;
}

/** Runs tasks/bench/main.ts --quick on matmul N=64 (ts + torch), writing results into `dir`. */
async function bench(dir: string, extra: string[]): Promise<Output> {
  const out = `${dir}/results.json`;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=.,${dir}`,
      `--allow-write=${dir}`,
      `--allow-run=deno,/usr/bin/python3,cat,${MISSING_PYTHON}`,
      "--allow-sys=loadavg",
      "tasks/bench/main.ts",
      "--quick",
      "--only",
      "matmul",
      "--sizes",
      "64",
      "--engines",
      "ts,torch",
      "--torch-threads",
      "1",
      "--out",
      out,
      ...extra,
    ],
    cwd: ROOT,
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const results = JSON.parse(await Deno.readTextFile(out)) as Results;
  return { code, stdout: decode(stdout), stderr: decode(stderr), results };
}

Deno.test({
  name: "deno task bench --quick prints one table and writes results.json with figures and ratios",
  ignore: !CAN_RUN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_bench_" });
    try {
      const { code, stdout, stderr, results } = await bench(dir, [
        "--reference",
        `${dir}/none.json`,
      ]);
      strictEqual(code, 0, stderr);
      strictEqual(results.schema, 1);
      strictEqual(results.quick, true);
      strictEqual(results.machine.deno, Deno.version.deno);
      strictEqual(results.machine.cores, navigator.hardwareConcurrency);
      ok(results.machine.cpu.length > 0);
      ok(!Number.isNaN(Date.parse(results.machine.date)), results.machine.date);
      deepStrictEqual(
        results.rows.map((r) => r.id),
        ["float64", "float32"].flatMap((d) =>
          ["nn", "tn", "nt", "tt"].map((v) => `matmul/${d}/64/${v}`)
        ),
      );
      strictEqual(results.engines.ts.available, true);
      strictEqual(results.engines.ts.info.GLASSBOX_WASM, "off");
      const torch = results.engines["torch-1"].available;
      for (const row of results.rows) {
        strictEqual(row.unit, "GFLOP/s");
        strictEqual(row.flops, 2 * 64 ** 3);
        const ts = row.engines.ts;
        ok("ms" in ts && ts.ms > 0 && ts.minMs <= ts.ms && ts.ms <= ts.maxMs, JSON.stringify(ts));
        deepStrictEqual(row.best, { engine: "ts", ms: ts.ms });
        if (torch) {
          strictEqual(row.torch?.source, "measured");
          strictEqual(row.vsTorch, row.torch!.ms / ts.ms);
        } else {
          strictEqual(row.torch, null);
          strictEqual(row.vsTorch, null);
        }
      }
      // The table: a header, one aligned line per row, the figures in GFLOP/s.
      const lines = stdout.split("\n");
      const header = lines.findIndex((l) => l.startsWith("workload"));
      ok(header > 0, stdout);
      match(lines[0], /^glassbox bench — .*cores/);
      const first = results.rows[0];
      const gflops = first.flops! / ((first.engines.ts as { ms: number }).ms * 1e6);
      match(lines[header + 2], new RegExp(`^matmul f64 64 nn +GFLOP/s +${gflops.toPrecision(3)}`));
      // Aligned: the unit column starts under its title, right-aligned figures end under theirs.
      strictEqual(lines[header + 2].indexOf("GFLOP/s"), lines[header].indexOf("unit"));
      const tsEnd = lines[header].indexOf("gb ts") + "gb ts".length;
      strictEqual(lines[header + 2].slice(0, tsEnd).endsWith(gflops.toPrecision(3)), true);
      if (!torch) {
        console.warn("    (torch cannot be imported here: checked the absent PyTorch column)");
        match(stdout, /PyTorch: absent/);
      } else {
        match(stdout, /÷PyTorch/);
      }
      strictEqual(results.pytorch.source, torch ? "measured" : "absent");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task bench without PyTorch shows it absent, or a stored reference figure marked *",
  ignore: !CAN_RUN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_bench_" });
    try {
      const python = ["--python", MISSING_PYTHON];
      const none = await bench(dir, [...python, "--reference", `${dir}/none.json`]);
      strictEqual(none.code, 0, none.stderr);
      strictEqual(none.results.engines["torch-1"].available, false);
      match(none.results.engines["torch-1"].reason!, /nonexistent/);
      strictEqual(none.results.pytorch.source, "absent");
      ok(none.results.rows.every((r) => r.torch === null && r.vsTorch === null));
      match(none.stdout, /torch-1: absent — /);
      match(none.stdout, /PyTorch: .*absent/);

      // A reference run that measured 0.5 ms for the first matmul.
      const reference: Results = structuredClone(none.results);
      reference.machine.date = "2000-01-01T00:00:00.000Z";
      reference.rows[0].torch = { ms: 0.5, threads: 2, source: "measured" };
      await Deno.writeTextFile(`${dir}/reference.json`, JSON.stringify(reference));
      const stored = await bench(dir, [...python, "--reference", `${dir}/reference.json`]);
      strictEqual(stored.code, 0, stored.stderr);
      strictEqual(stored.results.pytorch.source, "stored");
      const row = stored.results.rows[0];
      deepStrictEqual(row.torch, {
        ms: 0.5,
        threads: 2,
        source: "stored",
        date: "2000-01-01T00:00:00.000Z",
      });
      strictEqual(row.vsTorch, 0.5 / row.best!.ms);
      ok(stored.results.rows.slice(1).every((r) => r.torch === null));
      match(stored.stdout, /\* = stored figure .*2000-01-01/);
      const line = stored.stdout.split("\n").find((l) => l.startsWith("matmul f64 64 nn"))!;
      match(line, new RegExp(` ${(2 * 64 ** 3 / 0.5e6).toPrecision(3)}\\* `));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task bench --out where it may not write: exit 2 before measuring, naming --out",
  ignore: !CAN_RUN,
  async fn() {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read=.",
        "--allow-write=bench",
        "--allow-run=deno,/usr/bin/python3,cat",
        "--allow-sys=loadavg",
        "tasks/bench/main.ts",
        "--quick",
        "--out",
        "/nonexistent/results.json",
      ],
      cwd: ROOT,
    }).output();
    const text = new TextDecoder().decode(stderr);
    strictEqual(code, 2, text);
    match(text, /--out \/nonexistent\/results.json: no permission to write there/);
    ok(!text.includes("bench: matmul on"), "nothing was measured");
  },
});

Deno.test({
  name: "deno task bench --quick --only micro: µs rows on ts and wasm, their targets, in a minute",
  ignore: !CAN_RUN,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_bench_" });
    try {
      const out = `${dir}/results.json`;
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          `--allow-read=.,${dir}`,
          `--allow-write=${dir}`,
          "--allow-run=deno,/usr/bin/python3,cat",
          "--allow-sys=loadavg",
          "tasks/bench/main.ts",
          "--quick",
          "--only",
          "micro",
          "--engines",
          "ts,wasm,torch",
          "--torch-threads",
          "1",
          "--out",
          out,
        ],
        cwd: ROOT,
        signal: AbortSignal.timeout(120_000),
      }).output();
      const text = new TextDecoder().decode(stdout);
      strictEqual(code, 0, new TextDecoder().decode(stderr));
      const results = JSON.parse(await Deno.readTextFile(out)) as Results;
      deepStrictEqual(
        results.rows.map((r) => r.id),
        ["dense-tanh", "dense-relu", "tanh", "classification-step"].map((op) =>
          `micro/float64/${op}`
        ),
      );
      for (const row of results.rows) {
        strictEqual(row.unit, "µs/run");
        for (const path of ["ts", "wasm"]) {
          const o = row.engines[path];
          ok("ms" in o && o.ms > 0 && o.inner > 1, `${row.id} [${path}]: ${JSON.stringify(o)}`);
        }
        strictEqual(row.ofCeiling === null, row.id === "micro/float64/tanh", row.id);
      }
      const measuredTargets = results.targets.filter((t) => t.value !== null).map((t) => t.name);
      deepStrictEqual(measuredTargets, [
        "Dense(32,32)+tanh fwd 33 rows f64: µs",
        "Dense(32,32)+relu fwd 33 rows f64: µs",
        "classification step b33 f64: µs",
      ]);
      const best = results.rows[0].best!;
      match(
        text,
        new RegExp(
          `Dense\\(32,32\\)\\+tanh fwd 33 rows f64: µs +${
            (best.ms * 1000).toPrecision(3).replace(".", "\\.")
          } +\\(≤ 6\\) +(ok|MISSED)`,
        ),
      );
      match(text, /^glassbox bench — .*load \d+\.\d\d → \d+\.\d\d/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
