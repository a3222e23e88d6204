// The notebooks' cells are formatted as `deno fmt` formats the rest of the
// repository (deno.json's settings: line width 100, prose preserved).
//
// notebooks/ is excluded from `deno fmt` in deno.json because Deno 2.9.6's
// `deno fmt --check` reports every .ipynb whose cells are stored the usual
// Jupyter way (the last line of a cell without a newline) as not formatted,
// while `deno fmt` leaves the same file byte for byte as it was: on a fresh
// machine `deno task check` would fail on notebooks that are formatted. This
// test checks each cell instead, through `deno fmt -` on its text.

import { ok } from "node:assert/strict";
import { NOTEBOOKS } from "../tasks/notebooks/execute.ts";

const ROOT = new URL("../", import.meta.url);
const CONFIG = new URL("deno.json", ROOT).pathname;

interface Cell {
  cell_type: string;
  source: string | string[];
}

/** `text` as `deno fmt` formats a file of extension `ext` under deno.json's settings. */
async function formatted(text: string, ext: "ts" | "md"): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", `--ext=${ext}`, `--config=${CONFIG}`, "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  ok(code === 0, `deno fmt --ext=${ext} - failed: ${decoder.decode(stderr)}`);
  return decoder.decode(stdout);
}

/** The first line where `a` and `b` differ, for the failure message. */
function firstDifference(a: string, b: string): string {
  const x = a.split("\n"), y = b.split("\n");
  const i = x.findIndex((line, k) => line !== y[k]);
  const at = i < 0 ? x.length : i;
  return `line ${at + 1}: stored ${JSON.stringify(x[at])}, deno fmt ${JSON.stringify(y[at])}`;
}

Deno.test("every notebook cell is formatted as deno fmt formats the repository", async (t) => {
  for (const name of NOTEBOOKS) {
    await t.step(name, async () => {
      const nb: { cells: Cell[] } = JSON.parse(
        await Deno.readTextFile(new URL(`notebooks/${name}`, ROOT)),
      );
      const wrong: string[] = [];
      await Promise.all(nb.cells.map(async (cell, i) => {
        if (cell.cell_type !== "code" && cell.cell_type !== "markdown") return;
        const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
        if (text.trim() === "") return;
        // The formatter ends a file with one newline; a cell's text need not.
        const stored = text.endsWith("\n") ? text : `${text}\n`;
        const want = await formatted(stored, cell.cell_type === "code" ? "ts" : "md");
        if (want !== stored) {
          wrong.push(`cell ${i} (${cell.cell_type}) ${firstDifference(stored, want)}`);
        }
      }));
      ok(wrong.length === 0, `${name}: not formatted:\n${wrong.join("\n")}`);
    });
  }
});
