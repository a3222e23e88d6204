import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { checkBoolean, checkInteger, checkKeys, checkNumber, checkOptions } from "./checks.ts";

Deno.test("checkOptions() turns undefined into {} and refuses non-objects", () => {
  deepStrictEqual(checkOptions(undefined, "fit"), {});
  const options = { epochs: 2 };
  strictEqual(checkOptions(options, "fit"), options);
  for (const [bad, got] of [[null, "null"], [[1], "[1]"], ["x", '"x"'], [3, "3"]] as const) {
    throws(() => checkOptions(bad as never, "fit"), {
      name: "TypeError",
      message: `Cannot fit: options must be an object, got ${got}`,
    });
  }
});

Deno.test("checkKeys() names the first unknown key and the allowed ones", () => {
  checkKeys({ a: 1, b: 2 }, ["a", "b", "c"], "fit");
  throws(() => checkKeys({ a: 1, epoch: 2 }, ["a", "epochs"], "fit"), {
    name: "TypeError",
    message: "Cannot fit: unknown option epoch (expected one of a, epochs)",
  });
});

Deno.test("checkNumber() takes the fallback for undefined only, and checks kind, finiteness and bounds", () => {
  strictEqual(checkNumber(undefined, "a", "x", {}, 7), 7);
  strictEqual(checkNumber(0, "a", "x", { min: 0 }, 7), 0);
  strictEqual(checkNumber(1, "a", "x", { max: 1 }), 1);
  throws(() => checkNumber(undefined, "a", "x"), {
    name: "TypeError",
    message: "Cannot a: x must be a number, got undefined",
  });
  throws(() => checkNumber("1", "a", "x"), {
    name: "TypeError",
    message: 'Cannot a: x must be a number, got "1"',
  });
  throws(() => checkNumber(NaN, "a", "x"), {
    name: "RangeError",
    message: "Cannot a: x must be finite, got NaN",
  });
  throws(() => checkNumber(0, "a", "x", { min: 0, minExclusive: true, max: 1 }), {
    name: "RangeError",
    message: "Cannot a: x must be finite and > 0 and <= 1, got 0",
  });
  throws(() => checkNumber(1, "a", "x", { min: 0, max: 1, maxExclusive: true }), {
    name: "RangeError",
    message: "Cannot a: x must be finite and >= 0 and < 1, got 1",
  });
});

Deno.test("checkNumber() with finite: false lets NaN and infinities through but keeps bounds", () => {
  strictEqual(checkNumber(Infinity, "a", "x", { finite: false }), Infinity);
  strictEqual(Number.isNaN(checkNumber(NaN, "a", "x", { finite: false })), true);
  throws(() => checkNumber(-Infinity, "a", "x", { finite: false, min: 0 }), {
    name: "RangeError",
    message: "Cannot a: x must be >= 0, got -Infinity",
  });
});

Deno.test("checkInteger() takes a minimum or a range and refuses fractions, infinities and kinds", () => {
  strictEqual(checkInteger(undefined, "a", "n", 1, 32), 32);
  strictEqual(checkInteger(5, "a", "n", 1), 5);
  strictEqual(checkInteger(-3, "a", "n"), -3);
  strictEqual(checkInteger(1024, "a", "n", { min: 1, max: 1024 }), 1024);
  throws(() => checkInteger("5", "a", "n", 1), {
    name: "TypeError",
    message: 'Cannot a: n must be an integer, got "5"',
  });
  throws(() => checkInteger(1.5, "a", "n", 1), {
    name: "RangeError",
    message: "Cannot a: n must be an integer >= 1, got 1.5",
  });
  throws(() => checkInteger(0, "a", "n", 1), {
    name: "RangeError",
    message: "Cannot a: n must be an integer >= 1, got 0",
  });
  throws(() => checkInteger(Infinity, "a", "n"), {
    name: "RangeError",
    message: "Cannot a: n must be an integer, got Infinity",
  });
  throws(() => checkInteger(1025, "a", "n", { min: 1, max: 1024 }), {
    name: "RangeError",
    message: "Cannot a: n must be an integer >= 1 and <= 1024, got 1025",
  });
});

Deno.test("checkBoolean() accepts true and false only, with a fallback for undefined", () => {
  strictEqual(checkBoolean(undefined, "a", "b", true), true);
  strictEqual(checkBoolean(false, "a", "b", true), false);
  throws(() => checkBoolean(undefined, "a", "b"), {
    name: "TypeError",
    message: "Cannot a: b must be true or false, got undefined",
  });
  throws(() => checkBoolean(1, "a", "b", false), {
    name: "TypeError",
    message: "Cannot a: b must be true or false, got 1",
  });
});
