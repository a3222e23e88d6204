// Assertion helpers shared by this package's tests (not published).

import { strictEqual, throws } from "node:assert/strict";

/** The error classes the house style uses for bad input. */
export type ErrorClass = typeof TypeError | typeof RangeError | typeof ReferenceError;

/** Asserts that `fn` throws exactly `cls` and that its message contains every fragment. */
export function throwsWith(fn: () => unknown, cls: ErrorClass, ...fragments: string[]): void {
  throws(fn, (e: unknown) => {
    strictEqual((e as Error).constructor, cls, `error class of: ${(e as Error).message}`);
    for (const f of fragments) {
      strictEqual(
        (e as Error).message.includes(f),
        true,
        `"${(e as Error).message}" should name "${f}"`,
      );
    }
    return true;
  });
}
