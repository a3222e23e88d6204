/**
 * `@glassbox/tensor/backend`: the seam between tensors and the devices that
 * run them. A device is a `Backend` (its kernels, keyed by the operation
 * unions `UnaryOp`, `BinaryOp`, `ReduceOp`, `SoftmaxOp`, …) with a name and
 * the dtypes it holds; its `Storage` is opaque to everything but that
 * backend. `storageOf` gives the storage of a tensor and `tensorFromStorage`
 * wraps a storage a backend made into a tensor. `fma`, `fmaf` and
 * `productError` are the exact-arithmetic helpers kernels use to round like
 * C's `fma` and PyTorch's CPU kernels.
 *
 * Model code needs none of this: `@glassbox/tensor` has the tensors, the
 * creation functions and the `cpu` device. This entry is for backends (such
 * as `@glassbox/webgpu-kernels`) and for code that drives kernels directly.
 *
 * @example A kernel called on a tensor's storage
 * ```ts
 * import { tensor } from "@glassbox/tensor";
 * import { storageOf, tensorFromStorage } from "@glassbox/tensor/backend";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = tensor([-1, 0, 2]);
 * const { backend } = x.device;
 * const storage = backend.unary("relu", storageOf(x), x.size, x.dtype);
 * const y = tensorFromStorage(storage, { shape: x.shape, dtype: x.dtype, device: x.device });
 * deepStrictEqual(y.toArray(), [0, 0, 2]);
 * ```
 *
 * @module
 */

export * from "./backend.ts";
export { type FromStorageOptions, storageOf, tensorFromStorage } from "./tensor.ts";
export { fma, fmaf, productError } from "./fma.ts";
