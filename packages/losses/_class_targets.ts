// Class-index targets shared by NLLLoss and CrossEntropyLoss: validation,
// the one-hot mask, and picking x[i, t_i] without touching other classes.

import { concat, type Tensor, type TypedArray, zeros } from "@glassbox/tensor";
import { classIndexProblem, fmtShape } from "@glassbox/internal";
import { storageOf } from "@glassbox/tensor/backend";
import { checkLike, hostValues } from "./_checks.ts";

/** What a batch of class-index targets means for scores of shape [N, C]. */
export interface ClassTargets {
  /** [N, C]: 1 at (i, t_i) for every kept row, rows of 0 where the target is ignored. */
  oneHot: Tensor;
  /** [N]: 1 for kept rows, 0 for rows whose target equals `ignoreIndex`. */
  keep: Tensor;
  /** Flat index i·C + t_i of each kept row's target; N·C (a zero appended) for ignored rows. */
  pickIndex: number[];
}

/**
 * Reads and validates class-index targets `[N]` (floats holding integers, any
 * dtype, on the CPU) for scores `pred` of shape [N, C].
 */
export function classTargets(
  loss: string,
  pred: Tensor,
  target: Tensor,
  ignoreIndex: number,
): ClassTargets {
  const [n, c] = pred.shape;
  if (target.rank !== 1 || target.shape[0] !== n) {
    throw new TypeError(
      `Cannot compute ${loss}: pred has shape ${fmtShape(pred.shape)} but target has shape ${
        fmtShape(target.shape)
      }, expected class indices of shape [${n}] or probabilities of shape ${fmtShape(pred.shape)}`,
    );
  }
  const labels = hostValues(target);
  if (labels === undefined) {
    throw new TypeError(
      `Cannot compute ${loss}: class-index targets must be readable on the host, target is on ${target.device.name}; pass a CPU tensor`,
    );
  }
  // Built in pooled CPU tensors (no new arrays per step once warm), then moved to pred's device.
  const oneHotHost = zeros([n, c], { dtype: pred.dtype });
  const keepHost = zeros([n], { dtype: pred.dtype });
  const oneHot = storageOf(oneHotHost) as TypedArray;
  const keep = storageOf(keepHost) as TypedArray;
  const pickIndex = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = labels[i];
    if (t === ignoreIndex) {
      pickIndex[i] = n * c;
      continue;
    }
    const problem = classIndexProblem(t, c, ignoreIndex);
    if (problem !== null) {
      throw new RangeError(
        `Cannot compute ${loss}: target[${i}] = ${t} ${problem}, expected an integer in [0, ${c}) or ignoreIndex ${ignoreIndex}`,
      );
    }
    oneHot[i * c + t] = 1;
    keep[i] = 1;
    pickIndex[i] = i * c + t;
  }
  const toDevice = (t: Tensor): Tensor => {
    if (t.device === pred.device) return t;
    const moved = t.to(pred.device);
    t.dispose();
    return moved;
  };
  return { oneHot: toDevice(oneHotHost), keep: toDevice(keepHost), pickIndex };
}

/**
 * `x[i, t_i]` for each row, 0 for ignored rows, as a tensor [N]. Reads only the
 * target elements (a gather, not a product with the one-hot mask), so a −∞ at
 * another class does not turn the result into NaN.
 */
export function pick(x: Tensor, targets: ClassTargets): Tensor {
  const column = concat([
    x.reshape([x.size, 1]),
    zeros([1, 1], { dtype: x.dtype, device: x.device }),
  ]);
  return column.gather(targets.pickIndex).reshape([targets.pickIndex.length]);
}

/** Validates the optional class `weight` [C] against pred [N, C]. */
export function checkClassWeight(loss: string, pred: Tensor, weight: Tensor | undefined): void {
  if (weight === undefined) return;
  checkLike(loss, pred, weight, "weight");
  if (weight.rank !== 1 || weight.shape[0] !== pred.shape[1]) {
    throw new TypeError(
      `Cannot compute ${loss}: weight has shape ${
        fmtShape(weight.shape)
      }, expected one weight per class, [${pred.shape[1]}]`,
    );
  }
}
