/**
 * Notebook 1.2's [Extra]: the weight gradient of multi-output linear
 * regression computed three ways, to show they are one number.
 *
 * For `Ŷ = X·W + b` (X `[m, n]`, W `[n, o]`) and the MSE over all `m·o`
 * outputs, the upstream gradient is `δ = 2(Ŷ − Y) / (m·o)`, shaped `[m, o]`.
 *
 * 1. `Xᵀ·δ` — the backward pass every layer uses.
 * 2. Through the Kronecker product, as the notebook writes it: the
 *    derivative of every output `Ŷ[p, q]` with respect to every weight
 *    `W[i, j]` is `X[p, i]·I[q, j]`, a 4-D tensor
 *    `kron(X[p, 1, i, 1], I[1, q, 1, j])` of shape `[m, o, n, o]`; the chain
 *    rule contracts it with δ: `einsum("pq,pqij->ij", δ, ∂Ŷ/∂W)`.
 * 3. With einsum alone: `einsum("pi,pj->ij", X, δ)`, Xᵀ·δ in subscripts.
 *
 * The 4-D tensor has `m·o·n·o` elements (the notebook's point: this way
 * costs far more), so it is for small batches.
 *
 * @module
 */

import { fmtShape } from "@glassbox/internal";
import { einsum, eye, kron, type Tensor, tidy } from "@glassbox/tensor";

/** The weight gradient three ways, and how far the other two are from `Xᵀ·δ`. */
export interface ExtraGradients {
  /** `Xᵀ·δ`, shape `[n, o]`. */
  matmul: Tensor;
  /** `einsum("pq,pqij->ij", δ, kron(X[p,1,i,1], I[1,q,1,j]))`, shape `[n, o]`. */
  kron: Tensor;
  /** `einsum("pi,pj->ij", X, δ)`, shape `[n, o]`. */
  einsum: Tensor;
  /** `max |kron − matmul|` over the elements. */
  maxAbsDiffKron: number;
  /** `max |einsum − matmul|` over the elements. */
  maxAbsDiffEinsum: number;
}

/** The parameters of the linear model `Ŷ = X·W + b`. */
export interface LinearParameters {
  /** Weights, `[n, o]` (the notebook's layout: inputs by outputs). */
  w: Tensor;
  /** Bias, `[o]`. */
  b: Tensor;
}

/**
 * Computes ∂MSE/∂W for `Ŷ = X·W + b` three ways (see the module doc).
 *
 * @param x Inputs, `[m, n]`.
 * @param y Targets, `[m, o]`.
 * @param params `w` `[n, o]` and `b` `[o]`.
 * @returns The three gradients and their largest absolute differences from `Xᵀ·δ`.
 *
 * @example
 * ```ts
 * import { tensor } from "@glassbox/tensor";
 * import { extraGradients } from "./extra_gradient.ts";
 * import { ok } from "node:assert/strict";
 *
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * const y = tensor([[1, 0], [0, 1], [1, 1]]);
 * const g = extraGradients(x, y, { w: tensor([[0.5, -1], [1, 0.25]]), b: tensor([0.1, 0.2]) });
 * ok(g.maxAbsDiffKron <= 1e-12 && g.maxAbsDiffEinsum <= 1e-12);
 * ```
 */
export function extraGradients(x: Tensor, y: Tensor, params: LinearParameters): ExtraGradients {
  if (x.rank !== 2 || y.rank !== 2 || x.shape[0] !== y.shape[0]) {
    throw new TypeError(
      `Cannot compute the extra gradients: x has shape ${fmtShape(x.shape)} and y ${
        fmtShape(y.shape)
      }, expected [m, n] and [m, o]`,
    );
  }
  const grads = tidy(() => {
    const pred = x.matmul(params.w).add(params.b);
    const delta = pred.sub(y).mul(2 / y.size);
    const [m, n] = x.shape, o = y.shape[1];
    const dPredDw = kron(x.reshape([m, 1, n, 1]), eye(o).reshape([1, o, 1, o]));
    return {
      matmul: x.matmul(delta, { transposeA: true }),
      kron: einsum("pq,pqij->ij", delta, dPredDw),
      einsum: einsum("pi,pj->ij", x, delta),
    };
  });
  return {
    ...grads,
    maxAbsDiffKron: maxAbsDiff(grads.kron, grads.matmul),
    maxAbsDiffEinsum: maxAbsDiff(grads.einsum, grads.matmul),
  };
}

/**
 * The lines an experiment prints for the [Extra] section.
 *
 * @param g What `extraGradients` returned.
 * @returns Three lines: what was compared and the two largest differences.
 *
 * @example
 * ```ts
 * import { tensor } from "@glassbox/tensor";
 * import { describeExtraGradients, extraGradients } from "./extra_gradient.ts";
 * import { match } from "node:assert/strict";
 *
 * const x = tensor([[1, 2], [3, 4]]);
 * const g = extraGradients(x, tensor([[1], [0]]), { w: tensor([[1], [1]]), b: tensor([0]) });
 * match(describeExtraGradients(g)[1], /^ {2}Kronecker product \+ einsum: max \|diff\| = /);
 * ```
 */
export function describeExtraGradients(g: ExtraGradients): string[] {
  const [n, o] = g.matmul.shape;
  return [
    `[Extra] weight gradient dL/dW [${n}, ${o}] three ways, compared with Xᵀ·δ:`,
    `  Kronecker product + einsum: max |diff| = ${g.maxAbsDiffKron.toExponential(3)}`,
    `  einsum("pi,pj->ij", X, δ):  max |diff| = ${g.maxAbsDiffEinsum.toExponential(3)}`,
  ];
}

/** Largest `|a − b|` over the elements (CPU tensors of one shape). */
function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.toTypedArray(), y = b.toTypedArray();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}
