// `deno task train --experiment assignment-<part>` end to end as a subprocess on tiny
// settings: the header with the data recipe and seeds, the notebook's lines, the files
// written, --json, and bad flags (exit 2).
//
// Needs --allow-run (to start `deno`); without it every test here is reported as ignored.

import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { CAN_RUN, train } from "./_train_cli.ts";

/** Runs tasks/train.ts, with write access to `write` (the folder holding the run) if given. */
async function run(
  args: string[],
  write?: string,
): Promise<{ code: number; out: string; err: string }> {
  const r = await train(args, write === undefined ? {} : { write: [write] });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

Deno.test({
  name: "train --experiment assignment-mlp prints the notebook's fixed-parameter check",
  ignore: !CAN_RUN,
  fn: async () => {
    const r = await run(["--experiment", "assignment-mlp", "--no-save"]);
    strictEqual(r.code, 0, r.err);
    match(r.out, /tensor\(\[\[ 0\.8315, -3\.6792\],\n {8}\[ 4\.8448, -6\.8813\]\]\)/);
    match(r.out, /matches the notebook to its 4 decimals/);
  },
});

Deno.test({
  name: "train --experiment assignment-fit writes the data, the fit and history.json",
  ignore: !CAN_RUN,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_assignment_" });
    try {
      const r = await run(
        ["--experiment", "assignment-fit", "--layers", "1", "--nreps", "2", "--out", `${dir}/run`],
        dir,
      );
      strictEqual(r.code, 0, r.err);
      match(r.out, /^assignment-fit: /);
      match(r.out, /data: X1, X1test = rand\(100, 1\)·13; .*Generator\(2\)/);
      match(r.out, /seeds: initial weights after manualSeed\(0\) \(--seed\), data Generator\(2\)/);
      match(
        r.out,
        /Repetition {2}0: Optimization terminated successfully\.\n {9}Current function value: 0\.239120\n/,
      );
      match(
        r.out,
        /Repetition {2}1: [^\n]*\n(.*\n){4}best_cost=0\.239\nTraining error: 0\.239\d+\nTest error {4}: 0\.249\d+/,
      );
      const history = JSON.parse(await Deno.readTextFile(`${dir}/run/history.json`));
      strictEqual(history.experiment, "assignment-fit");
      strictEqual(history.fit.reps.length, 2);
      deepStrictEqual(history.files, [
        "data.vl.json",
        "data.svg",
        "fit.vl.json",
        "fit.svg",
        "history.json",
      ]);
      ok((await Deno.readTextFile(`${dir}/run/fit.svg`)).startsWith("<svg"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "train --experiment assignment-widths --json carries the width table",
  ignore: !CAN_RUN,
  fn: async () => {
    const r = await run([
      "--experiment",
      "assignment-widths",
      "--widths",
      "1,2",
      "--maxiter",
      "20",
      "--json",
      "--no-save",
    ]);
    strictEqual(r.code, 0, r.err);
    const record = JSON.parse(r.out);
    deepStrictEqual(record.widths.map((w: { width: number }) => w.width), [1, 2]);
    for (const w of record.widths) {
      ok(w.nit <= 20 && Number.isFinite(w.train) && Number.isFinite(w.test), JSON.stringify(w));
    }
  },
});

Deno.test({
  name: "train --experiment assignment-* exits 2 when --out is outside the granted folders",
  ignore: !CAN_RUN,
  fn: async () => {
    const r = await run(["--experiment", "assignment-mlp", "--out", "/tmp/not-granted"]);
    strictEqual(r.code, 2);
    match(r.err, /--out \/tmp\/not-granted: no permission to write there/);
  },
});

Deno.test({
  name: "train --experiment assignment-* exits 2 on a bad flag, naming it",
  ignore: !CAN_RUN,
  fn: async () => {
    const r = await run(["--experiment", "assignment-fit", "--optimizer", "sgd", "--no-save"]);
    strictEqual(r.code, 2);
    match(r.err, /--optimizer must be one of bfgs, lbfgs, adam, got "sgd"/);
  },
});
