// The fused float64 dense forward (one WebAssembly call: GEMM, bias, activation) against the
// separate calls it replaces (matmul with bias, then the activation), bit for bit, on one
// thread and split over the worker pool by rows and by columns.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { ActivationOp, DenseInfo } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";
import { cpu } from "./backend.ts";
import { wasmDenseForward } from "./wasm_dense.ts";
import { setWasmElementwise, setWasmMode, type WasmMode } from "./kernel_choice.ts";
import { loadWasmGemm, wasmEpilogueAvailable, wasmGemmThreads } from "../wasm/gemm.ts";
import { setMatmulThreads } from "../wasm/thread_pool.ts";
import { lcgTensor, workersAlive } from "../_test_util.ts";

const backend = cpu.backend;

/** Values in [-1, 1) as a plain Float64Array (the CPU backend's storage). */
function values(n: number, seed: number): Float64Array {
  return lcgTensor([n], seed).toTypedArray() as Float64Array;
}

/**
 * The separate calls as they ran before fusing: z = x·Wᵀ, + b added in TypeScript (as the
 * GEMM's copy out did), then f(z) by the backend's unary kernel.
 */
function separate(
  x: TypedArray,
  w: TypedArray,
  b: TypedArray | null,
  info: DenseInfo,
): TypedArray {
  const z = backend.matmul(x, w, {
    dtype: "float64",
    m: info.rows,
    n: info.outFeatures,
    k: info.inFeatures,
    transposeA: false,
    transposeB: true,
    aOffsets: [0],
    bOffsets: [0],
  }) as TypedArray;
  if (b !== null) {
    for (let i = 0; i < z.length; i++) z[i] += b[i % info.outFeatures];
  }
  return backend.unary(info.activation.op as "relu", z, z.length, "float64") as TypedArray;
}

/** Runs `fn` in `mode` on `threads` threads, then back to auto. */
function run<T>(mode: WasmMode, threads: number, fn: () => T): T {
  setWasmMode(mode);
  setMatmulThreads(threads);
  try {
    return fn();
  } finally {
    setMatmulThreads("auto");
    setWasmMode("auto");
  }
}

/** Asserts the same bits, naming the first element that differs. */
function sameBits(actual: TypedArray, expected: TypedArray, what: string): void {
  strictEqual(actual.length, expected.length, `${what}: length`);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  const at = a.findIndex((v, i) => v !== e[i]);
  if (at >= 0) {
    const i = Math.floor(at / 8);
    throw new Error(
      `${what}: element ${i} is ${actual[i]}, the separate calls give ${expected[i]}`,
    );
  }
}

// [rows, in, out]: tiles' edges (out not a multiple of 4, odd out), a 33-row batch, and two
// products over the threads' threshold: a tall one split by rows (9100 rows as the notebook's
// validation, 32 wide) and a short wide one split by columns.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [5, 3, 7],
  [33, 32, 32],
  [100, 17, 33],
  [9100, 32, 32],
  [9100, 6, 32],
  [8, 260, 1030],
];
const ACTS = ["relu", "tanh", "sigmoid"] as const;

const ignore = !wasmEpilogueAvailable();
if (ignore) console.warn("wasm dense tests skipped: no WebAssembly epilogue in this runtime");

Deno.test({
  name: "wasmDenseForward() gives the separate calls' bits on one thread and on two",
  ignore,
  fn: async (t) => {
    run(
      "always",
      2,
      () =>
        backend.dispose(backend.matmul(values(256 * 256, 1), values(256 * 256, 2), {
          dtype: "float64",
          m: 256,
          n: 256,
          k: 256,
          transposeA: false,
          transposeB: false,
          aOffsets: [0],
          bOffsets: [0],
        })),
    );
    ok(await workersAlive(), "a worker instantiated the modules");
    const before = wasmGemmThreads().workerTasks;
    for (const [rows, inF, outF] of SHAPES) {
      const x = values(rows * inF, rows + inF), w = values(outF * inF, outF).map((v) => 2 * v);
      const bias = values(outF, 7);
      for (const act of ACTS) {
        for (const b of [bias, null]) {
          for (const threads of [1, 2]) {
            const name = `${act} [${rows}, ${inF}] → ${outF}, bias ${
              b !== null
            }, ${threads} threads`;
            await t.step(name, () => {
              const info = {
                dtype: "float64",
                rows,
                inFeatures: inF,
                outFeatures: outF,
                activation: { op: act },
              } as const;
              const fused = run("always", threads, () => wasmDenseForward(x, w, b, info));
              ok(fused !== null, "the fused path ran");
              strictEqual(fused.pre, null);
              const expected = run("always", threads, () => separate(x, w, b, info));
              sameBits(fused.out as TypedArray, expected, name);
              // The backend's denseForward takes the same path in auto mode.
              const viaBackend = run("auto", threads, () => backend.denseForward(x, w, b, info));
              const auto = run("auto", threads, () => separate(x, w, b, info));
              sameBits(viaBackend.out as TypedArray, auto, `${name} (auto)`);
            });
          }
        }
      }
    }
    ok(wasmGemmThreads().workerTasks > before, "the worker ran fused tasks");
  },
});

Deno.test({
  name: "wasmDenseForward() declines (null) where the separate calls would not all be WebAssembly",
  ignore,
  fn: () => {
    const x = values(33 * 32, 1), w = values(32 * 32, 2), b = values(32, 3);
    const info = (op: ActivationOp, dtype: "float64" | "float32" = "float64"): DenseInfo => ({
      dtype,
      rows: 33,
      inFeatures: 32,
      outFeatures: 32,
      activation: { op },
    });
    strictEqual(run("off", 1, () => wasmDenseForward(x, w, b, info("tanh"))), null, "mode off");
    strictEqual(run("always", 1, () => wasmDenseForward(x, w, b, info("elu"))), null, "elu");
    strictEqual(run("always", 1, () => wasmDenseForward(x, w, b, info("identity"))), null);
    const f32 = info("relu", "float32");
    strictEqual(
      run("always", 1, () => wasmDenseForward(new Float32Array(x), new Float32Array(w), null, f32)),
      null,
      "float32",
    );
    // tanh on the TypeScript path (Math.tanh) while matmul stays in WebAssembly: not fused,
    // but relu (the same values either way) still is.
    setWasmElementwise("off");
    try {
      strictEqual(run("always", 1, () => wasmDenseForward(x, w, b, info("tanh"))), null);
      const relu = run("always", 1, () => wasmDenseForward(x, w, b, info("relu")));
      ok(relu !== null);
      deepStrictEqual(
        Array.from(relu.out as TypedArray),
        Array.from(run("always", 1, () => separate(x, w, b, info("relu")))),
      );
    } finally {
      setWasmElementwise(undefined);
    }
  },
});

Deno.test({
  name: "without the epilogue (a GEMM on a memory of its own) denseForward runs the separate calls",
  ignore,
  fn: () => {
    if (
      !loadWasmGemm("relaxed", { shared: false }) && !loadWasmGemm("portable", { shared: false })
    ) {
      return; // no unshared build here: nothing to check
    }
    try {
      strictEqual(wasmEpilogueAvailable(), false);
      const x = values(33 * 32, 1), w = values(32 * 32, 2), b = values(32, 3);
      const info = {
        dtype: "float64",
        rows: 33,
        inFeatures: 32,
        outFeatures: 32,
        activation: { op: "tanh" },
      } as const;
      strictEqual(run("always", 1, () => wasmDenseForward(x, w, b, info)), null);
      const out = run("always", 1, () => backend.denseForward(x, w, b, info)).out as TypedArray;
      sameBits(out, run("always", 1, () => separate(x, w, b, info)), "tanh, unshared build");
    } finally {
      loadWasmGemm("relaxed") || loadWasmGemm("portable");
    }
  },
});
