import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { broadcastStrides, sizeOf, stridesOf, unravelIndex } from "./shape.ts";

Deno.test("sizeOf() multiplies the dimensions, 1 for a scalar and 0 with an empty axis", () => {
  strictEqual(sizeOf([2, 3, 4]), 24);
  strictEqual(sizeOf([]), 1);
  strictEqual(sizeOf([3, 0]), 0);
});

Deno.test("stridesOf() gives row-major strides", () => {
  deepStrictEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
  deepStrictEqual(stridesOf([5]), [1]);
  deepStrictEqual(stridesOf([]), []);
});

Deno.test("broadcastStrides() zeroes repeated axes and pads on the left", () => {
  deepStrictEqual(broadcastStrides([4], [2, 3, 4]), [0, 0, 1]);
  deepStrictEqual(broadcastStrides([3, 1], [2, 3, 4]), [0, 1, 0]);
  deepStrictEqual(broadcastStrides([2, 3, 4], [2, 3, 4]), [12, 4, 1]);
  deepStrictEqual(broadcastStrides([], [2]), [0]);
});

Deno.test("unravelIndex() inverts the row-major flat position on every element", () => {
  const shape = [2, 3, 4], strides = stridesOf(shape);
  for (let flat = 0; flat < 24; flat++) {
    const index = unravelIndex(flat, shape);
    strictEqual(index.length, 3);
    strictEqual(index.reduce((sum, i, d) => sum + i * strides[d], 0), flat);
    index.forEach((i, d) => strictEqual(i >= 0 && i < shape[d], true));
  }
  deepStrictEqual(unravelIndex(0, []), []);
  deepStrictEqual(unravelIndex(6, [7]), [6]);
});
