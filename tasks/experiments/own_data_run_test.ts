import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { confusionText } from "./own_data_run.ts";

/** The column where each field of a line ends (right edge of every run of non-blanks). */
function fieldEnds(line: string): number[] {
  return [...line.matchAll(/\S+/g)].map((m) => m.index! + m[0].length);
}

Deno.test("confusionText: every count sits under its class name, whatever the names' length", () => {
  const cases: [number[][], (string | number)[]][] = [
    [[[12, 0, 0], [0, 14, 0], [0, 0, 10]], [0, 1, 2]],
    [[[10, 0, 0], [0, 10, 0], [0, 1, 9]], ["setosa", "versicolor", "virginica"]],
    [[[70, 2], [2, 40]], ["benign", "malignant"]],
    [[[1234567, 0], [0, 3]], ["a much longer class name than the corner", "b"]],
  ];
  for (const [matrix, classes] of cases) {
    const lines = confusionText(matrix, classes).split("\n");
    strictEqual(lines.length, classes.length + 1);
    // The header's last fields end where the class names end (right-aligned columns).
    const headEnds = fieldEnds(lines[0]).slice(-classes.length);
    for (const [i, line] of lines.slice(1).entries()) {
      strictEqual(line.startsWith(String(classes[i])), true, line);
      deepStrictEqual(fieldEnds(line).slice(-classes.length), headEnds, `row ${i}: ${line}`);
      deepStrictEqual(
        line.trim().split(/\s+/).slice(-classes.length).map(Number),
        matrix[i],
        `row ${i} counts`,
      );
    }
  }
});
