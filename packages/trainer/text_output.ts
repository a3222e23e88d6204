/**
 * `TextOutput`: where the progress bar and the epoch log write; the
 * default, standard output, in whichever runtime this is; and the console
 * and in-memory sinks.
 *
 * @module
 */

/** A text sink: standard output by default, or anything a test can read. */
export interface TextOutput {
  /**
   * Writes text as is (no newline added).
   * @param text The text.
   */
  write(text: string): void;
  /**
   * Whether the sink is an interactive terminal (progress bars redraw in place).
   * @returns True for a TTY.
   */
  isTerminal(): boolean;
}

const encoder = new TextEncoder();

/** Node's and Bun's `process.stdout`, as far as a sink needs it. */
interface NodeStdout {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Whether this code runs in Deno's Jupyter kernel (where `Deno.jupyter` exists). */
function inJupyterKernel(deno: typeof Deno): boolean {
  try {
    // Outside `deno jupyter` the getter throws.
    return typeof (deno as { jupyter?: unknown }).jupyter === "object";
  } catch {
    return false;
  }
}

/**
 * Standard output: in Deno synchronous writes to `Deno.stdout`, in Node and
 * Bun `process.stdout`; where neither exists (a browser) the console, one
 * `console.log` per line (see `consoleOutput`). In Deno's Jupyter kernel,
 * whose cells show what `console.log` prints but not what is written to the
 * process's stdout, the console too.
 *
 * @returns The sink.
 *
 * @example
 * ```ts
 * import { stdoutOutput } from "@glassbox/trainer";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(typeof stdoutOutput().isTerminal(), "boolean");
 * ```
 */
export function stdoutOutput(): TextOutput {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno !== undefined && inJupyterKernel(deno)) return consoleOutput();
  if (deno !== undefined) {
    return {
      write(text: string): void {
        const bytes = encoder.encode(text);
        let written = 0;
        while (written < bytes.length) written += deno.stdout.writeSync(bytes.subarray(written));
      },
      isTerminal: () => deno.stdout.isTerminal(),
    };
  }
  const stdout = (globalThis as { process?: { stdout?: NodeStdout } }).process?.stdout;
  if (stdout !== undefined && typeof stdout.write === "function") {
    return {
      write(text: string): void {
        stdout.write(text);
      },
      isTerminal: () => stdout.isTTY === true,
    };
  }
  return consoleOutput();
}

/**
 * The console: text is collected until a newline and each complete line
 * goes to `console.log` (without its newline), so a browser's console shows
 * the epoch log line by line. It is never a terminal, so a progress bar
 * prints one line per epoch instead of redrawing.
 *
 * @returns The sink.
 *
 * @example
 * ```ts
 * import { consoleOutput } from "@glassbox/trainer";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const logged: unknown[] = [];
 * const log = console.log;
 * console.log = (...args: unknown[]) => logged.push(...args);
 * try {
 *   const out = consoleOutput();
 *   out.write("Epoch: 0 - ");
 *   out.write("L: 1.5\nEpoch: 1");
 *   out.write(" - L: 0.9\n");
 * } finally {
 *   console.log = log;
 * }
 * deepStrictEqual(logged, ["Epoch: 0 - L: 1.5", "Epoch: 1 - L: 0.9"]);
 * ```
 */
export function consoleOutput(): TextOutput {
  let pending = "";
  return {
    write(text: string): void {
      pending += text;
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        console.log(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    },
    isTerminal: () => false,
  };
}

/**
 * A sink that keeps what it is given, for tests and for capturing a log.
 *
 * @param terminal What `isTerminal()` answers (default false).
 * @returns The sink; `text` holds everything written.
 *
 * @example
 * ```ts
 * import { memoryOutput } from "@glassbox/trainer";
 * import { strictEqual } from "node:assert/strict";
 *
 * const out = memoryOutput();
 * out.write("a\n");
 * strictEqual(out.text, "a\n");
 * ```
 */
export function memoryOutput(terminal = false): TextOutput & { text: string } {
  return {
    text: "",
    write(text: string): void {
      this.text += text;
    },
    isTerminal: () => terminal,
  };
}
