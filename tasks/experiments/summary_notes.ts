/**
 * What a run's summary numbers mean, printed under the summary of every
 * `deno task train` run: the modified MAPE (and why a few targets near zero
 * blow it up, with this run's own figures), R², accuracy, and the
 * experiment's own notes (e.g. that notebook 3.1's network converges poorly
 * by design).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { findExperiment } from "./registry.ts";
import type { ExperimentResult } from "./run_experiment.ts";

/** How the modified MAPE of predictions against targets is made up: its median term and the share of near-zero targets. */
export interface MapeBreakdown {
  /** The median of the per-element terms |(t − p)/t| (|p| where t = 0), in percent. */
  median: number;
  /** Share of elements with |t| < 1. */
  nearZeroShare: number;
  /** Share of the MAPE's total that those elements contribute. */
  nearZeroContribution: number;
}

/**
 * Splits the modified MAPE into its terms. Truth first, as scikit-learn's
 * metrics take their arguments.
 *
 * @param truth Targets.
 * @param pred Predictions, same shape.
 * @returns The median term and what targets with |t| < 1 contribute.
 *
 * @example
 * ```ts
 * import { mapeBreakdown } from "./summary_notes.ts";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * // Terms 10%, 10% and 1000% (the target 0.01 is near zero).
 * const b = mapeBreakdown(tensor([10, 20, 0.01]), tensor([11, 22, 0.11]));
 * strictEqual(Math.round(b.median), 10);
 * strictEqual(b.nearZeroShare, 1 / 3);
 * ```
 */
export function mapeBreakdown(truth: Tensor, pred: Tensor): MapeBreakdown {
  const p = pred.toTypedArray(), t = truth.toTypedArray();
  if (p.length !== t.length || p.length === 0) {
    throw new TypeError(
      `Cannot break the MAPE down: ${p.length} predictions for ${t.length} targets, expected the same non-zero number`,
    );
  }
  const terms = Array.from(
    t,
    (ti, i) => (ti === 0 ? Math.abs(p[i]) : Math.abs((ti - p[i]) / ti)) * 100,
  );
  const sorted = [...terms].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  let near = 0, nearSum = 0, total = 0;
  terms.forEach((term, i) => {
    total += term;
    if (Math.abs(t[i]) < 1) {
      near++;
      nearSum += term;
    }
  });
  return {
    median,
    nearZeroShare: near / terms.length,
    nearZeroContribution: total === 0 ? 0 : nearSum / total,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * The notes printed under a run's summary.
 *
 * @param result The run.
 * @returns One paragraph per note (not wrapped).
 */
export function summaryNotes(result: ExperimentResult): string[] {
  if (result.runs.length === 0) return [];
  const run = result.runs[result.best];
  const m = run.summary.metrics;
  const notes: string[] = [];
  const lossName = {
    mse: "the mean squared error",
    "cross-entropy": "the cross-entropy of the logits (nn.CrossEntropyLoss)",
    "categorical-cross-entropy": "the notebook's CE, −Σ y·log p / m over one-hot rows",
  }[result.config.loss];
  notes.push(
    `L is ${lossName}: the mean of the last epoch's batch losses; L_v the same loss on the validation rows after training.`,
  );
  if ("mape" in m) {
    const b = mapeBreakdown(result.dataset.yValid, run.predictions);
    notes.push(
      `validation MAPE is the notebooks' modified MAPE of the predictions against the validation targets: ` +
        `the mean of |(t − p)/t| × 100, or |p| × 100 where t = 0. A target near zero makes its term explode ` +
        `(p = 5 against t = 0.01 counts 49,900%), so a few such targets can dominate: here the median term is ` +
        `${b.median.toFixed(2)}%, and the ${
          pct(b.nearZeroShare)
        } of targets with |t| < 1 contribute ` +
        `${
          pct(b.nearZeroContribution)
        } of the total. (The notebooks use the same formula to compare glassbox ` +
        `with PyTorch, where the reference values are rarely near zero: see --compare pytorch.)`,
    );
  }
  if ("r2" in m) {
    notes.push(
      `R² (scikit-learn's r2_score, averaged over the targets) is 1 − Σ(t − p)² / Σ(t − t̄)²: 1 is a perfect fit, ` +
        `0 no better than predicting each target's validation mean, below 0 worse than that.`,
    );
  }
  if ("accuracy" in m) {
    notes.push(
      `validation accuracy is the share of validation rows whose largest output is the true class ` +
        `(chance is about 1 in ${result.dataset.outputs}).`,
    );
  }
  const short = shortBatchNote(result.dataset.xTrain.shape[0], result.config.batchSize);
  if (short !== null) notes.push(short);
  if (result.config.data.kind === "builtin") {
    notes.push(...(findExperiment(result.config.experiment)?.notes ?? []));
  }
  return notes;
}

/**
 * The note on a short last batch: `for i in range(0, n, b)` over n rows leaves
 * n mod b rows in the last batch, which weighs as much in L as a full one and
 * gets an optimizer step of its own every epoch.
 *
 * @param rows Training rows.
 * @param batchSize Rows per batch (null: full batch, no note).
 * @returns The note, or null when the batches are all full.
 *
 * @example
 * ```ts
 * import { shortBatchNote } from "./summary_notes.ts";
 * import { match, strictEqual } from "node:assert/strict";
 *
 * match(shortBatchNote(1000, 333)!, /a last batch of 1 row/);
 * strictEqual(shortBatchNote(1000, 250), null);
 * ```
 */
export function shortBatchNote(rows: number, batchSize: number | null): string | null {
  if (batchSize === null || rows <= batchSize || rows % batchSize === 0) return null;
  const last = rows % batchSize;
  const batches = Math.ceil(rows / batchSize);
  const one = last === 1;
  const them = one ? "that row" : `those ${last} rows`;
  return `The ${rows} training rows in batches of ${batchSize} leave a last batch of ${last} row${
    one ? "" : "s"
  } (the notebooks' loop does the same): L averages the ${batches} batch losses equally, so ` +
    `${them} ${one ? "makes" : "make"} up 1/${batches} of L, and every epoch ends with an ` +
    `optimizer step on ${them} alone, which pulls the predictions towards ${
      one ? "its" : "their"
    } targets: L can fall while L_v rises. ` +
    `--train-rows ${rows - last} (or a --batch-size that divides ${rows}) trains without it.`;
}

/**
 * Wraps a paragraph to lines of at most `width` characters, each starting with `indent`.
 *
 * @param text The paragraph.
 * @param width Line width (default 100).
 * @param indent Prefix of every line but the first's bullet (default two spaces).
 * @returns The lines, the first starting with "- ".
 */
export function wrapNote(text: string, width = 100, indent = "  "): string[] {
  const lines: string[] = [];
  let line = "-";
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > width && line.trim() !== "-") {
      lines.push(line);
      line = indent + word;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
