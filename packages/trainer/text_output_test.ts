import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { consoleOutput, stdoutOutput } from "./text_output.ts";

/** Runs `fn` with console.log captured; returns what it logged. */
function captureLog(fn: () => void): unknown[][] {
  const logged: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(args);
  try {
    fn();
  } finally {
    console.log = log;
  }
  return logged;
}

Deno.test("consoleOutput() logs each complete line once and holds back an unfinished one", () => {
  const out = consoleOutput();
  const logged = captureLog(() => {
    out.write("a");
    out.write("b\n\nc\nd");
  });
  deepStrictEqual(logged, [["ab"], [""], ["c"]]);
  deepStrictEqual(captureLog(() => out.write("e\n")), [["de"]]);
  strictEqual(out.isTerminal(), false);
});

Deno.test("stdoutOutput() writes to Deno.stdout in Deno, not to the console", () => {
  const logged = captureLog(() => stdoutOutput().write("stdoutOutput() test line\n"));
  deepStrictEqual(logged, []);
  strictEqual(stdoutOutput().isTerminal(), Deno.stdout.isTerminal());
});
