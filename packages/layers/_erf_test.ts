import { assertClose, tensor } from "@glassbox/tensor";
import { deepStrictEqual, ok } from "node:assert/strict";
import { erf } from "./_erf.ts";

const fixture: {
  erf: {
    x: number[];
    libm: number[];
    torch: number[];
    float32x: (number | string)[];
    float32torch: (number | string)[];
  };
} = JSON.parse(await Deno.readTextFile(new URL("../../tests/golden/layers.json", import.meta.url)));
const num = (v: number | string): number => (typeof v === "string" ? Number(v) : v);

Deno.test("erf() is within 2 units in the last place of C's erf over every interval (float64)", () => {
  const { x, libm, torch } = fixture.erf;
  const ours = erf(tensor(x));
  // 2 ulp ≤ 2 · 2^-52 relative = 4.5e-16.
  assertClose(ours, libm, { rtol: 4.5e-16, atol: 0, message: "vs math.erf" });
  assertClose(ours, torch, { rtol: 4.5e-16, atol: 0, message: "vs torch.erf" });
});

Deno.test("erf() in float32 is within one float32 rounding of torch.erf", () => {
  const x = fixture.erf.float32x.map(num), expected = fixture.erf.float32torch.map(num);
  assertClose(erf(tensor(x, { dtype: "float32" })), expected, { rtol: 1.2e-7, atol: 6e-8 });
});

Deno.test("erf() handles zeros, infinities, NaN and is odd", () => {
  const out = erf(tensor([0, -0, Infinity, -Infinity, NaN])).toTypedArray();
  ok(Object.is(out[0], 0) && Object.is(out[1], -0));
  deepStrictEqual(Array.from(out.slice(2, 4)), [1, -1]);
  ok(Number.isNaN(out[4]));
  const xs = [0.1, 0.46875, 0.5, 2, 4, 4.5, 6];
  deepStrictEqual(erf(tensor(xs).neg()).toArray(), erf(tensor(xs)).neg().toArray());
});
