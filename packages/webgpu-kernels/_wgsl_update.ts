// The optimizer primitive's kernel: one dispatch, one invocation per element,
// over every parameter of a model packed into flat buffers (parameters,
// gradients, and each kind of state: SGD's momentum buffer, Adam's moments).
// The update order is PyTorch's; the scalars are computed in double precision
// on the host, rounded once to float32 and passed in the params binding; the
// flags are baked into the WGSL.

import type { GradientRule } from "@glassbox/tensor/backend";
import { LINEAR_INDEX, MAIN_1D, SPECIALS } from "./_wgsl_common.ts";

/** Index of the first float scalar in the params binding. */
const SCALARS = 2;
/** Slots for scalars (Adam's nine). */
const SLOTS = 9;
/** Index of the first segment offset: [size, segments, scalars×9, offsets…, fresh…]. */
const SEGMENTS = SCALARS + SLOTS;

/** How many state buffers per parameter the rule keeps (SGD momentum; Adam's moments). */
export function stateCount(rule: GradientRule): number {
  if (rule.kind === "sgd") return rule.momentum !== 0 ? 1 : 0;
  return rule.amsgrad ? 3 : 2;
}

/** The float scalars of the rule's step, in the kernel's order. */
export function updateScalars(rule: GradientRule): number[] {
  if (rule.kind === "sgd") return [-rule.lr, rule.weightDecay, rule.momentum, 1 - rule.dampening];
  const biasCorrection1 = 1 - rule.beta1 ** rule.step;
  const biasCorrection2 = 1 - rule.beta2 ** rule.step;
  return [
    -(rule.lr / biasCorrection1),
    Math.sqrt(biasCorrection2),
    rule.eps,
    rule.beta1,
    1 - rule.beta1,
    rule.beta2,
    1 - rule.beta2,
    rule.weightDecay,
    1 - rule.lr * rule.weightDecay,
  ];
}

/**
 * The params binding of a step over parameters packed at element `offsets`
 * of regions of `size` elements: [size, count, scalar bits ×9, offsets…,
 * fresh flags…] (SGD's per-parameter "no momentum history yet").
 */
export function updateParams(
  rule: GradientRule,
  size: number,
  offsets: readonly number[],
): Uint32Array<ArrayBuffer> {
  const n = offsets.length;
  const out = new Uint32Array(SEGMENTS + 2 * n);
  out[0] = size;
  out[1] = n;
  new Float32Array(out.buffer, SCALARS * 4, SLOTS).set(updateScalars(rule));
  out.set(offsets, SEGMENTS);
  if (rule.kind === "sgd") out.set(rule.fresh.map((f) => (f ? 1 : 0)), SEGMENTS + n);
  return out;
}

/** A key naming the kernel's baked flags, for the pipeline cache. */
export function updateKey(rule: GradientRule): string {
  if (rule.kind === "sgd") {
    return `update:sgd:${rule.momentum !== 0}:${rule.nesterov}:${
      rule.weightDecay !== 0
    }:${rule.maximize}`;
  }
  return `update:adam:${rule.decoupled}:${rule.weightDecay !== 0}:${rule.amsgrad}:${rule.maximize}`;
}

const scalar = (i: number) => `bitcast<f32>(p[${SCALARS + i}u])`;

/** The body of one element's update: θ = P[i], g = G[i], state j at S[i + j·size]. */
function body(rule: GradientRule): string {
  const lines = [`var g = G[i];`, `var t = P[i];`];
  if (rule.maximize) lines.push(`g = -g;`);
  if (rule.kind === "sgd") {
    if (rule.weightDecay !== 0) lines.push(`g = g + ${scalar(1)} * t;`);
    if (rule.momentum !== 0) {
      lines.push(
        `let b = select(S[i] * ${scalar(2)} + ${scalar(3)} * g, g, fresh(i));`,
        `S[i] = b;`,
        rule.nesterov ? `g = g + ${scalar(2)} * b;` : `g = b;`,
      );
    }
    lines.push(`P[i] = t + ${scalar(0)} * g;`);
    return lines.join("\n  ");
  }
  if (rule.decoupled) lines.push(`t = t * ${scalar(8)};`);
  else if (rule.weightDecay !== 0) lines.push(`g = g + ${scalar(7)} * t;`);
  lines.push(
    `let m = S[i] * ${scalar(3)} + ${scalar(4)} * g;`,
    `S[i] = m;`,
    `let v = S[i + size] * ${scalar(5)} + (${scalar(6)} * g) * g;`,
    `S[i + size] = v;`,
  );
  if (rule.amsgrad) {
    // torch.maximum: a NaN wins.
    lines.push(
      `let prev = S[i + 2u * size];`,
      `let second = select(max(prev, v), prev + v, is_nan(prev) || is_nan(v));`,
      `S[i + 2u * size] = second;`,
    );
  } else {
    lines.push(`let second = v;`);
  }
  lines.push(
    `let denom = sqrt(second) / ${scalar(1)} + ${scalar(2)};`,
    `P[i] = t + (${scalar(0)} * m) / denom;`,
  );
  return lines.join("\n  ");
}

/** Whether element i's parameter is fresh: a binary search of the segment offsets. */
const FRESH = `
fn fresh(i: u32) -> bool {
  var lo = 0u;
  var hi = p[1];
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (p[${SEGMENTS}u + mid] <= i) { lo = mid; } else { hi = mid; }
  }
  return p[${SEGMENTS}u + p[1] + lo] == 1u;
}`;

/**
 * The update kernel. Bindings: P (read_write), G (read), params (see
 * `updateParams`), then S (read_write, one region of `size` per kind of
 * state) when the rule keeps state. Dispatch `grid(size)`.
 */
export function updateWgsl(rule: GradientRule): string {
  const state = stateCount(rule) > 0
    ? "@group(0) @binding(3) var<storage, read_write> S: array<f32>;"
    : "";
  return `${SPECIALS}
@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${state}
${rule.kind === "sgd" && rule.momentum !== 0 ? FRESH : ""}
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  let size = p[0];
  if (i >= size) { return; }
  ${body(rule)}
}`;
}
