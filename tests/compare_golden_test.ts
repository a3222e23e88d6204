// `deno task train --compare pytorch` for the four scratch-vs-torch
// notebooks, against stored runs of its PyTorch twin
// (tasks/golden/compare.py runs tasks/compare/torch_twin.py on the same data
// and initial weights, built in Python): the request glassbox would send
// matches the stored one (exact checksums), the printed sequence has the
// notebook's sections in order, glassbox's epoch log equals PyTorch's line for
// line, the figures before copying equal the notebook's torch_mape computed in
// Python, and after copying and after training they are at float64 noise
// (MAPE ≤ 1e-12 percent; parameters within 1e-12 relative).

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { decodeSafetensors } from "@glassbox/layers";
import { assertClose, type Tensor } from "@glassbox/tensor";
import { memoryOutput } from "@glassbox/trainer";
import { compareRuns, formatComparison, prepareComparison } from "../tasks/compare/comparison.ts";
import type { TwinResponse } from "../tasks/compare/twin.ts";
import { NotebookLog } from "../tasks/experiments/epoch_log.ts";
import { parseTrainFlags } from "../tasks/experiments/flags.ts";
import { findExperiment } from "../tasks/experiments/registry.ts";
import { runExperiment } from "../tasks/experiments/run_experiment.ts";
import { fsum } from "./_fsum.ts";

interface Sums {
  sum: number;
  sumAbs: number;
}
interface StoredCase {
  args: string[];
  request: Record<"xTrain" | "yTrain" | "xValid" | "yValid", Sums>;
  initial: Record<string, Sums>;
  torch: string;
  initialLoss: number;
  history: TwinResponse["history"];
  log: string[];
  notebook: Record<"predict" | "afterCopy", { label: string; mape: number }[]>;
}

const golden = new URL("./golden/", import.meta.url);
const fixture: { cases: StoredCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("compare_twin.json", golden)),
);
const arrays = decodeSafetensors(
  await Deno.readFile(new URL("compare_twin.safetensors", golden)),
).tensors;

function sums(t: Tensor): Sums {
  const v = Array.from(t.toTypedArray());
  return { sum: fsum(v), sumAbs: fsum(v.map(Math.abs)) };
}

/** The stored twin run as `runTwin` would have returned it. */
function storedResponse(name: string, c: StoredCase): TwinResponse {
  const get = (key: string): Float64Array | undefined => {
    const t = arrays[`${name}/${key}`];
    return t === undefined ? undefined : Float64Array.from(t.toTypedArray());
  };
  const outputs = (when: string): TwinResponse["before"] => ({
    predictions: get(`${when}.predictions`)!,
    ...(get(`${when}.softmax`) === undefined ? {} : { softmax: get(`${when}.softmax`)! }),
  });
  const prefix = `${name}/final.`;
  const final = Object.fromEntries(
    Object.keys(arrays).filter((k) => k.startsWith(prefix)).map((k) => [
      k.slice(prefix.length),
      Float64Array.from(arrays[k].toTypedArray()),
    ]),
  );
  return {
    torch: c.torch,
    before: outputs("before"),
    initialLoss: c.initialLoss,
    history: c.history,
    log: c.log,
    after: outputs("after"),
    final,
  };
}

const SECTIONS = [
  "predict (each model with its own random initial parameters)",
  "copy parameters (PyTorch's initial parameters into glassbox's model)",
  "predict after copy parameters",
  "loss (validation, before training)",
  "train",
  "predict after training",
  "bias",
  "weight",
];

for (const c of fixture.cases) {
  Deno.test(`train ${c.args.join(" ")} prints the notebook's comparison against PyTorch's run`, async () => {
    const flags = parseTrainFlags(c.args);
    strictEqual(flags.compare, "pytorch");
    const config = flags.config;
    const spec = findExperiment(config.experiment)!;
    const dataset = spec.data(config.seed, config.trainRows!);
    const style = spec.log ?? "loss";
    const prepared = prepareComparison(config, dataset, style);
    // The request glassbox sends is the one the stored run was made from.
    for (const part of ["xTrain", "yTrain", "xValid", "yValid"] as const) {
      deepStrictEqual(sums(dataset[part]), c.request[part], `${part} checksums`);
    }
    for (const [key, value] of Object.entries(prepared.initial)) {
      deepStrictEqual(sums(value), c.initial[key], `initial ${key} checksums`);
    }
    strictEqual(prepared.request.log, style);

    const log = memoryOutput();
    const result = await runExperiment(config, dataset, {
      callbacks: () => [new NotebookLog({ output: log, style })],
    });
    const ours = log.text.split("\n").filter((l) => l !== "");
    const comparison = compareRuns(prepared, result.runs[0], ours, storedResponse(spec.name, c));
    const lines = formatComparison(comparison);

    // The notebook's sections, in its order.
    deepStrictEqual(lines.filter((l) => !l.startsWith(" ")).slice(1), SECTIONS);
    // Both epoch logs, line for line.
    strictEqual(comparison.log.ours.length, config.epochs);
    deepStrictEqual(comparison.log.ours, c.log);
    for (let i = 0; i < c.log.length; i++) ok(lines.some((l) => l.endsWith(`| ${c.log[i]}`)));
    // Before training: the notebook's figures, as Python computes them.
    for (const section of ["predict", "afterCopy"] as const) {
      deepStrictEqual(
        comparison[section].map((r) => r.label),
        c.notebook[section].map((r) => r.label),
      );
      comparison[section].forEach((row, i) => {
        const want = c.notebook[section][i].mape;
        if (want > 1) {
          assertClose(row.mape, want, { rtol: 1e-9, atol: 0, message: `${section} ${row.label}` });
        } else ok(row.mape <= 1e-12, `${section} ${row.label}: MAPE ${row.mape}`);
      });
    }
    ok(comparison.predict.every((r) => r.mape > 1), "own initial parameters differ from PyTorch's");
    ok(comparison.loss.mape <= 1e-12, `loss MAPE ${comparison.loss.mape}`);
    // After training: float64 noise only.
    for (const row of comparison.afterTraining) {
      ok(row.mape <= 1e-12, `predictions after training: MAPE ${row.mape}`);
      ok(row.maxRel <= 1e-9, `predictions after training: max rel diff ${row.maxRel}`);
    }
    const layers = Object.keys(result.runs[0].model.stateDict()).filter((k) =>
      k.endsWith("weight")
    );
    strictEqual(comparison.bias.length, layers.length);
    strictEqual(comparison.weight.length, layers.length);
    for (const row of [...comparison.bias, ...comparison.weight]) {
      ok(row.mape <= 1e-12 && row.maxRel <= 1e-12, `${row.label}: ${JSON.stringify(row)}`);
    }
  });
}
