import { assertClose, AssertionError, tensor } from "./mod.ts";
import { strictEqual, throws } from "node:assert/strict";

/** The AssertionError message `fn` throws. */
function failure(fn: () => void): string {
  let message = "";
  throws(fn, (e: unknown) => {
    strictEqual(e instanceof AssertionError, true, `expected an AssertionError, got ${e}`);
    message = (e as Error).message;
    return true;
  });
  return message;
}

Deno.test("assertClose() passes when every element is within atol + rtol·|expected|", () => {
  assertClose([1, 2, 3], [1, 2 + 1e-12, 3 - 2e-12]);
  assertClose(1e6 + 1e-7, 1e6, { rtol: 1e-12, atol: 0 });
  assertClose([[1e-13]], [[0]]);
  assertClose(new Float64Array([1, 2]), [1, 2]);
  assertClose(tensor([[0.1, 0.2]]).add(0.1), tensor([[0.2, 0.30000000000000004]]));
});

Deno.test("assertClose() uses float32 tolerances by default when either side is a float32 tensor", () => {
  const x = tensor([1, 2], { dtype: "float32" });
  assertClose(x, [1 + 5e-5, 2]);
  failure(() => assertClose(tensor([1, 2]), [1 + 5e-5, 2]));
});

Deno.test("assertClose() names the worst element, both values and both errors when elements differ", () => {
  const message = failure(() =>
    assertClose([[1, 2], [3, 4]], [[1, 2.1], [3.5, 4]], { rtol: 0, atol: 0.05 })
  );
  strictEqual(
    message,
    "2 of 4 elements are not close (atol 0.05, rtol 0); worst at index [1, 0] (flat 2): actual 3, expected 3.5, " +
      "abs error 0.5, rel error 0.14285714285714285",
  );
});

Deno.test("assertClose() picks the largest excess over tolerance when the largest error is not first", () => {
  const message = failure(() =>
    assertClose([1, 100.5, 2], [1.1, 100, 2], { rtol: 0.001, atol: 0 })
  );
  strictEqual(message.includes("worst at index [1]"), true, message);
  strictEqual(message.includes("actual 100.5, expected 100"), true, message);
});

Deno.test("assertClose() prefixes the message when given one", () => {
  const message = failure(() => assertClose(1, 2, { message: "loss" }));
  strictEqual(message.startsWith("loss: 1 of 1 elements are not close"), true, message);
  strictEqual(message.includes("actual 1, expected 2, abs error 1, rel error 0.5"), true, message);
});

Deno.test("assertClose() fails naming both shapes when they differ", () => {
  const message = failure(() => assertClose([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4], [5, 6]]));
  strictEqual(message, "shapes differ: actual [2, 3], expected [3, 2]");
  const fromTensor = failure(() => assertClose(tensor([1, 2, 3, 4]), [[1, 2], [3, 4]]));
  strictEqual(fromTensor, "shapes differ: actual [4], expected [2, 2]");
});

Deno.test("assertClose() fails naming both lengths when a typed array has another length", () => {
  const message = failure(() => assertClose(new Float64Array(3), [0, 0]));
  strictEqual(message, "shapes differ: actual 3 elements, expected [2]");
});

Deno.test("assertClose() fails on NaN when equalNan is not set", () => {
  const message = failure(() => assertClose([1, NaN], [1, NaN]));
  strictEqual(message.includes("worst at index [1]"), true, message);
  strictEqual(message.includes("actual NaN, expected NaN"), true, message);
  failure(() => assertClose(NaN, 1, { equalNan: true }));
  failure(() => assertClose(1, NaN, { equalNan: true }));
});

Deno.test("assertClose() treats NaN as equal to NaN when equalNan is set", () => {
  assertClose([1, NaN], [1, NaN], { equalNan: true });
});

Deno.test("assertClose() passes equal infinities and fails different ones", () => {
  assertClose([Infinity, -Infinity], [Infinity, -Infinity]);
  const message = failure(() => assertClose([Infinity], [-Infinity], { rtol: 1, atol: 1 }));
  strictEqual(message.includes("actual Infinity, expected -Infinity"), true, message);
  failure(() => assertClose(Infinity, Number.MAX_VALUE, { rtol: 1, atol: 0 }));
});

Deno.test("assertClose() throws a TypeError naming the side when it holds a non-number", () => {
  throws(
    () => assertClose([1, "2"] as unknown as number[], [1, 2]),
    (e: unknown) =>
      e instanceof TypeError &&
      /actual holds a string, expected numbers/.test((e as Error).message),
  );
  throws(
    () => assertClose(1, "1" as unknown as number),
    (e: unknown) =>
      e instanceof TypeError &&
      /expected must be a number, array or Tensor/.test((e as Error).message),
  );
});

Deno.test("assertClose() throws glassbox's AssertionError, named and coded like node:assert's", () => {
  throws(() => assertClose([1], [2]), (e: unknown) => {
    strictEqual(e instanceof AssertionError, true);
    strictEqual((e as AssertionError).name, "AssertionError");
    strictEqual((e as AssertionError).code, "ERR_ASSERTION");
    return true;
  });
});
