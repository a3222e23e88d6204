/**
 * `WebGPUUnavailableError`: thrown by `requestWebGPU()` when this runtime
 * offers no WebGPU adapter or device.
 *
 * @module
 */

/**
 * WebGPU cannot be used here: `navigator.gpu` is missing, no adapter was
 * found, or the adapter refused to create a device. The message says which
 * and what to do in this runtime: in Deno on Linux, install Mesa's lavapipe
 * software adapter; in Node, pass a WebGPU binding's `GPU`; in a browser,
 * use one with WebGPU on an https or localhost page. Callers catch this class
 * to fall back to the CPU.
 *
 * @example Fall back to the CPU
 * ```ts
 * import { requestWebGPU, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
 * import { cpu, type Device } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * let device: Device = cpu;
 * try {
 *   device = await requestWebGPU();
 * } catch (error) {
 *   if (!(error instanceof WebGPUUnavailableError)) throw error;
 *   console.warn(error.message);
 * }
 * ok(device.dtypes.includes("float32"));
 * ```
 */
export class WebGPUUnavailableError extends Error {
  /**
   * Creates the error; `requestWebGPU()` is what throws it.
   *
   * @param message What was missing and how to get it.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WebGPUUnavailableError";
  }
}
