import { ok } from "node:assert/strict";
import { reduceKernel } from "./reduce.ts";
import { lcgTensor } from "../_test_util.ts";

/** The sum one column at a time, in float64, rounded once: what the row-wise sum must match. */
function columnSums(
  x: ArrayLike<number>,
  [outer, len, inner]: number[],
  out: Float64Array | Float32Array,
) {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let r = 0; r < len; r++) acc += x[o * len * inner + r * inner + i];
      out[o * inner + i] = acc;
    }
  }
}

Deno.test("reduceKernel() sums over a middle axis with the bits of one column at a time", () => {
  // A bias gradient's [1, 333, 32], several outer slices, one row, no rows, a wide row.
  for (const dims of [[1, 333, 32], [3, 7, 5], [2, 1, 9], [4, 0, 3], [1, 5, 100]]) {
    for (const Typed of [Float64Array, Float32Array]) {
      const size = dims[0] * dims[1] * dims[2];
      // Magnitudes from 1e-4 to 1e4, so the float64 sums do round, and float32 rounds once.
      const x = new Typed(
        lcgTensor([size], size).toTypedArray().map((v, i) => v * 10 ** (i % 9 - 4)),
      );
      if (size > 3) [x[0], x[1], x[2]] = [-0, NaN, Infinity];
      const expected = new Typed(dims[0] * dims[2]), actual = new Typed(expected.length);
      columnSums(x, dims, expected);
      reduceKernel("sum", x, dims as [number, number, number], actual);
      for (let i = 0; i < expected.length; i++) {
        ok(
          Object.is(actual[i], expected[i]) ||
            (Number.isNaN(actual[i]) && Number.isNaN(expected[i])),
          `${Typed.name} [${dims}] element ${i}: ${actual[i]}, expected ${expected[i]}`,
        );
      }
    }
  }
});
