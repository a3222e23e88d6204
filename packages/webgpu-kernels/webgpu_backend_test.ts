// Conformance of every Backend kernel on WebGPU against the CPU backend, in
// float32 and float64, at the float32 tolerances of docs/numerics.md (rtol 1e-4, atol
// 1e-5): elementwise with broadcasting and special values, reductions over
// every axis, softmax, matmul with transposes and batches, permute, gather,
// concat, fill and cast.

import {
  assertClose,
  concat,
  full,
  manualSeed,
  randn,
  type Tensor,
  tensor,
  zeros,
} from "@glassbox/tensor";
import type { BinaryOp, ReduceOp, UnaryOp } from "@glassbox/tensor/backend";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { assertMatchesCpu, type MatchReport, setupWebGPUTests } from "./testing.ts";
import { BINARY_WGSL, UNARY_WGSL } from "./_wgsl_elementwise.ts";

const { device, ignore } = await setupWebGPUTests("webgpu_backend_test.ts");
const gpu = device!;

/** Worst errors per kernel, printed by the last test. */
const worst = new Map<string, MatchReport>();
function note(kernel: string, r: MatchReport): void {
  const w = worst.get(kernel);
  worst.set(kernel, {
    maxAbsFloat32: Math.max(r.maxAbsFloat32, w?.maxAbsFloat32 ?? 0),
    maxAbsFloat64: Math.max(r.maxAbsFloat64, w?.maxAbsFloat64 ?? 0),
    toleranceUsed: Math.max(r.toleranceUsed, w?.toleranceUsed ?? 0),
  });
}

async function match(
  kernel: string,
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  inputs: Tensor[],
  options: { equalNan?: boolean; float64?: boolean; message?: string } = {},
): Promise<void> {
  const report = await assertMatchesCpu((_, ...xs) => fn(...xs), inputs, {
    device: gpu,
    message: `${kernel}${options.message ? ` (${options.message})` : ""}`,
    ...options,
  });
  note(kernel, report);
}

function rnd(shape: number[], seed: number): Tensor {
  manualSeed(seed);
  return randn(shape);
}

/** Values rounded to integers, so comparisons see many ties. */
function rounded(t: Tensor): Tensor {
  return tensor(Array.from(t.toTypedArray(), Math.round), { shape: t.shape });
}

const test = (name: string, fn: () => Promise<void> | void) => Deno.test({ name, ignore, fn });

const SPECIALS = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2,
  -2,
  3,
  -3,
  1e-30,
  1e-6,
  88,
  89,
  -88,
  -104,
  1e4,
];

test("upload(), read() and fill() round-trip float32 values exactly", async () => {
  const values = [0, -0, 1.5, -2.25, 1e-38, 3.4e38, Math.fround(0.1)];
  const x = tensor(values, { dtype: "float32", device: gpu });
  deepStrictEqual(Array.from(await x.readTypedArray()), values.map(Math.fround));
  deepStrictEqual(await full([2, 3], 0.1, { dtype: "float32", device: gpu }).read(), [
    [Math.fround(0.1), Math.fround(0.1), Math.fround(0.1)],
    [Math.fround(0.1), Math.fround(0.1), Math.fround(0.1)],
  ]);
  deepStrictEqual(await zeros([0, 3], { dtype: "float32", device: gpu }).read(), []);
  const nan = Array.from(await full([2], NaN, { dtype: "float32", device: gpu }).readTypedArray());
  ok(nan.every((v) => Number.isNaN(v)));
  deepStrictEqual(await x.clone().read(), await x.read()); // cast float32 → float32
});

test("unary kernels match the CPU on every operation", async () => {
  const ops = Object.keys(UNARY_WGSL) as UnaryOp[];
  const x = rnd([37, 29], 1).mul(3);
  const positive = x.abs().add(1e-3);
  for (const op of ops) {
    const input = op === "log" || op === "sqrt" ? positive : x;
    await match(`unary:${op}`, (t) => t[op](), [input], { message: "random" });
  }
});

test("unary kernels match the CPU at NaN, ±inf, ±0 and overflow points", async () => {
  const x = tensor(SPECIALS);
  for (const op of Object.keys(UNARY_WGSL) as UnaryOp[]) {
    await match(`unary:${op}`, (t) => t[op](), [x], {
      equalNan: true,
      float64: false, // float64 does not overflow where float32 does
      message: "specials",
    });
  }
});

test("tanh and sigmoid keep full relative precision near 0 and saturate far from it", async () => {
  const x = tensor([1e-30, -1e-20, 1e-10, 1e-6, -1e-4, 0.3, 0.624, 0.626, -5, 9.5, -50, 80, -200]);
  for (const op of ["tanh", "sigmoid"] as const) {
    await match(`unary:${op}`, (t) => t[op](), [x], { message: "tiny and huge" });
    const got = await x.to("float32").to(gpu)[op]().readTypedArray();
    const want = x.to("float32")[op]().toTypedArray();
    assertClose(got, want, { rtol: 1e-5, atol: 0, message: `${op} relative precision` });
  }
});

test("binary kernels match the CPU on every operation and broadcast pattern", async () => {
  const shapes: [number[], number[]][] = [
    [[5, 7], [5, 7]],
    [[5, 7], [7]],
    [[5, 1], [1, 7]],
    [[2, 1, 3], [4, 1]],
    [[], [6]],
    [[6], []],
    [[2, 3, 4, 5], [3, 1, 5]],
    [[3, 1, 4, 1], [1, 2, 1, 6]],
    [[0, 3], [3]],
  ];
  for (const op of Object.keys(BINARY_WGSL) as BinaryOp[]) {
    for (const [i, [sa, sb]] of shapes.entries()) {
      let a = rnd(sa, 10 + i), b = rnd(sb, 20 + i);
      if (op === "pow") a = a.abs().add(0.5);
      if (op.startsWith("greater") || op.startsWith("less") || op === "equal") {
        a = rounded(a), b = rounded(b); // many ties
      }
      await match(`binary:${op}`, (x, y) => x[op](y), [a, b], { message: `${sa} ∘ ${sb}` });
    }
  }
});

test("binary kernels match the CPU on every pair of special values", async () => {
  const n = SPECIALS.length;
  const a = tensor(SPECIALS).reshape([n, 1]), b = tensor(SPECIALS).reshape([1, n]);
  for (const op of Object.keys(BINARY_WGSL) as BinaryOp[]) {
    await match(`binary:${op}`, (x, y) => x[op](y), [a, b], {
      equalNan: true,
      float64: false,
      message: "specials",
    });
  }
});

test("pow matches C's pow on negative bases, integer and fractional exponents", async () => {
  const a = tensor([-2, -0.5, -3, -1, 0, -0, 2, 10, 1.5]).reshape([9, 1]);
  const b = tensor([2, 3, -3, 0.5, 1 / 3, 64, -64, 65, 24.5, Infinity, -Infinity]).reshape([1, 11]);
  await match("binary:pow", (x, y) => x.pow(y), [a, b], {
    equalNan: true,
    float64: false,
    message: "negative bases",
  });
});

test("reductions match the CPU over every axis, short (serial) and long (tree)", async () => {
  const ops: ReduceOp[] = ["sum", "max", "min", "argmax", "argmin"];
  for (const shape of [[4, 5, 6], [3, 70, 5], [2, 3, 300], [1000]]) {
    const x = rnd(shape, 3);
    for (const op of ops) {
      for (let axis = 0; axis < shape.length; axis++) {
        await match(`reduce:${op}`, (t) => t[op](axis), [x], {
          message: `[${shape}] axis ${axis}`,
        });
      }
      await match(`reduce:${op}`, (t) => t[op](), [x], { message: `[${shape}] all` });
    }
  }
  const mean = rnd([9, 130], 4);
  await match("reduce:sum", (t) => t.mean(1, { keepDims: true }), [mean], { message: "mean" });
});

test("argmax/argmin give the first index on ties and NaN wins, as on the CPU", async () => {
  const rows = [
    [1, 3, 3, 2],
    [NaN, 1, NaN, 5],
    [2, 2, 2, 2],
    [-Infinity, -Infinity, 0, 0],
    [0, -0, 1, NaN],
  ];
  const short = tensor(rows);
  const long = tensor(Array.from({ length: 300 }, (_, i) => (i % 97 === 13 ? 7 : i % 5)));
  const longNan = tensor(Array.from({ length: 300 }, (_, i) => (i === 250 || i === 280 ? NaN : i)));
  for (const op of ["argmax", "argmin", "max", "min"] as const) {
    await match(`reduce:${op}`, (t) => t[op](1), [short], { equalNan: true, message: "ties" });
    await match(`reduce:${op}`, (t) => t[op](), [long], { message: "long ties" });
    await match(`reduce:${op}`, (t) => t[op](), [longNan], { equalNan: true, message: "long NaN" });
  }
});

test("sum is deterministic: the same input gives bit-identical results run after run", async () => {
  const x = rnd([3, 100_003], 5).mul(1e3).to("float32").to(gpu);
  const first = await x.sum(1).readTypedArray();
  for (let run = 0; run < 3; run++) {
    deepStrictEqual(await x.sum(1).readTypedArray(), first);
    deepStrictEqual(await x.sum().readTypedArray(), await x.sum().readTypedArray());
  }
  x.dispose();
});

test("softmax and logSoftmax match the CPU over every axis and at large magnitudes", async () => {
  for (const op of ["softmax", "logSoftmax"] as const) {
    for (const [shape, scale] of [[[4, 7, 3], 1], [[5, 300], 30], [[6, 10], 1e4]] as const) {
      const x = rnd([...shape], 6).mul(scale);
      for (let axis = 0; axis < shape.length; axis++) {
        await match(`softmax:${op}`, (t) => t[op](axis), [x], { message: `[${shape}]·${scale}` });
      }
    }
    const edge = tensor([[1000, 1000, -1000], [-Infinity, -Infinity, -Infinity], [0, NaN, 1], [
      -Infinity,
      0,
      1,
    ]]);
    await match(`softmax:${op}`, (t) => t[op](), [edge], { equalNan: true, message: "edges" });
  }
});

test("matmul matches the CPU for every transpose, sizes off the tile grid and batches", async () => {
  // Every register block: 1 (thin sides), 4 and 8 rows/columns per invocation.
  const sizes = [
    [1, 1, 1],
    [7, 13, 5],
    [17, 33, 70],
    [65, 97, 130],
    [130, 3, 200],
    [3, 130, 64],
    [50, 60, 33],
    [129, 100, 47],
  ];
  for (const [m, n, k] of sizes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = rnd(ta ? [k, m] : [m, k], m + k);
        const b = rnd(tb ? [n, k] : [k, n], n + k);
        await match("matmul", (x, y) => x.matmul(y, { transposeA: ta, transposeB: tb }), [a, b], {
          message: `${m}×${k}·${k}×${n} ta=${ta} tb=${tb}`,
        });
      }
    }
  }
});

test("matmul batches with broadcasting, vectors and an empty k", async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 9, 11], [3, 11, 5], false, false],
    [[2, 1, 9, 11], [3, 5, 11], false, true],
    [[4, 70, 11], [70, 66], true, false],
    [[11], [11, 6], false, false],
    [[5, 11], [11], false, false],
    [[3, 0], [0, 4], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    await match("matmul", (x, y) => x.matmul(y, { transposeA: ta, transposeB: tb }), [
      rnd(sa, 7),
      rnd(sb, 8),
    ], { message: `[${sa}]·[${sb}]` });
  }
  // A bias (a dense layer's + b): the GPU backend does not fuse it; the tensor adds it.
  await match("matmul", (x, w, b) => x.matmul(w, { transposeB: true, bias: b }), [
    rnd([9, 11], 9),
    rnd([5, 11], 10),
    rnd([5], 11),
  ], { message: "bias" });
});

test("permute, transpose, gather, slice and concat match the CPU exactly", async () => {
  const x = rnd([2, 3, 4, 5], 9);
  for (const perm of [[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2], [0, 2, 3, 1], [2, 0, 1, 3]]) {
    await match("permute", (t) => t.permute(perm), [x], { message: `[${perm}]` });
  }
  await match("permute", (t) => t.transpose(), [rnd([33, 17], 1)], { message: "2-D" });
  const rows = rnd([10, 6], 11);
  await match("gatherRows", (t) => t.gather([9, 0, 0, 4, -1]), [rows]);
  await match("gatherRows", (t) => [t.slice(2, 7), t.slice(5, 5)], [rows], { message: "slice" });
  const [p, q] = [rnd([4, 2, 3], 12), rnd([4, 5, 3], 13)];
  await match("concat", (a, b) => concat([a, b, a], 1), [p, q], { message: "axis 1" });
  await match("concat", (a, b) => concat([a, b], 0), [p.reshape([8, 3]), q.reshape([20, 3])], {
    message: "axis 0",
  });
});

test("float64 is refused with a TypeError, never downcast", () => {
  throws(() => tensor([1, 2], { dtype: "float64", device: gpu }), TypeError);
  throws(() => tensor([1, 2]).to(gpu), /float64/);
  throws(() => gpu.backend.upload([1], "float64"), /WGSL has no f64/);
  const x = tensor([1], { dtype: "float32", device: gpu });
  throws(() => x.to("float64"), TypeError);
  throws(() => x.toArray(), /read\(\)|readTypedArray/);
});

test("a disposed tensor or a storage of another device is a ReferenceError", () => {
  const x = tensor([1, 2, 3, 4], { dtype: "float32", device: gpu });
  x.dispose();
  throws(() => x.exp(), ReferenceError);
  throws(() => gpu.backend.unary("exp", new Float32Array(4), 4, "float32"), /does not belong/);
});

test("no WebGPU validation error was reported during the suite", () => {
  deepStrictEqual(gpu.errors(), []);
  strictEqual(gpu.memory().liveStagingBuffers, 0);
  const table = [...worst].map(([kernel, r]) =>
    `  ${kernel.padEnd(22)} max|Δ| vs f32 ${r.maxAbsFloat32.toExponential(2)}, vs f64 ${
      r.maxAbsFloat64.toExponential(2)
    }, tolerance used ${(100 * r.toleranceUsed).toFixed(1)}%`
  );
  console.log(`WebGPU vs CPU, worst errors per kernel (${gpu.adapter}):\n${table.join("\n")}`);
});
