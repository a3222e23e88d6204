import { deepStrictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { LabelEncoder } from "./label_encoder.ts";

Deno.test("LabelEncoder sorts numbers numerically and strings by code unit", () => {
  deepStrictEqual(new LabelEncoder().fit([10, 9, 100]).classes, [9, 10, 100]);
  deepStrictEqual(new LabelEncoder().fit(["b", "B", "a"]).classes, ["B", "a", "b"]);
  deepStrictEqual(new LabelEncoder().fit(tensor([2, 0, 2])).classes, [0, 2]);
});

Deno.test("LabelEncoder rejects unseen labels, mixed kinds and out-of-range indices", () => {
  const encoder = new LabelEncoder().fit(["x", "y"]);
  throws(() => encoder.transform(["x", "z"]), {
    name: "RangeError",
    message:
      'Cannot transform labels with LabelEncoder: labels[1] is a previously unseen label "z", the classes are ["x", "y"]',
  });
  throws(() => new LabelEncoder().fit(["a", 1]), {
    name: "TypeError",
    message: /all numbers or all strings/,
  });
  throws(() => new LabelEncoder().fit([NaN]), { message: /must be a string or a finite number/ });
  throws(() => encoder.inverseTransform([2]), { message: /must be an integer in \[0, 1\], got 2/ });
  throws(() => new LabelEncoder().classes, { name: "ReferenceError" });
  throws(() => LabelEncoder.fromClasses(["b", "a"]), { message: /sorted without duplicates/ });
});
