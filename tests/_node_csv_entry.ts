// Bundled for Node by datasets_node_csv_test.ts: loadCsv without a Deno global.

import { loadCsv } from "@glassbox/datasets";

const args = (globalThis as unknown as { process: { argv: string[] } }).process.argv;
try {
  const t = await loadCsv(args[2], { target: "kind" });
  console.log(JSON.stringify({
    x: t.x.toArray(),
    classes: t.classes,
    deno: typeof (globalThis as { Deno?: unknown }).Deno,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: (error as Error).message }));
}
