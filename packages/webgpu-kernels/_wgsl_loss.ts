// The loss primitive's kernel: value and gradient in one dispatch of one
// workgroup, each invocation taking whole rows, the loss tree-summed in a
// fixed order (so results repeat exactly) and, when asked, added into an
// accumulator on the GPU (so a training loop reads an epoch's loss once).

import type { LossKind } from "@glassbox/tensor/backend";
import { MATH, SPECIALS } from "./_wgsl_common.ts";

/** Invocations of the loss kernel's single workgroup. */
export const LOSS_WG = 256;

/** What the loss kernel computes. */
export interface LossKernel {
  readonly kind: LossKind;
  /** Columns of pred (outputs, or classes). */
  readonly cols: number;
  /** `"mean"` (over elements for MSE, over rows for cross-entropy) or `"sum"`. */
  readonly reduction: "mean" | "sum";
  /** Whether the value is also added into an accumulator. */
  readonly accumulate: boolean;
}

/**
 * The loss kernel. MSE: ℓ = Σ (p − t)², ∂ℓ/∂p = 2(p − t); softmax cross
 * entropy of logits against class indices: ℓᵢ = logsumexp(zᵢ) − z_{i,tᵢ},
 * ∂ℓᵢ/∂zᵢ = softmax(zᵢ) − onehot(tᵢ) (an index that is not a class gives
 * NaN); both divided by the mean's denominator. Bindings: pred (read),
 * target (read), grad (read_write), value (read_write, 1 element), params
 * [rows], then the accumulator (read_write) when `accumulate`. Dispatch 1.
 */
export function lossWgsl(loss: LossKernel): string {
  const c = loss.cols;
  const wg = LOSS_WG;
  let perRow: string, denominator: string;
  if (loss.kind === "mse") {
    denominator = loss.reduction === "mean" ? `f32(rows) * ${c}.0` : "1.0";
    perRow = `
    for (var j = 0u; j < ${c}u; j++) {
      let d = P[base + j] - T[base + j];
      row_loss += d * d;
      D[base + j] = 2.0 * d * inv;
    }`;
  } else {
    denominator = loss.reduction === "mean" ? "f32(rows)" : "1.0";
    perRow = `
    let tgt = T[r];
    let valid = tgt >= 0.0 && tgt < ${c}.0 && floor(tgt) == tgt;
    let cls = select(${c}u, u32(max(tgt, 0.0)), valid);
    var mx = -f_inf();
    for (var j = 0u; j < ${c}u; j++) { mx = max(mx, P[base + j]); }
    var se = 0.0;
    for (var j = 0u; j < ${c}u; j++) { se += exp_c(P[base + j] - mx); }
    let lse = log_c(se);
    if (valid) { row_loss = lse - (P[base + cls] - mx); } else { row_loss = f_nan(); }
    for (var j = 0u; j < ${c}u; j++) {
      let q = select(0.0, 1.0, j == cls);
      D[base + j] = (exp_c(P[base + j] - mx) / se - q) * inv;
    }`;
  }
  return `${SPECIALS}${MATH}
@group(0) @binding(0) var<storage, read> P: array<f32>;
@group(0) @binding(1) var<storage, read> T: array<f32>;
@group(0) @binding(2) var<storage, read_write> D: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;
@group(0) @binding(4) var<storage, read> p: array<u32>;
${loss.accumulate ? "@group(0) @binding(5) var<storage, read_write> acc: array<f32>;" : ""}
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) li: u32) {
  let rows = p[0];
  let denominator = ${denominator};
  let inv = 1.0 / denominator;
  var loss = 0.0;
  for (var r = li; r < rows; r += ${wg}u) {
    let base = r * ${c}u;
    var row_loss = 0.0;${perRow}
    loss += row_loss;
  }
  sh[li] = loss;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { sh[li] = sh[li] + sh[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    let value = sh[0] / denominator;
    V[0] = value;${loss.accumulate ? "\n    acc[0] = acc[0] + value;" : ""}
  }
}`;
}
