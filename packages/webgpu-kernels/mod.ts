/**
 * `@glassbox/webgpu-kernels`: the WebGPU device for glassbox tensors
 * (float32). `requestWebGPU()` returns a `Device` whose tensors live in
 * pooled GPU buffers and whose operations run as WGSL compute kernels:
 * elementwise with broadcasting, tiled register-blocked matmul with
 * transposed reads, deterministic tree reductions, row softmax, permute,
 * row gather and concatenation — one kernel for every primitive of the
 * `Backend` interface of `@glassbox/tensor`, proven against its CPU backend.
 * `ResidentTrainer` trains a stack of dense layers without leaving the GPU:
 * one submit, about one dispatch per GEMM and no read-back per step.
 *
 * @example
 * ```ts
 * import { requestWebGPU, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * try {
 *   const gpu = await requestWebGPU();
 *   const logits = tensor([[1, 2, 3], [0, 0, 0]], { dtype: "float32", device: gpu });
 *   const p = logits.softmax();
 *   assertClose(await p.sum(1).read(), [1, 1], { rtol: 1e-6 });
 *   gpu.destroy();
 * } catch (error) {
 *   if (!(error instanceof WebGPUUnavailableError)) throw error;
 * }
 * ```
 *
 * @module
 */

/// <reference types="npm:@webgpu/types@0.1.74" />

export {
  requestWebGPU,
  type RequestWebGPUOptions,
  type WebGPUDevice,
  type WebGPULostInfo,
  type WebGPUMemoryStats,
} from "./request_webgpu.ts";
export {
  type DenseLayerSpec,
  type LossReading,
  MAX_STEP_ROWS,
  type ResidentActivation,
  type ResidentLoss,
  type ResidentOptimizer,
  type ResidentOptimizerState,
  ResidentTrainer,
  type ResidentTrainerOptions,
  type StepOptions,
} from "./resident_trainer.ts";
export { WebGPUUnavailableError } from "./webgpu_unavailable_error.ts";
export { WebGPUDeviceLostError } from "./webgpu_device_lost_error.ts";
