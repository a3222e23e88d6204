// The dependency rule, read from the import graph of packages/ (code, tests,
// benches, doc examples in comments and README code blocks):
//   internal imports no other package, and every package may import it;
//   tensor imports only internal;
//   webgpu-kernels, layers, losses, metrics, datasets import only tensor (and internal);
//   plots imports only tensor and internal (and npm vega, vega-lite);
//   trainer may import every package;
// relative imports stay inside their package; no package has an import cycle
// among its files. tasks/, notebooks/ and tests/ (cross-package) import everything.

import { deepStrictEqual, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  cycles,
  formatViolation,
  readImports,
  ruleBroken,
  specifiers,
  valueEdges,
  violations,
} from "./_import_graph.ts";

const ROOT = fileURLToPath(new URL("../packages/", import.meta.url));

Deno.test("every import in packages/ follows the dependency rule (tests and examples included)", async () => {
  const byPackage = await readImports(ROOT);
  deepStrictEqual(
    [...byPackage.keys()].sort(),
    [
      "datasets",
      "internal",
      "layers",
      "losses",
      "metrics",
      "plots",
      "tensor",
      "trainer",
      "webgpu-kernels",
    ],
  );
  const broken = violations(byPackage).map((v) => formatViolation(v, ROOT));
  deepStrictEqual(broken, [], `dependency rule broken:\n${broken.join("\n")}`);
});

Deno.test("no package has an import cycle among its files (type-only imports aside)", async () => {
  const found: string[] = [];
  for (const [pkg, { edges }] of await readImports(ROOT)) {
    for (const cycle of cycles(edges)) found.push(`${pkg}: ${cycle.join(" -> ")}`);
  }
  deepStrictEqual(found, [], `import cycles:\n${found.join("\n")}`);
});

Deno.test("specifiers() finds static, side-effect, dynamic and type imports and their lines", () => {
  const text = [
    'import { a } from "@glassbox/tensor";',
    'import type { B } from "../layers/b.ts";',
    ' * import { mlp } from "@glassbox/layers";',
    'import "./side.ts";',
    'const m = await import("@glassbox/trainer");',
    'export { c } from "./c.ts";',
    'const s = "from nowhere";',
  ].join("\n");
  deepStrictEqual(specifiers(text), [
    { specifier: "@glassbox/tensor", line: 1 },
    { specifier: "../layers/b.ts", line: 2 },
    { specifier: "@glassbox/layers", line: 3 },
    { specifier: "./side.ts", line: 4 },
    { specifier: "@glassbox/trainer", line: 5 },
    { specifier: "./c.ts", line: 6 },
  ]);
});

Deno.test("ruleBroken() names the rule for imports upward, across folders and of outside modules", () => {
  ok(
    ruleBroken("webgpu-kernels", "webgpu-kernels/x.ts", "@glassbox/layers")?.includes(
      "webgpu-kernels may import @glassbox/internal, @glassbox/tensor",
    ),
  );
  ok(ruleBroken("layers", "layers/x_test.ts", "@glassbox/trainer") !== null);
  ok(ruleBroken("internal", "internal/x.ts", "@glassbox/tensor")?.includes("no other package"));
  ok(
    ruleBroken("tensor", "tensor/x.ts", "@glassbox/layers")?.includes("import @glassbox/internal"),
  );
  ok(ruleBroken("layers", "layers/x.ts", "../losses/mse_loss.ts")?.includes("relative path"));
  ok(ruleBroken("layers", "layers/x.ts", "../../tasks/a.ts")?.includes("inside packages/"));
  ok(ruleBroken("metrics", "metrics/x.ts", "npm:vega@6")?.includes("no outside module"));
  deepStrictEqual(
    [
      ruleBroken("trainer", "trainer/x.ts", "@glassbox/webgpu-kernels"),
      ruleBroken("plots", "plots/x.ts", "npm:vega-lite@6.5.0"),
      ruleBroken("plots", "plots/x.ts", "vega"),
      ruleBroken("layers", "layers/x.ts", "@glassbox/tensor/testing"),
      ruleBroken("layers", "layers/x.ts", "@glassbox/layers"),
      ruleBroken("layers", "layers/a/x.ts", "../y.ts"),
      ruleBroken("losses", "losses/x.ts", "node:fs/promises"),
      ruleBroken("tensor", "tensor/x.ts", "@glassbox/internal"),
      ruleBroken("datasets", "datasets/x.ts", "@glassbox/internal"),
    ],
    [null, null, null, null, null, null, null, null, null],
  );
});

Deno.test("cycles() reports each cycle once, with its files in import order", () => {
  const graph = (edges: [string, string[]][]) => new Map(edges);
  deepStrictEqual(
    cycles(graph([
      ["p/a.ts", ["p/b.ts"]],
      ["p/b.ts", ["p/c.ts"]],
      ["p/c.ts", ["p/a.ts", "p/d.ts"]],
      ["p/d.ts", []],
    ])),
    [["p/a.ts", "p/b.ts", "p/c.ts", "p/a.ts"]],
  );
  deepStrictEqual(cycles(graph([["p/a.ts", ["p/b.ts"]], ["p/b.ts", ["p/c.ts"]]])), []);
  deepStrictEqual(
    cycles(graph([["p/b.ts", ["p/sub/a.ts"]], ["p/sub/a.ts", ["p/b.ts"]]])),
    [["p/b.ts", "p/sub/a.ts", "p/b.ts"]],
  );
});

Deno.test("valueEdges() follows value imports and re-exports, not type-only ones or comments", () => {
  const text = [
    'import { a } from "./a.ts";',
    'import type { B } from "./b.ts";',
    'import { type C, type D } from "./c.ts";',
    'import { type E, f } from "./e.ts";',
    'export { g } from "../p/g.ts";',
    'export type { H } from "./h.ts";',
    ' * import { i } from "./i.ts";',
    "import {",
    "  j,",
    "  type K,",
    '} from "./sub/j.ts";',
    'import { l } from "@glassbox/tensor";',
  ].join("\n");
  deepStrictEqual(valueEdges("p/x.ts", text), ["p/a.ts", "p/e.ts", "p/g.ts", "p/sub/j.ts"]);
});
