// Golden parity of einsum, kron and eye against PyTorch 1.13, float64.
//
// The fixture tests/golden/einsum.json is written by tasks/golden/einsum.py: NumPy
// normal draws as inputs and torch's results. einsum sums products, so it is held to
// the numerics contract's rtol 1e-12, with an atol of 1e-12 × max |expected| for
// outputs that cancel to about zero; kron (one product per element) and eye are exact.

import { assertClose, einsum, eye, kron, tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual } from "node:assert/strict";

interface Data {
  shape: number[];
  data: number[];
}
interface Fixture {
  torch: string;
  einsum: { name: string; equation: string; inputs: Data[]; expected: Data }[];
  kron: { name: string; inputs: [Data, Data]; expected: Data }[];
  eye: { n: number; m: number | null; expected: Data }[];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("./golden/einsum.json", import.meta.url)),
);
const load = (d: Data) => tensor(d.data, { shape: d.shape });
const maxAbs = (xs: number[]) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

Deno.test("einsum() matches torch.einsum on every golden equation (float64, rtol 1e-12)", async (t) => {
  strictEqual(fixture.einsum.length >= 12, true, "the fixture holds a dozen equations or more");
  for (const c of fixture.einsum) {
    await t.step(`${c.name}: "${c.equation}"`, () => {
      const got = einsum(c.equation, ...c.inputs.map(load));
      deepStrictEqual(got.shape, c.expected.shape);
      assertClose(got.toTypedArray(), c.expected.data, {
        rtol: 1e-12,
        atol: 1e-12 * maxAbs(c.expected.data),
      });
    });
  }
});

Deno.test("kron() equals torch.kron exactly on every golden case", async (t) => {
  for (const c of fixture.kron) {
    await t.step(c.name, () => {
      const got = kron(load(c.inputs[0]), load(c.inputs[1]));
      deepStrictEqual(got.shape, c.expected.shape);
      deepStrictEqual(Array.from(got.toTypedArray()), c.expected.data);
    });
  }
});

Deno.test("eye() equals torch.eye on every golden shape", () => {
  for (const c of fixture.eye) {
    const got = c.m === null ? eye(c.n) : eye(c.n, c.m);
    deepStrictEqual(got.shape, c.expected.shape, `eye(${c.n}, ${c.m})`);
    deepStrictEqual(Array.from(got.toTypedArray()), c.expected.data, `eye(${c.n}, ${c.m})`);
  }
});
