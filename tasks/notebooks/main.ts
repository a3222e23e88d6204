/**
 * `deno task notebooks`: executes every notebook in notebooks/ headless on
 * Deno's Jupyter kernel and writes the executed copies (with their outputs:
 * printed lines, tables, charts) to notebooks/.executed/, which git ignores.
 * Pass names to run only some: `deno task notebooks 3.1-mlp.ipynb`.
 *
 * Needs Debian's `jupyter-nbconvert` (apt-get install jupyter-nbconvert) and
 * the kernel (`deno jupyter --install`).
 *
 * @module
 */

import { executeNotebook, NOTEBOOKS, whyNotRunnable } from "./execute.ts";

const OUT = new URL("../../notebooks/.executed", import.meta.url).pathname;
const PER_NOTEBOOK_MS = 180_000;

const why = await whyNotRunnable();
if (why !== null) {
  console.error(`notebooks: cannot run the notebooks: ${why}`);
  Deno.exit(1);
}
const wanted = Deno.args.length > 0 ? Deno.args : [...NOTEBOOKS];
let failed = 0;
for (const name of wanted) {
  if (!(NOTEBOOKS as readonly string[]).includes(name)) {
    console.error(`notebooks: no notebook ${name}; the notebooks are ${NOTEBOOKS.join(", ")}`);
    Deno.exit(2);
  }
  const { code, stderr, seconds } = await executeNotebook(name, OUT, PER_NOTEBOOK_MS);
  const status = code === 0 ? "ok" : code === 124 ? "TIMED OUT" : `FAILED (exit ${code})`;
  console.log(
    `notebooks: ${name} ${status} in ${seconds.toFixed(1)}s → notebooks/.executed/${name}`,
  );
  if (code !== 0) {
    failed++;
    if (stderr !== "") console.error(stderr);
  }
}
Deno.exit(failed === 0 ? 0 : 1);
