// @glassbox/plots sits between tensor and trainer: it imports only
// @glassbox/tensor and @glassbox/internal (and npm vega / vega-lite for rendering), and among the
// packages only trainer imports it, so trainer → plots → tensor adds no cycle.

import { deepStrictEqual } from "node:assert/strict";

const PACKAGES = new URL("../packages/", import.meta.url);

/** The bare specifiers (not relative paths) a package's files import, with the files. */
async function imports(pkg: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for await (const entry of Deno.readDir(new URL(`${pkg}/`, PACKAGES))) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(`${pkg}/${entry.name}`, PACKAGES));
    // Static imports and exports, type-only ones, dynamic import("…"), and doc examples' imports.
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^".][^"]*)"/g)) {
      const name = m[1].startsWith("@glassbox/") ? m[1].split("/").slice(0, 2).join("/") : m[1];
      found.set(name, [...(found.get(name) ?? []), entry.name]);
    }
  }
  return found;
}

Deno.test("plots imports only @glassbox/tensor, @glassbox/internal, vega and vega-lite (tests and examples included)", async () => {
  const names = [...(await imports("plots")).keys()]
    .filter((n) => !n.startsWith("node:") && n !== "@glassbox/plots").sort();
  deepStrictEqual(names, ["@glassbox/internal", "@glassbox/tensor", "vega", "vega-lite"]);
});

Deno.test("among the packages only trainer imports plots", async () => {
  const importers: string[] = [];
  for await (const entry of Deno.readDir(PACKAGES)) {
    if (!entry.isDirectory || entry.name === "plots") continue;
    if ((await imports(entry.name)).has("@glassbox/plots")) importers.push(entry.name);
  }
  deepStrictEqual(importers, ["trainer"]);
});
