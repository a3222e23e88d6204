/**
 * The entry of the smoke bundle that Node and Chromium load: the smoke runs
 * and what they need from the packages, as one ES module.
 *
 * @module
 */

export { runSmoke, type SmokeOptions, type SmokeResult } from "./smoke.ts";
export { type FileRoundTrip, fileRoundTrip, fileSystemRefusals } from "./files.ts";
export { requestWebGPU } from "@glassbox/webgpu-kernels";
export { matmulThreads, setMatmulThreads } from "@glassbox/tensor";
export { type ThreadedMatmul, threadedMatmul } from "./threads.ts";
