// The one place that decides whether a CPU kernel runs in WebAssembly (wasm/) or in
// TypeScript (the reference kernels beside this file). The CPU backend asks `useWasm` before
// each matmul, exp / tanh / sigmoid / relu and softmax / log-softmax; a WebAssembly kernel can still
// decline afterwards (no SIMD in this runtime, a product too large for its memory), and the
// TypeScript kernel then runs, with the same values.
//
// The mode is one switch for every kernel: `GLASSBOX_WASM` (read once, when the package
// loads; see wasm/env.ts) or `setWasmMode` (tests and benchmarks compare the two paths).
// `setWasmElementwise` overrides it for the elementwise kernels alone.

import type { SoftmaxOp, UnaryOp } from "../backend.ts";
import { type WasmMode, wasmModeFromEnv } from "../wasm/env.ts";
import type { WasmUnaryOp } from "../wasm/tasks.ts";

export type { WasmMode } from "../wasm/env.ts";

/** The operations with a WebAssembly kernel. */
export type WasmOp = "matmul" | WasmUnaryOp | SoftmaxOp;

/**
 * The work from which mode "auto" uses WebAssembly: multiply-adds for matmul (below, the
 * TypeScript kernel is as fast: measured with matmul_bench.ts), elements for the others
 * (the copies in and out cost about as much as the TypeScript loop on a few dozen elements:
 * see wasm/elementwise_bench.ts).
 */
export const WASM_MIN_WORK: { readonly [K in WasmOp]: number } = {
  matmul: 512,
  exp: 64,
  tanh: 64,
  sigmoid: 64,
  relu: 256,
  softmax: 256,
  logSoftmax: 256,
};

/** `GLASSBOX_WASM`, read (and checked: a bad value fails here) when this module loads. */
const ENV_MODE: WasmMode = wasmModeFromEnv();
let mode: WasmMode | undefined;
let elementwiseMode: WasmMode | undefined;

/**
 * Sets when the CPU kernels use WebAssembly: `"auto"` (from the sizes in WASM_MIN_WORK),
 * `"off"` or `"always"`. The initial mode comes from the environment variable
 * `GLASSBOX_WASM` when the process may read it, else `"auto"`.
 */
export function setWasmMode(next: WasmMode): void {
  mode = next;
}

/** The current mode (see {@linkcode setWasmMode}). */
export function wasmMode(): WasmMode {
  return mode ??= ENV_MODE;
}

/**
 * Sets a mode for the elementwise kernels alone (tests and benchmarks compare the two paths
 * without moving matmul); `undefined` goes back to following {@linkcode wasmMode}.
 */
export function setWasmElementwise(next: WasmMode | undefined): void {
  elementwiseMode = next;
}

/** Whether `op` has a WebAssembly kernel. */
export function isWasmOp(op: UnaryOp | SoftmaxOp | "matmul"): op is WasmOp {
  return Object.hasOwn(WASM_MIN_WORK, op);
}

/**
 * Whether `op` on `work` (multiply-adds for matmul, elements otherwise) should run in
 * WebAssembly under the current mode. False for an operation without a WebAssembly kernel
 * and for no work at all.
 */
export function useWasm(op: UnaryOp | SoftmaxOp | "matmul", work: number): boolean {
  if (work === 0 || !isWasmOp(op)) return false;
  const current = op === "matmul" ? wasmMode() : elementwiseMode ?? wasmMode();
  return current === "always" || (current === "auto" && work >= WASM_MIN_WORK[op]);
}

/**
 * Whether a float64 dense layer `f(x·Wᵀ + b)` runs as one WebAssembly call, its activation
 * applied in WebAssembly memory after the GEMM (`f`: relu, tanh or sigmoid; `work`: the
 * GEMM's multiply-adds, `elements`: the output's). Only where the separate calls would both
 * run in WebAssembly (the matmul, and tanh / sigmoid, whose kernels differ from
 * `Math.tanh` / `Math.exp`), so the fused call gives their bits; relu is the same in both.
 */
export function useWasmDense(
  act: "relu" | "tanh" | "sigmoid",
  work: number,
  elements: number,
): boolean {
  return useWasm("matmul", work) && (act === "relu" || useWasm(act, elements));
}
