import { deepStrictEqual, throws } from "node:assert/strict";
import { makeCircles } from "./make_circles.ts";
import { makeMoons } from "./make_moons.ts";

Deno.test("makeMoons() rejects an nSamples pair of the wrong length", () => {
  throws(
    () => makeMoons({ nSamples: [1, 2, 3] as unknown as [number, number] }),
    /RangeError: Cannot make moons: nSamples must be an integer or a pair \[outer, inner\], got \[1, 2, 3\]/,
  );
});

Deno.test("makeMoons() rejects negative noise", () => {
  throws(
    () => makeMoons({ noise: -1 }),
    /RangeError: Cannot make moons: noise must be finite and >= 0, got -1/,
  );
});

Deno.test("makeMoons() gives the inner moon the odd sample", () => {
  const { y } = makeMoons({ nSamples: 5, shuffle: false });
  deepStrictEqual(Array.from(y.toTypedArray()), [0, 0, 1, 1, 1]);
});

Deno.test("makeCircles() rejects a factor outside [0, 1)", () => {
  throws(
    () => makeCircles({ factor: 1 }),
    /RangeError: Cannot make circles: factor must be finite and >= 0 and < 1, got 1/,
  );
  throws(
    () => makeCircles({ factor: -0.1 }),
    /factor must be finite and >= 0 and < 1, got -0.1/,
  );
});

Deno.test("makeCircles() rejects a negative count in an nSamples pair", () => {
  throws(
    () => makeCircles({ nSamples: [3, -1] }),
    /RangeError: Cannot make circles: nSamples\[1\] must be an integer >= 0, got -1/,
  );
});
