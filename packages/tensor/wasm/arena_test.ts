// Float64 storage in the small kernel's memory (arena.ts): once the module exists the pool's
// new float64 arrays of modest length are views of that memory; the small products and the
// dense backward (and the elementwise kernels, instantiated on that memory) read and write
// them in place with the bits of plain arrays, and write nothing outside their results; a released plain array of an arena length leaves the pool
// for an arena one; the region of an array the garbage collector took is given out again;
// and a full arena hands out plain arrays again. The exhaustion test is last: it spends this
// module's arena.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { MatmulInfo } from "../backend.ts";
import { allocHost, releaseHost } from "../cpu/memory.ts";
import { loadWasmGemm, wasmGemmKind } from "./gemm.ts";
import { ARENA_BYTES, ARENA_MAX_ELEMENTS, arenaFloat64, arenaUse } from "./arena.ts";
import { smallModule, smallWasmGemm } from "./small_gemm.ts";
import { smallDenseBackward } from "./small_dense.ts";
import { wasmActivationBackward, wasmUnary } from "./elementwise.ts";
import { CPU_ACTIVATIONS } from "../cpu/activations.ts";
import { bytesAnyNaN, runChild } from "../_test_util.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fill(out: Float64Array, next: () => number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = (next() - 0.5) * 4;
  return out;
}

/** Each element's bytes (signed zeros differ). */
const bits = (x: Float64Array): string =>
  new Uint8Array(x.buffer, x.byteOffset, x.byteLength).join(".");

/** The small module's memory, made now (null where WebAssembly SIMD does not run). */
function moduleMemory(): ArrayBufferLike | null {
  if (wasmGemmKind() === "none") return null;
  return smallModule(0)?.views.f64.buffer ?? null;
}

/** A float64 array from the pool, copied from `values`, in the arena when `arena`. */
function placed(values: Float64Array, arena: boolean): Float64Array {
  const out = arena ? arenaFloat64(values.length)! : new Float64Array(values.length);
  out.set(values);
  return out;
}

const SENTINEL = 1234.5;

/** The default build again (the relaxed one where it runs). */
function restoreBuild(): void {
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
}

Deno.test("the pool's float64 arrays of arena lengths are views of the small kernel's memory", () => {
  const memory = moduleMemory();
  if (memory === null) return; // no WebAssembly SIMD here: nothing to test
  const a = allocHost("float64", 1056) as Float64Array;
  strictEqual(a.buffer, memory);
  strictEqual(a.byteOffset % 64, 0);
  ok(a.every((v) => v === 0));
  const big = allocHost("float64", ARENA_MAX_ELEMENTS + 1);
  ok(big.buffer !== memory, "past the largest arena length: a plain array");
  ok(allocHost("float32", 1056).buffer !== memory, "float32: a plain array");
  // Released, then served again from the pool: the same arena array.
  releaseHost(a);
  strictEqual(allocHost("float64", 1056), a);
  releaseHost(a);
  releaseHost(big);
});

Deno.test("a released array from outside the arena leaves the pool for an arena array", () => {
  const first = wasmGemmKind();
  if (first === "none" || moduleMemory() === null) return;
  // Another build's module has another memory and arena: the first one's arrays are then
  // plain arrays to the pool.
  const old = allocHost("float64", 777) as Float64Array;
  strictEqual(old.buffer, moduleMemory());
  if (!loadWasmGemm(first === "relaxed" ? "portable" : "relaxed")) return;
  try {
    const memory = moduleMemory()!;
    ok(old.buffer !== memory);
    releaseHost(old); // dropped, not pooled
    const made = allocHost("float64", 777);
    ok(made !== old);
    strictEqual(made.buffer, memory);
    releaseHost(made);
    strictEqual(allocHost("float64", 777), made, "an arena array is pooled");
  } finally {
    restoreBuild();
  }
});

for (const build of ["relaxed", "portable"] as const) {
  Deno.test(`small products (${build}) in place in the arena: plain arrays' bits, nothing else written`, () => {
    if (!loadWasmGemm(build) || moduleMemory() === null) return;
    try {
      const next = lcg(7);
      const shapes: [number, number, number, boolean, boolean][] = [
        [33, 32, 32, false, true],
        [33, 32, 5, false, true],
        [33, 3, 32, false, true],
        [32, 32, 33, true, false],
        [33, 32, 3, false, false],
        [7, 5, 3, true, true],
        [1, 1, 1, false, false],
      ];
      for (const [m, n, k, transposeA, transposeB] of shapes) {
        const a = fill(new Float64Array(m * k), next);
        const b = fill(new Float64Array(k * n), next);
        const bias = fill(new Float64Array(n), next);
        const info: MatmulInfo = {
          dtype: "float64",
          m,
          n,
          k,
          transposeA,
          transposeB,
          aOffsets: [0],
          bOffsets: [0],
          bias,
        };
        const want = new Float64Array(m * n);
        ok(smallWasmGemm(a, 0, b, 0, want, 0, info));
        for (const relu of [false, true]) {
          const wantRelu = new Float64Array(m * n);
          ok(smallWasmGemm(a, 0, b, 0, wantRelu, 0, info, relu));
          // Every operand and C in the arena, C between two guards.
          const before = arenaFloat64(8)!.fill(SENTINEL);
          const out = arenaFloat64(m * n)!;
          const after = arenaFloat64(8)!.fill(SENTINEL);
          const inArena = { ...info, bias: placed(bias, true) };
          ok(smallWasmGemm(placed(a, true), 0, placed(b, true), 0, out, 0, inArena, relu));
          strictEqual(bits(out), bits(wantRelu), `[${m}, ${n}, ${k}] relu ${relu}`);
          ok(before.every((v) => v === SENTINEL) && after.every((v) => v === SENTINEL));
        }
        // C at an offset into a larger arena array (a batch's later product).
        const wide = arenaFloat64(m * n + 5)!.fill(SENTINEL);
        ok(smallWasmGemm(a, 0, b, 0, wide, 3, info));
        strictEqual(bits(wide.subarray(3, 3 + m * n)), bits(want));
        deepStrictEqual([...wide.subarray(0, 3), ...wide.subarray(3 + m * n)], [
          SENTINEL,
          SENTINEL,
          SENTINEL,
          SENTINEL,
          SENTINEL,
        ]);
      }
    } finally {
      restoreBuild();
    }
  });
}

Deno.test("a dense backward in place in the arena gives plain arrays' bits, nothing else written", () => {
  if (moduleMemory() === null) return;
  const next = lcg(11);
  for (const [rows, n, o] of [[33, 32, 32], [33, 5, 32], [33, 32, 3], [3, 7, 5]]) {
    const g = fill(new Float64Array(rows * o), next);
    const x = fill(new Float64Array(rows * n), next);
    const w = fill(new Float64Array(o * n), next);
    const y = fill(new Float64Array(rows * o), next).map((v) => Math.max(v, 0));
    for (const relu of [false, true]) {
      const plain = {
        rows,
        inFeatures: n,
        outFeatures: o,
        y: relu ? y : null,
        dw: new Float64Array(o * n),
        db: new Float64Array(o),
        dx: new Float64Array(rows * n),
      };
      ok(smallDenseBackward(g, x, w, plain));
      const guard = arenaFloat64(8)!.fill(SENTINEL);
      const arena = {
        rows,
        inFeatures: n,
        outFeatures: o,
        y: relu ? placed(y, true) : null,
        dw: arenaFloat64(o * n)!,
        db: arenaFloat64(o)!,
        dx: arenaFloat64(rows * n)!,
      };
      const gIn = placed(g, true);
      const guard2 = arenaFloat64(8)!.fill(SENTINEL);
      ok(smallDenseBackward(gIn, placed(x, true), w, arena));
      const label = `[${rows}, ${n}, ${o}] relu ${relu}`;
      strictEqual(bits(arena.dw), bits(plain.dw), `dW ${label}`);
      strictEqual(bits(arena.db), bits(plain.db), `db ${label}`);
      strictEqual(bits(arena.dx), bits(plain.dx), `dx ${label}`);
      strictEqual(bits(gIn), bits(g), `gradOut is not written: ${label}`);
      ok(guard.every((v) => v === SENTINEL) && guard2.every((v) => v === SENTINEL));
    }
  }
});

Deno.test("exp, tanh, sigmoid and relu of arena arrays run in place: plain arrays' bits", () => {
  if (moduleMemory() === null) return;
  const next = lcg(5);
  for (const op of ["exp", "tanh", "sigmoid", "relu"] as const) {
    for (const n of [1, 7, 1056, 10656]) {
      const x = fill(new Float64Array(n), next).map((v) => v * 10);
      x[0] = -0;
      if (n > 4) x[1] = NaN, x[2] = Infinity, x[3] = -Infinity;
      const want = new Float64Array(n);
      ok(wasmUnary(op, x, want, n));
      const src = placed(x, true);
      const out = arenaFloat64(n)!;
      const after = arenaFloat64(8)!.fill(SENTINEL);
      ok(wasmUnary(op, src, out, n));
      strictEqual(bits(out), bits(want), `${op} of ${n}`);
      strictEqual(bits(src), bits(x), `${op} of ${n}: input untouched`);
      ok(after.every((v) => v === SENTINEL), `${op} of ${n}: nothing written past the output`);
    }
  }
});

Deno.test("relu, tanh and sigmoid backward of arena arrays: the TypeScript loop's bits, n written", () => {
  if (moduleMemory() === null) return;
  const next = lcg(11);
  for (const op of ["relu", "tanh", "sigmoid"] as const) {
    for (const n of [1, 2, 3, 7, 1056, 5001]) {
      const g = fill(new Float64Array(n), next).map((v) => v * 10);
      const y = fill(new Float64Array(n), next);
      g[0] = -0;
      if (n > 6) g[1] = NaN, g[2] = Infinity, y[3] = NaN, y[4] = -0, y[5] = Infinity, y[6] = 1;
      const want = new Float64Array(n);
      CPU_ACTIVATIONS[op].backward(g, y, want, [], (v) => v);
      // Arena arrays, the output a subarray between two sentinels: exactly n elements written.
      const [gA, yA, outer] = [placed(g, true), placed(y, true), arenaFloat64(n + 2)!];
      outer.fill(SENTINEL);
      const out = outer.subarray(1, n + 1);
      ok(wasmActivationBackward(op, gA, yA, out));
      // A NaN's sign may differ (−y of a NaN y flips it in WebAssembly): any NaN counts as one.
      deepStrictEqual(bytesAnyNaN(out), bytesAnyNaN(want), `${op} backward of ${n}`);
      ok(outer[0] === SENTINEL && outer[n + 1] === SENTINEL, `${op} of ${n}: only n written`);
      strictEqual(bits(gA) + bits(yA), bits(g) + bits(y), `${op} of ${n}: inputs untouched`);
      // A plain array anywhere: declined, nothing written.
      const plain = new Float64Array(n).fill(SENTINEL);
      strictEqual(wasmActivationBackward(op, gA, y, plain), false);
      ok(plain.every((v) => v === SENTINEL));
    }
  }
});

Deno.test("the regions of collected arena arrays are handed out again, zeroed", async () => {
  if (moduleMemory() === null) return;
  // In a child with the collector exposed: arrays dropped without dispose, a collection, a
  // turn of the event loop (when finalizers run), then the same lengths again.
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `
    import { allocHost } from ${url("../cpu/memory.ts")};
    import { arenaUse } from ${url("./arena.ts")};
    import { smallModule } from ${url("./small_gemm.ts")};
    smallModule(0);
    const spent = (n: number) => {
      const offsets = new Set();
      for (let i = 0; i < n; i++) {
        const a = allocHost("float64", 1000);
        a.fill(7); // dropped without releaseHost
        offsets.add(a.byteOffset);
      }
      return offsets;
    };
    const first = spent(200);
    const before = arenaUse().used;
    for (let i = 0; i < 5; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    const after = arenaUse().used;
    const again = allocHost("float64", 1000);
    console.log(JSON.stringify({
      before, after, reused: first.has(again.byteOffset), zero: again.every((v) => v === 0),
    }));
  `;
  const { code, stdout, stderr } = await runChild(script, { v8Flags: ["--expose-gc"] });
  strictEqual(code, 0, stderr);
  const got = JSON.parse(stdout);
  ok(got.before >= 200 * 8000, `200 arrays of 1,000 elements spent ${got.before} bytes`);
  ok(got.after < got.before - 100 * 8000, `collected: ${got.before} -> ${got.after} bytes used`);
  deepStrictEqual([got.reused, got.zero], [true, true]);
});

Deno.test("a full arena hands out plain arrays, which the pool keeps again", () => {
  const memory = moduleMemory();
  if (memory === null) return;
  // Spend what is left, in the largest arrays, in arrays of the length asked for below (whose
  // free list, of regions whose arrays were collected, may hold some) and single elements.
  while (arenaFloat64(ARENA_MAX_ELEMENTS) !== null);
  while (arenaFloat64(1000) !== null);
  while (arenaFloat64(1) !== null);
  const { used, bytes } = arenaUse();
  strictEqual(bytes, ARENA_BYTES);
  ok(used <= bytes, `used ${used} of ${bytes}`);
  const a = allocHost("float64", 1000);
  ok(a.buffer !== memory, "no room: a plain array");
  releaseHost(a);
  strictEqual(allocHost("float64", 1000), a, "pooled and served again");
  releaseHost(a);
});
