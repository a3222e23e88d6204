import { tensor } from "@glassbox/tensor";
import { deepStrictEqual, throws } from "node:assert/strict";
import { batches } from "./batches.ts";
import { parseCsv } from "./parse_csv.ts";
import { oneHot } from "./one_hot.ts";

Deno.test("oneHot() rejects labels that are not integers in [0, nClasses)", () => {
  throws(
    () => oneHot([0, 1.5]),
    /RangeError: Cannot one-hot encode: labels\[1\] must be an integer >= 0, got 1.5/,
  );
  throws(
    () => oneHot([0, 3], 3),
    /RangeError: Cannot one-hot encode: labels must be below nClasses \(3\), got a label 3/,
  );
  throws(() => oneHot([-1]), /labels\[0\] must be an integer >= 0, got -1/);
});

Deno.test("oneHot() encodes a tensor of labels", () => {
  deepStrictEqual(oneHot(tensor([1, 0])).toArray(), [[0, 1], [1, 0]]);
});

Deno.test("batches() rejects a batch size below 1 and misaligned y", () => {
  const x = tensor([[1], [2], [3]]);
  throws(
    () => [...batches(x, null, { batchSize: 0 })],
    /RangeError: Cannot make batches: batchSize must be an integer >= 1, got 0/,
  );
  throws(
    () => [...batches(x, tensor([1, 2]))],
    /x and y must have the same number of rows, got 3 and 2/,
  );
});

Deno.test("batches() shuffles with NumPy's permutation and can drop the last batch", () => {
  const x = tensor([[0], [1], [2], [3], [4]]);
  const seen = [...batches(x, null, { batchSize: 2, shuffle: true, seed: 0, dropLast: true })];
  // np.random.RandomState(0).permutation(5) is [2, 0, 1, 3, 4]
  deepStrictEqual(seen.map((b) => b.index), [[2, 0], [1, 3]]);
  deepStrictEqual(seen[0].x.toArray(), [[2], [0]]);
});

Deno.test("parseCsv() names the line of a row with the wrong number of fields", () => {
  throws(
    () => parseCsv("a,b\n1,2\n3,4\n5\n", {}, "data.csv"),
    /SyntaxError: Cannot load CSV data.csv: malformed CSV at line 4/,
  );
});

Deno.test("parseCsv() names the line of an unterminated quote", () => {
  throws(
    () => parseCsv('a,b\n1,"2\n'),
    /SyntaxError: Cannot load CSV text: malformed CSV at line 2/,
  );
});

Deno.test("parseCsv() names the line and column of a non-numeric field", () => {
  throws(
    () => parseCsv("a,b\n1,2\n3,abc\n"),
    /TypeError: Cannot load CSV text: line 3, column "b" must be a decimal number, got "abc"/,
  );
  throws(() => parseCsv("a\n\n1\n \n"), /line 4, column "a" is empty \(a missing value\)/);
  throws(() => parseCsv("a\nNaN\n"), /must be a decimal number, got "NaN"/);
});

Deno.test("parseCsv() rejects unknown, ambiguous or out-of-range columns", () => {
  throws(
    () => parseCsv("a,b\n1,2\n", { target: "c" }),
    /target "c" is ambiguous or missing \(no column has that name\)/,
  );
  throws(() => parseCsv("a,a\n1,2\n", { target: "a" }), /2 columns have that name/);
  throws(
    () => parseCsv("a,b\n1,2\n", { columns: [2] }),
    /column index must be an integer in \[0, 1\], got 2/,
  );
});

Deno.test("parseCsv() rejects an empty input and a bad delimiter", () => {
  throws(() => parseCsv(""), /RangeError: Cannot load CSV text: the input has no rows/);
  throws(
    () => parseCsv("a\n1\n", { delimiter: '"' }),
    /delimiter must be one character other than a quote or line break/,
  );
});

Deno.test("parseCsv() reads quotes, CRLF, a BOM, other delimiters and headerless files", () => {
  const t = parseCsv('\ufeff"x 1";y\r\n"1.5";-2e3\r\n', { delimiter: ";" });
  deepStrictEqual(t.columns, ["x 1", "y"]);
  deepStrictEqual(t.x.toArray(), [[1.5, -2000]]);
  const h = parseCsv("1,2,3\n4,5,6\n", { header: false, columns: [2, 0], target: 1 });
  deepStrictEqual(h.x.toArray(), [[3, 1], [6, 4]]);
  deepStrictEqual(h.y!.toArray(), [2, 5]);
  deepStrictEqual(h.columns, ["2", "0"]);
});
