/**
 * Checks `minimizeBfgs`'s options and fills in SciPy's defaults.
 *
 * @module
 */

import { checkInteger, checkKeys, checkNumber, checkOptions, describe } from "@glassbox/internal";
import type { BfgsOptions } from "./minimize_bfgs.ts";

const KEYS = [
  "gtol",
  "norm",
  "maxiter",
  "xrtol",
  "c1",
  "c2",
  "callback",
  "disp",
  "blasThreads",
  "arithmetic",
];

/** Up to this many variables `arithmetic` defaults to "numpy". */
export const EXACT_MAX_VARIABLES = 50;

/** The checked options of one run. */
export interface ParsedBfgsOptions {
  gtol: number;
  norm: number;
  maxiter: number;
  xrtol: number;
  c1: number;
  c2: number;
  callback: ((x: Float64Array) => void) | null;
  print: ((line: string) => void) | null;
  threads: number;
  arithmetic: "numpy" | "fast";
}

/** The output `disp` asks for, or null. */
function printer(disp: unknown, action: string): ((line: string) => void) | null {
  if (disp === undefined || disp === false) return null;
  if (disp === true) return (line) => console.log(line);
  if (typeof disp === "function") return disp as (line: string) => void;
  throw new TypeError(
    `Cannot ${action}: disp must be a boolean or a function of a line, got ${describe(disp)}`,
  );
}

/** Checks `options` for a problem in `n` variables; throws naming the option. */
export function parseBfgsOptions(
  options: BfgsOptions,
  n: number,
  action: string,
): ParsedBfgsOptions {
  const o = checkOptions(options, action);
  checkKeys(o, KEYS, action);
  const gtol = checkNumber(o.gtol, action, "gtol", { min: 0 }, 1e-5);
  const norm = o.norm ?? Infinity;
  if (typeof norm !== "number" || !(norm === Infinity || norm === -Infinity || norm > 0)) {
    throw new RangeError(
      `Cannot ${action}: norm must be Infinity, -Infinity or a positive number, got ${
        describe(norm)
      }`,
    );
  }
  const maxiter = checkInteger(o.maxiter, action, "maxiter", 0, 200 * n);
  const xrtol = checkNumber(o.xrtol, action, "xrtol", { min: 0 }, 0);
  const c1 = checkNumber(o.c1, action, "c1", { min: 0, max: 1, minExclusive: true }, 1e-4);
  const c2 = checkNumber(o.c2, action, "c2", { min: 0, max: 1, maxExclusive: true }, 0.9);
  if (!(c1 < c2)) {
    throw new RangeError(
      `Cannot ${action}: c1 and c2 must satisfy 0 < c1 < c2 < 1, got ${c1} and ${c2}`,
    );
  }
  if (o.callback !== undefined && typeof o.callback !== "function") {
    throw new TypeError(
      `Cannot ${action}: callback must be a function, got ${describe(o.callback)}`,
    );
  }
  const print = printer(o.disp, action);
  const threads = checkInteger(o.blasThreads, action, "blasThreads", 1, 2);
  const arithmetic = o.arithmetic ?? (n <= EXACT_MAX_VARIABLES ? "numpy" : "fast");
  if (arithmetic !== "numpy" && arithmetic !== "fast") {
    throw new RangeError(
      `Cannot ${action}: arithmetic must be "numpy" or "fast", got ${describe(arithmetic)}`,
    );
  }
  return {
    gtol,
    norm,
    maxiter,
    xrtol,
    c1,
    c2,
    callback: o.callback ?? null,
    print,
    threads,
    arithmetic,
  };
}
