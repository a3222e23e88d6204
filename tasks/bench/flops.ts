/**
 * Floating-point operation counts of the bench's workloads, and the SIMD
 * ceiling they are compared with.
 *
 * Only the matrix products are counted (2 operations per multiply-add);
 * activations, losses and optimizer updates are a few operations per
 * element and are left out. For a dense network with layer sizes
 * `n₀, n₁, …, n_L` and `B` rows, with `S = Σₗ nₗ₋₁·nₗ`:
 *
 * - forward: `2·B·S` (one `[B, nₗ₋₁] · [nₗ₋₁, nₗ]` product per layer);
 * - backward: the weight gradient `Xᵀ·δ` and the input gradient `δ·Wᵀ` of
 *   every layer, each `2·B·nₗ₋₁·nₗ`, except the first layer's input
 *   gradient, which training never needs;
 * - one training step: `6·B·S − 2·B·n₀·n₁`.
 *
 * The 784-512-512-10 step at batch 256 is 0.82 GFLOP; notebook 3.1's whole
 * run (32 epochs of 1,000 rows, then 9,100 validation rows after each) is
 * 0.63 + 1.96 = 2.6 GFLOP.
 *
 * @module
 */

/** Layer sizes and rows of one dense network's work. */
export interface DenseWork {
  /** Layer sizes `n₀, n₁, …, n_L` (inputs first). */
  sizes: readonly number[];
  /** Rows the work is done for. */
  rows: number;
}

/** `S = Σₗ nₗ₋₁·nₗ`, the multiply-adds of one row's forward pass. */
function weights(sizes: readonly number[]): number {
  let s = 0;
  for (let l = 1; l < sizes.length; l++) s += sizes[l - 1] * sizes[l];
  return s;
}

/**
 * Operations of a forward pass: `2·rows·Σₗ nₗ₋₁·nₗ`.
 *
 * @param work Sizes and rows.
 * @returns The count.
 *
 * @example
 * ```ts
 * import { forwardFlops } from "./flops.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(forwardFlops({ sizes: [32, 32], rows: 33 }), 2 * 33 * 32 * 32);
 * ```
 */
export function forwardFlops(work: DenseWork): number {
  return 2 * work.rows * weights(work.sizes);
}

/**
 * Operations of training steps over `rows` rows (forward, then backward
 * without the first layer's input gradient): `6·rows·S − 2·rows·n₀·n₁`.
 *
 * @param work Sizes and rows.
 * @returns The count.
 *
 * @example
 * ```ts
 * import { trainFlops } from "./flops.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * // The 784-512-512-10 step at batch 256: 0.82 GFLOP.
 * strictEqual(trainFlops({ sizes: [784, 512, 512, 10], rows: 256 }), 821_559_296);
 * ```
 */
export function trainFlops(work: DenseWork): number {
  if (work.sizes.length < 2) return 0;
  return 3 * forwardFlops(work) - 2 * work.rows * work.sizes[0] * work.sizes[1];
}

/** What one experiment run trains and validates (SGD-style: every row once per epoch). */
export interface ExperimentWork {
  /** Layer sizes, inputs first. */
  sizes: readonly number[];
  /** Training rows per epoch. */
  trainRows: number;
  /** Validation rows, each passed forward once after every epoch. */
  validRows: number;
  /** Epochs. */
  epochs: number;
  /** Fresh models trained (restarts × architectures of this shape). */
  runs?: number;
}

/**
 * Operations of a whole experiment run: every epoch trains on every
 * training row and then passes every validation row forward.
 *
 * @param work The run's shape.
 * @returns The count.
 *
 * @example
 * ```ts
 * import { experimentFlops } from "./flops.ts";
 * import { ok } from "node:assert/strict";
 *
 * // Notebook 3.1: 6-32-32-32-32-3, 32 epochs of 1,000 rows, 9,100 validation rows: 2.6 GFLOP.
 * const f = experimentFlops({
 *   sizes: [6, 32, 32, 32, 32, 3], trainRows: 1000, validRows: 9100, epochs: 32,
 * });
 * ok(Math.abs(f / 1e9 - 2.59) < 0.005);
 * ```
 */
export function experimentFlops(work: ExperimentWork): number {
  const perEpoch = trainFlops({ sizes: work.sizes, rows: work.trainRows }) +
    forwardFlops({ sizes: work.sizes, rows: work.validRows });
  return (work.runs ?? 1) * work.epochs * perEpoch;
}

/**
 * The SIMD ceiling per core in GFLOP/s: WebAssembly's 128-bit SIMD (2
 * float64 or 4 float32 lanes) with fused multiply-adds (2 operations), two
 * FMA units per core, at about 2.4 GHz — 19 GFLOP/s float64 and 38 float32
 * per core; 38 and 76 on the bench machine's 2 cores. PyTorch's AVX-512
 * kernels may exceed it; glassbox's WebAssembly kernels cannot.
 */
export const SIMD_CEILING_PER_CORE: Readonly<Record<"float64" | "float32", number>> = {
  float64: 19,
  float32: 38,
};

/**
 * The SIMD ceiling of a machine in GFLOP/s.
 *
 * @param dtype The workload's dtype.
 * @param cores Cores used (the machine's).
 * @returns GFLOP/s.
 *
 * @example
 * ```ts
 * import { simdCeiling } from "./flops.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(simdCeiling("float64", 2), 38);
 * strictEqual(simdCeiling("float32", 2), 76);
 * ```
 */
export function simdCeiling(dtype: "float64" | "float32", cores: number): number {
  return SIMD_CEILING_PER_CORE[dtype] * cores;
}
