/**
 * Running the notebooks in notebooks/ headless: which notebooks there are,
 * whether this machine can run them (Debian's `jupyter-nbconvert` and
 * Deno's kernel from `deno jupyter --install`), and `executeNotebook`,
 * which runs one through tasks/notebooks/execute.py (nbclient, the library
 * behind `jupyter nbconvert --execute`) and returns the executed copy.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url);
const PYTHON = "/usr/bin/python3";

/** The notebooks, in reading order. */
export const NOTEBOOKS = [
  "1.1-simple-linear-regression.ipynb",
  "1.2-multivariate-linear-regression.ipynb",
  "3.1-mlp.ipynb",
  "mlp-classification.ipynb",
  "assignment-mlp.ipynb",
] as const;

/** One output of a code cell, as nbformat stores it. */
export interface CellOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

/** An executed notebook: its code cells' outputs, in order. */
export interface ExecutedNotebook {
  /** Where the executed copy was written. */
  path: string;
  /** Each code cell's outputs. */
  cells: CellOutput[][];
}

/**
 * Why the notebooks cannot run here, or null when they can: needs
 * /usr/bin/python3 with nbclient (apt-get install jupyter-nbconvert) and
 * the "deno" kernel (deno jupyter --install).
 *
 * @returns The reason, or null.
 */
export async function whyNotRunnable(): Promise<string | null> {
  const probe = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import nbclient\nfrom jupyter_client.kernelspec import find_kernel_specs\n" +
      "print('deno' in find_kernel_specs())",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => null);
  if (probe === null || probe.code !== 0) {
    return `${PYTHON} cannot import nbclient (apt-get install jupyter-nbconvert)`;
  }
  if (new TextDecoder().decode(probe.stdout).trim() !== "True") {
    return `Jupyter has no "deno" kernel (run deno jupyter --install)`;
  }
  return null;
}

/** The text a cell output printed (stream outputs). */
export function streamText(output: CellOutput): string {
  if (output.output_type !== "stream") return "";
  return Array.isArray(output.text) ? output.text.join("") : output.text ?? "";
}

/**
 * Executes one notebook and reads the executed copy back.
 *
 * @param name A file name from `NOTEBOOKS`.
 * @param outDir Where the executed copy goes (created if missing).
 * @param timeoutMs Wall-clock limit for the whole notebook.
 * @returns The executed notebook, and the runner's exit code and error text
 *   (code 1: a cell failed; 2: a cell timed out; 124: the notebook ran past `timeoutMs`).
 */
export async function executeNotebook(
  name: string,
  outDir: string,
  timeoutMs: number,
): Promise<{ notebook: ExecutedNotebook | null; code: number; stderr: string; seconds: number }> {
  const started = performance.now();
  const child = new Deno.Command(PYTHON, {
    args: [
      new URL("tasks/notebooks/execute.py", ROOT).pathname,
      new URL(`notebooks/${name}`, ROOT).pathname,
      outDir,
      "--timeout",
      String(Math.ceil(timeoutMs / 1000)),
    ],
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, timeoutMs);
  const result = await child.output();
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const stderr = new TextDecoder().decode(result.stderr)
    .split("\n").filter((l) => !l.includes('"deno jupyter" is unstable')).join("\n").trim();
  const code = result.signal === "SIGKILL" ? 124 : result.code;
  const path = `${outDir}/${name}`;
  let notebook: ExecutedNotebook | null = null;
  try {
    const json = JSON.parse(await Deno.readTextFile(path));
    notebook = {
      path,
      cells: (json.cells as { cell_type: string; outputs?: CellOutput[] }[])
        .filter((c) => c.cell_type === "code").map((c) => c.outputs ?? []),
    };
  } catch {
    notebook = null;
  }
  return { notebook, code, stderr, seconds };
}
