// Class labels from tensors: integer labels [N], or scores [N, C] → argmax.

import { Tensor } from "@glassbox/tensor";
import { describe, fmtShape } from "@glassbox/internal";
import { hostValues } from "./_inputs.ts";

/**
 * The class labels a tensor stands for: a [N] tensor of floats holding
 * integers as they are, or the row-wise argmax of [N, C] scores,
 * probabilities or one-hot rows (C ≥ 2).
 */
export function labelsOf(metric: string, t: unknown, name: string): number[] {
  if (!(t instanceof Tensor)) {
    throw new TypeError(
      `Cannot compute ${metric}: ${name} must be a Tensor, got ${describe(t)}`,
    );
  }
  if (t.rank === 2 && t.shape[1] >= 2) return rowArgmax(hostValues(metric, t, name), t.shape[1]);
  if (t.rank !== 1) {
    const hint = t.rank === 2 && t.shape[1] === 1
      ? " (a single column is ambiguous: flatten labels, or threshold probabilities, e.g. p.greater(0.5).flatten())"
      : "";
    throw new TypeError(
      `Cannot compute ${metric}: ${name} has shape ${
        fmtShape(t.shape)
      }, expected labels [N] or scores [N, C] with C ≥ 2${hint}`,
    );
  }
  const values = Array.from(hostValues(metric, t, name));
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      throw new RangeError(
        `Cannot compute ${metric}: ${name}[${i}] = ${values[i]} is not an integer class label`,
      );
    }
  }
  return values;
}

/**
 * The index of each row's largest value, as `Tensor.argmax(1)` gives it (a NaN wins, as in
 * PyTorch; ties keep the first index), read in place: no tensor is made.
 */
function rowArgmax(values: Float64Array, columns: number): number[] {
  const rows = values.length / columns;
  const out = new Array<number>(rows);
  for (let i = 0, base = 0; i < rows; i++, base += columns) {
    out[i] = argmaxAt(values, base, columns);
  }
  return out;
}

/** The argmax of the row of `columns` values starting at `base` (a NaN wins; ties keep the first). */
export function argmaxAt(values: Float64Array, base: number, columns: number): number {
  let best = values[base], at = 0;
  for (let c = 1; c < columns && best === best; c++) {
    const v = values[base + c];
    if (v !== v || v > best) best = v, at = c;
  }
  return at;
}

/** Two [N, C] score tensors' values read in place, with their column counts. */
export interface ScorePair {
  pred: Float64Array;
  truth: Float64Array;
  rows: number;
  predColumns: number;
  truthColumns: number;
}

/**
 * `pred` and `truth` as two [N, C] score tensors (C ≥ 2 each, the same N ≥ 1) read in
 * place, for row argmaxes by `labelsOf`'s rule without label arrays; undefined when they
 * are not two such tensors (`labelPair` then checks and labels them).
 */
export function scorePair(metric: string, pred: unknown, truth: unknown): ScorePair | undefined {
  if (!(pred instanceof Tensor) || !(truth instanceof Tensor)) return undefined;
  if (pred.rank !== 2 || truth.rank !== 2 || pred.shape[1] < 2 || truth.shape[1] < 2) {
    return undefined;
  }
  const rows = pred.shape[0];
  if (rows === 0 || truth.shape[0] !== rows) return undefined;
  return {
    pred: hostValues(metric, pred, "pred"),
    truth: hostValues(metric, truth, "truth"),
    rows,
    predColumns: pred.shape[1],
    truthColumns: truth.shape[1],
  };
}

/** Labels of `pred` and `truth`, checked to be the same, non-zero number of samples. */
export function labelPair(
  metric: string,
  pred: unknown,
  truth: unknown,
): { pred: number[]; truth: number[] } {
  const p = labelsOf(metric, pred, "pred"), t = labelsOf(metric, truth, "truth");
  if (p.length !== t.length) {
    throw new TypeError(
      `Cannot compute ${metric}: pred has ${p.length} samples but truth has ${t.length}, expected the same number`,
    );
  }
  if (p.length === 0) {
    throw new RangeError(`Cannot compute ${metric}: no samples, expected at least one`);
  }
  return { pred: p, truth: t };
}

/** The sorted union of the labels present, or the given `labels` after checking them. */
export function classList(
  metric: string,
  pred: number[],
  truth: number[],
  labels?: readonly number[],
): number[] {
  if (labels === undefined) return [...new Set([...truth, ...pred])].sort((a, b) => a - b);
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every(Number.isInteger)) {
    throw new RangeError(`Cannot compute ${metric}: labels must be a non-empty array of integers`);
  }
  if (new Set(labels).size !== labels.length) {
    throw new RangeError(`Cannot compute ${metric}: labels [${labels.join(", ")}] has duplicates`);
  }
  return [...labels];
}
