// One optimizer kernel over every parameter of a model: parameters,
// gradients and optimizer states each live in one flat buffer, so a single
// dispatch of one invocation per element updates them all. The update
// order is PyTorch's (and `@glassbox/trainer`'s): the scalars are computed
// in double precision on the host, rounded once to float32, and written
// into the step parameters; the flags are baked into the WGSL.

import { LINEAR_INDEX, MAIN_1D, SPECIALS } from "./_wgsl_common.ts";
import { SP, stepParamsBinding } from "./_wgsl_train_gemm.ts";

/** SGD as `torch.optim.SGD` (and `@glassbox/trainer`'s `SGD`). */
export interface SgdSettings {
  readonly name: "SGD";
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly maximize: boolean;
}

/** Adam or AdamW as `torch.optim.Adam`/`AdamW`. */
export interface AdamSettings {
  readonly name: "Adam" | "AdamW";
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
}

/** A checked optimizer configuration. */
export type OptimizerSettings = SgdSettings | AdamSettings;

/** Names of the per-parameter state buffers, in their order in the state buffer. */
export function stateNames(o: OptimizerSettings): string[] {
  if (o.name === "SGD") return o.momentum !== 0 ? ["momentum_buffer"] : [];
  return o.amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];
}

/** The float scalars of step `step` (1-based), in `sp` order from `SP.scalars`. */
export function optimizerScalars(o: OptimizerSettings, step: number): number[] {
  if (o.name === "SGD") return [-o.lr, o.weightDecay, o.momentum, 1 - o.dampening];
  const [beta1, beta2] = o.betas;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  return [
    -(o.lr / biasCorrection1),
    Math.sqrt(biasCorrection2),
    o.eps,
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    o.weightDecay,
    1 - o.lr * o.weightDecay,
  ];
}

const scalar = (i: number) => `bitcast<f32>(sp[${SP.scalars + i}u])`;

/** The body of one element's update: θ = P[i], g = G[i], states at S[i + j·size]. */
function updateWgsl(o: OptimizerSettings, size: number): string {
  const lines = [`var g = G[i];`, `var t = P[i];`];
  if (o.maximize) lines.push(`g = -g;`);
  if (o.name === "SGD") {
    if (o.weightDecay !== 0) lines.push(`g = g + ${scalar(1)} * t;`);
    if (o.momentum !== 0) {
      lines.push(
        `let b = select(S[i] * ${scalar(2)} + ${scalar(3)} * g, g, sp[${SP.first}] == 1u);`,
        `S[i] = b;`,
        o.nesterov ? `g = g + ${scalar(2)} * b;` : `g = b;`,
      );
    }
    lines.push(`P[i] = t + ${scalar(0)} * g;`);
    return lines.join("\n  ");
  }
  if (o.weightDecay !== 0) {
    lines.push(o.name === "AdamW" ? `t = t * ${scalar(8)};` : `g = g + ${scalar(7)} * t;`);
  }
  lines.push(
    `let m = S[i] * ${scalar(3)} + ${scalar(4)} * g;`,
    `S[i] = m;`,
    `let v = S[i + ${size}u] * ${scalar(5)} + (${scalar(6)} * g) * g;`,
    `S[i + ${size}u] = v;`,
  );
  if (o.amsgrad) {
    // torch.maximum: a NaN wins.
    lines.push(
      `let prev = S[i + ${2 * size}u];`,
      `let second = select(max(prev, v), prev + v, is_nan(prev) || is_nan(v));`,
      `S[i + ${2 * size}u] = second;`,
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

/**
 * The optimizer kernel over `size` parameters. Bindings: P (read_write),
 * G (read), sp, then S (read_write) when the optimizer has state.
 * Dispatch `grid(size)`.
 */
export function optimizerWgsl(o: OptimizerSettings, size: number): string {
  const state = stateNames(o).length > 0
    ? "@group(0) @binding(3) var<storage, read_write> S: array<f32>;"
    : "";
  return `${SPECIALS}
@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
${stepParamsBinding(2)}
${state}
${MAIN_1D} {
  let i = ${LINEAR_INDEX};
  if (i >= ${size}u) { return; }
  ${updateWgsl(o, size)}
}`;
}
