// Host-side index arithmetic for the kernels: broadcast strides with axes
// merged where possible, so that most binary operations index in one step.

import { broadcastStrides } from "@glassbox/internal";

/** A broadcast binary operation as a loop nest: shape and both inputs' strides. */
export interface BroadcastLayout {
  readonly shape: number[];
  readonly aStrides: number[];
  readonly bStrides: number[];
}

/**
 * The output shape and input strides of `a ∘ b → out`, with axes of length 1
 * dropped and neighbouring axes merged when both inputs walk them as one
 * (equal shapes become one axis). Always at least one axis.
 */
export function broadcastLayout(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): BroadcastLayout {
  const sa = broadcastStrides(a, out), sb = broadcastStrides(b, out);
  const shape: number[] = [], aStrides: number[] = [], bStrides: number[] = [];
  for (let d = 0; d < out.length; d++) {
    if (out[d] === 1) continue;
    const last = shape.length - 1;
    if (
      last >= 0 && aStrides[last] === sa[d] * out[d] && bStrides[last] === sb[d] * out[d]
    ) {
      shape[last] *= out[d];
      aStrides[last] = sa[d];
      bStrides[last] = sb[d];
    } else {
      shape.push(out[d]);
      aStrides.push(sa[d]);
      bStrides.push(sb[d]);
    }
  }
  if (shape.length === 0) return { shape: [1], aStrides: [0], bStrides: [0] };
  return { shape, aStrides, bStrides };
}
