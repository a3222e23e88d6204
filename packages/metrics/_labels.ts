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
  if (t.rank === 2 && t.shape[1] >= 2) return Array.from(hostValues(metric, t.argmax(1), name));
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
