import { arange, assertClose, cpu, type Device, type Tensor, tensor, zeros } from "./mod.ts";
import { type Backend, type Storage, storageOf } from "./seam.ts";
import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { lcgTensor as values, throwsWith, trackedFused } from "./_test_util.ts";

/** A CPU device whose backend counts live storages, to test that operations release what they make. */
function countingDevice(): { device: Device; live: () => number } {
  const base = cpu.backend;
  const live = new Set<Storage>();
  const track = (s: Storage): Storage => (live.add(s), s);
  const backend: Backend = {
    name: "counting",
    upload: (v, d) => track(base.upload(v, d)),
    fill: (n, v, d) => track(base.fill(n, v, d)),
    read: (s, d) => base.read(s, d),
    readSync: (s, d) => base.readSync(s, d),
    dispose: (s) => {
      if (!live.delete(s)) throw new Error("storage disposed twice");
    },
    cast: (x, n, from, to) => track(base.cast(x, n, from, to)),
    unary: (op, x, n, d) => track(base.unary(op, x, n, d)),
    binary: (op, a, b, shapes, d) => track(base.binary(op, a, b, shapes, d)),
    reduce: (op, x, dims, d) => track(base.reduce(op, x, dims, d)),
    softmax: (op, x, dims, d) => track(base.softmax(op, x, dims, d)),
    matmul: (a, b, info) => track(base.matmul(a, b, info)),
    permute: (x, shape, perm, d) => track(base.permute(x, shape, perm, d)),
    gatherRows: (x, index, len, d) => track(base.gatherRows(x, index, len, d)),
    concat: (parts, outer, chunks, d) => track(base.concat(parts, outer, chunks, d)),
    ...trackedFused(base, track),
  };
  return {
    device: { name: "counting", backend, dtypes: ["float64", "float32"] },
    live: () => live.size,
  };
}

// ------------------------------------------------------------------ elementwise

Deno.test("add() broadcasts [2, 1] with [1, 3] to [2, 3]", () => {
  const y = tensor([[1], [2]]).add(tensor([[10, 20, 30]]));
  deepStrictEqual(y.shape, [2, 3]);
  deepStrictEqual(y.toArray(), [[11, 21, 31], [12, 22, 32]]);
});

Deno.test("add() accepts a number operand, rounded to the tensor's dtype", () => {
  const y = tensor([0, 1], { dtype: "float32" }).add(0.1);
  strictEqual(y.dtype, "float32");
  deepStrictEqual(y.toArray(), [Math.fround(0.1), Math.fround(1 + Math.fround(0.1))]);
});

Deno.test("sub(), mul() and div() broadcast a scalar tensor on the left", () => {
  const s = tensor(12);
  deepStrictEqual(s.sub(tensor([2, 4])).toArray(), [10, 8]);
  deepStrictEqual(s.mul(tensor([[2], [4]])).toArray(), [[24], [48]]);
  deepStrictEqual(s.div(tensor([3, 0])).toArray(), [4, Infinity]);
});

Deno.test("pow() follows C's pow when the base is 1 or -1 and the exponent is NaN or infinite", () => {
  const y = tensor([1, 1, -1, -1, 2]).pow(tensor([NaN, -Infinity, Infinity, -Infinity, NaN]));
  deepStrictEqual(y.toArray(), [1, 1, 1, 1, NaN]);
});

Deno.test("comparisons return 1 and 0 in the tensor's dtype, and 0 for NaN", () => {
  const a = tensor([1, 2, NaN], { dtype: "float32" });
  const b = tensor([2, 2, NaN], { dtype: "float32" });
  strictEqual(a.less(b).dtype, "float32");
  deepStrictEqual(a.equal(b).toArray(), [0, 1, 0]);
  deepStrictEqual(a.greater(b).toArray(), [0, 0, 0]);
  deepStrictEqual(a.greaterEqual(b).toArray(), [0, 1, 0]);
  deepStrictEqual(a.less(b).toArray(), [1, 0, 0]);
  deepStrictEqual(a.lessEqual(b).toArray(), [1, 1, 0]);
});

Deno.test("maximum() and minimum() propagate NaN", () => {
  deepStrictEqual(tensor([NaN, 1]).maximum(tensor([0, NaN])).toArray(), [NaN, NaN]);
  deepStrictEqual(tensor([NaN, 1, 3]).minimum(2).toArray(), [NaN, 1, 2]);
});

Deno.test("sign() returns NaN for NaN and keeps the sign of zero", () => {
  const y = tensor([-3, -0, 0, 5, NaN]).sign().toArray() as number[];
  deepStrictEqual(y, [-1, -0, 0, 1, NaN]);
  strictEqual(Object.is(y[1], -0), true);
});

Deno.test("sigmoid() and exp() neither overflow nor lose 0.5 when inputs are large", () => {
  deepStrictEqual(tensor([-800, 0, 800]).sigmoid().toArray(), [0, 0.5, 1]);
  deepStrictEqual(tensor([710, -746]).exp().toArray(), [Infinity, 0]);
});

Deno.test("relu() zeroes negatives and passes NaN through", () => {
  deepStrictEqual(tensor([-2, 0, 3, NaN]).relu().toArray(), [0, 0, 3, NaN]);
});

Deno.test("clamp() applies one bound when the other is omitted", () => {
  const x = tensor([-2, 0.5, 3]);
  deepStrictEqual(x.clamp(0).toArray(), [0, 0.5, 3]);
  deepStrictEqual(x.clamp(undefined, 1).toArray(), [-2, 0.5, 1]);
  const copy = x.clamp();
  deepStrictEqual(copy.toArray(), [-2, 0.5, 3]);
  notStrictEqual(storageOf(copy), storageOf(x));
});

Deno.test("float32 tensors store float32-rounded values and round every result", () => {
  const x = tensor([0.1, 1 / 3, 16777217], { dtype: "float32" });
  deepStrictEqual(x.toArray(), [Math.fround(0.1), Math.fround(1 / 3), 16777216]);
  strictEqual(x.toTypedArray() instanceof Float32Array, true);
  const y = x.mul(tensor([3, 3, 1], { dtype: "float32" }));
  strictEqual(y.toTypedArray()[0], Math.fround(Math.fround(0.1) * 3));
  strictEqual(x.exp().toTypedArray()[1], Math.fround(Math.exp(Math.fround(1 / 3))));
});

// ------------------------------------------------------------------ matmul

for (const [m, k, n] of [[3, 4, 5], [70, 300, 45], [130, 257, 9]]) {
  for (const dtype of ["float64", "float32"] as const) {
    Deno.test(`matmul() transpose flags give the explicit transpose's result when ${dtype} [${m}, ${k}] @ [${k}, ${n}]`, () => {
      const a = values([m, k], 1, dtype), b = values([k, n], 2, dtype);
      const at = a.transpose(), bt = b.transpose();
      const reference = a.matmul(b);
      const exact = { rtol: 0, atol: 0 };
      assertClose(at.matmul(b, { transposeA: true }), reference, exact);
      assertClose(a.matmul(bt, { transposeB: true }), reference, exact);
      assertClose(at.matmul(bt, { transposeA: true, transposeB: true }), reference, exact);
    });
  }
}

Deno.test("matmul() agrees with a naive triple loop when the packed path runs", () => {
  const [m, k, n] = [67, 300, 70];
  const a = values([m, k], 3), b = values([k, n], 4);
  const av = a.toTypedArray(), bv = b.toTypedArray();
  const naive = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += av[i * k + p] * bv[p * n + j];
      naive[i * n + j] = s;
    }
  }
  assertClose(a.matmul(b), tensor(naive, { shape: [m, n] }), { rtol: 1e-12, atol: 1e-12 * 20 });
});

Deno.test("matmul() broadcasts batch axes and drops the axis of a 1-D operand", () => {
  deepStrictEqual(zeros([2, 1, 3, 4]).matmul(zeros([3, 4, 2])).shape, [2, 3, 3, 2]);
  deepStrictEqual(zeros([4]).matmul(zeros([2, 4, 5])).shape, [2, 5]);
  deepStrictEqual(zeros([2, 3, 4]).matmul(zeros([4])).shape, [2, 3]);
  strictEqual(tensor([1, 2]).matmul(tensor([3, 4])).item(), 11);
});

// ------------------------------------------------------------------ reductions, softmax

Deno.test("sum() keeps a length-1 axis when keepDims is true", () => {
  const x = arange(6).reshape([2, 3]);
  deepStrictEqual(x.sum(1, { keepDims: true }).toArray(), [[3], [12]]);
  deepStrictEqual(x.sum(-2).toArray(), [3, 5, 7]);
  deepStrictEqual(x.sum(undefined, { keepDims: true }).toArray(), [[15]]);
  strictEqual(x.sum().rank, 0);
});

Deno.test("mean() divides by the reduced length when an axis is given", () => {
  const x = arange(6).reshape([2, 3]);
  deepStrictEqual(x.mean(0).toArray(), [1.5, 2.5, 3.5]);
  strictEqual(x.mean().item(), 2.5);
});

Deno.test("argmax() and argmin() return the first index when values tie or one is NaN", () => {
  const x = tensor([[1, 3, 3], [2, NaN, 2]]);
  deepStrictEqual(x.argmax(1).toArray(), [1, 1]);
  deepStrictEqual(x.argmin(1).toArray(), [0, 1]);
  deepStrictEqual(x.max(1).toArray(), [3, NaN]);
  strictEqual(tensor([[4, 1], [1, 4]]).argmax().item(), 0);
});

Deno.test("softmax() sums to 1 along the axis and stays finite when inputs are large", () => {
  const x = tensor([[1000, 1001, 1002], [-1000, 0, 1000]]);
  const p = x.softmax();
  assertClose(p.sum(1), [1, 1]);
  assertClose(p.slice(0, 1).log(), x.slice(0, 1).logSoftmax());
  deepStrictEqual(x.logSoftmax().slice(1).toArray(), [[-2000, -1000, 0]]);
  const e = Math.E / (1 + Math.E);
  assertClose(tensor([[0, 0], [1, 1]]).softmax(0), [[1 - e, 1 - e], [e, e]]);
});

Deno.test("softmax() gives NaN when a row is all -Infinity, as PyTorch does", () => {
  deepStrictEqual(tensor([[-Infinity, -Infinity], [-Infinity, 0]]).softmax().toArray(), [
    [NaN, NaN],
    [0, 1],
  ]);
});

// ------------------------------------------------------------------ shape ops and memory

Deno.test("reshape() shares storage with the original when shapes differ", () => {
  const x = arange(6);
  const y = x.reshape([2, -1]);
  deepStrictEqual(y.shape, [2, 3]);
  strictEqual(storageOf(y), storageOf(x));
  strictEqual(storageOf(x.flatten()), storageOf(x));
  strictEqual(storageOf(x.unsqueeze(0)), storageOf(x));
});

Deno.test("dispose() of one view leaves the other readable when they share storage", () => {
  const x = arange(6);
  const y = x.reshape([3, 2]);
  x.dispose();
  strictEqual(x.disposed, true);
  deepStrictEqual(y.toArray(), [[0, 1], [2, 3], [4, 5]]);
  const z = y.reshape([6]);
  y.dispose();
  deepStrictEqual(z.toArray(), [0, 1, 2, 3, 4, 5]);
  z.dispose();
  z.dispose(); // idempotent
  strictEqual(z.disposed, true);
});

Deno.test("dispose() releases the storage when the last view sharing it is disposed", () => {
  const { device, live } = countingDevice();
  const x = tensor([1, 2, 3, 4], { device });
  const y = x.reshape([2, 2]);
  strictEqual(live(), 1);
  y.dispose();
  strictEqual(live(), 1);
  x.dispose();
  strictEqual(live(), 0);
  {
    using _t = tensor([1], { device });
    strictEqual(live(), 1);
  }
  strictEqual(live(), 0);
});

Deno.test("operations release their intermediates when composed from kernels", () => {
  const { device, live } = countingDevice();
  const x = tensor([[1, -2], [3, 4]], { device });
  const results = [
    x.mean(),
    x.mean(0),
    x.add(1),
    x.pow(2),
    x.clamp(-1, 1),
    x.sum(),
    x.max(),
    x.argmax(),
  ];
  strictEqual(live(), 1 + results.length);
  for (const r of results) r.dispose();
  x.dispose();
  strictEqual(live(), 0);
});

Deno.test("transpose() swaps the last two axes by default and copies a 1-D tensor", () => {
  deepStrictEqual(zeros([2, 3, 4]).transpose().shape, [2, 4, 3]);
  deepStrictEqual(zeros([2, 3, 4]).transpose(0, -1).shape, [4, 3, 2]);
  const v = tensor([1, 2]);
  const t = v.transpose();
  deepStrictEqual(t.toArray(), [1, 2]);
  notStrictEqual(storageOf(t), storageOf(v));
});

Deno.test("slice() clamps bounds and counts negatives from the end", () => {
  const x = arange(5);
  deepStrictEqual(x.slice(-2).toArray(), [3, 4]);
  deepStrictEqual(x.slice(3, 100).toArray(), [3, 4]);
  deepStrictEqual(x.slice(3, 1).shape, [0]);
});

Deno.test("gather() picks rows by index when indices repeat or are negative", () => {
  deepStrictEqual(tensor([[1, 2], [3, 4], [5, 6]]).gather([2, -3, 2]).toArray(), [[5, 6], [1, 2], [
    5,
    6,
  ]]);
  deepStrictEqual(tensor([[1, 2]]).gather(new Int32Array([0, 0])).shape, [2, 2]);
});

Deno.test("clone() and to() copy only when something changes", () => {
  const x = tensor([0.1]);
  notStrictEqual(storageOf(x.clone()), storageOf(x));
  strictEqual(x.to("float64"), x);
  strictEqual(x.to(cpu), x);
  const y = x.to("float32");
  strictEqual(y.dtype, "float32");
  strictEqual(y.item(), Math.fround(0.1));
});

Deno.test("toString() shows shape, dtype, device and values when the tensor is small", () => {
  strictEqual(String(tensor([[1, 2]])), "Tensor([1, 2], float64, cpu) [[1,2]]");
  const x = tensor([1]);
  x.dispose();
  strictEqual(String(x), "Tensor([1], float64, cpu) <disposed>");
});

// ------------------------------------------------------------------ errors

Deno.test("matmul() throws a TypeError naming both shapes when inner dimensions differ", () => {
  throwsWith(
    () => zeros([2, 3]).matmul(zeros([4, 5])),
    TypeError,
    "Cannot matmul",
    "[2, 3]",
    "[4, 5]",
    "3 != 4",
  );
});

Deno.test("matmul() throws a TypeError marking the transposed operand when transposeA misaligns", () => {
  throwsWith(
    () => zeros([3, 2]).matmul(zeros([4, 5]), { transposeA: true }),
    TypeError,
    "Cannot matmul",
    "[3, 2] (transposed)",
    "[4, 5]",
    "3 != 4",
  );
});

Deno.test("matmul() throws a TypeError marking the transposed operand when transposeB misaligns", () => {
  throwsWith(
    () => zeros([2, 3]).matmul(zeros([3, 4]), { transposeB: true }),
    TypeError,
    "Cannot matmul",
    "[2, 3] and [3, 4] (transposed)",
    "3 != 4",
  );
});

Deno.test("matmul() throws a TypeError naming both operands when batch axes do not broadcast", () => {
  throwsWith(
    () => zeros([2, 3, 4]).matmul(zeros([3, 4, 5])),
    TypeError,
    "Cannot matmul",
    "[2, 3, 4] and [3, 4, 5]",
    "2 != 3",
  );
});

Deno.test("matmul() throws a TypeError when an operand is a scalar", () => {
  throwsWith(
    () => zeros([2, 3]).matmul(tensor(2)),
    TypeError,
    "Cannot matmul",
    "[2, 3] and []",
    "at least 1-D",
  );
});

Deno.test("add() throws a TypeError naming both shapes when they do not broadcast", () => {
  throwsWith(
    () => zeros([2, 3]).add(zeros([4])),
    TypeError,
    "Cannot add",
    "[2, 3] and [4]",
    "3 != 4",
  );
});

Deno.test("mul() throws a TypeError naming both shapes when a leading axis does not broadcast", () => {
  throwsWith(
    () => zeros([2, 3, 4]).mul(zeros([3, 1, 4])),
    TypeError,
    "Cannot mul",
    "[2, 3, 4] and [3, 1, 4]",
  );
});

Deno.test("add() throws a TypeError naming both dtypes when they differ", () => {
  throwsWith(
    () => zeros([2]).add(zeros([2], { dtype: "float32" })),
    TypeError,
    "Cannot add",
    "float64 and float32",
    '.to("float64")',
  );
});

Deno.test("matmul() throws a TypeError naming both dtypes when they differ", () => {
  throwsWith(
    () => zeros([2, 2], { dtype: "float32" }).matmul(zeros([2, 2])),
    TypeError,
    "Cannot matmul",
    "float32 and float64",
  );
});

Deno.test("sub() throws a TypeError when the operand is neither a tensor nor a number", () => {
  throwsWith(() => zeros([2]).sub("1" as unknown as number), TypeError, "Cannot sub", 'got "1"');
});

for (const op of ["sum", "mean", "max", "min", "argmax", "argmin"] as const) {
  Deno.test(`${op}() throws a RangeError naming the axis and rank when the axis is out of range`, () => {
    throwsWith(
      () => zeros([2, 3])[op](2),
      RangeError,
      `Cannot ${op}`,
      "axis 2",
      "rank 2",
      "[-2, 1]",
    );
    throwsWith(() => zeros([2, 3])[op](-3), RangeError, `Cannot ${op}`, "axis -3");
    throwsWith(() => zeros([2, 3])[op](0.5), RangeError, `Cannot ${op}`, "axis 0.5");
  });
}

Deno.test("max() throws a RangeError naming the shape when the axis is empty", () => {
  throwsWith(() => zeros([0, 2]).max(0), RangeError, "Cannot max", "axis 0", "[0, 2]", "empty");
  throwsWith(() => zeros([0]).argmin(), RangeError, "Cannot argmin", "[0]", "empty");
});

Deno.test("softmax() throws a RangeError naming the axis and rank when the axis is out of range", () => {
  throwsWith(
    () => zeros([2, 3]).softmax(2),
    RangeError,
    "Cannot softmax",
    "axis 2",
    "rank 2",
    "[-2, 1]",
  );
});

Deno.test("logSoftmax() throws a RangeError naming the axis and rank when the axis is out of range", () => {
  throwsWith(
    () => zeros([2, 3]).logSoftmax(-3),
    RangeError,
    "Cannot logSoftmax",
    "axis -3",
    "rank 2",
  );
});

Deno.test("softmax() throws a RangeError when the tensor is a scalar", () => {
  throwsWith(() => tensor(1).softmax(), RangeError, "Cannot softmax", "scalar", "at least 1-D");
});

Deno.test("transpose() throws a RangeError naming the axis and rank when an axis is out of range", () => {
  throwsWith(
    () => zeros([2, 3]).transpose(0, 2),
    RangeError,
    "Cannot transpose",
    "axis 2",
    "rank 2",
    "[-2, 1]",
  );
});

Deno.test("unsqueeze() throws a RangeError naming the axis when it is past rank + 1", () => {
  throwsWith(
    () => zeros([2, 3]).unsqueeze(3),
    RangeError,
    "Cannot unsqueeze",
    "axis 3",
    "rank 3",
    "[-3, 2]",
  );
});

Deno.test("permute() throws a RangeError naming the shape when perm is not a permutation", () => {
  throwsWith(() => zeros([2, 3]).permute([0, 0]), RangeError, "Cannot permute", "[0, 0]", "[2, 3]");
  throwsWith(() => zeros([2, 3]).permute([0]), RangeError, "Cannot permute", "[0]", "2 axes");
  throwsWith(() => zeros([2, 3]).permute([0, 2]), RangeError, "Cannot permute", "axis 2");
});

Deno.test("reshape() throws a RangeError naming both shapes when the sizes differ", () => {
  throwsWith(
    () => zeros([2, 3]).reshape([4, 2]),
    RangeError,
    "Cannot reshape [2, 3] to [4, 2]",
    "6 elements",
  );
  throwsWith(
    () => zeros([2, 3]).reshape([4, -1]),
    RangeError,
    "Cannot reshape [2, 3] to [4, -1]",
    "6 elements",
  );
});

Deno.test("reshape() throws a RangeError naming the dimension when it is negative", () => {
  throwsWith(
    () => zeros([6]).reshape([-2, -3]),
    RangeError,
    "Cannot reshape [6] to [-2, -3]",
    "dimension -2",
  );
});

Deno.test("reshape() throws a RangeError naming the dimension when it is not an integer", () => {
  throwsWith(
    () => zeros([6]).reshape([1.5, 4]),
    RangeError,
    "Cannot reshape [6] to [1.5, 4]",
    "dimension 1.5",
  );
});

Deno.test("reshape() throws a RangeError when two dimensions are -1", () => {
  throwsWith(
    () => zeros([6]).reshape([-1, -1]),
    RangeError,
    "Cannot reshape [6] to [-1, -1]",
    "only one",
  );
});

Deno.test("item() throws a RangeError naming the shape when the tensor has several elements", () => {
  throwsWith(
    () => zeros([2, 3]).item(),
    RangeError,
    "Cannot take item",
    "[2, 3]",
    "expected one element",
  );
});

Deno.test("gather() throws a RangeError naming the index and row count when an index is out of range", () => {
  throwsWith(
    () => zeros([3, 2]).gather([0, 3]),
    RangeError,
    "Cannot gather",
    "index[1] = 3",
    "3 rows",
  );
  throwsWith(
    () => zeros([3, 2]).gather([-4]),
    RangeError,
    "Cannot gather",
    "index[0] = -4",
    "3 rows",
  );
  throwsWith(() => zeros([3, 2]).gather([0.5]), RangeError, "Cannot gather", "index[0] = 0.5");
});

Deno.test("slice() throws a RangeError naming the bound when it is not an integer", () => {
  throwsWith(() => zeros([3]).slice(0.5), RangeError, "Cannot slice", "start 0.5");
  throwsWith(() => tensor(1).slice(0), RangeError, "Cannot slice", "scalar");
});

Deno.test("clamp() throws a RangeError naming both bounds when min exceeds max", () => {
  throwsWith(() => zeros([2]).clamp(1, 0), RangeError, "Cannot clamp", "min 1", "max 0");
});

Deno.test("to() throws a TypeError naming the dtype when it is not supported", () => {
  throwsWith(
    () => zeros([2]).to("int32" as "float32"),
    TypeError,
    "Cannot convert tensor",
    '"int32"',
    "float64",
  );
});

// [method, action its message names, which tensor is disposed, the call]
const DISPOSED: [string, string, string, (t: Tensor) => unknown][] = [
  ["add", "add", "the left operand", (t) => t.add(1)],
  ["add", "add", "the right operand", (t) => zeros([2, 3]).add(t)],
  ["matmul", "matmul", "the left operand", (t) => t.matmul(zeros([3, 1]))],
  ["sum", "sum", "the tensor (all elements)", (t) => t.sum()],
  ["mean", "mean", "the tensor (one axis)", (t) => t.mean(0)],
  ["softmax", "softmax", "the tensor", (t) => t.softmax()],
  ["exp", "exp", "the tensor", (t) => t.exp()],
  ["reshape", "reshape", "the tensor", (t) => t.reshape([6])],
  ["transpose", "permute", "the tensor", (t) => t.transpose()],
  ["gather", "gather", "the tensor", (t) => t.gather([0])],
  ["toArray", "read tensor", "the tensor", (t) => t.toArray()],
  ["to", "convert tensor", "the tensor", (t) => t.to("float32")],
];
for (const [method, action, what, use] of DISPOSED) {
  Deno.test(`${method}() throws a ReferenceError naming the shape when ${what} was disposed`, () => {
    const t = zeros([2, 3]);
    t.dispose();
    throwsWith(() => use(t), ReferenceError, `Cannot ${action}`, "[2, 3]", "disposed");
  });
}
