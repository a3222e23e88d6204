import { tensor, zeros } from "@glassbox/tensor";
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { requestWebGPU } from "./request_webgpu.ts";
import { setupWebGPUTests } from "./testing.ts";
import { WebGPUDeviceLostError } from "./webgpu_device_lost_error.ts";
import { WebGPUUnavailableError } from "./webgpu_unavailable_error.ts";

const { ignore } = await setupWebGPUTests("request_webgpu_test.ts");

const isUnavailable = (pattern: RegExp) => (e: unknown) =>
  e instanceof WebGPUUnavailableError && pattern.test(e.message) &&
  e.message.includes("apt-get install mesa-vulkan-drivers libvulkan1");

Deno.test("requestWebGPU() throws WebGPUUnavailableError when navigator.gpu is missing", async () => {
  await rejects(requestWebGPU({ gpu: null }), isUnavailable(/navigator\.gpu is not available/));
});

Deno.test("requestWebGPU() throws WebGPUUnavailableError when no adapter is found", async () => {
  const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
  await rejects(requestWebGPU({ gpu: noAdapter }), isUnavailable(/found no adapter/));
  const failing = { requestAdapter: () => Promise.reject(new Error("no")) } as unknown as GPU;
  await rejects(requestWebGPU({ gpu: failing }), isUnavailable(/requestAdapter\(\) failed/));
});

Deno.test({
  name: "requestWebGPU() gives a float32-only device named after the adapter",
  ignore,
  async fn() {
    const gpu = await requestWebGPU();
    ok(gpu.name.startsWith("webgpu:"), gpu.name);
    deepStrictEqual(gpu.dtypes, ["float32"]);
    strictEqual(gpu.backend.name, "webgpu");
    const adapter = await navigator.gpu.requestAdapter();
    // Raised limits by default: the adapter's whole binding size.
    strictEqual(
      gpu.gpu.limits.maxStorageBufferBindingSize,
      adapter!.limits.maxStorageBufferBindingSize,
    );
    gpu.destroy();
  },
});

Deno.test({
  name: "requestWebGPU() checks requiredLimits against the adapter and works with the defaults",
  ignore,
  async fn() {
    await rejects(
      requestWebGPU({ requiredLimits: { maxStorageBufferBindingSize: 2 ** 52 } }),
      /requiredLimits\.maxStorageBufferBindingSize = 4503599627370496 is beyond the adapter's/,
    );
    await rejects(requestWebGPU({ requiredLimits: { maxWarpDrive: 1 } }), /unknown limit/);
    const gpu = await requestWebGPU({ requiredLimits: {} });
    strictEqual(gpu.gpu.limits.maxStorageBufferBindingSize, 2 ** 27); // WebGPU's default
    const x = tensor([[1, 2], [3, 4]], { dtype: "float32", device: gpu });
    deepStrictEqual(await x.matmul(x, { transposeB: true }).read(), [[5, 11], [11, 25]]);
    // One element past the binding limit: refused before anything is allocated.
    throws(
      () => zeros([2 ** 25 + 1], { dtype: "float32", device: gpu }),
      /Cannot fill: it needs a buffer of 134217732 bytes, more than the device's maxStorageBufferBindingSize of 134217728 bytes/,
    );
    gpu.destroy();
  },
});

Deno.test({
  name: "device.lost reports the reason, and later operations throw WebGPUDeviceLostError",
  ignore,
  async fn() {
    const gpu = await requestWebGPU();
    const x = tensor([1, 2], { dtype: "float32", device: gpu });
    gpu.destroy();
    deepStrictEqual((await gpu.lost).reason, "destroyed");
    throws(
      () => x.exp(),
      (e: unknown) =>
        e instanceof WebGPUDeviceLostError && e.reason === "destroyed" &&
        /Cannot exp: the WebGPU device webgpu:\S+ was lost \(destroyed/.test(e.message),
    );
    await rejects(x.read(), WebGPUDeviceLostError);
    x.dispose(); // disposing after loss is harmless
  },
});
