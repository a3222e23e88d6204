// The printed form of a tensor against PyTorch's: the values part of `repr(t)`.
//
// The fixture tests/golden/tensor_display.json is written by tasks/golden/tensor_display.py:
// each case's values and torch's text after "tensor(" (its layout, number format,
// elision and line wrapping at the default print options). glassbox prints exactly that
// text and then ", shape=…, dtype=…, device=…)" (on a new line when it would pass 80
// characters), so the printed form must start with "tensor(" + torch's text + ",".

import { arange, type DType, tensor } from "@glassbox/tensor";
import { ok } from "node:assert/strict";

interface Case {
  name: string;
  dtype: DType;
  shape: number[];
  data?: (number | string)[];
  arange?: number;
  scale?: number;
  divisor?: number;
  text: string;
}

const fixture: { cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/tensor_display.json", import.meta.url)),
);
const number = (v: number | string) => typeof v === "number" ? v : Number(v);

function build(c: Case) {
  if (c.arange !== undefined) {
    return arange(c.arange, undefined, { dtype: c.dtype }).reshape(c.shape).mul(c.scale!).div(
      c.divisor!,
    );
  }
  return tensor(c.data!.map(number), { shape: c.shape, dtype: c.dtype });
}

Deno.test("Deno.inspect(tensor) prints torch's values text for every golden case", async (t) => {
  for (const c of fixture.cases) {
    await t.step(c.name, () => {
      const printed = Deno.inspect(build(c));
      const want = `tensor(${c.text},`;
      ok(
        printed.startsWith(want),
        `printed:\n${printed}\nexpected it to start with:\n${want}`,
      );
    });
  }
});
