import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { npDot } from "./numpy_dot.ts";

/** Plain a (n×k) @ b (k×t) with an exact-enough float64 sum, for comparison. */
function naive(a: Float64Array, n: number, k: number, b: Float64Array, t: number): Float64Array {
  const out = new Float64Array(n * t);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < t; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * t + j];
      out[i * t + j] = s;
    }
  }
  return out;
}

function lcg(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = s / 2 ** 30 - 1;
  }
  return out;
}

Deno.test("npDot() agrees with the plain product for every operand kind (scalar, row, column, matrix)", () => {
  for (
    const [n, k, t] of [
      [1, 1, 1],
      [1, 1, 5],
      [4, 1, 1],
      [1, 7, 1],
      [5, 7, 1],
      [1, 7, 3],
      [6, 9, 4],
      [70, 40, 30],
    ]
  ) {
    const a = lcg(n * k, n + 7 * k), b = lcg(k * t, 3 * t + k);
    const got = npDot(a, n, k, b, t, 1), want = naive(a, n, k, b, t);
    strictEqual(got.length, n * t);
    for (let i = 0; i < got.length; i++) {
      ok(
        Math.abs(got[i] - want[i]) <= 1e-13 * (1 + Math.abs(want[i])),
        `[${n}, ${k}, ${t}] at ${i}`,
      );
    }
  }
});

Deno.test("npDot() of integers is exact, and empty operands give an empty or zero result", () => {
  deepStrictEqual(
    npDot(new Float64Array([1, 2, 3, 4]), 2, 2, new Float64Array([5, 6, 7, 8]), 2, 2),
    new Float64Array([19, 22, 43, 50]),
  );
  deepStrictEqual(npDot(new Float64Array(0), 0, 3, new Float64Array(6), 2, 1), new Float64Array(0));
});

Deno.test("npDot() gives the same bits for any thread count on products that stay on one thread", () => {
  const a = lcg(8 * 8, 1), b = lcg(8, 2);
  deepStrictEqual(npDot(a, 8, 8, b, 1, 1), npDot(a, 8, 8, b, 1, 2));
});
