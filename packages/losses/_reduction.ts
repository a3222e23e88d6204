// Reductions and their gradients, shared by every loss.
//
// A loss computes per-element (or per-sample) values ℓ and reduces them:
//   "none" → ℓ,   "sum" → Σ ℓ,   "mean" → Σ ℓ / D,
// where D is the element count, or the total class weight for NLLLoss and
// CrossEntropyLoss with class-index targets. Backward starts from the
// upstream gradient g = ∂(…)/∂L and turns it into ∂(…)/∂ℓ:
//   "none" → g (shape of ℓ),   "sum" → g,   "mean" → g / D (scalars, broadcast).

import { full, type Tensor } from "@glassbox/tensor";
import { fmtShape } from "@glassbox/internal";
import type { Reduction } from "./loss.ts";

/** Reduces per-element losses `perElement` as `reduction` says. */
export function reduce(
  perElement: Tensor,
  reduction: Reduction,
  denominator: number | Tensor,
): Tensor {
  if (reduction === "none") return perElement;
  const total = perElement.sum();
  return reduction === "sum" ? total : total.div(denominator);
}

/**
 * ∂(…)/∂ℓ for the per-element losses of shape `lossShape`, from the upstream
 * gradient `gradOutput` (default 1): a scalar tensor for "mean" and "sum", a
 * tensor of `lossShape` (or a scalar 1) for "none". Validates `gradOutput`.
 */
export function upstream(
  loss: string,
  reduction: Reduction,
  gradOutput: Tensor | undefined,
  like: Tensor,
  lossShape: readonly number[],
  denominator: number | Tensor,
): Tensor {
  let g: Tensor;
  if (gradOutput === undefined) {
    g = full([], 1, { dtype: like.dtype, device: like.device });
  } else {
    const expected = reduction === "none" ? lossShape : [];
    const scalarOk = reduction !== "none" && gradOutput.size === 1;
    const shapeOk = gradOutput.rank === expected.length &&
      gradOutput.shape.every((d, i) => d === expected[i]);
    if (!scalarOk && !shapeOk) {
      throw new TypeError(
        `Cannot run ${loss}.backward: gradOutput has shape ${
          fmtShape(gradOutput.shape)
        }, expected ${
          reduction === "none" ? `the loss's shape ${fmtShape(lossShape)}` : "a scalar"
        } (reduction "${reduction}")`,
      );
    }
    if (gradOutput.dtype !== like.dtype || gradOutput.device !== like.device) {
      throw new TypeError(
        `Cannot run ${loss}.backward: gradOutput is ${gradOutput.dtype} on ${gradOutput.device.name}, expected ${like.dtype} on ${like.device.name} like pred`,
      );
    }
    g = scalarOk ? gradOutput.reshape([]) : gradOutput;
  }
  return reduction === "mean" ? g.div(denominator) : g;
}
