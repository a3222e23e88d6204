/**
 * `@glassbox/tensor`: n-dimensional arrays of float64 (the default) or
 * float32 on the CPU or a GPU, random numbers identical to PyTorch's CPU
 * generator and to NumPy's legacy `RandomState`, and `assertClose` for
 * numeric tests. The seam devices implement (`Backend`, storages,
 * `storageOf`, `tensorFromStorage`, `fma`) is the sub-path
 * `@glassbox/tensor/backend`.
 *
 * @example A forward pass by hand
 * ```ts
 * import { manualSeed, randn, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const w = randn([2, 3]);
 * const x = tensor([[-1, 2], [1, -2]]);
 * const h = x.matmul(w).relu();
 * deepStrictEqual(h.shape, [2, 3]);
 * ```
 *
 * @module
 */

export type { Device } from "./backend.ts";
export { type DType, DTYPES, getDefaultDtype, setDefaultDtype, type TypedArray } from "./dtype.ts";
export { cpu } from "./cpu/backend.ts";
export { cpuMemory, type CpuMemoryStats, setCpuPoolLimit } from "./cpu/memory.ts";
export { keep, tidy } from "./tidy.ts";
export { matmulThreads, setMatmulThreads } from "./wasm/thread_pool.ts";
export { type MatmulOptions, type NestedArray, type ReduceOptions, Tensor } from "./tensor.ts";
export {
  arange,
  type ArangeOptions,
  concat,
  type CreateOptions,
  full,
  ones,
  tensor,
  type TensorOptions,
  zeros,
} from "./creation.ts";
export { eye } from "./eye.ts";
export { einsum } from "./einsum.ts";
export { kron } from "./kron.ts";
export { assertClose, type CloseOptions, type Comparable } from "./assert_close.ts";
export { AssertionError } from "./assertion_error.ts";
export {
  type Differentiable,
  gradcheck,
  type GradcheckElement,
  type GradcheckInputReport,
  type GradcheckOptions,
  type GradcheckReport,
} from "./gradcheck.ts";
export { DEFAULT_SEED, Generator, type GeneratorState } from "./generator.ts";
export {
  getDefaultGenerator,
  manualSeed,
  normal,
  type NormalOptions,
  rand,
  randn,
  type RandomOptions,
  uniform,
  type UniformOptions,
} from "./random.ts";
export { type ChoiceOptions, RandomState, type RandomStateSnapshot } from "./random_state.ts";
