import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { parseTrainFlags } from "./flags.ts";
import { findExperiment } from "./registry.ts";
import { runExperiment } from "./run_experiment.ts";
import { mapeBreakdown, summaryNotes, wrapNote } from "./summary_notes.ts";

Deno.test("mapeBreakdown() shows a near-zero target dominating the modified MAPE", () => {
  // Terms 10%, 10%, 10% and 1000% (t = 0.01): the near-zero quarter contributes 1000/1030.
  const b = mapeBreakdown(tensor([10, 20, 30, 0.01]), tensor([11, 22, 33, 0.11]));
  strictEqual(b.nearZeroShare, 0.25);
  ok(Math.abs(b.nearZeroContribution - 1000 / 1030) < 1e-12);
  ok(Math.abs(b.median - 10) < 1e-9);
  throws(() => mapeBreakdown(tensor([1, 2]), tensor([1])), /Cannot break the MAPE down/);
});

Deno.test("summaryNotes() explains L, the MAPE, R² and the experiment's own notes", async () => {
  const { config } = parseTrainFlags(["--experiment", "mlp-regression", "--epochs", "1"]);
  const dataset = findExperiment("mlp-regression")!.data(config.seed, config.trainRows!);
  const notes = summaryNotes(await runExperiment(config, dataset));
  strictEqual(notes.length, 4);
  ok(notes[0].startsWith("L is the mean squared error"));
  ok(notes[1].includes("modified MAPE") && notes[1].includes("median term"));
  ok(notes[2].startsWith("R² "));
  ok(notes[3].includes("L: 13045.4378 - L_v 13571.5880"));
});

Deno.test("wrapNote() wraps a paragraph into indented lines within the width", () => {
  const lines = wrapNote("one two three four five six", 12);
  deepStrictEqual(lines, ["- one two", "  three four", "  five six"]);
});
