/**
 * `requestWebGPU()`: a glassbox `Device` whose tensors live in GPU buffers
 * and whose kernels are WGSL compute shaders.
 *
 * @module
 */

import type { Device, DType } from "@glassbox/tensor";
import type { Backend } from "@glassbox/tensor/backend";
import { GpuRuntime, registerRuntime } from "./_runtime.ts";
import { WebGPUBackend } from "./_webgpu_backend.ts";
import { WebGPUUnavailableError } from "./webgpu_unavailable_error.ts";
import { unavailableHint } from "./_unavailable_hint.ts";

/** Options of `requestWebGPU`. */
export interface RequestWebGPUOptions {
  /** Adapter preference passed to `navigator.gpu.requestAdapter`. */
  powerPreference?: GPUPowerPreference;
  /**
   * Limits to request, checked against the adapter first. Default: the
   * adapter's own `maxStorageBufferBindingSize` and `maxBufferSize`, so the
   * largest tensors it can bind work; pass `{}` for WebGPU's defaults.
   */
  requiredLimits?: Record<string, number>;
  /** Bytes of released buffers kept for reuse (default 256 MiB). */
  maxPooledBytes?: number;
  /**
   * The `GPU` object to use instead of `navigator.gpu` (for tests and for
   * runtimes that expose it elsewhere); `null` behaves as a runtime without
   * WebGPU.
   */
  gpu?: GPU | null;
}

/** Why a device was lost, from `GPUDeviceLostInfo`. */
export interface WebGPULostInfo {
  /** `"destroyed"` after `destroy()`, otherwise `"unknown"` (driver reset, out of memory…). */
  readonly reason: string;
  /** The driver's message, possibly empty. */
  readonly message: string;
}

/** Buffer counts of a WebGPU device: the memory model made visible. */
export interface WebGPUMemoryStats {
  /** Tensor storages (and in-flight scratch) not yet disposed. */
  readonly liveBuffers: number;
  /** Bytes held by live buffers (rounded up to their pool bucket). */
  readonly liveBytes: number;
  /** Disposed buffers kept in the pool for reuse. */
  readonly pooledBuffers: number;
  /** Bytes of pooled buffers. */
  readonly pooledBytes: number;
  /** Storage buffers created so far (reuse keeps this flat). */
  readonly createdBuffers: number;
  /** Read-back staging buffers in use. */
  readonly liveStagingBuffers: number;
  /** Read-back staging buffers created so far. */
  readonly createdStagingBuffers: number;
  /** Bind groups created so far (kernels that cache theirs keep this flat). */
  readonly bindGroups: number;
  /** Read-backs so far: buffers mapped with `mapAsync`, each a wait for the GPU. */
  readonly readbacks: number;
  /** Compute pipelines compiled so far (one per kernel variant). */
  readonly pipelines: number;
  /** Kernel dispatches recorded so far. */
  readonly dispatches: number;
  /** Queue submits so far. */
  readonly submits: number;
}

/** A glassbox device backed by WebGPU (float32 only). */
export interface WebGPUDevice extends Device {
  /** The WGSL kernels. */
  readonly backend: Backend;
  /** `["float32"]`: WGSL has no f64. */
  readonly dtypes: readonly DType[];
  /** The underlying `GPUDevice`. */
  readonly gpu: GPUDevice;
  /** Adapter description, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`. */
  readonly adapter: string;
  /** Settles when the device is lost (never rejects). */
  readonly lost: Promise<WebGPULostInfo>;
  /** Buffer and dispatch counts, after submitting pending work. */
  memory(): WebGPUMemoryStats;
  /** Number of live storage buffers: `memory().liveBuffers`. */
  liveBuffers(): number;
  /** Submits recorded work now (reads do this themselves). */
  flush(): void;
  /** Destroys the pooled (free) buffers. */
  trim(): void;
  /** Validation and out-of-memory errors the device reported, oldest first. */
  errors(): readonly string[];
  /** Destroys every buffer and the GPU device; its tensors become unusable. */
  destroy(): void;
}

async function requestAdapter(
  gpu: GPU | null | undefined,
  options: RequestWebGPUOptions,
): Promise<GPUAdapter> {
  if (gpu === undefined || gpu === null) {
    throw new WebGPUUnavailableError(
      `Cannot request a WebGPU device: navigator.gpu is not available in this runtime; ` +
        unavailableHint(),
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  } catch (cause) {
    throw new WebGPUUnavailableError(
      `Cannot request a WebGPU device: requestAdapter() failed; ${unavailableHint()}`,
      { cause },
    );
  }
  if (adapter === null) {
    throw new WebGPUUnavailableError(
      `Cannot request a WebGPU device: navigator.gpu.requestAdapter() found no adapter; ` +
        unavailableHint(),
    );
  }
  return adapter;
}

/** The limits to request: given ones checked against the adapter, or raised binding sizes. */
function limitsFor(
  adapter: GPUAdapter,
  requested?: Record<string, number>,
): Record<string, number> {
  const supported = adapter.limits as unknown as Record<string, number>;
  if (requested === undefined) {
    return {
      maxStorageBufferBindingSize: supported.maxStorageBufferBindingSize,
      maxBufferSize: supported.maxBufferSize,
    };
  }
  for (const [name, value] of Object.entries(requested)) {
    const max = supported[name];
    if (typeof max !== "number") {
      throw new RangeError(`Cannot request a WebGPU device: unknown limit ${name}`);
    }
    const isMinimum = name.startsWith("min");
    if (isMinimum ? value < max : value > max) {
      throw new RangeError(
        `Cannot request a WebGPU device: requiredLimits.${name} = ${value} is beyond the adapter's ${max}`,
      );
    }
  }
  return requested;
}

/**
 * Requests a WebGPU adapter and device and wraps them as a glassbox
 * `Device`: `tensor(data, { device, dtype: "float32" })` uploads to it,
 * `t.to(device)` and `model.to(device)` move there, and every Tensor
 * operation runs as a WGSL kernel. Only float32 is supported; float64
 * tensors are refused with a TypeError. Nothing is compiled until a kernel
 * is first used.
 *
 * @param options `powerPreference`, `requiredLimits`, `maxPooledBytes`, `gpu`.
 * @returns The device.
 * @throws {WebGPUUnavailableError} When there is no `navigator.gpu`, no adapter, or no device.
 * @throws {RangeError} When `requiredLimits` asks for more than the adapter offers.
 *
 * @example Matrix product on the GPU
 * ```ts
 * import { requestWebGPU, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * try {
 *   const gpu = await requestWebGPU();
 *   const x = tensor([[1, 2], [3, 4]], { dtype: "float32", device: gpu });
 *   deepStrictEqual(await x.matmul(x).read(), [[7, 10], [15, 22]]);
 *   gpu.destroy();
 * } catch (error) {
 *   if (!(error instanceof WebGPUUnavailableError)) throw error;
 *   console.warn(`skipped: ${error.message}`);
 * }
 * ```
 */
export async function requestWebGPU(options: RequestWebGPUOptions = {}): Promise<WebGPUDevice> {
  const gpu = "gpu" in options ? options.gpu : globalThis.navigator?.gpu;
  const adapter = await requestAdapter(gpu, options);
  const requiredLimits = limitsFor(adapter, options.requiredLimits);
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (cause) {
    throw new WebGPUUnavailableError(
      `Cannot request a WebGPU device: the adapter refused (${String(cause)})`,
      { cause },
    );
  }
  const adapterName = adapter.info.description || adapter.info.device || adapter.info.vendor ||
    "adapter";
  const name = `webgpu:${adapterName.split(" ")[0]}`;
  const runtime = new GpuRuntime(device, name, options.maxPooledBytes ?? 256 * 2 ** 20);
  const lost = device.lost.then((info) => ({ reason: String(info.reason), message: info.message }));
  const memory = (): WebGPUMemoryStats => {
    const { storage, staging, pipelines, dispatches, submits, bindGroups, readbacks } = runtime
      .stats();
    return {
      liveBuffers: storage.liveBuffers,
      liveBytes: storage.liveBytes,
      pooledBuffers: storage.pooledBuffers,
      pooledBytes: storage.pooledBytes,
      createdBuffers: storage.createdBuffers,
      liveStagingBuffers: staging.liveBuffers,
      createdStagingBuffers: staging.createdBuffers,
      bindGroups,
      readbacks,
      pipelines,
      dispatches,
      submits,
    };
  };
  const gpuDevice: WebGPUDevice = Object.freeze({
    name,
    backend: new WebGPUBackend(runtime),
    dtypes: Object.freeze(["float32"] as const),
    gpu: device,
    adapter: adapterName,
    lost,
    memory,
    liveBuffers: () => memory().liveBuffers,
    flush: () => runtime.flush(),
    trim: () => {
      runtime.flush();
      runtime.storagePool.trim();
      runtime.stagingPool.trim();
    },
    errors: () => [...runtime.errors],
    destroy: () => runtime.destroy(),
  });
  registerRuntime(gpuDevice, runtime);
  return gpuDevice;
}
