/**
 * `@glassbox/webgpu-kernels`: the WebGPU device for glassbox tensors
 * (float32). `requestWebGPU()` returns a `Device` whose tensors live in
 * pooled GPU buffers and whose operations run as WGSL compute kernels:
 * elementwise with broadcasting, tiled register-blocked matmul with
 * transposed reads, deterministic tree reductions, row softmax, permute,
 * row gather and concatenation — one kernel for every primitive of the
 * `Backend` interface of `@glassbox/tensor`, proven against its CPU backend,
 * the fused ones included (a dense layer's forward and backward GEMMs with
 * bias and activation inside, a loss's value and gradient, one optimizer
 * update over every parameter). A training step is recorded into one
 * command encoder and submitted once, its temporaries and bind groups
 * reused from step to step, so `fit` trains on the GPU without reading
 * anything back until the epoch's loss.
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
export { WebGPUUnavailableError } from "./webgpu_unavailable_error.ts";
export { WebGPUDeviceLostError } from "./webgpu_device_lost_error.ts";
