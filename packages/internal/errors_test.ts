import { strictEqual } from "node:assert/strict";
import { cannot } from "./errors.ts";

Deno.test("cannot() joins action, problem and expectation in the house form", () => {
  strictEqual(
    cannot("create Dense", "inFeatures is 0", "expected a positive integer"),
    "Cannot create Dense: inFeatures is 0, expected a positive integer",
  );
  strictEqual(cannot("fit", "x has no rows"), "Cannot fit: x has no rows");
  strictEqual(cannot("fit", "x has no rows", ""), "Cannot fit: x has no rows");
});
