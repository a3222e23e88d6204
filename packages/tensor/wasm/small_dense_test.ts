// A small dense layer's backward in one visit to the small kernel's module gives the bits of
// the CPU's separate calls (relu's backward loop, the two products, the row sums), in both
// builds, with signed zeros, NaN and infinities in gradOut and y, relu or none, with and
// without bias and ∂L/∂x.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { MatmulInfo } from "../backend.ts";
import { CPU_ACTIVATIONS } from "../cpu/activations.ts";
import { reduceKernel } from "../cpu/reduce.ts";
import { loadWasmGemm } from "./gemm.ts";
import { wasmGemmAny } from "./small_gemm.ts";
import {
  type DeltaActivation,
  smallColumnSums,
  smallDenseBackward,
  smallDenseDelta,
  smallDenseTakes,
} from "./small_dense.ts";
import { setWasmMode, wasmMode } from "../cpu/kernel_choice.ts";
import { bytesAnyNaN as bytes } from "../_test_util.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Values in about [−2, 2), a tenth of them ±0, and NaN / ±Infinity sprinkled in when `special`. */
function values(length: number, next: () => number, special: boolean): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const u = next();
    out[i] = special && u < 0.04
      ? [NaN, Infinity, -Infinity, -0][Math.floor(u * 100) % 4]
      : u < 0.14
      ? (u < 0.09 ? 0 : -0)
      : (next() - 0.5) * 4;
  }
  return out;
}

/** The CPU's separate calls: relu's backward, δᵀ·x, the row sums of δ, δ·W. */
function separate(
  g: Float64Array,
  x: Float64Array,
  w: Float64Array,
  y: Float64Array | null,
  [rows, n, o]: readonly [number, number, number],
  activation: DeltaActivation = "relu",
): { dw: Float64Array; db: Float64Array; dx: Float64Array } {
  const delta = new Float64Array(rows * o);
  if (y === null) delta.set(g);
  else CPU_ACTIVATIONS[activation].backward(g, y, delta, [], (v) => v);
  const common = { dtype: "float64" as const, aOffsets: [0], bOffsets: [0] };
  const dw = new Float64Array(o * n), dx = new Float64Array(rows * n), db = new Float64Array(o);
  const dwInfo: MatmulInfo = { ...common, m: o, n, k: rows, transposeA: true, transposeB: false };
  const dxInfo: MatmulInfo = { ...common, m: rows, n, k: o, transposeA: false, transposeB: false };
  ok(wasmGemmAny(delta, 0, x, 0, dw, 0, dwInfo));
  ok(wasmGemmAny(delta, 0, w, 0, dx, 0, dxInfo));
  db.set(columnSums(delta, 0, rows, o));
  return { dw, db, dx };
}

/** Each column's sum down its rows in order from +0 (the CPU's row sums, written out). */
function columnSums(x: Float64Array, offset: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[offset + r * cols + j];
    out[j] = sum;
  }
  return out;
}

const ACTS = ["relu", "tanh", "sigmoid", null] as const;

/** An activation's outputs (its saved y): relu's ≥ 0, tanh's in (−1, 1), sigmoid's in (0, 1). */
function outputs(
  activation: DeltaActivation,
  length: number,
  next: () => number,
  special: boolean,
): Float64Array {
  const v = values(length, next, special);
  if (activation === "relu") return v.map((u) => u > 0 || u !== u ? u : 0);
  if (activation === "tanh") return v.map((u) => Math.tanh(u));
  return v.map((u) => 1 / (1 + Math.exp(-u)));
}

const SHAPES: [number, number, number][] = [
  [33, 32, 32],
  [33, 5, 32],
  [33, 32, 3],
  [1, 1, 1],
  [7, 3, 17],
  [2, 9, 1],
  [100, 32, 33],
  [256, 4, 5],
];

for (const build of ["relaxed", "portable"] as const) {
  Deno.test(`small dense backward (${build}) gives the separate calls' bits`, () => {
    if (!loadWasmGemm(build)) {
      console.warn(`%cskipped: this runtime rejects the ${build} build`, "color: yellow");
      return;
    }
    let sawNaN = false, masked = 0;
    for (const [s, shape] of SHAPES.entries()) {
      const [rows, n, o] = shape;
      for (const activation of ["relu", "tanh", "sigmoid", null] as const) {
        const relu = activation === "relu";
        for (const special of [false, true]) {
          const next = lcg(s * 8 + ACTS.indexOf(activation) * 2 + (special ? 1 : 0));
          const g = values(rows * o, next, special), x = values(rows * n, next, special);
          const w = values(o * n, next, special);
          const y = activation === null ? null : outputs(activation, rows * o, next, special);
          const want = separate(g, x, w, y, shape, activation ?? undefined);
          if (relu) masked += y!.filter((v, i) => !(v > 0) && g[i] !== 0).length;
          for (const [bias, input] of [[true, true], [false, false], [true, false]]) {
            const dw = new Float64Array(o * n).fill(7), dx = new Float64Array(rows * n).fill(7);
            const db = new Float64Array(o).fill(7);
            const gradOut = g.slice();
            const grads = {
              rows,
              inFeatures: n,
              outFeatures: o,
              y,
              activation: activation ?? undefined,
              dw,
              db: bias ? db : null,
              dx: input ? dx : null,
            };
            ok(smallDenseBackward(gradOut, x, w, grads), `declined ${shape}`);
            const what = `${shape}, ${activation}, special ${special}, bias ${bias}, dx ${input}`;
            deepStrictEqual(bytes(gradOut), bytes(g), `gradOut untouched: ${what}`);
            deepStrictEqual(bytes(dw), bytes(want.dw), `dW: ${what}`);
            deepStrictEqual(bytes(db), bias ? bytes(want.db) : bytes(db.fill(7)), `db: ${what}`);
            deepStrictEqual(bytes(dx), input ? bytes(want.dx) : bytes(dx.fill(7)), `dx: ${what}`);
            sawNaN ||= dx.some((v) => v !== v);
          }
        }
      }
    }
    ok(sawNaN, "NaN reached the gradients");
    ok(masked > 1000, `relu's mask zeroed only ${masked} gradients`);
  });
}

Deno.test("small dense backward makes δ by multiplying: an infinite g at y ≤ 0 gives NaN", () => {
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
  // One row, three outputs, one input (x = 1, W = 1): ∂L/∂b = δ and ∂L/∂x = Σ δ.
  const g = new Float64Array([-3, Infinity, 2]), y = new Float64Array([0, -0, NaN]);
  const dw = new Float64Array(3), db = new Float64Array(3), dx = new Float64Array(1);
  const grads = { rows: 1, inFeatures: 1, outFeatures: 3, y, dw, db, dx };
  ok(smallDenseBackward(g, new Float64Array([1]), new Float64Array([1, 1, 1]), grads));
  // (−3 · 0 is −0, but every sum starts from +0, and +0 + −0 is +0.)
  ok(Object.is(db[0], 0), `db[0] = ${db[0]}, expected 0 (−3 · 0)`);
  ok(Number.isNaN(db[1]), `db[1] = ${db[1]}, expected NaN (∞ · 0, not a mask's 0)`);
  ok(Object.is(db[2], 0), `db[2] = ${db[2]}, expected 0 (2 · 0, y NaN)`);
  ok(Number.isNaN(dx[0]));
});

Deno.test("small dense backward declines what the small kernel does not take, writing nothing", () => {
  strictEqual(smallDenseTakes(257, 2, 2), false); // ∂L/∂W's k: 257 rows
  strictEqual(smallDenseTakes(2, 2, 257), false); // ∂L/∂x's k: 257 outputs
  strictEqual(smallDenseTakes(0, 2, 2), false);
  const dw = new Float64Array(4).fill(7);
  const grads = { rows: 257, inFeatures: 2, outFeatures: 2, y: null, dw, db: null, dx: null };
  const z = new Float64Array(514);
  strictEqual(smallDenseBackward(z, z, new Float64Array(4), grads), false);
  deepStrictEqual([...dw], [7, 7, 7, 7]);
});

Deno.test("a dense layer's δ and ∂L/∂b for any number of rows: the CPU loops' bits", () => {
  for (const build of ["relaxed", "portable"] as const) {
    if (!loadWasmGemm(build)) continue;
    for (const activation of ["relu", "tanh", "sigmoid"] as const) {
      for (const [rows, cols] of [[333, 32], [1000, 3], [257, 5], [1, 1], [7, 33]]) {
        for (const special of [false, true]) {
          const next = lcg(rows * 31 + cols + (special ? 7 : 0));
          const g = values(rows * cols, next, special);
          const y = outputs(activation, rows * cols, next, special);
          const want = new Float64Array(rows * cols), wantDb = new Float64Array(cols);
          CPU_ACTIVATIONS[activation].backward(g, y, want, [], (v) => v);
          wantDb.set(columnSums(want, 0, rows, cols));
          const delta = new Float64Array(rows * cols).fill(7), db = new Float64Array(cols);
          const gIn = g.slice();
          ok(smallDenseDelta(gIn, y, delta, db, rows, cols, activation));
          const what = `${build} ${activation} [${rows}, ${cols}] special ${special}`;
          deepStrictEqual(bytes(delta), bytes(want), `δ: ${what}`);
          deepStrictEqual(bytes(db), bytes(wantDb), `db: ${what}`);
          deepStrictEqual(bytes(gIn), bytes(g), `g untouched: ${what}`);
          // Without a bias: δ alone.
          const alone = new Float64Array(rows * cols);
          ok(smallDenseDelta(g, y, alone, null, rows, cols, activation));
          deepStrictEqual(bytes(alone), bytes(want), `δ without db: ${what}`);
        }
      }
    }
  }
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
});

Deno.test("column sums in WebAssembly (a bias gradient, a float64 sum over rows): the loop's bits", () => {
  for (const [rows, cols] of [[100, 50], [1000, 3], [333, 32], [7, 33], [1, 1], [2, 17]]) {
    for (const special of [false, true]) {
      const next = lcg(rows * 7 + cols + (special ? 3 : 0));
      // Two slices, the second read at an offset, written at an offset.
      const x = values(2 * rows * cols, next, special);
      const what = `[${rows}, ${cols}] special ${special}`;
      const want = [columnSums(x, 0, rows, cols), columnSums(x, rows * cols, rows, cols)];
      const out = new Float64Array(2 * cols + 2).fill(7);
      ok(smallColumnSums(x, rows * cols, rows, cols, out, 1));
      deepStrictEqual(bytes(out.subarray(1, cols + 1)), bytes(want[1]), `at an offset: ${what}`);
      ok(out[0] === 7 && out[cols + 1] === 7, `only cols written: ${what}`);
      // The CPU's reduction over the middle axis of [2, rows, cols], with and without it.
      const before = wasmMode();
      for (const mode of ["auto", "off"] as const) {
        setWasmMode(mode);
        const sums = new Float64Array(2 * cols);
        reduceKernel("sum", x, [2, rows, cols], sums);
        deepStrictEqual(
          bytes(sums),
          bytes(Float64Array.of(...want[0], ...want[1])),
          `${mode}: ${what}`,
        );
      }
      setWasmMode(before);
    }
  }
});
