// Dense weights kept in the small kernel's memory (small_kept.ts): a product that reads the
// kept W or Wᵀ gives the bits of one that copies W in, the first call and every later one
// (k = 1, where Wᵀ is W as stored, included); a storage written in place and then passed to
// `forgetKept` (as the CPU backend's in-place writers do) is read afresh; the same key with
// another storage makes another copy; and the copy is really what later calls read.

import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { MatmulInfo } from "../backend.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { cpu, Tensor, tensor } from "../mod.ts";
import { storageOf } from "../seam.ts";
import { loadWasmGemm } from "./gemm.ts";
import { smallWasmGemm } from "./small_gemm.ts";
import { smallDenseBackward } from "./small_dense.ts";
import { forgetKept, keptCount } from "./small_kept.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function values(dtype: DType, length: number, next: () => number): TypedArray {
  const out = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() - 0.5) * 4;
  return out;
}

/** A dense layer's product x·Wᵀ + b for x [m, k], W [n, k]. */
function denseInfo(dtype: DType, m: number, n: number, k: number, bias: TypedArray): MatmulInfo {
  return {
    dtype,
    m,
    n,
    k,
    transposeA: false,
    transposeB: true,
    aOffsets: [0],
    bOffsets: [0],
    bias,
  };
}

let nextKey = 1e9; // far from the keys the layers hand out in this process

for (const build of ["relaxed", "portable"] as const) {
  Deno.test(`kept weights (${build}): every call gives the bits of a call that copies W in`, () => {
    if (!loadWasmGemm(build)) return;
    for (const dtype of ["float64", "float32"] as const) {
      for (
        const [m, n, k] of [[33, 32, 32], [33, 3, 32], [33, 32, 5], [7, 5, 1], [1, 1, 1], [
          9,
          1,
          13,
        ]]
      ) {
        for (const relu of dtype === "float64" ? [false, true] : [false]) {
          const next = lcg(m * 97 + n * 13 + k);
          const x = values(dtype, m * k, next), w = values(dtype, n * k, next);
          const info = denseInfo(dtype, m, n, k, values(dtype, n, next));
          const plain = dtype === "float64" ? new Float64Array(m * n) : new Float32Array(m * n);
          ok(smallWasmGemm(x, 0, w, 0, plain, 0, info, relu));
          const key = nextKey++;
          for (let call = 0; call < 3; call++) {
            const kept = plain.slice().fill(7);
            ok(smallWasmGemm(x, 0, w, 0, kept, 0, info, relu, key));
            deepStrictEqual(kept, plain, `${dtype} [${m}, ${n}, ${k}] relu ${relu}, call ${call}`);
          }
        }
      }
    }
  });
}

Deno.test("kept weights: the copy is what later calls read, until forgetKept drops it", () => {
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
  for (const k of [4, 1]) {
    const n = 3, m = 2, next = lcg(5 + k);
    const x = values("float64", m * k, next), w = values("float64", n * k, next);
    const info = denseInfo("float64", m, n, k, new Float64Array(n));
    const key = nextKey++;
    const first = new Float64Array(m * n), again = new Float64Array(m * n);
    ok(smallWasmGemm(x, 0, w, 0, first, 0, info, false, key));
    ok(keptCount() > 0);
    // Written behind the kernel's back (no backend does this): the kept copy still answers,
    // which shows later calls read it rather than W.
    w[0] += 1;
    ok(smallWasmGemm(x, 0, w, 0, again, 0, info, false, key));
    deepStrictEqual(again, first, `k = ${k}: the kept copy was read`);
    // Dropped, as optimizerUpdate does before it writes: the new values are read.
    forgetKept([w]);
    const fresh = new Float64Array(m * n), reference = new Float64Array(m * n);
    ok(smallWasmGemm(x, 0, w, 0, fresh, 0, info, false, key));
    ok(smallWasmGemm(x, 0, w, 0, reference, 0, info, false));
    deepStrictEqual(fresh, reference);
    notDeepStrictEqual(fresh, first);
    // The same key with another storage (a pooled array handed out again): a new copy.
    const other = w.slice();
    other[1] -= 2;
    const viaOther = new Float64Array(m * n), otherReference = new Float64Array(m * n);
    ok(smallWasmGemm(x, 0, other, 0, viaOther, 0, info, false, key));
    ok(smallWasmGemm(x, 0, other, 0, otherReference, 0, info, false));
    deepStrictEqual(viaOther, otherReference);
  }
});

Deno.test("kept weights: the CPU backend's optimizerUpdate drops the copies of what it writes", () => {
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
  const backend = cpu.backend;
  const w = tensor([[1, 2], [3, 4], [5, 6]]), x = tensor([[1, 1], [2, -1]]);
  const wArray = storageOf(w) as Float64Array, xArray = storageOf(x) as Float64Array;
  const info = denseInfo("float64", 2, 3, 2, new Float64Array(3));
  const key = nextKey++;
  const out = new Float64Array(6);
  ok(smallWasmGemm(xArray, 0, wArray, 0, out, 0, info, false, key));
  deepStrictEqual([...out], [3, 7, 11, 0, 2, 4]);
  const sgd = {
    kind: "sgd",
    lr: 1,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    weightDecay: 0,
    maximize: false,
    fresh: [true],
  } as const;
  const grad = tensor([[1, 1], [1, 1], [1, 1]]);
  backend.optimizerUpdate(sgd, [wArray], [storageOf(grad)], [[]], { dtype: "float64", sizes: [6] });
  deepStrictEqual([...wArray], [0, 1, 2, 3, 4, 5]); // written in place
  ok(smallWasmGemm(xArray, 0, wArray, 0, out, 0, info, false, key));
  deepStrictEqual([...out], [1, 5, 9, -1, 1, 3]);
  strictEqual(w instanceof Tensor, true);
});

Deno.test("kept weights: the backward's ∂L/∂x reads the kept W with the same bits", () => {
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
  const [rows, n, o] = [33, 32, 32], next = lcg(77);
  const x = values("float64", rows * n, next) as Float64Array;
  const w = values("float64", o * n, next) as Float64Array;
  const g = values("float64", rows * o, next) as Float64Array;
  const grads = () => ({
    rows,
    inFeatures: n,
    outFeatures: o,
    y: null,
    dw: new Float64Array(o * n),
    db: new Float64Array(o),
    dx: new Float64Array(rows * n),
  });
  const plain = grads(), kept = grads(), again = grads();
  ok(smallDenseBackward(g, x, w, plain));
  const key = nextKey++;
  ok(smallDenseBackward(g, x, w, { ...kept, weightKey: key })); // makes the copy
  ok(smallDenseBackward(g, x, w, { ...again, weightKey: key })); // reads it
  deepStrictEqual(kept.dx, plain.dx);
  deepStrictEqual(again.dx, plain.dx);
  deepStrictEqual(again.dw, plain.dw);
});
