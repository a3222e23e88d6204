import { ones, tensor, zeros } from "./mod.ts";
import { ok, strictEqual, throws } from "node:assert/strict";

Deno.test("zeros() refuses more elements than a typed array holds, naming the shape and count", () => {
  throws(
    () => zeros([1e5, 1e5]),
    (e: unknown) =>
      e instanceof RangeError &&
      /Cannot create zeros: shape \[100000, 100000\] holds 1\.000e\+10 elements, expected at most 4294967295/
        .test(e.message),
  );
});

Deno.test("ones() refuses a shape of more than 32 dimensions at once instead of overflowing the stack", () => {
  const started = performance.now();
  throws(
    () => ones(Array(3000).fill(1)),
    /Cannot create ones: shape has 3000 dimensions, expected at most 32/,
  );
  ok(performance.now() - started < 1000, "refused without walking the shape");
  strictEqual(ones(Array(32).fill(1)).toTypedArray().length, 1, "32 dimensions are fine");
});

Deno.test("reshape() refuses more than 32 dimensions", () => {
  throws(
    () => tensor([1, 2]).reshape([...Array(40).fill(1), 2]),
    (e: unknown) =>
      e instanceof RangeError && /shape has 41 dimensions, expected at most 32/.test(e.message),
  );
});
