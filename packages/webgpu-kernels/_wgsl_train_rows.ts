// Row kernels of the resident training step: the loss (value and gradient
// in one kernel that also adds the batch loss into an accumulator on the
// GPU), and softmax as a hidden activation (forward in place, backward in
// place), each row reduced with fixed-order trees so results repeat exactly.

import { MATH, SPECIALS } from "./_wgsl_common.ts";
import {
  derivativeWgsl,
  type PointwiseActivation,
  SP,
  stepParamsBinding,
} from "./_wgsl_train_gemm.ts";

/** Invocations of the loss kernel's single workgroup. */
export const LOSS_WG = 256;
/** Invocations per row of the softmax kernels. */
export const ROW_WG = 64;

/** The loss of a resident step, as the loss kernel computes it. */
export type LossKernel =
  | {
    readonly kind: "crossEntropy";
    /** Class-index targets [N] (else probabilities [N, C]). */
    readonly classIndices: boolean;
    readonly ignoreIndex: number;
    readonly labelSmoothing: number;
  }
  | { readonly kind: "mse" };

/** A float constant in WGSL, exactly its float32 value. */
function f32(value: number): string {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  return `bitcast<f32>(${bits}u)`;
}

/** A fixed-order tree sum of `sh` over `wg` invocations, leaving the total in `sh[0]`. */
function treeSum(wg: number, index: string): string {
  return `workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (${index} < s) { sh[${index}] = sh[${index}] + sh[${index} + s]; }
    workgroupBarrier();
  }`;
}

/**
 * The loss kernel: one workgroup of `LOSS_WG` invocations, each taking whole
 * rows. Per row it computes ∂L/∂out of the mean-reduced loss (softmax cross
 * entropy of the logits, or squared error), applies the last activation's
 * derivative (softmax's Jacobian-vector product for a softmax output) and
 * writes Δ; the batch loss is tree-summed and added to `acc[0]`.
 * Bindings: out [N, C] (read), targets (read), Δ (read_write), acc
 * (read_write), sp.
 *
 * Cross entropy follows `CrossEntropyLoss`: ℓᵢ = −Σ_c qᵢc·log softmax(zᵢ)_c
 * with q the (smoothed) targets, ∂ℓᵢ/∂zᵢ = softmax(zᵢ)·Σq − qᵢ; rows whose
 * class index is `ignoreIndex` count neither in the loss nor in the mean
 * (all ignored: loss NaN, gradient 0). An index that is not a class gives a
 * NaN loss. Squared error: (y − t)² over N·C elements.
 */
export function lossWgsl(loss: LossKernel, classes: number, last: PointwiseActivation | "softmax") {
  const c = classes;
  const wg = LOSS_WG;
  let denominator: string, perRow: string, targetWidth: number;
  if (loss.kind === "mse") {
    targetWidth = c;
    denominator = `f32(rows) * ${c}.0`;
    perRow = `
    for (var j = 0u; j < ${c}u; j++) {
      let d = out[base + j] - T[t_base + j];
      row_loss += d * d;
      D[base + j] = 2.0 * d * inv;
    }`;
  } else {
    const eps = loss.labelSmoothing;
    const onTarget = f32(1 - eps), uniform = f32(eps / c);
    // q_c: the smoothed target probability of class c.
    const q = loss.classIndices
      ? `select(0.0, ${onTarget}, j == cls) + ${uniform}`
      : eps > 0
      ? `T[t_base + j] * ${onTarget} + ${uniform}`
      : `T[t_base + j]`;
    targetWidth = loss.classIndices ? 1 : c;
    denominator = loss.classIndices ? "kept" : "f32(rows)";
    const keep = loss.classIndices
      ? `let tgt = T[t_base];
    if (tgt == ${f32(loss.ignoreIndex)}) { continue; }
    let valid = tgt >= 0.0 && tgt < ${c}.0 && floor(tgt) == tgt;
    if (!valid) { loss = f_nan(); continue; }
    let cls = u32(tgt);`
      : "";
    perRow = `
    ${keep}
    var mx = -f_inf();
    for (var j = 0u; j < ${c}u; j++) { mx = max(mx, out[base + j]); }
    var se = 0.0;
    for (var j = 0u; j < ${c}u; j++) { se += exp_c(out[base + j] - mx); }
    let lse = log_c(se);
    var q_sum = 0.0;
    for (var j = 0u; j < ${c}u; j++) {
      let q = ${q};
      row_loss -= q * (out[base + j] - mx - lse);
      q_sum += q;
    }
    for (var j = 0u; j < ${c}u; j++) {
      let p = exp_c(out[base + j] - mx) / se;
      D[base + j] = (p * q_sum - (${q})) * inv;
    }`;
  }
  // The last activation's derivative, applied to the ∂L/∂out just written.
  let chain = "";
  if (last === "softmax") {
    chain = `
    var dot = 0.0;
    for (var j = 0u; j < ${c}u; j++) { dot += D[base + j] * out[base + j]; }
    for (var j = 0u; j < ${c}u; j++) { D[base + j] = out[base + j] * (D[base + j] - dot); }`;
  } else if (last !== "identity") {
    chain = `
    for (var j = 0u; j < ${c}u; j++) {
      let y = out[base + j];
      D[base + j] = ${derivativeWgsl(last, "D[base + j]", "y")};
    }`;
  }
  const ignored = loss.kind === "crossEntropy" && loss.classIndices;
  return `${SPECIALS}${MATH}
@group(0) @binding(0) var<storage, read> out: array<f32>;
@group(0) @binding(1) var<storage, read> T: array<f32>;
@group(0) @binding(2) var<storage, read_write> D: array<f32>;
@group(0) @binding(3) var<storage, read_write> acc: array<f32>;
${stepParamsBinding(4)}
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) li: u32) {
  let rows = sp[${SP.rows}];
  let t_row = sp[${SP.yRow}];
  var kept = 0.0;
  ${
    ignored
      ? `var mine = 0.0;
  for (var r = li; r < rows; r += ${wg}u) {
    if (T[t_row + r] != ${f32(loss.ignoreIndex)}) { mine += 1.0; }
  }
  sh[li] = mine;
  ${treeSum(wg, "li")}
  kept = sh[0];
  workgroupBarrier();`
      : ""
  }
  let denominator = ${denominator};
  // All rows ignored: the loss is 0/0 = NaN and the gradient 0, as on the CPU.
  let inv = 1.0 / select(denominator, 1.0, denominator == 0.0);
  var loss = 0.0;
  for (var r = li; r < rows; r += ${wg}u) {
    let base = r * ${c}u;
    let t_base = (t_row + r) * ${targetWidth}u;
    var row_loss = 0.0;
    ${ignored ? `for (var j = 0u; j < ${c}u; j++) { D[base + j] = 0.0; }` : ""}${perRow}${chain}
    loss += row_loss;
  }
  sh[li] = loss;
  ${treeSum(wg, "li")}
  if (li == 0u) { acc[0] = acc[0] + sh[0] / denominator; }
}`;
}

/** Header of the row kernels: one workgroup per row, rows folded over x and y. */
function rowHeader(body: string): string {
  return `${SPECIALS}${MATH}
var<workgroup> sh: array<f32, ${ROW_WG}>;
@compute @workgroup_size(${ROW_WG})
fn main(@builtin(workgroup_id) wgid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let row = wgid.x + wgid.y * nwg.x;
  if (row >= sp[${SP.rows}]) { return; }
  ${body}
}`;
}

/**
 * Softmax of each row of Y [N, len], in place: exp(y − max) / Σ exp(y − max).
 * Bindings: Y (read_write), sp. One workgroup per row.
 */
export function softmaxRowsWgsl(len: number): string {
  return `@group(0) @binding(0) var<storage, read_write> Y: array<f32>;
${stepParamsBinding(1)}
${
    rowHeader(`let base = row * ${len}u;
  var m = -f_inf();
  for (var j = li; j < ${len}u; j += ${ROW_WG}u) { m = max(m, Y[base + j]); }
  sh[li] = m;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { sh[li] = max(sh[li], sh[li + s]); }
    workgroupBarrier();
  }
  let row_max = sh[0];
  workgroupBarrier();
  var part = 0.0;
  for (var j = li; j < ${len}u; j += ${ROW_WG}u) { part += exp_c(Y[base + j] - row_max); }
  sh[li] = part;
  ${treeSum(ROW_WG, "li")}
  let total = sh[0];
  for (var j = li; j < ${len}u; j += ${ROW_WG}u) {
    Y[base + j] = exp_c(Y[base + j] - row_max) / total;
  }`)
  }`;
}

/**
 * Softmax's backward pass in place: Δ ← y ⊙ (Δ − Σ Δ⊙y) per row.
 * Bindings: Δ (read_write), Y (read), sp. One workgroup per row.
 */
export function softmaxBackwardRowsWgsl(len: number): string {
  return `@group(0) @binding(0) var<storage, read_write> D: array<f32>;
@group(0) @binding(1) var<storage, read> Y: array<f32>;
${stepParamsBinding(2)}
${
    rowHeader(`let base = row * ${len}u;
  var part = 0.0;
  for (var j = li; j < ${len}u; j += ${ROW_WG}u) { part += D[base + j] * Y[base + j]; }
  sh[li] = part;
  ${treeSum(ROW_WG, "li")}
  let dot = sh[0];
  for (var j = li; j < ${len}u; j += ${ROW_WG}u) {
    D[base + j] = Y[base + j] * (D[base + j] - dot);
  }`)
  }`;
}
