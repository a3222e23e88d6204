import { strictEqual } from "node:assert/strict";
import { isHostArray } from "./host_array.ts";

Deno.test("isHostArray() is true for Float64Array and Float32Array only", () => {
  strictEqual(isHostArray(new Float64Array(1)), true);
  strictEqual(isHostArray(new Float32Array(0)), true);
  for (const other of [new Int32Array(1), new Uint8Array(1), [1], null, undefined, {}, 1]) {
    strictEqual(isHostArray(other), false, String(other));
  }
  const viewOfSame = new Float64Array(new Float32Array(2).buffer);
  strictEqual(isHostArray(viewOfSame), true);
});
