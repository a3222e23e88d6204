// Reductions of the middle axis of [outer, len, inner].
//
// They are deterministic: the order in which elements are combined depends
// only on the shape, never on scheduling. A tree kernel gives one workgroup
// to each output; invocation t folds elements t, t+WG, t+2·WG, … in order,
// then the workgroup halves its partial results pairwise in a fixed tree. A
// serial kernel (short axes) gives one invocation to each output.
//
// max/min/argmax/argmin follow the CPU backend: a NaN wins, and ties (or
// several NaNs) go to the first index. The pick rule is a total order on
// (value, index), so any fixed combining order yields the CPU's answer.

import type { ReduceOp } from "@glassbox/tensor/backend";
import { SPECIALS, WG } from "./_wgsl_common.ts";

/** Axes at most this long are reduced by one invocation per output. */
export const SERIAL_MAX_LEN = 64;

const EMPTY = "0xffffffffu";

/** `take_b(av, ai, bv, bi)`: whether (bv, bi) wins over (av, ai). */
const PICK: { readonly [K in Exclude<ReduceOp, "sum">]: string } = {
  max: "bv > av",
  min: "bv < av",
  argmax: "bv > av",
  argmin: "bv < av",
};

function pickFn(op: Exclude<ReduceOp, "sum">): string {
  return `
fn take_b(av: f32, ai: u32, bv: f32, bi: u32) -> bool {
  if (bi == ${EMPTY}) { return false; }
  if (ai == ${EMPTY}) { return true; }
  let an = is_nan(av);
  let bn = is_nan(bv);
  if (an || bn) { return select(bn, bi < ai, an && bn); }
  if (bv == av) { return bi < ai; }
  return ${PICK[op]};
}`;
}

/** Bindings shared by the reductions and softmax. */
export const HEADER = `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>; // [outer, len, inner]
`;

/** One invocation per output. Bindings: x, out, params [outer, len, inner]. */
export function reduceSerialWgsl(op: ReduceOp): string {
  const body = op === "sum"
    ? `var acc = 0.0;
  for (var r = 0u; r < len; r++) { acc += x[base + r * inner]; }
  out[o] = acc;`
    : `var bv = 0.0;
  var bi = ${EMPTY};
  for (var r = 0u; r < len; r++) {
    let v = x[base + r * inner];
    if (take_b(bv, bi, v, r)) { bv = v; bi = r; }
  }
  out[o] = ${op.startsWith("arg") ? "f32(bi)" : "bv"};`;
  return `${SPECIALS}${op === "sum" ? "" : pickFn(op)}${HEADER}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.x + gid.y * nwg.x * ${WG}u;
  let len = p[1];
  let inner = p[2];
  if (o >= p[0] * inner) { return; }
  let base = (o / inner) * len * inner + o % inner;
  ${body}
}`;
}

/** One workgroup per output. Bindings: x, out, params [outer, len, inner]. */
export function reduceTreeWgsl(op: ReduceOp): string {
  const sum = op === "sum";
  const fold = sum
    ? `var acc = 0.0;
  for (var r = lid; r < len; r += ${WG}u) { acc += x[base + r * inner]; }
  sv[lid] = acc;`
    : `var bv = 0.0;
  var bi = ${EMPTY};
  for (var r = lid; r < len; r += ${WG}u) {
    let v = x[base + r * inner];
    if (take_b(bv, bi, v, r)) { bv = v; bi = r; }
  }
  sv[lid] = bv;
  si[lid] = bi;`;
  const step = sum
    ? `sv[lid] = sv[lid] + sv[lid + s];`
    : `if (take_b(sv[lid], si[lid], sv[lid + s], si[lid + s])) {
        sv[lid] = sv[lid + s];
        si[lid] = si[lid + s];
      }`;
  const result = sum ? "sv[0]" : op.startsWith("arg") ? "f32(si[0])" : "sv[0]";
  return `${SPECIALS}${sum ? "" : pickFn(op)}${HEADER}
var<workgroup> sv: array<f32, ${WG}>;
${sum ? "" : `var<workgroup> si: array<u32, ${WG}>;`}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let o = wg.x + wg.y * nwg.x;
  let len = p[1];
  let inner = p[2];
  if (o >= p[0] * inner) { return; }
  let base = (o / inner) * len * inner + o % inner;
  ${fold}
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      ${step}
    }
    workgroupBarrier();
  }
  if (lid == 0u) { out[o] = ${result}; }
}`;
}
