/**
 * What `LBFGS` keeps between steps (PyTorch's `state` dict), its conversion
 * to and from `OptimizerState`, and the two-loop recursion over it.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { hostView, wrap } from "./_host.ts";
import { describe, fmtShape } from "@glassbox/internal";
import { dot } from "./_strong_wolfe.ts";
import type { OptimizerState } from "./optimizer.ts";

/** The state PyTorch keeps between steps, under PyTorch's names in camelCase. */
export interface LbfgsState {
  funcEvals: number;
  nIter: number;
  d: Float64Array | null;
  t: number;
  oldDirs: Float64Array[];
  oldStps: Float64Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Float64Array | null;
  prevLoss: number;
}

/** The state before the first step. */
export function freshState(): LbfgsState {
  return {
    funcEvals: 0,
    nIter: 0,
    d: null,
    t: 0,
    oldDirs: [],
    oldStps: [],
    ro: [],
    hDiag: 1,
    prevFlatGrad: null,
    prevLoss: 0,
  };
}

/**
 * d = −H·g by the two-loop recursion over the curvature pairs (s, y), oldest
 * first, with H₀ = hDiag·I — PyTorch's loops, operation for operation.
 */
export function twoLoopDirection(
  flatGrad: Float64Array,
  oldDirs: readonly Float64Array[],
  oldStps: readonly Float64Array[],
  ro: readonly number[],
  hDiag: number,
): Float64Array {
  const numOld = oldDirs.length;
  const al = new Array<number>(numOld);
  const q = flatGrad.map((g) => -g);
  for (let i = numOld - 1; i >= 0; i--) {
    al[i] = dot(oldStps[i], q) * ro[i];
    const a = -al[i], yi = oldDirs[i];
    for (let k = 0; k < q.length; k++) q[k] = q[k] + a * yi[k];
  }
  const r = q.map((v) => v * hDiag);
  for (let i = 0; i < numOld; i++) {
    const beI = dot(oldDirs[i], r) * ro[i];
    const a = al[i] - beI, si = oldStps[i];
    for (let k = 0; k < r.length; k++) r[k] = r[k] + a * si[k];
  }
  return r;
}

/** Copies of the vectors as tensors, and the counters as scalars. */
export function stateToTensors(s: LbfgsState): Pick<OptimizerState, "scalars" | "tensors"> {
  const tensors: Record<string, Tensor> = {};
  const vector = (v: Float64Array): Tensor => wrap(v.slice(), [v.length]);
  if (s.d !== null) tensors.d = vector(s.d);
  if (s.prevFlatGrad !== null) tensors.prev_flat_grad = vector(s.prevFlatGrad);
  s.oldDirs.forEach((v, i) => (tensors[`old_dirs.${i}`] = vector(v)));
  s.oldStps.forEach((v, i) => (tensors[`old_stps.${i}`] = vector(v)));
  return {
    scalars: {
      func_evals: s.funcEvals,
      n_iter: s.nIter,
      t: s.t,
      H_diag: s.hDiag,
      prev_loss: s.prevLoss,
      ...Object.fromEntries(s.ro.map((v, i) => [`ro.${i}`, v])),
    },
    tensors,
  };
}

/** The state saved by `stateToTensors`, checked against the flat size of the parameters. */
export function stateFromTensors(state: OptimizerState, size: number, action: string): LbfgsState {
  const vector = (key: string): Float64Array => {
    const t = state.tensors[key];
    if (t === undefined) throw new RangeError(`Cannot ${action}: the state has no ${key}`);
    if (t.shape.length !== 1 || t.shape[0] !== size) {
      throw new TypeError(
        `Cannot ${action}: ${key} has shape ${fmtShape(t.shape)}, expected [${size}]`,
      );
    }
    return Float64Array.from(hostView(t, action, key));
  };
  const sc = state.scalars;
  const count = Object.keys(state.tensors).filter((k) => k.startsWith("old_dirs.")).length;
  const index = Array.from({ length: count }, (_, i) => i);
  const keys = ["func_evals", "n_iter", "t", "H_diag", "prev_loss", ...index.map((i) => `ro.${i}`)];
  for (const key of keys) {
    if (typeof sc[key] !== "number") {
      throw new TypeError(
        `Cannot ${action}: scalars.${key} must be a number, got ${describe(sc[key])}`,
      );
    }
  }
  return {
    funcEvals: sc.func_evals,
    nIter: sc.n_iter,
    d: "d" in state.tensors ? vector("d") : null,
    t: sc.t,
    oldDirs: index.map((i) => vector(`old_dirs.${i}`)),
    oldStps: index.map((i) => vector(`old_stps.${i}`)),
    ro: index.map((i) => sc[`ro.${i}`]),
    hDiag: sc.H_diag,
    prevFlatGrad: "prev_flat_grad" in state.tensors ? vector("prev_flat_grad") : null,
    prevLoss: sc.prev_loss,
  };
}
