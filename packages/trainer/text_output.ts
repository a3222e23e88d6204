/**
 * `TextOutput`: where the progress bar and the epoch log write, and the
 * default, standard output.
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

/** Whether this code runs in Deno's Jupyter kernel (where `Deno.jupyter` exists). */
function inJupyterKernel(): boolean {
  try {
    // Outside `deno jupyter` the getter throws.
    return typeof (globalThis as { Deno?: { jupyter?: unknown } }).Deno?.jupyter === "object";
  } catch {
    return false;
  }
}

/**
 * Standard output: synchronous writes, `Deno.stdout.isTerminal()`. In
 * Deno's Jupyter kernel, whose cells show what `console.log` prints but not
 * what is written to the process's stdout, complete lines go through
 * `console.log` instead (a partial line waits for its newline).
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
  if (inJupyterKernel()) {
    let pending = "";
    return {
      write(text: string): void {
        const lines = (pending + text).split("\n");
        pending = lines.pop()!;
        for (const line of lines) console.log(line.slice(line.lastIndexOf("\r") + 1));
      },
      isTerminal: () => false,
    };
  }
  return {
    write(text: string): void {
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
    },
    isTerminal: () => Deno.stdout.isTerminal(),
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
