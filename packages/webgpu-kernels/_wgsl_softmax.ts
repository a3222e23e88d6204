// Row softmax and log-softmax for the [outer, len, inner] layout, one
// workgroup per row, with the same fixed-order trees as the reductions, so
// the results are bit-identical run after run.

import type { SoftmaxOp } from "@glassbox/tensor/backend";
import { MATH, SPECIALS } from "./_wgsl_common.ts";
import { HEADER } from "./_wgsl_reduce.ts";

/**
 * Softmax or log-softmax, one workgroup of `wg` invocations per row of the
 * [outer, len, inner] layout: a tree maximum, a tree sum of exp(x − max),
 * then the outputs. A row of all −inf is shifted by 0 and gives NaN, a row
 * with a NaN gives NaN, as on the CPU. Bindings: x, out, params.
 */
export function softmaxWgsl(op: SoftmaxOp, wg: number): string {
  const write = op === "softmax"
    ? "out[k] = exp_c(x[k] - shift) / total;"
    : "out[k] = x[k] - shift - log_total;";
  return `${SPECIALS}${MATH}${HEADER}
var<workgroup> sh: array<f32, ${wg}>;
fn max_nan(a: f32, b: f32) -> f32 { return select(max(a, b), f_nan(), is_nan(a) || is_nan(b)); }
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wgid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = wgid.x + wgid.y * nwg.x;
  let len = p[1];
  let inner = p[2];
  if (row >= p[0] * inner) { return; }
  let base = (row / inner) * len * inner + row % inner;
  var m = -f_inf();
  for (var r = lid; r < len; r += ${wg}u) { m = max_nan(m, x[base + r * inner]); }
  sh[lid] = m;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = max_nan(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  let row_max = sh[0];
  let shift = select(row_max, 0.0, is_inf(row_max) && row_max < 0.0);
  workgroupBarrier();
  var acc = 0.0;
  for (var r = lid; r < len; r += ${wg}u) { acc += exp_c(x[base + r * inner] - shift); }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
  let total = sh[0];
  let log_total = log_c(total);
  for (var r = lid; r < len; r += ${wg}u) {
    let k = base + r * inner;
    ${write}
  }
}`;
}
