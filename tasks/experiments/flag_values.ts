/**
 * Reading `deno task train`'s command line, the same for every parser
 * (flags.ts for the experiments and `--data`, assignment.ts for the
 * assignment's parts): `parseArgs` with negative values read as values
 * (`--lr -1` is the value -1, reported as out of range, not as a missing
 * argument), a single-value flag given twice refused, and numbers accepted
 * only as decimal literals (no `0x10`, no `1e1` for a count, no `Infinity`).
 *
 * @module
 */

import { parseArgs } from "node:util";

/** An option table for `parseArgs`. */
export type OptionTable = Record<
  string,
  { type: "string" | "boolean"; multiple?: boolean; short?: string }
>;

/** Reports a bad flag: throws the caller's usage error for `flag` with `message`. */
export type Fail = (flag: string, message: string) => never;

/** A decimal integer literal ("0x10", "1e1", " 3" are not). */
const DECIMAL_INTEGER = /^[+-]?\d+$/;
/** A decimal number literal: digits, an optional fraction and exponent ("0x10", "Infinity" are not). */
const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * An integer flag value of at least `min`, written as a decimal integer.
 *
 * @param flag The flag, for the message.
 * @param text Its value.
 * @param min The smallest value allowed.
 * @param fail Throws the caller's usage error.
 * @returns The integer.
 */
export function decimalInteger(flag: string, text: string, min: number, fail: Fail): number {
  const n = Number(text);
  if (!DECIMAL_INTEGER.test(text) || !Number.isSafeInteger(n) || n < min) {
    fail(
      flag,
      `${flag} must be an integer >= ${min}, got "${text}" (a decimal integer, like ${
        Math.max(min, 10)
      })`,
    );
  }
  return n;
}

/**
 * A number flag value, written as a decimal number: at least 0, or above 0
 * with `positive`.
 *
 * @param flag The flag, for the message.
 * @param text Its value.
 * @param fail Throws the caller's usage error.
 * @param options `positive`: 0 is not allowed either.
 * @returns The number.
 */
export function decimalNumber(
  flag: string,
  text: string,
  fail: Fail,
  options: { positive?: boolean } = {},
): number {
  const n = Number(text);
  const low = options.positive === true ? n <= 0 : n < 0;
  if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(n) || low) {
    fail(
      flag,
      `${flag} must be a number ${options.positive === true ? "> 0" : ">= 0"}, got "${text}" ` +
        `(a decimal number, like 0.01 or 1e-3)`,
    );
  }
  return n;
}

/** The flag a `parseArgs` error message is about, e.g. `--lr` in "Option '--lr <value>' argument missing". */
function flagOf(message: string): string {
  return message.match(/'(-[-\w]+|-\w)/)?.[1] ?? message.match(/(--[\w-]+)/)?.[1] ?? "";
}

/**
 * `parseArgs` in strict mode over `options`, with `--flag -1` read as
 * `--flag=-1` and a single-value flag given twice refused.
 *
 * @param args The arguments.
 * @param options The option table.
 * @param fail Throws the caller's usage error.
 * @returns `parseArgs`' values.
 */
export function parseCommandLine<T extends OptionTable>(
  args: readonly string[],
  options: T,
  fail: Fail,
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>["values"] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : null;
    const option = name === null ? undefined : options[name];
    if (option?.type === "string" && i + 1 < args.length && /^-[\d.]/.test(args[i + 1])) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else joined.push(args[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, tokens: true });
  } catch (error) {
    const message = (error as Error).message;
    return fail(flagOf(message), message);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    if (options[t.name]?.multiple === true) continue;
    if (seen.has(t.name)) {
      fail(`--${t.name}`, `--${t.name} was given more than once; give it once`);
    }
    seen.add(t.name);
  }
  return parsed.values as ReturnType<typeof parseArgs<{ options: T; strict: true }>>["values"];
}
