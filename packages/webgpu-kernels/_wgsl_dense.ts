// The GEMMs of a dense layer's fused primitives, each one dispatch with its
// elementwise work in the loads or the store:
//
//   forward      Y = f(X·Wᵀ + b)            bias and activation in the store (and
//                                           Z = X·Wᵀ + b too when f′ reads z)
//   weightGrad   ∂W = δᵀ·X, ∂b = 1ᵀ·δ        δ = G ⊙ f′(S) as the tile is staged; ∂b
//                                           summed from the staged δᵀ tile by the
//                                           first column of workgroups, in k order
//   inputGrad    ∂X = δ·W                    δ again computed as staged
//
// Sizes come from a params binding [m, n, k], so one pipeline serves every
// batch size; the activation and its arguments are baked into the WGSL.

import { ACTIVATION_SAVES, type ActivationSpec } from "@glassbox/tensor/backend";
import { MATH, SPECIALS } from "./_wgsl_common.ts";
import { ACTIVATION_FNS, activationKey, backwardWgsl, forwardWgsl } from "./_wgsl_activation.ts";
import { BK, gemmParts, type MatmulVariant, SIDE, tileOf } from "./_wgsl_matmul.ts";

/** Which of the three GEMMs, with what it fuses. */
export type DenseGemm =
  | {
    readonly kind: "forward";
    readonly activation: ActivationSpec;
    readonly bias: boolean;
  }
  | {
    readonly kind: "weightGrad";
    readonly activation: ActivationSpec;
    readonly bias: boolean;
  }
  | {
    readonly kind: "inputGrad";
    readonly activation: ActivationSpec;
  };

/** Rows (or columns) of C per invocation for a side: register blocking pays from ~48. */
function block(side: number): number {
  return side >= 96 ? 8 : side >= 48 ? 4 : 1;
}

/** Whether the kernel binds the saved value S (f′ is not the identity). */
function readsSaved(gemm: DenseGemm): boolean {
  return gemm.kind !== "forward" && gemm.activation.op !== "identity";
}

/** Whether the forward kernel also stores the pre-activation z. */
export function storesPre(gemm: DenseGemm): boolean {
  return gemm.kind === "forward" && ACTIVATION_SAVES[gemm.activation.op] === "input";
}

/** The transposes and register blocking of a GEMM of m×n (×k). */
export function denseVariant(gemm: DenseGemm, m: number, n: number): MatmulVariant {
  return {
    transposeA: gemm.kind === "weightGrad",
    transposeB: gemm.kind === "forward",
    tm: block(m),
    tn: block(n),
  };
}

/** The workgroup grid of a GEMM of m×n. */
export function denseGrid(variant: MatmulVariant, m: number, n: number): [number, number] {
  const tile = tileOf(variant);
  return [Math.ceil(n / tile.cols), Math.ceil(m / tile.rows)];
}

/** A pipeline-cache key of a GEMM variant. */
export function denseKey(gemm: DenseGemm, variant: MatmulVariant): string {
  const bias = "bias" in gemm && gemm.bias ? ":bias" : "";
  return `dense:${gemm.kind}:${activationKey(gemm.activation)}${bias}:${variant.tm}x${variant.tn}`;
}

/**
 * The WGSL of one dense GEMM. Bindings, in order: A, B, C (read_write),
 * params [m, n, k], then S (the saved y or z, backward kernels with an
 * activation), bias (forward with bias), Z (forward storing z), ∂b
 * (weightGrad with bias). Dispatch `denseGrid`.
 */
export function denseWgsl(gemm: DenseGemm, variant: MatmulVariant): string {
  const { rows: bm, cols: bn } = tileOf(variant);
  const decls: string[] = [];
  let binding = 4;
  const bind = (name: string, access: "read" | "read_write") =>
    decls.push(`@group(0) @binding(${binding++}) var<storage, ${access}> ${name}: array<f32>;`);
  if (readsSaved(gemm)) bind("S", "read");
  const bias = "bias" in gemm && gemm.bias;
  if (gemm.kind === "forward" && bias) bind("bias", "read");
  if (storesPre(gemm)) bind("Z", "read_write");
  if (gemm.kind === "weightGrad" && bias) bind("DB", "read_write");
  // δ = G ⊙ f′(S) as the δ operand (A in both backward GEMMs) is staged.
  const load = readsSaved(gemm)
    ? { a: (i: string) => backwardWgsl(gemm.activation, `A[${i}]`, `S[${i}]`) }
    : {};
  const parts = gemmParts(variant, load);
  let store: (value: string) => string;
  if (gemm.kind === "forward") {
    const z = `v${bias ? " + bias[col]" : ""}`;
    store = (value) =>
      `let v = ${value}; let z = ${z}; let i = row * n + col; C[i] = ${
        forwardWgsl(gemm.activation, "z")
      };${storesPre(gemm) ? " Z[i] = z;" : ""}`;
  } else {
    store = (value) => `C[row * n + col] = ${value};`;
  }
  const stores = parts.outputs.map(({ rowAt, colAt, value }) =>
    `{ let row = row0 + ${rowAt}; let col = col0 + ${colAt};
    if (row < m && col < n) { ${store(value)} } }`
  );
  // ∂b = column sums of δ = row sums of op(A) = δᵀ, accumulated from the staged tile.
  let biasDecl = "", biasAdd = "", biasStore = "";
  if (gemm.kind === "weightGrad" && bias) {
    const vec = variant.tm >= 4;
    const regs = Array.from({ length: parts.rows.length / (vec ? 4 : 1) }, (_, g) => g);
    biasDecl = regs.map((g) => `var bg${g} = ${vec ? "vec4<f32>()" : "0.0"};`).join("\n  ");
    biasAdd = `\n      if (bias_lane) { ${regs.map((g) => `bg${g} = bg${g} + a${g};`).join(" ")} }`;
    biasStore = `if (bias_lane) {\n    ${
      parts.rows.map(([reg, rowAt]) => {
        const value = vec ? `bg${reg.slice(1, reg.indexOf("."))}.${reg.split(".")[1]}` : "bg0";
        return `{ let row = row0 + ${rowAt}; if (row < m) { DB[row] = ${value}; } }`;
      }).join("\n    ")
    }\n  }`;
  }
  return `${SPECIALS}${MATH}${ACTIVATION_FNS}
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<u32>;
${decls.join("\n")}
${parts.tiles}
@compute @workgroup_size(${SIDE}, ${SIDE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let m = p[0];
  let n = p[1];
  let k = p[2];
  let a_off = 0u;
  let b_off = 0u;
  let row0 = wg.y * ${bm}u;
  let col0 = wg.x * ${bn}u;
  let lx = lid.x;
  let ly = lid.y;
  let bias_lane = wg.x == 0u && lx == 0u;
  ${parts.acc}
  ${biasDecl}
  for (var t = 0u; t < k; t += ${BK}u) {${parts.loop(biasAdd)}
  }
  ${stores.join("\n  ")}
  ${biasStore}
}`;
}
