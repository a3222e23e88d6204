// Helpers shared by this package's tests and benches (not published).

import { strictEqual, throws } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type DType, type Tensor, tensor } from "./mod.ts";
import type { Backend, Storage } from "./backend.ts";
import type { TypedArray } from "./dtype.ts";
import { wasmGemmThreads } from "./wasm/gemm.ts";

/**
 * Deterministic values in [-1, 1) from a small LCG, so tests and benches
 * need no RNG: the same shape and seed give the same tensor.
 */
export function lcgTensor(shape: number[], seed = 1, dtype: DType = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return tensor(out, { shape, dtype });
}

/** The error classes the house style uses for bad input. */
export type ErrorClass = typeof TypeError | typeof RangeError | typeof ReferenceError;

/** Asserts that `fn` throws exactly `cls` and that its message contains every fragment. */
export function throwsWith(fn: () => unknown, cls: ErrorClass, ...fragments: string[]): void {
  throws(fn, (e: unknown) => {
    strictEqual((e as Error).constructor, cls, `error class of: ${(e as Error).message}`);
    for (const f of fragments) {
      strictEqual(
        (e as Error).message.includes(f),
        true,
        `"${(e as Error).message}" should name "${f}"`,
      );
    }
    return true;
  });
}

/** Runs `fn` with console.warn captured; returns what it returned and the warnings. */
export function captureWarnings<T>(fn: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    return { value: fn(), warnings };
  } finally {
    console.warn = original;
  }
}

/**
 * The fused primitives of `base`, each output passed through `track` — for
 * test backends that wrap the CPU's kernels to count live storages.
 */
export function trackedFused(
  base: Backend,
  track: (s: Storage) => Storage,
): Pick<
  Backend,
  | "activationForward"
  | "activationBackward"
  | "denseForward"
  | "denseBackward"
  | "lossValueGrad"
  | "lossValue"
  | "optimizerUpdate"
> {
  const maybe = (s: Storage | null) => (s === null ? null : track(s));
  return {
    activationForward: (spec, z, n, d) => track(base.activationForward(spec, z, n, d)),
    activationBackward: (spec, g, s, n, d) => track(base.activationBackward(spec, g, s, n, d)),
    denseForward: (x, w, b, info) => {
      const r = base.denseForward(x, w, b, info);
      return { out: track(r.out), pre: maybe(r.pre) };
    },
    denseBackward: (g, x, w, s, info) => {
      const r = base.denseBackward(g, x, w, s, info);
      return { dw: track(r.dw), db: maybe(r.db), dx: maybe(r.dx) };
    },
    lossValueGrad: (kind, p, t, info) => {
      const r = base.lossValueGrad(kind, p, t, info);
      return { value: track(r.value), grad: track(r.grad) };
    },
    lossValue: (kind, p, t, info) => track(base.lossValue(kind, p, t, info)),
    optimizerUpdate: (rule, params, grads, states, info) =>
      base.optimizerUpdate(rule, params, grads, states, info),
  };
}

/**
 * The workspace's root deno.json, for tests that run the package in a child
 * `deno run` from a data: URL: such a script imports the package by path,
 * from outside the workspace, and needs the root config (`--config`) to
 * resolve the other workspace packages (@glassbox/internal) by name.
 */
export const WORKSPACE_CONFIG: string = fileURLToPath(
  new URL("../../deno.json", import.meta.resolve("@glassbox/internal")),
);

/**
 * Each element's bytes as text (so −0 and +0 differ), with any NaN as "NaN" whatever its
 * sign and payload: WebAssembly and V8's loops may give the same NaN different bits.
 *
 * @param x The values (a float64 or float32 array, or a view into one).
 * @returns One string per element.
 */
export function bytesAnyNaN(x: TypedArray): string[] {
  const raw = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const es = x.BYTES_PER_ELEMENT;
  return Array.from(
    x,
    (v, i) => Number.isNaN(v) ? "NaN" : raw.subarray(i * es, i * es + es).join("."),
  );
}

/**
 * Runs `script` (TypeScript, which may import this package by file URL) in a child `deno
 * run` with read permission and the workspace's config, killed after `timeoutMs`.
 *
 * @param script The module's source.
 * @param v8Flags Extra V8 flags (`--expose-gc`, say).
 * @returns The exit code and the decoded output.
 */
export async function runChild(
  script: string,
  { v8Flags = [], timeoutMs = 30_000 }: { v8Flags?: string[]; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      "--quiet",
      "--allow-read",
      "--config",
      WORKSPACE_CONFIG,
      ...(v8Flags.length > 0 ? [`--v8-flags=${v8Flags.join(",")}`] : []),
      `data:application/typescript,${encodeURIComponent(script)}`,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).spawn();
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/** Polls (yielding to the event loop) until a worker has instantiated the WebAssembly modules. */
export async function workersAlive(timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (wasmGemmThreads().alive === 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return wasmGemmThreads().alive > 0;
}
