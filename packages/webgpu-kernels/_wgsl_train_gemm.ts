// The three GEMMs of a resident dense layer's training step, each with its
// elementwise work fused into the store:
//
//   forward      Y = f(A·Wᵀ + b)                  bias and activation in the store
//   weightGrad   ∂W = Δᵀ·A, ∂b = 1ᵀ·Δ             the bias gradient summed from the
//                                                 staged Δᵀ tile by the first column
//                                                 of workgroups, in k order
//   inputGrad    Δ₋₁ = (Δ·W) ⊙ f'₋₁(Y₋₁)          the previous activation's derivative,
//                                                 from its output, in the store
//
// Sizes are baked into the WGSL as constants, except the batch rows, read
// from the step parameters (`sp`, written once per step), so a shorter last
// batch runs on the same pipelines and bind groups. Operands live in flat
// buffers (parameters, gradients) at baked offsets; the input batch at a
// row offset read from `sp`.

import { MATH, SPECIALS } from "./_wgsl_common.ts";
import { UNARY_WGSL } from "./_wgsl_elementwise.ts";
import { BK, gemmParts, type MatmulVariant, SIDE, tileOf } from "./_wgsl_matmul.ts";

/** Index of each step parameter in the `sp` array (u32; floats as their bits). */
export const SP = {
  /** Rows of the batch. */
  rows: 0,
  /** First row of the batch in the input tensor. */
  xRow: 1,
  /** First row of the batch in the target tensor. */
  yRow: 2,
  /** 1 on the optimizer's first step (SGD's momentum buffer starts as the gradient). */
  first: 3,
  /** First of the optimizer's float scalars. */
  scalars: 4,
  /** Length of the array. */
  length: 16,
} as const;

/** The declaration of the step-parameter binding. */
export function stepParamsBinding(binding: number): string {
  return `@group(0) @binding(${binding}) var<storage, read> sp: array<u32>;`;
}

/** Activations the resident step fuses (softmax runs as its own row kernel). */
export type PointwiseActivation = "identity" | "relu" | "tanh" | "sigmoid";

/** f(v) in WGSL. */
export function activationWgsl(activation: PointwiseActivation): string {
  return activation === "identity" ? "v" : UNARY_WGSL[activation];
}

/**
 * g·f'(x) in WGSL from the output y = f(x), as the CPU layers compute it:
 * ReLU g·[y > 0], Tanh g·(1 − y²), Sigmoid g·(1 − y)·y.
 */
export function derivativeWgsl(activation: PointwiseActivation, g: string, y: string): string {
  switch (activation) {
    case "identity":
      return g;
    case "relu":
      return `${g} * select(0.0, 1.0, ${y} > 0.0)`;
    case "tanh":
      return `${g} * (1.0 - ${y} * ${y})`;
    case "sigmoid":
      return `${g} * (1.0 - ${y}) * ${y}`;
  }
}

/** A size of the GEMM: a constant, or the batch rows. */
export type GemmSize = number | "rows";

/** What a training GEMM stores. */
export type TrainStore =
  | {
    /** Y = f(A·Wᵀ + b): `B` is the parameter buffer. */
    readonly kind: "forward";
    /** Offset of b in `B`, or null without bias. */
    readonly biasOffset: number | null;
    readonly activation: PointwiseActivation;
  }
  | {
    /** ∂W (and ∂b) into the gradient buffer `C`. */
    readonly kind: "weightGrad";
    readonly gradOffset: number;
    /** Offset of ∂b in `C`, or null without bias. */
    readonly biasGradOffset: number | null;
  }
  | {
    /** Δ₋₁ = (Δ·W) ⊙ f'(Y₋₁), with Y₋₁ bound at 4. */
    readonly kind: "inputGrad";
    readonly activation: PointwiseActivation | "softmax";
  };

/** A training GEMM: C = op(A)·op(B) of sizes m×k and k×n, and its store. */
export interface TrainGemm {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly m: GemmSize;
  readonly n: GemmSize;
  readonly k: GemmSize;
  /** Element offset of op(A)'s storage in `A`: a constant, or the input batch's row times this. */
  readonly aOffset: number | { readonly xRowTimes: number };
  /** The same for `B`. */
  readonly bOffset: number | { readonly xRowTimes: number };
  readonly store: TrainStore;
}

/** Rows of C per invocation for a side: register blocking pays from ~48. */
function block(side: number): number {
  return side >= 96 ? 8 : side >= 48 ? 4 : 1;
}

/** The register blocking of a GEMM whose batch has up to `rows` rows. */
export function gemmVariant(gemm: TrainGemm, rows: number): MatmulVariant {
  const size = (s: GemmSize) => s === "rows" ? rows : s;
  return {
    transposeA: gemm.transposeA,
    transposeB: gemm.transposeB,
    tm: block(size(gemm.m)),
    tn: block(size(gemm.n)),
  };
}

/** The workgroup grid of a GEMM for a batch of `rows` rows. */
export function gemmGrid(
  gemm: TrainGemm,
  variant: MatmulVariant,
  rows: number,
): [number, number, number] {
  const size = (s: GemmSize) => s === "rows" ? rows : s;
  const tile = tileOf(variant);
  return [Math.ceil(size(gemm.n) / tile.cols), Math.ceil(size(gemm.m) / tile.rows), 1];
}

const sizeWgsl = (s: GemmSize) => s === "rows" ? `sp[${SP.rows}]` : `${s}u`;
const offsetWgsl = (o: number | { readonly xRowTimes: number }) =>
  typeof o === "number" ? `${o}u` : `sp[${SP.xRow}] * ${o.xRowTimes}u`;

/** The store of one element `value` at (row, col), inside `if (row < m && col < n)`. */
function storeWgsl(store: TrainStore, value: string): string {
  switch (store.kind) {
    case "forward": {
      const bias = store.biasOffset === null ? "" : ` + B[${store.biasOffset}u + col]`;
      return `let v = ${value}${bias}; C[row * n + col] = ${activationWgsl(store.activation)};`;
    }
    case "weightGrad":
      return `C[${store.gradOffset}u + row * n + col] = ${value};`;
    case "inputGrad": {
      const f = store.activation === "softmax" ? "identity" : store.activation;
      return `let i = row * n + col; C[i] = ${derivativeWgsl(f, value, "Y[i]")};`;
    }
  }
}

/** Whether the store reads the previous layer's output Y (binding 4). */
export function readsOutput(store: TrainStore): boolean {
  return store.kind === "inputGrad" && store.activation !== "identity" &&
    store.activation !== "softmax";
}

/**
 * The WGSL of a training GEMM. Bindings: A, B (read), C (read_write), sp,
 * and Y (read) when `readsOutput(store)`. Dispatch `gemmGrid`.
 */
export function trainGemmWgsl(gemm: TrainGemm, variant: MatmulVariant): string {
  const { rows: bm, cols: bn } = tileOf(variant);
  const parts = gemmParts(variant);
  const { store } = gemm;
  const stores = parts.outputs.map(({ rowAt, colAt, value }) =>
    `{ let row = row0 + ${rowAt}; let col = col0 + ${colAt};
    if (row < m && col < n) { ${storeWgsl(store, value)} } }`
  );
  // ∂b = column sums of Δ = row sums of op(A) = Δᵀ, accumulated from the staged tile.
  const biasGrad = store.kind === "weightGrad" && store.biasGradOffset !== null;
  const partials = parts.rows.length / (variant.tm >= 4 ? 4 : 1);
  let biasDecl = "", biasAdd = "", biasStore = "";
  if (biasGrad) {
    const vec = variant.tm >= 4;
    const regs = Array.from({ length: partials }, (_, g) => g);
    biasDecl = regs.map((g) => `var bg${g} = ${vec ? "vec4<f32>()" : "0.0"};`).join("\n  ");
    biasAdd = `\n      if (bias_lane) { ${regs.map((g) => `bg${g} = bg${g} + a${g};`).join(" ")} }`;
    biasStore = `if (bias_lane) {\n    ${
      parts.rows.map(([reg, rowAt]) => {
        const value = vec ? `bg${reg.slice(1, reg.indexOf("."))}.${reg.split(".")[1]}` : "bg0";
        return `{ let row = row0 + ${rowAt}; if (row < m) { C[${store.biasGradOffset}u + row] = ${value}; } }`;
      }).join("\n    ")
    }\n  }`;
  }
  const extra = readsOutput(store) ? "@group(0) @binding(4) var<storage, read> Y: array<f32>;" : "";
  return `${SPECIALS}${MATH}
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
${stepParamsBinding(3)}
${extra}
${parts.tiles}
@compute @workgroup_size(${SIDE}, ${SIDE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let m = ${sizeWgsl(gemm.m)};
  let n = ${sizeWgsl(gemm.n)};
  let k = ${sizeWgsl(gemm.k)};
  let a_off = ${offsetWgsl(gemm.aOffset)};
  let b_off = ${offsetWgsl(gemm.bOffset)};
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
