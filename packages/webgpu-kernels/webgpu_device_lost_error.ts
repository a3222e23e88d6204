/**
 * `WebGPUDeviceLostError`: thrown by operations on a WebGPU device after the
 * device was lost (destroyed, driver reset, out of memory).
 *
 * @module
 */

/**
 * The WebGPU device behind a tensor is gone: every later operation on it
 * throws this error, naming the reason the driver gave. Callers catch it to
 * stop training and keep the last weights they read back.
 *
 * @example
 * ```ts
 * import { WebGPUDeviceLostError } from "@glassbox/webgpu-kernels";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new WebGPUDeviceLostError("Cannot matmul: device lost", { reason: "destroyed" });
 * strictEqual(error.reason, "destroyed");
 * strictEqual(error.name, "WebGPUDeviceLostError");
 * ```
 */
export class WebGPUDeviceLostError extends Error {
  /** The reason WebGPU reported: `"destroyed"` or `"unknown"`. */
  readonly reason: string;
  /**
   * Creates the error; operations on a lost device are what throw it.
   *
   * @param message What could not be done and why.
   * @param options `reason` from `GPUDeviceLostInfo`, optional `cause`.
   */
  constructor(message: string, options: { reason: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "WebGPUDeviceLostError";
    this.reason = options.reason;
  }
}
