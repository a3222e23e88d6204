// Golden parity of every Tensor operation against PyTorch, float64 and float32.
//
// The fixture tests/golden/tensor_ops.json is written by tasks/golden/tensor_ops.py:
// inputs drawn in Python and torch's outputs. Each case is replayed here and
// compared with the tolerances of the numerics contract (docs/numerics.md):
//
// - exact (difference 0) where IEEE 754 fixes the answer: shape ops, selections
//   (max/min/argmax/argmin, maximum/minimum, clamp, relu, abs, neg, sign),
//   comparisons and the correctly rounded + − × ÷ √ (square, reciprocal);
// - float64, other elementwise functions (exp, log, tanh, sigmoid, pow): rtol 1e-12
//   and an atol of the smallest normal float64, so only results that underflow to
//   the subnormal range (where relative precision is lost) may differ absolutely;
// - float64 accumulations (sum, mean, matmul, softmax, logSoftmax): rtol 1e-12 and
//   atol 1e-12 × max |expected|, since the rounding error of a sum scales with
//   its terms, not with an output that cancels to ~0;
// - float32: rtol 1e-4, atol 1e-5.

import { assertClose, concat, type DType, Tensor, tensor } from "@glassbox/tensor";
import { strictEqual } from "node:assert/strict";

interface Data {
  shape: number[];
  data: number[];
}
type Operand = Data | { number: number };
interface Case {
  name: string;
  op: string;
  dtype: DType;
  inputs: Operand[];
  args: Record<string, unknown>;
  expected: Data;
}

const SMALLEST_NORMAL = 2.2250738585072014e-308;
const EXACT = new Set([
  "add",
  "sub",
  "mul",
  "div",
  "maximum",
  "minimum",
  "equal",
  "greater",
  "greaterEqual",
  "less",
  "lessEqual",
  "neg",
  "abs",
  "sign",
  "square",
  "sqrt",
  "reciprocal",
  "relu",
  "clamp",
  "max",
  "min",
  "argmax",
  "argmin",
  "reshape",
  "flatten",
  "unsqueeze",
  "transpose",
  "permute",
  "slice",
  "gather",
  "concat",
  "clone",
  "to",
]);
const ACCUMULATING = new Set(["sum", "mean", "matmul", "softmax", "logSoftmax"]);

const BINARY = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "equal",
  "greater",
  "greaterEqual",
  "less",
]
  .concat(["lessEqual"]);
const UNARY = [
  "neg",
  "abs",
  "sign",
  "square",
  "sqrt",
  "reciprocal",
  "exp",
  "log",
  "tanh",
  "sigmoid",
  "relu",
];
const REDUCE = ["sum", "mean", "max", "min", "argmax", "argmin"];

type BinaryMethod = (this: Tensor, other: Tensor | number) => Tensor;
type UnaryMethod = (this: Tensor) => Tensor;
type ReduceMethod = (this: Tensor, axis?: number, options?: { keepDims?: boolean }) => Tensor;

function decode(_key: string, value: unknown): unknown {
  if (value === "NaN") return NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return value;
}

function operand(x: Operand, dtype: DType): Tensor | number {
  return "number" in x ? x.number : tensor(x.data, { shape: x.shape, dtype });
}

function asTensor(x: Tensor | number): Tensor {
  if (typeof x === "number") throw new TypeError("fixture: expected a tensor operand");
  return x;
}

/** Replays one case with glassbox's API. */
function run(c: Case, inputs: (Tensor | number)[]): Tensor {
  const x = asTensor(inputs[0]);
  const args = c.args;
  if (BINARY.includes(c.op)) {
    return (x as unknown as Record<string, BinaryMethod>)[c.op].call(x, inputs[1]);
  }
  if (UNARY.includes(c.op)) return (x as unknown as Record<string, UnaryMethod>)[c.op].call(x);
  if (REDUCE.includes(c.op)) {
    const method = (x as unknown as Record<string, ReduceMethod>)[c.op];
    const axis = args.axis === null ? undefined : args.axis as number;
    return method.call(x, axis, { keepDims: args.keepDims as boolean });
  }
  switch (c.op) {
    case "clamp":
      return x.clamp(args.min as number | undefined, args.max as number | undefined);
    case "matmul":
      return x.matmul(asTensor(inputs[1]), {
        transposeA: args.transposeA as boolean,
        transposeB: args.transposeB as boolean,
      });
    case "softmax":
      return x.softmax(args.axis as number);
    case "logSoftmax":
      return x.logSoftmax(args.axis as number);
    case "reshape":
      return x.reshape(args.shape as number[]);
    case "flatten":
      return x.flatten();
    case "unsqueeze":
      return x.unsqueeze(args.axis as number);
    case "transpose":
      return "axis0" in args
        ? x.transpose(args.axis0 as number, args.axis1 as number)
        : x.transpose();
    case "permute":
      return x.permute(args.perm as number[]);
    case "slice":
      return x.slice(args.start as number, args.end === null ? undefined : args.end as number);
    case "gather":
      return x.gather(args.index as number[]);
    case "concat":
      return concat(inputs.map(asTensor), args.axis as number);
    case "clone":
      return x.clone();
    case "to":
      return x.to(args.dtype as DType);
  }
  throw new TypeError(`fixture: unknown op ${c.op}`);
}

/** Tolerances of one case, by the rules at the top of this file. */
function tolerances(c: Case): { rtol: number; atol: number } {
  if (EXACT.has(c.op)) return { rtol: 0, atol: 0 };
  if (c.dtype === "float32") return { rtol: 1e-4, atol: 1e-5 };
  if (ACCUMULATING.has(c.op)) {
    let scale = 0;
    for (const v of c.expected.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    return { rtol: 1e-12, atol: 1e-12 * scale };
  }
  return { rtol: 1e-12, atol: SMALLEST_NORMAL };
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./golden/tensor_ops.json", import.meta.url)),
  decode,
) as { cases: Case[] };

Deno.test("tensor op golden: the fixture covers every Tensor operation in both dtypes", () => {
  const covered = new Set(fixture.cases.map((c) => `${c.op} ${c.dtype}`));
  const ops = [
    ...BINARY,
    ...UNARY,
    ...REDUCE,
    "clamp",
    "matmul",
    "softmax",
    "logSoftmax",
    "reshape",
    "flatten",
  ]
    .concat(["unsqueeze", "transpose", "permute", "slice", "gather", "concat", "clone", "to"]);
  for (const op of ops) {
    for (const dtype of ["float64", "float32"]) {
      strictEqual(covered.has(`${op} ${dtype}`), true, `${op} ${dtype}`);
    }
  }
});

Deno.test("tensor op golden", async (t) => {
  for (const c of fixture.cases) {
    await t.step(`tensor op golden: ${c.name}`, () => {
      const inputs = c.inputs.map((x) => operand(x, c.dtype));
      const actual = run(c, inputs);
      const outDtype = c.op === "to" ? c.args.dtype as DType : c.dtype;
      strictEqual(actual.dtype, outDtype, "dtype of the result");
      const expected = tensor(c.expected.data, { shape: c.expected.shape, dtype: "float64" });
      assertClose(actual, expected, { ...tolerances(c), equalNan: true, message: c.name });
      for (const x of [...inputs, actual, expected]) if (x instanceof Tensor) x.dispose();
    });
  }
});
