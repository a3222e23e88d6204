/**
 * Test support for code that runs on WebGPU: one shared device per test
 * module, a visible skip where no adapter exists, and a failing test where
 * one must exist (the `CI` environment variable is set: CI installs
 * lavapipe, so a missing adapter there is a broken machine, not a skip);
 * and `assertMatchesCpu`, which runs a computation on a device and on the
 * CPU and compares the results. `setupWebGPUTests` registers tests with
 * `Deno.test`, so this entry point is for Deno's test runner; the package's
 * main entry runs in any runtime.
 *
 * @module
 */

/// <reference types="npm:@webgpu/types@0.1.74" />

import { assertClose, cpu, type Device, type DType, type Tensor } from "@glassbox/tensor";
import { requestWebGPU, type WebGPUDevice } from "./request_webgpu.ts";
import { WebGPUUnavailableError } from "./webgpu_unavailable_error.ts";

/** What `setupWebGPUTests` found. */
export interface WebGPUTestContext {
  /** The device, when an adapter was found. */
  readonly device: WebGPUDevice | undefined;
  /** Pass as `Deno.test({ ignore })`: true when there is no device. */
  readonly ignore: boolean;
  /** Why the tests are ignored (empty when they run). */
  readonly reason: string;
}

/** Whether `CI` is set (false when env access is not granted). */
function inCi(): boolean {
  try {
    const state = Deno.permissions.querySync({ name: "env", variable: "CI" }).state;
    return state === "granted" && (Deno.env.get("CI") ?? "") !== "";
  } catch {
    return false;
  }
}

let shared: Promise<WebGPUDevice> | null = null;

/**
 * One device for every test module of the process, destroyed once when the
 * process unloads. A device per module, left to process teardown, made
 * lavapipe abort at exit now and then ("double free or corruption") after
 * every test had passed.
 */
function sharedDevice(): Promise<WebGPUDevice> {
  if (shared === null) {
    shared = requestWebGPU();
    shared.then((device) => {
      globalThis.addEventListener("unload", () => device.destroy());
    }, () => {});
  }
  return shared;
}

/**
 * Requests the device a test module runs on. Without an adapter it prints a
 * warning that the module's WebGPU tests are skipped, and returns
 * `ignore: true`; if the `CI` environment variable is set it also registers
 * a failing test, so a CI run can never pass with the WebGPU tests skipped.
 * Call it once at the top of a test module.
 *
 * @param suite Name of the test module, shown in the warning.
 * @returns The device (or none) and the `ignore` flag for `Deno.test`.
 *
 * @example
 * ```ts
 * import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const gpu = await setupWebGPUTests("example");
 * if (!gpu.ignore) {
 *   const x = tensor([1, 2], { dtype: "float32", device: gpu.device });
 *   deepStrictEqual(await x.mul(2).read(), [2, 4]);
 * }
 * ```
 */
export async function setupWebGPUTests(suite: string): Promise<WebGPUTestContext> {
  try {
    const device = await sharedDevice();
    return { device, ignore: false, reason: "" };
  } catch (error) {
    if (!(error instanceof WebGPUUnavailableError)) throw error;
    const reason = error.message;
    if (inCi()) {
      console.error(`${suite}: no WebGPU adapter although CI is set: ${reason}`);
      Deno.test(`${suite}: a WebGPU adapter is available (required when CI is set)`, () => {
        throw error;
      });
    } else {
      console.warn(`%c${suite}: WebGPU tests SKIPPED: ${reason}`, "color: yellow");
    }
    return { device: undefined, ignore: true, reason };
  }
}

/** What a computation compared across devices gets: where to run, in which dtype. */
export interface RunContext {
  /** The device the inputs are on. */
  readonly device: Device;
  /** Their dtype. */
  readonly dtype: DType;
}

/** Options of `assertMatchesCpu`. */
export interface MatchOptions {
  /** The device under test. */
  readonly device: Device;
  /** Relative tolerance (default 1e-4, the float32 tolerance of docs/numerics.md). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Whether NaN matches NaN (default false). */
  readonly equalNan?: boolean;
  /** Also compare with the CPU in float64 (default true). */
  readonly float64?: boolean;
  /** Names the comparison in failure messages. */
  readonly message?: string;
}

/** How close a device came to the CPU: worst errors over every output element. */
export interface MatchReport {
  /** Largest |device − CPU float32|. */
  readonly maxAbsFloat32: number;
  /** Largest |device − CPU float64| (0 when not compared). */
  readonly maxAbsFloat64: number;
  /**
   * Largest share of the tolerance used, |a − e| / (atol + rtol·|e|), over
   * both references: below 1 passes.
   */
  readonly toleranceUsed: number;
}

function measure(a: ArrayLike<number>, e: ArrayLike<number>, rtol: number, atol: number) {
  let maxAbs = 0, used = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === e[i] || (a[i] !== a[i] && e[i] !== e[i])) continue;
    const abs = Math.abs(a[i] - e[i]);
    maxAbs = Math.max(maxAbs, abs);
    used = Math.max(used, abs / (atol + rtol * Math.abs(e[i])));
  }
  return { maxAbs, used };
}

/**
 * Runs `fn` on `device` and on the CPU, in float32 and (by default) in
 * float64, on the same inputs rounded to float32, and asserts that the
 * device's outputs are within `rtol`/`atol` of both CPU results. Device
 * inputs and outputs are disposed afterwards.
 *
 * @param fn The computation: gets the run context and the inputs moved there,
 *   returns one tensor or several.
 * @param inputs CPU tensors (any dtype; their values are rounded to float32).
 * @param options `device`, `rtol`, `atol`, `equalNan`, `float64`, `message`.
 * @returns The worst errors seen.
 *
 * @example
 * ```ts
 * import { assertMatchesCpu, setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
 * import { tensor } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * const gpu = await setupWebGPUTests("example");
 * if (gpu.device) {
 *   const x = tensor([[1, -2], [3, 0.5]]);
 *   const report = await assertMatchesCpu((_, t) => t.exp().sum(1), [x], { device: gpu.device });
 *   ok(report.toleranceUsed < 1);
 * }
 * ```
 */
export async function assertMatchesCpu(
  fn: (context: RunContext, ...inputs: Tensor[]) => Tensor | Tensor[],
  inputs: readonly Tensor[],
  options: MatchOptions,
): Promise<MatchReport> {
  const rtol = options.rtol ?? 1e-4, atol = options.atol ?? 1e-5;
  const { device, equalNan = false } = options;
  const prefix = options.message ? `${options.message}: ` : "";
  const host32 = inputs.map((t) => t.to("float32"));
  const run = (ctx: RunContext, xs: Tensor[]): Tensor[] => [fn(ctx, ...xs)].flat();
  const onDevice = host32.map((t) => t.to(device));
  const deviceOut = run({ device, dtype: "float32" }, onDevice);
  const got = await Promise.all(deviceOut.map((t) => t.readTypedArray()));
  for (const t of [...deviceOut, ...onDevice]) t.dispose();
  const refs: [string, Tensor[]][] = [[
    "CPU float32",
    run({ device: cpu, dtype: "float32" }, host32),
  ]];
  if (options.float64 ?? true) {
    refs.push([
      "CPU float64",
      run({ device: cpu, dtype: "float64" }, host32.map((t) => t.to("float64"))),
    ]);
  }
  let maxAbsFloat32 = 0, maxAbsFloat64 = 0, toleranceUsed = 0;
  for (const [name, expected] of refs) {
    expected.forEach((e, i) => {
      const message = `${prefix}output ${i} on ${device.name} vs ${name}`;
      if (deviceOut[i].shape.join() !== e.shape.join()) {
        throw new TypeError(`${message}: shapes [${deviceOut[i].shape}] and [${e.shape}] differ`);
      }
      const want = e.toTypedArray();
      assertClose(got[i], want, { rtol, atol, equalNan, message });
      const { maxAbs, used } = measure(got[i], want, rtol, atol);
      if (name === "CPU float32") maxAbsFloat32 = Math.max(maxAbsFloat32, maxAbs);
      else maxAbsFloat64 = Math.max(maxAbsFloat64, maxAbs);
      toleranceUsed = Math.max(toleranceUsed, used);
    });
  }
  return { maxAbsFloat32, maxAbsFloat64, toleranceUsed };
}
