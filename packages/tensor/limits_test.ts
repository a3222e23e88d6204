import { arange, eye, ones, tensor, zeros } from "./mod.ts";
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

Deno.test("tensor() refuses nesting deeper than 32 before recursing (20000 levels overflowed the stack)", () => {
  const deep = JSON.parse("[".repeat(20_000) + "1" + "]".repeat(20_000));
  throws(
    () => tensor(deep),
    (e: unknown) =>
      e instanceof RangeError && /more than 32 levels deep, expected at most 32/.test(e.message),
  );
});

Deno.test("eye() and arange() check their element count before allocating", () => {
  throws(
    () => eye(1e6),
    (e: unknown) =>
      e instanceof RangeError &&
      /Cannot create eye: shape \[1000000, 1000000\] holds 1\.000e\+12 elements/.test(e.message),
  );
  throws(
    () => arange(0, 1e12),
    (e: unknown) =>
      e instanceof RangeError && /Cannot create arange\(0, 1000000000000, step 1\)/.test(e.message),
  );
});

Deno.test("reshape() names itself when the new shape has more than 32 dimensions", () => {
  throws(
    () => tensor([1, 2]).reshape([2, ...Array(39).fill(1)]),
    (e: unknown) =>
      e instanceof RangeError &&
      /Cannot reshape \[2\] to .*: the shape has 40 dimensions, expected at most 32/.test(
        e.message,
      ),
  );
});

Deno.test("toArray() refuses nested arrays the runtime cannot build instead of hanging or failing bare", () => {
  // No elements, but 2^62 inner arrays.
  throws(
    () => zeros([2 ** 31, 2 ** 31, 0]).toArray(),
    (e: unknown) =>
      e instanceof RangeError &&
      /Cannot convert a tensor of shape \[2147483648, 2147483648, 0\] to nested arrays: that takes .* JavaScript values/
        .test(e.message),
  );
});
