import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { eye, setDefaultDtype } from "./mod.ts";
import { throwsWith } from "./_test_util.ts";

Deno.test("eye() puts ones on the main diagonal of square and rectangular shapes", () => {
  deepStrictEqual(eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  deepStrictEqual(eye(2, 4).toArray(), [[1, 0, 0, 0], [0, 1, 0, 0]]);
  deepStrictEqual(eye(3, 1).toArray(), [[1], [0], [0]]);
  deepStrictEqual(eye(0).shape, [0, 0]);
  deepStrictEqual(eye(2, 0).shape, [2, 0]);
});

Deno.test("eye() follows the dtype option and the default dtype", () => {
  strictEqual(eye(2, 2, { dtype: "float32" }).dtype, "float32");
  setDefaultDtype("float32");
  try {
    strictEqual(eye(2).dtype, "float32");
  } finally {
    setDefaultDtype("float64");
  }
  strictEqual(eye(2).dtype, "float64");
});

Deno.test("eye() names the size that is not a non-negative integer", () => {
  throwsWith(
    () => eye(-1),
    RangeError,
    "Cannot create eye: n is -1, expected a non-negative integer",
  );
  throwsWith(() => eye(2, 1.5), RangeError, "Cannot create eye: m is 1.5");
  // @ts-expect-error: not a number
  throwsWith(() => eye("3"), RangeError, "n is 3");
  // @ts-expect-error: not a dtype
  throwsWith(() => eye(2, 2, { dtype: "int32" }), TypeError, "create eye");
});
