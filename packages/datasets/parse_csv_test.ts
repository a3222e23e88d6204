import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { parseCsv } from "./parse_csv.ts";

Deno.test("parseCsv() rejects numbers beyond float64's range with line and column", () => {
  throws(() => parseCsv("a,b\n1,2\n3,1e400\n"), {
    name: "RangeError",
    message:
      'Cannot load CSV text: line 3, column "b" is "1e400", beyond float64\'s range (±1.8e308), expected a finite number',
  });
  throws(() => parseCsv("a,y\n1,-1e309\n", { target: "y" }), /target column "y" is "-1e309"/);
  throws(() => parseCsv("a\n0x10\n"), /column "a" must be a decimal number, got "0x10"/);
  throws(() => parseCsv("a\nInfinity\n"), /must be a decimal number, got "Infinity"/);
});

Deno.test("parseCsv() says a CSV with only the target column has no features", () => {
  throws(() => parseCsv("y\n1\n2\n", { target: "y" }), {
    name: "RangeError",
    message:
      'Cannot load CSV text: no feature columns: the only column is the target "y"; expected at least one numeric feature column besides the target',
  });
});

Deno.test("parseCsv() label-encodes a non-numeric target in scikit-learn's order", () => {
  const t = parseCsv("x,kind\n1,b\n2,B\n3,a\n4,b\n5,10\n", { target: "kind" });
  deepStrictEqual(t.classes, ["10", "B", "a", "b"]);
  deepStrictEqual(t.y!.toArray(), [3, 1, 2, 3, 0]);
  const numeric = parseCsv("x,y\n1,7\n2,1000000\n", { target: "y" });
  strictEqual(numeric.classes, undefined);
  deepStrictEqual(numeric.y!.toArray(), [7, 1000000]);
});

Deno.test("parseCsv() names the feature column of a bad cell and the target column of a bad label", () => {
  throws(
    () => parseCsv("a,b,y\n1,,cat\n", { target: "y" }),
    /^TypeError: Cannot load CSV text: line 2, column "b" is empty \(a missing value\), expected a decimal number$/,
  );
  throws(
    () => parseCsv("a,b,y\n1,x,cat\n", { target: "y" }),
    /^TypeError: Cannot load CSV text: line 2, column "b" must be a decimal number, got "x"$/,
  );
  throws(
    () => parseCsv("a,y\n1,cat\n2,\n", { target: "y" }),
    /line 3, target column "y" is empty \(a missing label or value\)/,
  );
  throws(() => parseCsv("a,b\n"), /the input has a header but no data rows/);
});
