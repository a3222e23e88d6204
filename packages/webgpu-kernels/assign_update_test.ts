// `optimizerUpdate` with an "assign" rule on WebGPU: θ ← v in place, the
// values rounded to float32 as the CPU's Float32Array store rounds them, in
// order with the work recorded before and after it.

import { cpu, tensor } from "@glassbox/tensor";
import { storageOf } from "@glassbox/tensor/backend";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("assign_update_test.ts");
const test = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore, fn });

test("an assign rule writes the CPU's float32 bits in place, after the work recorded before it", async () => {
  const values = [new Float64Array([0.1, 1 + 3 * 2 ** -24, -0, 1e40]), [7, NaN]];
  const onCpu = [tensor([0, 0, 0, 0], { dtype: "float32" }), tensor([0, 0], { dtype: "float32" })];
  const info = { dtype: "float32" as const, sizes: [4, 2] };
  cpu.backend.optimizerUpdate(
    { kind: "assign", values },
    onCpu.map((t) => storageOf(t)),
    [],
    [],
    info,
  );
  const a = tensor([1, 2, 3, 4], { dtype: "float32", device: device! });
  const b = tensor([5, 6], { dtype: "float32", device: device! });
  const storages = [storageOf(a), storageOf(b)];
  const before = a.mul(2); // recorded before the assignment: reads the old values
  device!.backend.optimizerUpdate({ kind: "assign", values }, storages, [], [], info);
  const after = b.add(1); // recorded after it: reads the new values
  strictEqual(storageOf(a), storages[0]); // written in place
  deepStrictEqual(await a.readTypedArray(), onCpu[0].toTypedArray());
  deepStrictEqual(await b.readTypedArray(), onCpu[1].toTypedArray());
  deepStrictEqual(Array.from(await before.readTypedArray()), [2, 4, 6, 8]);
  deepStrictEqual(Array.from(await after.readTypedArray()), [8, NaN]);
  for (const t of [a, b, before, after]) t.dispose();
});

test("an assign rule rejects a wrong-sized array on WebGPU as on the CPU", async () => {
  const w = tensor([1, 2], { dtype: "float32", device: device! });
  throws(
    () =>
      device!.backend.optimizerUpdate(
        { kind: "assign", values: [[1, 2, 3]] },
        [storageOf(w)],
        [],
        [],
        { dtype: "float32", sizes: [2] },
      ),
    /values\[0\] has 3 elements, expected 2/,
  );
  deepStrictEqual(Array.from(await w.readTypedArray()), [1, 2]);
  w.dispose();
});
