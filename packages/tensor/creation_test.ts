import {
  arange,
  concat,
  full,
  getDefaultDtype,
  ones,
  setDefaultDtype,
  tensor,
  zeros,
} from "./mod.ts";
import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { throwsWith } from "./_test_util.ts";
import { storageOf } from "./seam.ts";

// ------------------------------------------------------------------ behaviour

Deno.test("tensor() infers the shape when given nested arrays", () => {
  const x = tensor([[[1], [2]], [[3], [4]], [[5], [6]]]);
  deepStrictEqual(x.shape, [3, 2, 1]);
  strictEqual(x.dtype, "float64");
  deepStrictEqual(x.toArray(), [[[1], [2]], [[3], [4]], [[5], [6]]]);
});

Deno.test("tensor() makes a scalar when given a number", () => {
  const x = tensor(2.5);
  deepStrictEqual(x.shape, []);
  strictEqual(x.item(), 2.5);
  strictEqual(x.toArray(), 2.5);
});

Deno.test("tensor() keeps empty axes when given empty arrays", () => {
  deepStrictEqual(tensor([]).shape, [0]);
  deepStrictEqual(tensor([[], []]).shape, [2, 0]);
});

Deno.test("tensor() is float32 when given a Float32Array and no dtype", () => {
  const x = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
  strictEqual(x.dtype, "float32");
  deepStrictEqual(x.toArray(), [[1, 2], [3, 4]]);
  strictEqual(tensor(new Float32Array([1]), { dtype: "float64" }).dtype, "float64");
});

Deno.test("tensor() copies its data when given a typed array", () => {
  const data = new Float64Array([1, 2]);
  const x = tensor(data);
  data[0] = 99;
  deepStrictEqual(x.toArray(), [1, 2]);
});

Deno.test("tensor() rounds values to float32 when dtype is float32", () => {
  const x = tensor([[0.1, 1e-46], [3.5e38, 1e39]], { dtype: "float32" });
  deepStrictEqual(x.toArray(), [[Math.fround(0.1), 0], [Math.fround(3.5e38), Infinity]]);
  strictEqual(x.toTypedArray() instanceof Float32Array, true);
});

Deno.test("setDefaultDtype() changes the dtype of creation functions when none is given", () => {
  setDefaultDtype("float32");
  try {
    for (const t of [tensor([1]), zeros([1]), ones([1]), full([1], 2), arange(2)]) {
      strictEqual(t.dtype, "float32");
    }
    strictEqual(tensor([1], { dtype: "float64" }).dtype, "float64");
  } finally {
    setDefaultDtype("float64");
  }
  strictEqual(getDefaultDtype(), "float64");
});

Deno.test("zeros(), ones() and full() fill the shape when it has zero-length axes", () => {
  deepStrictEqual(zeros([2, 1]).toArray(), [[0], [0]]);
  deepStrictEqual(ones([3]).toArray(), [1, 1, 1]);
  deepStrictEqual(full([2], -Infinity).toArray(), [-Infinity, -Infinity]);
  deepStrictEqual(full([], 7).toArray(), 7);
  deepStrictEqual(zeros([2, 0, 3]).shape, [2, 0, 3]);
  strictEqual(zeros([2, 0, 3]).size, 0);
});

Deno.test("arange() counts from 0 when given one argument", () => {
  deepStrictEqual(arange(4).toArray(), [0, 1, 2, 3]);
  deepStrictEqual(arange(0).shape, [0]);
});

Deno.test("arange() computes start + i * step when the step is fractional or negative", () => {
  deepStrictEqual(arange(1, 2, { step: 0.25 }).toArray(), [1, 1.25, 1.5, 1.75]);
  deepStrictEqual(arange(3, 0, { step: -1 }).toArray(), [3, 2, 1]);
  // torch.arange(0, 1, 0.1) has 10 elements, the last 0.9000000000000001 (0 + 9 * 0.1).
  const x = arange(0, 1, { step: 0.1 }).toArray() as number[];
  strictEqual(x.length, 10);
  strictEqual(x[9], 9 * 0.1);
});

Deno.test("concat() joins along the axis when other dimensions match", () => {
  const a = tensor([[1, 2]]), b = tensor([[3, 4], [5, 6]]);
  deepStrictEqual(concat([a, b]).toArray(), [[1, 2], [3, 4], [5, 6]]);
  deepStrictEqual(concat([a, tensor([[9]])], -1).toArray(), [[1, 2, 9]]);
  deepStrictEqual(concat([a, zeros([0, 2])]).toArray(), [[1, 2]]);
});

Deno.test("concat() copies when given a single tensor", () => {
  const a = tensor([1, 2]);
  const c = concat([a]);
  deepStrictEqual(c.toArray(), [1, 2]);
  notStrictEqual(storageOf(c), storageOf(a));
});

// ------------------------------------------------------------------ errors

Deno.test("tensor() throws a TypeError naming both lengths when a row is short", () => {
  throwsWith(
    () => tensor([[1, 2], [3]]),
    TypeError,
    "Cannot create tensor",
    "ragged",
    "data[1] has length 1",
    "data[0] has length 2",
  );
});

Deno.test("tensor() throws a TypeError naming the path when an array two levels down is short", () => {
  throwsWith(
    () => tensor([[[1, 2], [3, 4]], [[5, 6], [7]]]),
    TypeError,
    "Cannot create tensor",
    "data[1][1] has length 1",
    "data[0][0] has length 2",
  );
});

Deno.test("tensor() throws a TypeError naming the path when an array three levels down is long", () => {
  throwsWith(
    () => tensor([[[[1], [2]]], [[[3], [4, 5]]]]),
    TypeError,
    "Cannot create tensor",
    "data[1][0][1] has length 2",
    "data[0][0][0] has length 1",
  );
});

Deno.test("tensor() throws a TypeError naming the expected array when a number stands in a row's place", () => {
  throwsWith(
    () => tensor([[1, 2], 3] as unknown as number[][]),
    TypeError,
    "Cannot create tensor",
    "data[1] is a number",
    "shape [2, 2] expects an array of length 2",
  );
});

Deno.test("tensor() throws a TypeError naming the array when it stands in a number's place", () => {
  throwsWith(
    () => tensor([1, [2]] as unknown as number[]),
    TypeError,
    "Cannot create tensor",
    "data[1] is an array of length 1",
    "data[0] is a number",
  );
});

Deno.test("tensor() throws a TypeError naming the element when it is a string", () => {
  throwsWith(
    () => tensor([1, "2"] as unknown as number[]),
    TypeError,
    "Cannot create tensor",
    "data[1] is a string",
    "expected a number",
  );
});

Deno.test("tensor() throws a TypeError naming the element when the first one is not a number", () => {
  throwsWith(
    () => tensor([true, 1] as unknown as number[]),
    TypeError,
    "data[0] is a boolean",
    "expected a number",
  );
});

Deno.test("tensor() throws a TypeError naming the path when a nested element is null", () => {
  throwsWith(
    () => tensor([[1, 2], [3, null]] as unknown as number[][]),
    TypeError,
    "Cannot create tensor",
    "data[1][1] is null",
    "expected a number",
  );
});

Deno.test("tensor() throws a TypeError naming the type when data is not an array", () => {
  throwsWith(
    () => tensor("12" as unknown as number[]),
    TypeError,
    "Cannot create tensor",
    'got "12"',
  );
});

Deno.test("tensor() throws a RangeError naming both sizes when the shape option does not fit", () => {
  throwsWith(
    () => tensor([1, 2, 3], { shape: [2, 2] }),
    RangeError,
    "Cannot create tensor",
    "[2, 2] needs 4 elements",
    "data has 3",
  );
});

Deno.test("tensor() throws a TypeError naming the dtype when it is not supported", () => {
  throwsWith(
    () => tensor([1], { dtype: "int32" as "float32" }),
    TypeError,
    "Cannot create tensor",
    '"int32"',
    '"float64" or "float32"',
  );
});

for (const [name, value] of [["start", NaN], ["stop", Infinity]] as const) {
  Deno.test(`arange() throws a RangeError naming ${name} when it is ${value}`, () => {
    const call = name === "start" ? () => arange(value, 5) : () => arange(0, value);
    throwsWith(
      call,
      RangeError,
      "Cannot create arange",
      `${name} must be a finite number`,
      `got ${value}`,
    );
  });
}

Deno.test("arange() throws a RangeError naming the step when it is NaN or -Infinity", () => {
  throwsWith(
    () => arange(0, 1, { step: NaN }),
    RangeError,
    "Cannot create arange",
    "step",
    "got NaN",
  );
  throwsWith(
    () => arange(0, 1, { step: -Infinity }),
    RangeError,
    "Cannot create arange",
    "step",
    "got -Infinity",
  );
});

Deno.test("arange() throws a RangeError when the step is 0", () => {
  throwsWith(
    () => arange(0, 1, { step: 0 }),
    RangeError,
    "Cannot create arange",
    "step must not be 0",
  );
});

Deno.test("arange() throws a RangeError naming start, stop and step when the step moves away from stop", () => {
  throwsWith(
    () => arange(0, 1, { step: -1 }),
    RangeError,
    "Cannot create arange",
    "step -1",
    "start 0, stop 1",
  );
});

for (
  const [fn, action, call] of [
    ["zeros", "create zeros", (s: number[]) => zeros(s)],
    ["ones", "create ones", (s: number[]) => ones(s)],
    ["full", "create full tensor", (s: number[]) => full(s, 3)],
  ] as const
) {
  Deno.test(`${fn}() throws a RangeError naming the shape when a dimension is negative`, () => {
    throwsWith(
      () => call([2, -1]),
      RangeError,
      `Cannot ${action}`,
      "shape [2, -1]",
      "dimension -1",
      "non-negative",
    );
  });
  Deno.test(`${fn}() throws a RangeError naming the shape when a dimension is not an integer`, () => {
    throwsWith(
      () => call([1.5]),
      RangeError,
      `Cannot ${action}`,
      "shape [1.5]",
      "dimension 1.5",
      "integers",
    );
  });
  Deno.test(`${fn}() throws a TypeError when the shape is not an array`, () => {
    throwsWith(
      () => call(3 as unknown as number[]),
      TypeError,
      `Cannot ${action}`,
      "got 3",
      "array",
    );
  });
}

Deno.test("full() throws a TypeError naming the type when the value is not a number", () => {
  throwsWith(
    () => full([2], "1" as unknown as number),
    TypeError,
    "Cannot create full tensor",
    'got "1"',
  );
});

Deno.test("concat() throws a RangeError naming the axis and rank when the axis is out of range", () => {
  throwsWith(
    () => concat([zeros([2, 3]), zeros([2, 3])], 2),
    RangeError,
    "Cannot concat",
    "axis 2",
    "rank 2",
  );
  throwsWith(
    () => concat([zeros([2, 3]), zeros([2, 3])], -3),
    RangeError,
    "Cannot concat",
    "axis -3",
    "rank 2",
  );
});

Deno.test("concat() throws a TypeError naming both shapes when other dimensions differ", () => {
  throwsWith(
    () => concat([zeros([2, 3]), zeros([2, 4])], 0),
    TypeError,
    "Cannot concat",
    "tensors[1] has shape [2, 4]",
    "[2, 3]",
    "axis 0",
  );
  throwsWith(
    () => concat([zeros([2, 3]), zeros([2, 3, 1])], 0),
    TypeError,
    "Cannot concat",
    "[2, 3, 1]",
  );
});

Deno.test("concat() throws a TypeError naming both dtypes when they differ", () => {
  throwsWith(
    () => concat([zeros([2]), zeros([2], { dtype: "float32" })]),
    TypeError,
    "Cannot concat",
    "tensors[1] is float32",
    "tensors[0] is float64",
  );
});

Deno.test("concat() throws a RangeError when given no tensors or scalars", () => {
  throwsWith(() => concat([]), RangeError, "Cannot concat", "non-empty");
  throwsWith(() => concat([tensor(1), tensor(2)]), RangeError, "Cannot concat", "scalars");
});
