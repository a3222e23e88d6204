import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { parseTrainFlags } from "./flags.ts";
import { findExperiment } from "./registry.ts";
import { runExperiment } from "./run_experiment.ts";
import { mapeBreakdown, shortBatchNote, summaryNotes, wrapNote } from "./summary_notes.ts";

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
  strictEqual(notes.length, 5);
  ok(notes[0].startsWith("L is the mean squared error"));
  ok(notes[1].includes("modified MAPE") && notes[1].includes("median term"));
  ok(notes[2].startsWith("R² "));
  // 1000 rows in batches of 333: the fourth batch holds row 999 alone.
  ok(notes[3].startsWith("The 1000 training rows in batches of 333 leave a last batch of 1 row"));
  ok(notes[3].includes("1/4 of L") && notes[3].includes("--train-rows 999"));
  ok(notes[4].includes("L: 13045.4378 - L_v 13571.5880"));
});

Deno.test("shortBatchNote() speaks of a short last batch only when there is one", () => {
  strictEqual(shortBatchNote(1000, 250), null);
  strictEqual(shortBatchNote(1000, null), null);
  strictEqual(shortBatchNote(100, 100), null);
  strictEqual(shortBatchNote(20, 33), null); // one batch, short or not, is all of L
  const note = shortBatchNote(100, 33)!;
  ok(note.includes("a last batch of 1 row ") && note.includes("1/4 of L"), note);
  ok(note.includes("--train-rows 99 "), note);
  const three = shortBatchNote(103, 10)!;
  ok(
    three.includes("a last batch of 3 rows") && three.includes("those 3 rows make up 1/11"),
    three,
  );
});

Deno.test("wrapNote() wraps a paragraph into indented lines within the width", () => {
  const lines = wrapNote("one two three four five six", 12);
  deepStrictEqual(lines, ["- one two", "  three four", "  five six"]);
});
