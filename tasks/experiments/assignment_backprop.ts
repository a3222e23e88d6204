/**
 * Task 3 of the assignment notebook: the forward pass and the deltas of a
 * 1-k-1 sigmoid network on one example, by hand — scalar loops, one line per
 * formula — checked against the model's own backward pass (the part
 * PyTorch's autograd plays in the notebook; the golden test checks both
 * against PyTorch's autograd).
 *
 * ```text
 * z1 = W1ᵀ·x            z2 = z1 + b1         z3 = σ(z2)
 * z4 = Σᵢ W2ᵢ·z3ᵢ       ŷ  = z4 + b2         l  = (y − ŷ)²
 * δŷ = −2(y − ŷ)        δb2 = δz4 = δŷ       δW2 = δz4·z3
 * δz3 = δz4·W2          δz2 = δz3·z3(1 − z3) δb1 = δz1 = δz2
 * δW1 = x·δz1ᵀ          δx = Σᵢ δz1ᵢ·W1ᵢ     δy = 2(y − ŷ)
 * ```
 *
 * @module
 */

import { MSELoss } from "@glassbox/losses";
import { tensor, tidy } from "@glassbox/tensor";
import type { AssignmentMLP } from "./assignment_model.ts";

/** Values of the forward pass and the deltas on one example. */
export interface BackpropValues {
  /** Prediction ŷ. */
  yhat: number;
  /** Loss l = (y − ŷ)². */
  l: number;
  /** Intermediate values z1 … z4 of the forward pass. */
  z: { z1: number[]; z2: number[]; z3: number[]; z4: number };
  /** ∂l/∂v for v in l, y, yhat, b2, W2, b1, W1, x (the notebook's order). */
  deltas: Record<"l" | "y" | "yhat" | "b2" | "W2" | "b1" | "W1" | "x", number[]>;
}

/** Names of the deltas, in the order the notebook prints them. */
export const DELTA_NAMES = ["l", "y", "yhat", "b2", "W2", "b1", "W1", "x"] as const;

function checkShape(model: AssignmentMLP): number {
  const s = model.sizes;
  if (s.length !== 3 || s[0] !== 1 || s[2] !== 1 || model.phi !== "sigmoid") {
    throw new TypeError(
      `Cannot backpropagate by hand: the model must be MLP([1, k, 1], sigmoid), got MLP([${
        s.join(", ")
      }], ${model.phi})`,
    );
  }
  return s[1];
}

/**
 * The forward pass and every delta of a 1-k-1 sigmoid network on one
 * example, computed by hand with scalar arithmetic.
 *
 * @param model A `MLP([1, k, 1])` with sigmoid hidden units.
 * @param x The input.
 * @param y The target.
 * @returns The values.
 *
 * @example
 * ```ts
 * import { backpropByHand } from "./assignment_backprop.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { manualSeed } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const v = backpropByHand(new AssignmentMLP([1, 3, 1]), 0.5, 1);
 * strictEqual(v.l, (1 - v.yhat) ** 2);
 * strictEqual(v.deltas.W2.length, 3);
 * ```
 */
export function backpropByHand(model: AssignmentMLP, x: number, y: number): BackpropValues {
  const k = checkShape(model);
  const W1 = Array.from(model.getParameter("0_weight").value.toTypedArray()); // [1, k]
  const b1 = Array.from(model.getParameter("0_bias").value.toTypedArray()); // [k]
  const W2 = Array.from(model.getParameter("1_weight").value.toTypedArray()); // [k, 1]
  const b2 = model.getParameter("1_bias").value.toTypedArray()[0];
  const z1 = W1.map((w) => w * x);
  const z2 = z1.map((v, i) => v + b1[i]);
  const z3 = z2.map((v) => 1 / (1 + Math.exp(-v)));
  let z4 = 0;
  for (let i = 0; i < k; i++) z4 += W2[i] * z3[i];
  const yhat = z4 + b2;
  const l = (y - yhat) ** 2;
  const dYhat = -2 * (y - yhat);
  const dZ4 = dYhat;
  const dW2 = z3.map((v) => dZ4 * v);
  const dZ3 = W2.map((w) => dZ4 * w);
  const dZ2 = dZ3.map((d, i) => d * z3[i] * (1 - z3[i]));
  const dZ1 = dZ2;
  let dX = 0;
  for (let i = 0; i < k; i++) dX += dZ1[i] * W1[i];
  return {
    yhat,
    l,
    z: { z1, z2, z3, z4 },
    deltas: {
      l: [1],
      y: [2 * (y - yhat)],
      yhat: [dYhat],
      b2: [dZ4],
      W2: dW2,
      b1: dZ2,
      W1: dZ1.map((d) => d * x),
      x: [dX],
    },
  };
}

/**
 * The same values from the model's forward and backward passes (the role
 * PyTorch's autograd plays in the notebook): `MSELoss(ŷ, y)` on the
 * one-row batch, ∂l/∂y as −∂l/∂ŷ.
 *
 * @param model A `MLP([1, k, 1])` with sigmoid hidden units.
 * @param x The input.
 * @param y The target.
 * @returns The values (`z` from the hand pass is not recomputed: empty arrays, z4 NaN).
 *
 * @example
 * ```ts
 * import { backpropByHand, backpropByModel } from "./assignment_backprop.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { manualSeed } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * manualSeed(1);
 * const model = new AssignmentMLP([1, 4, 1]);
 * const hand = backpropByHand(model, 0.3, -1), auto = backpropByModel(model, 0.3, -1);
 * ok(Math.abs(hand.deltas.x[0] - auto.deltas.x[0]) < 1e-12);
 * ```
 */
export function backpropByModel(model: AssignmentMLP, x: number, y: number): BackpropValues {
  checkShape(model);
  model.zeroGrad();
  const loss = new MSELoss();
  const { yhat, l, dYhat, dX } = tidy(() => {
    const pred = model.forward(tensor([x], { dtype: "float64" }));
    const value = loss.forward(pred, tensor([[y]], { dtype: "float64" })).item();
    const g = loss.backward();
    const gx = model.backward(g);
    return { yhat: pred.item(), l: value, dYhat: g.item(), dX: gx.item() };
  });
  const grad = (name: string): number[] => Array.from(model.getParameter(name).grad.toTypedArray());
  const result: BackpropValues = {
    yhat,
    l,
    z: { z1: [], z2: [], z3: [], z4: NaN },
    deltas: {
      l: [1],
      y: [-dYhat],
      yhat: [dYhat],
      b2: grad("1_bias"),
      W2: grad("1_weight"),
      b1: grad("0_bias"),
      W1: grad("0_weight"),
      x: [dX],
    },
  };
  model.zeroGrad();
  return result;
}

/**
 * The notebook's check: Σ (autograd − hand)² for each delta.
 *
 * @param a One set of values.
 * @param b The other.
 * @returns The squared error per delta name.
 *
 * @example
 * ```ts
 * import { backpropByHand, squaredErrors } from "./assignment_backprop.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const v = backpropByHand(new AssignmentMLP([1, 2, 1]), 1, 0);
 * strictEqual(squaredErrors(v, v).W1, 0);
 * ```
 */
export function squaredErrors(a: BackpropValues, b: BackpropValues): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of DELTA_NAMES) {
    const u = a.deltas[name], v = b.deltas[name];
    out[name] = u.reduce((s, ui, i) => s + (ui - v[i]) ** 2, 0);
  }
  return out;
}
