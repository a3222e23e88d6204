// The committed notebooks, without running them: they are stored without
// outputs (executed copies go to the ignored notebooks/.executed/), they run
// on the Deno kernel, they import the packages the way a reader would, and
// their code cells, joined in order, type-check against the workspace.

import { deepStrictEqual, ok } from "node:assert/strict";
import { NOTEBOOKS } from "../tasks/notebooks/execute.ts";

const ROOT = new URL("../", import.meta.url);

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

async function read(name: string): Promise<{ cells: Cell[]; metadata: Record<string, unknown> }> {
  return JSON.parse(await Deno.readTextFile(new URL(`notebooks/${name}`, ROOT)));
}

const source = (c: Cell) => Array.isArray(c.source) ? c.source.join("") : c.source;

Deno.test("notebooks/ holds exactly the listed notebooks", async () => {
  const found: string[] = [];
  for await (const e of Deno.readDir(new URL("notebooks/", ROOT))) {
    if (e.isFile && e.name.endsWith(".ipynb")) found.push(e.name);
  }
  deepStrictEqual(found.sort(), [...NOTEBOOKS].sort());
});

for (const name of NOTEBOOKS) {
  Deno.test(`${name} is stored without outputs, on the deno kernel, importing @glassbox/*`, async () => {
    const nb = await read(name);
    deepStrictEqual((nb.metadata.kernelspec as { name: string }).name, "deno");
    const code = nb.cells.filter((c) => c.cell_type === "code");
    ok(code.length > 0, "no code cells");
    for (const [i, c] of code.entries()) {
      deepStrictEqual(c.outputs, [], `code cell ${i} has outputs`);
      deepStrictEqual(c.execution_count ?? null, null, `code cell ${i} has an execution count`);
    }
    const imports = code.map(source).join("\n").match(/from "([^"]+)"/g) ?? [];
    ok(
      imports.length > 0 && imports.every((i) => i.startsWith('from "@glassbox/')),
      `imports: ${imports}`,
    );
  });
}

Deno.test("the notebooks' code cells type-check against the workspace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "glassbox-notebook-check-" });
  try {
    const files: string[] = [];
    for (const name of NOTEBOOKS) {
      const nb = await read(name);
      const file = `${dir}/${name.replace(/\.ipynb$/, ".ts")}`;
      const code = nb.cells.filter((c) => c.cell_type === "code").map(source).join("\n\n");
      // Each notebook is one module of its own (no names shared between files).
      await Deno.writeTextFile(file, `${code}\nexport {};\n`);
      files.push(file);
    }
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "check",
        "--quiet",
        "--config",
        new URL("deno.json", ROOT).pathname,
        // The tests' lockfile, as deno task check uses: deno.lock stays what deno task train needs.
        `--lock=${new URL("tasks/dev.lock", ROOT).pathname}`,
        ...files,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    ok(code === 0, new TextDecoder().decode(stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
