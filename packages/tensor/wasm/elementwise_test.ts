// The WebAssembly SIMD exp / tanh / sigmoid / relu / softmax kernels against the TypeScript path
// (the reference) on the same inputs, edge values included, in ulps. Parity with PyTorch is
// the goldens' job (tests/), which run under GLASSBOX_WASM=always and =off.

import { ok, strictEqual } from "node:assert/strict";
import { assertClose, type DType, tensor } from "../mod.ts";
import { softmaxBlocks, wasmElementwiseAvailable, wasmUnary } from "./elementwise.ts";
import { setWasmElementwise, type WasmMode } from "../cpu/kernel_choice.ts";

const EDGES = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  5e-324,
  -5e-324,
  1e-300,
  -1e-300,
  2.2250738585072014e-308,
  1e-17,
  -1e-8,
  0.5,
  -0.5,
  0.34657359027997264,
  -0.34657359027997264,
  1,
  -1,
  19,
  19.1,
  20,
  -20,
  22,
  40,
  709.782712893384,
  709.7827128933841,
  710,
  1000,
  -708.39,
  -708.4,
  -709,
  -744,
  -745.1332191019411,
  -745.14,
  -746,
  -1000,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
];

/** Edge values, then deterministic values spread over [-range, range] and over magnitudes. */
function inputs(n: number, range: number): Float64Array {
  const out = new Float64Array(EDGES.length + n);
  out.set(EDGES);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out[EDGES.length + i] = i % 2 === 0
      ? (2 * u - 1) * range
      : (i % 4 === 1 ? 1 : -1) * Math.exp((2 * u - 1) * 30);
  }
  return out;
}

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/** Distance in float64 ulps (units in the last place) between two numbers of the same sign. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return Object.is(a, b) ? 0 : Infinity; // +0 against −0 counts as wrong
  if (Math.sign(a) !== Math.sign(b)) return Infinity;
  BITS[0] = a;
  const [loA, hiA] = WORDS;
  BITS[0] = b;
  return Math.abs((hiA - WORDS[1]) * 2 ** 32 + (loA - WORDS[0]));
}

/** Runs `fn` with the elementwise kernels in `mode`, then follows matmul's mode again. */
function withMode<T>(mode: WasmMode, fn: () => T): T {
  setWasmElementwise(mode);
  try {
    return fn();
  } finally {
    setWasmElementwise(undefined);
  }
}

/** Both paths of one unary op on the same float64 values. */
function bothUnary(op: "exp" | "tanh" | "sigmoid" | "relu", x: Float64Array): [number[], number[]] {
  const t = tensor(x);
  const wasm = withMode("always", () => t[op]().toTypedArray());
  const ts = withMode("off", () => t[op]().toTypedArray());
  return [Array.from(wasm), Array.from(ts)];
}

/** The largest ulp distance over elements where `keep(x)` holds, and where it was. */
function worst(
  x: Float64Array,
  [wasm, ts]: [number[], number[]],
  keep: (v: number) => boolean = () => true,
): { ulp: number; x: number } {
  let w = { ulp: 0, x: NaN };
  for (let i = 0; i < x.length; i++) {
    const d = ulps(wasm[i], ts[i]);
    if (keep(x[i]) && d > w.ulp) w = { ulp: d, x: x[i] };
  }
  return w;
}

const available = wasmElementwiseAvailable();
const ignore = !available;
if (!available) console.warn("wasm elementwise tests skipped: no WebAssembly SIMD in this runtime");

Deno.test({
  name: "exp() on the wasm path is within 1 ulp of Math.exp, edges exact",
  ignore,
  fn: () => {
    const x = inputs(200_000, 745);
    const w = worst(x, bothUnary("exp", x));
    ok(w.ulp <= 1, `exp: ${w.ulp} ulp at x = ${w.x}`);
    const [wasm] = bothUnary("exp", new Float64Array([0, -0, -Infinity, Infinity, NaN, 710, -746]));
    strictEqual(wasm[0], 1);
    strictEqual(wasm[1], 1);
    ok(Object.is(wasm[2], 0), "exp(-inf) is +0");
    strictEqual(wasm[3], Infinity);
    ok(Number.isNaN(wasm[4]));
    strictEqual(wasm[5], Infinity);
    ok(Object.is(wasm[6], 0), "exp(-746) underflows to +0");
  },
});

Deno.test({
  name: "exp() on the wasm path rounds subnormal results like Math.exp",
  ignore,
  fn: () => {
    const x = new Float64Array(4000).map((_, i) => -708.4 - i * 0.0092); // down to -745.2
    const w = worst(x, bothUnary("exp", x));
    ok(w.ulp <= 1, `exp: ${w.ulp} ulp at x = ${w.x}`);
  },
});

Deno.test({
  name: "tanh() on the wasm path is within 4 ulp of Math.tanh, keeps -0 and saturates",
  ignore,
  fn: () => {
    const x = inputs(200_000, 25);
    const w = worst(x, bothUnary("tanh", x));
    ok(w.ulp <= 4, `tanh: ${w.ulp} ulp at x = ${w.x}`);
    const [wasm] = bothUnary("tanh", new Float64Array([-0, 0, Infinity, -Infinity, NaN, 19.1]));
    ok(Object.is(wasm[0], -0) && Object.is(wasm[1], 0), "tanh(±0) = ±0");
    strictEqual(wasm[2], 1);
    strictEqual(wasm[3], -1);
    ok(Number.isNaN(wasm[4]));
    strictEqual(wasm[5], 1);
  },
});

Deno.test({
  name: "sigmoid() on the wasm path is within 4 ulp of the TypeScript path above -700",
  ignore,
  fn: () => {
    const x = inputs(200_000, 750);
    const both = bothUnary("sigmoid", x);
    const w = worst(x, both, (v) => !(v < -700));
    ok(w.ulp <= 4, `sigmoid: ${w.ulp} ulp at x = ${w.x}`);
    // Below, both are under 1e-304 (wasm gives 0 from -709.79 on, as PyTorch's 1 / (1 + e^-x)).
    for (let i = 0; i < x.length; i++) {
      if (x[i] < -700) ok(both[0][i] <= 1e-304 && both[1][i] <= 1e-304, `sigmoid(${x[i]})`);
    }
    const [wasm] = bothUnary("sigmoid", new Float64Array([Infinity, -Infinity, NaN, -0, -1000]));
    strictEqual(wasm[0], 1);
    ok(Object.is(wasm[1], 0));
    ok(Number.isNaN(wasm[2]));
    strictEqual(wasm[3], 0.5);
    ok(Object.is(wasm[4], 0), "no NaN or -0 from an overflowing e^-x");
  },
});

Deno.test({
  name: "relu() on the wasm path gives the TypeScript path's values: -0 to +0, NaN stays NaN",
  ignore,
  fn: () => {
    // Odd and even lengths; the random signs are what made the TypeScript loop slow.
    for (const n of [1, 2, 7, 1056, 100_001]) {
      const x = inputs(n, 5);
      const [wasm, ts] = bothUnary("relu", x);
      for (let i = 0; i < x.length; i++) {
        ok(Object.is(wasm[i], ts[i]) || (Number.isNaN(wasm[i]) && Number.isNaN(ts[i])), `${x[i]}`);
      }
    }
    const [wasm] = bothUnary("relu", new Float64Array([-0, 0, -Infinity, Infinity, NaN, -1, 2]));
    ok(Object.is(wasm[0], 0) && Object.is(wasm[1], 0), "relu(±0) = +0");
    ok(Object.is(wasm[2], 0));
    strictEqual(wasm[3], Infinity);
    ok(Number.isNaN(wasm[4]));
    ok(Object.is(wasm[5], 0));
    strictEqual(wasm[6], 2);
  },
});

Deno.test({
  name: "float32 unary ops on the wasm path round the float64 result once, as TypeScript",
  ignore,
  fn: () => {
    for (const op of ["exp", "tanh", "sigmoid", "relu"] as const) {
      const t = tensor(inputs(50_001, op === "tanh" ? 10 : 80), { dtype: "float32" });
      const wasm = withMode("always", () => t[op]().toTypedArray());
      const ts = withMode("off", () => t[op]().toTypedArray());
      let differ = 0;
      for (let i = 0; i < ts.length; i++) {
        if (!Object.is(wasm[i], ts[i])) {
          differ++;
          const f32Ulp = Math.abs(ts[i]) * 2 ** -23;
          ok(Math.abs(wasm[i] - ts[i]) <= f32Ulp, `${op}(${t.toTypedArray()[i]})`);
        }
      }
      // A double rounding can differ only where the float64 values straddle a float32 tie.
      ok(differ <= 2, `${op}: ${differ} float32 results differ`);
    }
  },
});

/** Rows of deterministic values with -inf, NaN and huge entries in a few rows. */
function rowsOf(rows: number, len: number, dtype: DType) {
  const data = inputs(rows * len, 30).subarray(EDGES.length);
  if (rows > 3 && len > 1) {
    data.fill(-Infinity, 0, len); // an all -inf row: NaN, as in PyTorch
    data[len] = NaN;
    data[2 * len] = Infinity;
    data[3 * len] = 1e300;
  }
  return tensor(data, { shape: [rows, len], dtype });
}

Deno.test({
  name: "softmax() and logSoftmax() over the last axis on the wasm path match TypeScript",
  ignore,
  fn: async (t) => {
    // Short and odd rows, one row longer than a 16384-element chunk, many rows over chunks.
    const shapes: [number, number][] = [[1, 1], [5, 3], [7, 32], [3, 20_001], [9100, 3], [
      700,
      33,
    ]];
    for (const dtype of ["float64", "float32"] as const) {
      for (const [rows, len] of shapes) {
        for (const op of ["softmax", "logSoftmax"] as const) {
          await t.step(`${op} ${dtype} [${rows}, ${len}]`, () => {
            const x = rowsOf(rows, len, dtype);
            const wasm = withMode("always", () => x[op]());
            const ts = withMode("off", () => x[op]());
            // Only exp differs (≤ 1 ulp): a few ulps after the sum and the division or log.
            // NaN rows (all -inf, a NaN, +inf) must be NaN on both paths; assertClose
            // counts NaN as a mismatch, so those are checked here and left out of it.
            const [w, r] = [wasm.toTypedArray(), ts.toTypedArray()];
            const keep: number[] = [];
            for (let i = 0; i < r.length; i++) {
              strictEqual(Number.isNaN(w[i]), Number.isNaN(r[i]), `NaN at ${i}`);
              if (!Number.isNaN(r[i])) keep.push(i);
            }
            const pick = (a: ArrayLike<number>) => tensor(keep.map((i) => a[i]));
            assertClose(pick(w), pick(r), { rtol: dtype === "float64" ? 1e-14 : 1e-6, atol: 0 });
          });
        }
      }
    }
  },
});

Deno.test({
  name: "wasmUnary() computes an op it has a kernel for and declines (writing nothing) another",
  ignore,
  fn: () => {
    const src = new Float64Array(8).fill(0.5);
    const out = new Float64Array(src.length);
    strictEqual(wasmUnary("abs", src, out, src.length), false);
    strictEqual(out[0], 0, "nothing written when declining");
    strictEqual(wasmUnary("tanh", src, out, src.length), true);
    strictEqual(out[0], Math.tanh(0.5));
  },
});

Deno.test("softmaxBlocks() covers every row once, in blocks of an even element count but the last", () => {
  for (
    const [rows, len] of [[4000, 33], [5, 16385], [2048, 64], [7, 1], [1, 99999], [100, 16383]]
  ) {
    const blocks = softmaxBlocks(rows, len);
    let next = 0;
    blocks.forEach(([row, count], i) => {
      strictEqual(row, next, `${rows}×${len}: block ${i} starts where the last ended`);
      ok(count > 0);
      if (i < blocks.length - 1) strictEqual((count * len) % 2, 0, `${rows}×${len}: block ${i}`);
      next = row + count;
    });
    strictEqual(next, rows, `${rows}×${len}: every row`);
  }
  strictEqual(softmaxBlocks(4000, 33)[0][1], 496); // 16,384 / 33 = 496 rows, already even
  strictEqual(softmaxBlocks(5, 16385)[0][1], 2); // one odd row would be odd: two
});
