import { strictEqual } from "node:assert/strict";
import { npCos, npSin } from "./_svml.ts";

Deno.test("npCos() and npSin() give NumPy's SVML values, not the C library's", () => {
  // np.cos / np.sin on AVX-512 (NumPy 1.24); Math.cos(0.5) is 1.5 ulp away.
  strictEqual(npCos(0.5), 0.8775825618903725);
  strictEqual(Math.cos(0.5), 0.8775825618903728);
  strictEqual(npSin(2), 0.9092974268256816);
  strictEqual(npCos(0), 1);
  strictEqual(Object.is(npSin(-0), -0), true);
});
