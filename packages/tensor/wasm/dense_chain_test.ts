// The dense chain on the worker pool against the CPU backend's own calls, one layer after the
// other (denseForward, then softmax where a Softmax layer follows), bit for bit: row counts
// that split into blocks unevenly, narrow and wide layers mixed (the wide ones on the small
// product, the narrow on the packed one), every activation, no bias, NaN and ±Infinity in the
// input, in both builds; and the chains it declines.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { cpu as cpuDevice } from "../cpu/backend.ts";
import type { DenseChainLayer } from "../backend.ts";
import { matmulThreads, setMatmulThreads } from "./thread_pool.ts";
import { type ChainStep, chainTakes, wasmDenseChain } from "./dense_chain.ts";
import { loadWasmGemm, sharedElementwise, wasmGemmThreads } from "./gemm.ts";
import { setWasmMode } from "../cpu/kernel_choice.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function values(length: number, next: () => number, scale: number, special = false) {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const u = next();
    out[i] = special && u < 0.01 ? [NaN, Infinity, -Infinity][i % 3] : (next() - 0.5) * scale;
  }
  return out;
}

type Act = DenseChainLayer["activation"];

/** A chain of `widths` (inputs first) with the activations `acts`, random weights. */
function layers(widths: number[], acts: Act[], seed: number, bias = true) {
  const next = lcg(seed);
  return acts.map((activation, l) => {
    const k = widths[l], n = widths[l + 1];
    return {
      w: values(n * k, next, 2 / Math.sqrt(k)),
      b: bias ? values(n, next, 0.5) : null,
      inFeatures: k,
      outFeatures: n,
      activation,
    };
  });
}

/** The layers one by one, as a Sequential's forward runs them on the CPU backend. */
function reference(x: Float64Array, rows: number, chain: ReturnType<typeof layers>): Float64Array {
  let h = x;
  for (const l of chain) {
    const softmax = l.activation === "softmax";
    const activation = { op: softmax ? "identity" as const : l.activation as "relu" };
    const info = {
      dtype: "float64" as const,
      rows,
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
      activation,
    };
    h = cpu.denseForward(h, l.w, l.b, info).out as Float64Array;
    if (softmax) h = cpu.softmax("softmax", h, [rows, l.outFeatures, 1], "float64") as Float64Array;
  }
  return h;
}

function steps(chain: ReturnType<typeof layers>): ChainStep[] {
  return chain.map((l) => ({
    w: l.w,
    b: l.b,
    n: l.outFeatures,
    k: l.inFeatures,
    act: l.activation === "identity" ? "none" : l.activation,
  }));
}

const cpu = cpuDevice.backend;

const sameBits = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const threadsBefore = matmulThreads();

/** Starts the pool (a large product) and waits until its workers take tasks. */
async function poolReady(): Promise<void> {
  setMatmulThreads(2);
  const n = 160, a = new Float64Array(n * n);
  cpu.matmul(a, a, {
    dtype: "float64",
    m: n,
    n,
    k: n,
    transposeA: false,
    transposeB: false,
    aOffsets: [0],
    bOffsets: [0],
  });
  for (let i = 0; i < 200 && wasmGemmThreads().shared && wasmGemmThreads().alive === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const build of ["relaxed", "portable"] as const) {
  Deno.test(`a dense chain on the pool (${build}) gives the layers' own values, bit for bit`, async () => {
    if (!loadWasmGemm(build)) return; // this runtime rejects the build
    try {
      await chainMatchesLayers();
    } finally {
      ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
    }
  });
}

async function chainMatchesLayers(): Promise<void> {
  await poolReady();
  // Where threads run, their layers as wide as the chain's widest run the small product
  // (no packing), the others the packed one: both are compared with the layers' own calls.
  if (wasmGemmThreads().shared) strictEqual(sharedElementwise(0)?.small, true);
  setWasmMode("always");
  const skipped: string[] = [];
  let viaBackendRan = 0;
  const cases: [number[], Act[], boolean][] = [
    // notebook 3.1's model: a softmax between hidden layers, a narrow last layer
    [[6, 32, 32, 32, 32, 3], ["tanh", "softmax", "sigmoid", "relu", "identity"], true],
    // the classification model before its Softmax layer
    [[5, 32, 32, 32, 3], ["relu", "relu", "relu", "identity"], true],
    // ... and with it: a last softmax narrower than the widest layer runs after the chain
    [[5, 32, 32, 32, 3], ["relu", "relu", "relu", "softmax"], true],
    // widths that are not multiples of 4, no bias, k = 1
    [[1, 7, 13, 2], ["sigmoid", "tanh", "identity"], false],
    [[9, 40, 40, 1], ["relu", "softmax", "tanh"], true],
  ];
  let ran = 0;
  for (const [widths, acts, bias] of cases) {
    for (const rows of [1, 3, 4, 5, 33, 130, 1000, 2049]) {
      const chain = layers(widths, acts, rows * 7 + widths.length, bias);
      const x = values(rows * widths[0], lcg(rows), 4, rows > 100);
      // The backend's entry takes chains of enough work (a last softmax narrower than the
      // widest layer runs after the chain); the chain itself is tried at every size, with
      // every kernel of the reference in WebAssembly.
      const viaBackend = cpu.denseChain!(x, chain, { dtype: "float64", rows });
      let out = viaBackend as Float64Array | null;
      if (out === null && chainTakes(steps(chain), widths[0])) {
        out = new Float64Array(rows * widths.at(-1)!);
        if (!wasmDenseChain(x, rows, steps(chain), out)) out = null;
      }
      if (out === null) {
        skipped.push(`${widths.join("-")} × ${rows}`);
        continue;
      }
      if (viaBackend !== null) viaBackendRan++;
      ran++;
      const want = reference(x, rows, chain);
      ok(sameBits(out, want), `${widths.join("-")} ${acts.join("/")}, ${rows} rows`);
    }
  }
  // Without WebAssembly threads (a runtime without SharedArrayBuffer) nothing runs: the
  // caller's layers do.
  setWasmMode("auto");
  if (wasmGemmThreads().shared) {
    // Only the softmax on 3 classes cannot be chained itself (the backend runs it after).
    ok(skipped.every((s) => s.startsWith("5-32-32-32-3 ")), `skipped: ${skipped}`);
    ok(ran >= 30, `the chain ran ${ran} times`);
    ok(viaBackendRan >= 6, `the backend ran ${viaBackendRan} chains`);
  }
  setMatmulThreads(threadsBefore);
}

Deno.test("a dense chain keeps each block's rows its own when layer widths differ", async () => {
  // Every layer's rows lie the widest layer's width apart: with a narrow last layer written
  // at its own width, one block's last-layer rows landed on another block's rows of a wide
  // layer while that block still worked on them (a race: about 1 call in 10 went wrong).
  await poolReady();
  const rows = 9100, widths = [6, 32, 32, 32, 3];
  const chain = layers(widths, ["sigmoid", "sigmoid", "sigmoid", "identity"], 3);
  const x = values(rows * 6, lcg(5), 4);
  const want = reference(x, rows, chain);
  const out = new Float64Array(rows * 3);
  for (let rep = 0; rep < 40; rep++) {
    out.fill(0);
    if (!wasmDenseChain(x, rows, steps(chain), out)) break;
    ok(sameBits(out, want), `call ${rep}`);
  }
  setMatmulThreads(threadsBefore);
});

Deno.test("a dense chain declines what it cannot run as the layers would", () => {
  const chain = (widths: number[], acts: Act[]) => steps(layers(widths, acts, 1));
  strictEqual(chainTakes(chain([4, 8, 2], ["relu", "identity"]), 4), true);
  strictEqual(chainTakes(chain([4, 8, 2], ["relu", "identity"]), 5), false); // input width
  strictEqual(chainTakes(chain([300, 8], ["relu"]), 300), false); // k past one 256-deep slice
  strictEqual(chainTakes(chain([4, 8, 3], ["relu", "softmax"]), 4), false); // softmax not widest
  strictEqual(chainTakes(chain([4, 6, 8], ["softmax", "relu"]), 4), false); // pad(6) = 8 ≠ 6
  strictEqual(chainTakes([], 4), false);
  // One thread: no pool to run the blocks on.
  setMatmulThreads(1);
  const out = new Float64Array(2 * 2);
  strictEqual(
    wasmDenseChain(new Float64Array(8), 2, chain([4, 8, 2], ["relu", "identity"]), out),
    false,
  );
  deepStrictEqual([...out], [0, 0, 0, 0]);
  setMatmulThreads(threadsBefore);
});
