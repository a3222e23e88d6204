import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { cpu, Tensor, tensor } from "./mod.ts";
import * as backendEntry from "./seam.ts";
import * as mainEntry from "./mod.ts";
import { storageOf, tensorFromStorage } from "./seam.ts";

Deno.test("storageOf() gives the tensor's own storage, shared by a reshape, not by a clone", () => {
  const x = tensor([[1, 2], [3, 4]]);
  strictEqual(storageOf(x.reshape([4])), storageOf(x));
  deepStrictEqual(storageOf(x.clone()), storageOf(x));
  strictEqual(storageOf(x.clone()) === storageOf(x), false);
});

Deno.test("storageOf() names the action for a disposed tensor and refuses a non-tensor", () => {
  const x = tensor([1, 2]);
  x.dispose();
  throws(
    () => storageOf(x, "update weights"),
    (e: unknown) =>
      e instanceof ReferenceError &&
      e.message === "Cannot update weights: the tensor of shape [2] was disposed",
  );
  throws(
    () => storageOf([1, 2] as unknown as Tensor, "read storage"),
    (e: unknown) =>
      e instanceof TypeError && e.message === "Cannot read storage: expected a Tensor, got [1, 2]",
  );
});

Deno.test("tensorFromStorage() wraps a backend's storage without a copy, and owns it", () => {
  const storage = cpu.backend.upload([1, 2, 3, 4, 5, 6], "float32");
  const t = tensorFromStorage(storage, { shape: [2, 3], dtype: "float32", device: cpu });
  strictEqual(t instanceof Tensor, true);
  strictEqual(storageOf(t), storage);
  deepStrictEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  throws(
    () => tensorFromStorage(storage, { shape: [6], dtype: "int8" as "float32", device: cpu }),
    (e: unknown) =>
      e instanceof TypeError &&
      /^Cannot create tensor: dtype "int8" is not supported/.test(e.message),
  );
});

Deno.test("Tensor's raw-storage constructor and storage() are not public", () => {
  const x = tensor([1]);
  // @ts-expect-error the constructor is private: tensorFromStorage is the way in
  const make = () => new Tensor(new Float64Array(1), [1], "float64", cpu);
  strictEqual(typeof make, "function");
  // @ts-expect-error storage() is private: storageOf is the way in
  strictEqual(typeof x.storage, "function");
});

Deno.test("the backend seam is exported from @glassbox/tensor/backend only", () => {
  for (const name of ["storageOf", "tensorFromStorage", "fma", "fmaf", "productError"]) {
    strictEqual(typeof (backendEntry as Record<string, unknown>)[name], "function", name);
    strictEqual(name in mainEntry, false, `${name} is not in the main entry`);
  }
});
