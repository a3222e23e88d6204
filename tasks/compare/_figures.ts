// The two numbers the comparison prints for each pair of arrays: the
// notebooks' modified MAPE (their `torch_mape(pred, true)`, in percent) and
// the largest relative difference. Written out on plain arrays here because
// the twin's values are the reference ("truth") and ours the prediction;
// the formula is @glassbox/metrics' `mape`.

/** One comparison of our values with PyTorch's. */
export interface Figure {
  /** Mean over the elements of |(t − p) / t| (|p| where t = 0), times 100. t: PyTorch, p: ours. */
  mape: number;
  /** Largest |p − t| / |t| (|p| where t = 0). */
  maxRel: number;
}

/**
 * Compares `ours` with `torch`, element by element (same length).
 *
 * @param torch PyTorch's values (the reference).
 * @param ours Ours.
 * @param what Named in the error when the lengths differ.
 * @returns The figure.
 */
export function figure(torch: ArrayLike<number>, ours: ArrayLike<number>, what: string): Figure {
  if (torch.length !== ours.length || torch.length === 0) {
    throw new TypeError(
      `Cannot compare ${what}: PyTorch has ${torch.length} values and glassbox ${ours.length}, expected the same non-zero number`,
    );
  }
  let total = 0, worst = 0;
  for (let i = 0; i < torch.length; i++) {
    const t = torch[i], p = ours[i];
    const term = t === 0 ? Math.abs(p) : Math.abs((t - p) / t);
    total += term;
    if (!(term <= worst)) worst = term; // NaN propagates
  }
  return { mape: total / torch.length * 100, maxRel: worst };
}
