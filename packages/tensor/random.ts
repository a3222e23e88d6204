/**
 * Tensor-level random numbers drawn from a PyTorch-identical `Generator`:
 * `manualSeed`, `randn`, `rand`, `normal`, `uniform`. Without an explicit
 * `generator` option they use one process-wide default generator, as
 * `torch.randn` uses PyTorch's default CPU generator.
 *
 * @module
 */

import { allocTyped, type TypedArray } from "./dtype.ts";
import { Generator } from "./generator.ts";
import { type CreateOptions, resolveOptions } from "./creation.ts";
import { checkShape, sizeOf } from "./_shape.ts";
import { type Tensor, tensorFromStorage } from "./tensor.ts";

const defaultGenerator = new Generator();

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Generator to draw from (default: the process-wide generator `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * Seeds the default generator, like `torch.manual_seed`: afterwards `randn`,
 * `rand`, `normal` and `uniform` give exactly PyTorch's numbers for the same
 * calls in the same order.
 *
 * @param seed An integer (only its low 32 bits seed the Mersenne Twister, as in PyTorch).
 * @returns The default generator.
 *
 * @example
 * ```ts
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(42);
 * const a = randn([3]).toArray();
 * manualSeed(42);
 * deepStrictEqual(randn([3]).toArray(), a);
 * ```
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * The process-wide generator used when no `generator` option is given.
 *
 * @returns The default generator.
 *
 * @example
 * ```ts
 * import { getDefaultGenerator, manualSeed } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(manualSeed(1), getDefaultGenerator());
 * ```
 */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

function randomTensor(
  shape: readonly number[],
  options: RandomOptions,
  action: string,
  fill: (g: Generator, out: TypedArray) => void,
): Tensor {
  const checked = checkShape(shape, action);
  const { dtype, device } = resolveOptions(options, action);
  const generator = options.generator ?? defaultGenerator;
  if (!(generator instanceof Generator)) {
    throw new TypeError(`Cannot ${action}: options.generator must be a Generator`);
  }
  const host = allocTyped(dtype, sizeOf(checked));
  fill(generator, host);
  return tensorFromStorage(device.backend.upload(host, dtype), { shape: checked, dtype, device });
}

function checkFinite(action: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`Cannot ${action}: ${name} must be a finite number, got ${String(v)}`);
    }
  }
}

/**
 * Standard normal samples, identical to `torch.randn(shape, dtype=…)` after the
 * same seeding and calls.
 *
 * @param shape Shape of the result.
 * @param options `dtype`, `device`, `generator`.
 * @returns A tensor of N(0, 1) samples.
 *
 * @example
 * ```ts
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * manualSeed(0);
 * deepStrictEqual(randn([2, 3]).shape, [2, 3]);
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor(shape, options, "create randn tensor", (g, out) => g.fillNormal(out, 0, 1));
}

/**
 * Uniform samples in [0, 1), identical to `torch.rand`.
 *
 * @param shape Shape of the result.
 * @param options `dtype`, `device`, `generator`.
 * @returns A tensor of U[0, 1) samples.
 *
 * @example
 * ```ts
 * import { manualSeed, rand } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 * manualSeed(0);
 * ok(rand([100]).toTypedArray().every((v) => v >= 0 && v < 1));
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomTensor(shape, options, "create rand tensor", (g, out) => g.fillUniform(out, 0, 1));
}

/** Options of `normal`. */
export interface NormalOptions extends RandomOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 1, must be ≥ 0). */
  std?: number;
}

/**
 * Normal samples with a mean and standard deviation, identical to
 * `torch.empty(shape).normal_(mean, std)`.
 *
 * @param shape Shape of the result.
 * @param options `mean`, `std`, `dtype`, `device`, `generator`.
 * @returns A tensor of N(mean, std²) samples.
 *
 * @example
 * ```ts
 * import { normal } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(normal([4], { mean: 3, std: 0 }).toArray(), [3, 3, 3, 3]);
 * ```
 */
export function normal(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const mean = options.mean ?? 0, std = options.std ?? 1;
  checkFinite("create normal tensor", { mean, std });
  if (std < 0) throw new RangeError(`Cannot create normal tensor: std must be >= 0, got ${std}`);
  return randomTensor(
    shape,
    options,
    "create normal tensor",
    (g, out) => g.fillNormal(out, mean, std),
  );
}

/** Options of `uniform`. */
export interface UniformOptions extends RandomOptions {
  /** Lower bound (default 0). */
  from?: number;
  /** Upper bound (default 1, must be ≥ `from`). */
  to?: number;
}

/**
 * Uniform samples in [from, to), identical to `torch.empty(shape).uniform_(from, to)`
 * — the fill `nn.Linear`'s initialisation uses.
 *
 * @param shape Shape of the result.
 * @param options `from`, `to`, `dtype`, `device`, `generator`.
 * @returns A tensor of U[from, to) samples.
 *
 * @example
 * ```ts
 * import { uniform } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 * const w = uniform([3, 2], { from: -0.5, to: 0.5 });
 * ok(w.toTypedArray().every((v) => v >= -0.5 && v < 0.5));
 * ```
 */
export function uniform(shape: readonly number[], options: UniformOptions = {}): Tensor {
  const from = options.from ?? 0, to = options.to ?? 1;
  checkFinite("create uniform tensor", { from, to });
  if (from > to) {
    throw new RangeError(`Cannot create uniform tensor: from ${from} is greater than to ${to}`);
  }
  return randomTensor(
    shape,
    options,
    "create uniform tensor",
    (g, out) => g.fillUniform(out, from, to),
  );
}
