// The CPU's `optimizerUpdate` with an "assign" rule: θ ← v in place, rounded
// as a typed-array store rounds, with the errors naming what was wrong.

import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { cpu, tensor } from "../mod.ts";
import { storageOf } from "../seam.ts";

const backend = cpu.backend;

Deno.test("an assign rule writes float64 values exactly, in place", () => {
  const a = tensor([1, 2, 3]), b = tensor([[4], [5]]);
  const [sa, sb] = [storageOf(a), storageOf(b)];
  const values = [new Float64Array([0.1, -0, 1e-300]), [Infinity, NaN]];
  backend.optimizerUpdate({ kind: "assign", values }, [sa, sb], [], [], {
    dtype: "float64",
    sizes: [3, 2],
  });
  strictEqual(storageOf(a), sa); // the same storage, written in place
  deepStrictEqual(Array.from(a.toTypedArray()), [0.1, -0, 1e-300]);
  deepStrictEqual(Array.from(b.toTypedArray()), [Infinity, NaN]);
});

Deno.test("an assign rule rounds float64 values to float32 as Math.fround", () => {
  const w = tensor([0, 0, 0, 0], { dtype: "float32" });
  const values = [0.1, 1 + 2 ** -24, 1 + 3 * 2 ** -24, 1e40];
  backend.optimizerUpdate(
    { kind: "assign", values: [new Float64Array(values)] },
    [
      storageOf(w),
    ],
    [],
    [],
    { dtype: "float32", sizes: [4] },
  );
  // 1 + 2⁻²⁴ is a tie that rounds to even (1); 1 + 3·2⁻²⁴ rounds up.
  deepStrictEqual(Array.from(w.toTypedArray()), values.map(Math.fround));
});

Deno.test("an assign rule rejects a missing or wrong-sized array, naming it", () => {
  const w = tensor([1, 2]);
  const update = (values: unknown) => () =>
    backend.optimizerUpdate(
      { kind: "assign", values: values as number[][] },
      [storageOf(w)],
      [],
      [],
      { dtype: "float64", sizes: [2] },
    );
  throws(update([]), /the assign rule has 0 values, expected one array per parameter \(1\)/);
  throws(update([[1, 2, 3]]), /values\[0\] has 3 elements, expected 2/);
  throws(update([null]), /values\[0\] has no elements, expected 2/);
  throws(update(undefined), /the assign rule has no list of values/);
  deepStrictEqual(Array.from(w.toTypedArray()), [1, 2]); // nothing written
});
