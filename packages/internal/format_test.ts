import { strictEqual } from "node:assert/strict";
import { describe, fmtShape, kindOf } from "./format.ts";

Deno.test("fmtShape() prints dimensions in brackets, [] for a scalar", () => {
  strictEqual(fmtShape([2, 3, 4]), "[2, 3, 4]");
  strictEqual(fmtShape([0]), "[0]");
  strictEqual(fmtShape([]), "[]");
});

Deno.test("describe() prints small values as they are", () => {
  strictEqual(describe(3), "3");
  strictEqual(describe(-0.5), "-0.5");
  strictEqual(describe(NaN), "NaN");
  strictEqual(describe(true), "true");
  strictEqual(describe(null), "null");
  strictEqual(describe(undefined), "undefined");
  strictEqual(describe(5n), "5n");
  strictEqual(describe("relu"), '"relu"');
  strictEqual(describe([0.9, "a", null]), '[0.9, "a", null]');
  strictEqual(describe([[1, 2], [3]]), "[[1, 2], [3]]");
});

Deno.test("describe() bounds long strings, long arrays and deep nesting", () => {
  strictEqual(describe("x".repeat(50)), JSON.stringify(`${"x".repeat(40)}...`));
  strictEqual(
    describe(Array.from({ length: 10 }, (_, i) => i)),
    "[0, 1, 2, 3, 4, 5, 6, 7, ... (10 items)]",
  );
  strictEqual(describe([[[1]]]), "[[[...]]]");
  strictEqual(describe([[[]]]), "[[[]]]");
  const huge = new Array(1e6).fill(1);
  strictEqual(describe(huge).length < 60, true);
});

Deno.test("describe() names objects by kind: typed arrays with length, shaped objects with shape", () => {
  strictEqual(describe(new Float64Array(3)), "a Float64Array of length 3");
  strictEqual(describe(new Int32Array(0)), "an Int32Array of length 0");
  class Tensor {
    readonly shape = [2, 3];
  }
  strictEqual(describe(new Tensor()), "a Tensor of shape [2, 3]");
  strictEqual(describe({ shape: [2] }), "an object");
  strictEqual(describe({ a: 1 }), "an object");
  strictEqual(describe(Object.create(null)), "an object");
  strictEqual(describe(new Map()), "a Map");
  strictEqual(describe(new Error("x")), "an Error");
  strictEqual(describe(() => 1), "a function");
  strictEqual(describe(Symbol("s")), "Symbol(s)");
});

Deno.test("describe() and kindOf() never throw, even on a Proxy whose traps throw", () => {
  const hostile = new Proxy({}, {
    get() {
      throw new Error("no");
    },
    getPrototypeOf() {
      throw new Error("no");
    },
  });
  strictEqual(describe(hostile), "an object");
  strictEqual(kindOf(hostile), "an object");
});

Deno.test("kindOf() gives the kind with its article", () => {
  strictEqual(kindOf(3), "a number");
  strictEqual(kindOf("s"), "a string");
  strictEqual(kindOf(undefined), "undefined");
  strictEqual(kindOf(null), "null");
  strictEqual(kindOf([1]), "an array");
  strictEqual(kindOf({}), "an object");
  strictEqual(kindOf(new Float32Array(1)), "a Float32Array");
  strictEqual(kindOf(new Map()), "a Map");
  strictEqual(kindOf(() => 1), "a function");
  strictEqual(kindOf(1n), "a bigint");
});
