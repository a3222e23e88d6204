/**
 * `AssertionError`: what `assertClose` and `gradcheck` throw when values
 * differ. It is defined here rather than taken from `node:assert`, so the
 * package runs in browsers as well as in Deno, Node and Bun.
 *
 * @module
 */

/**
 * A failed numeric assertion. Its `name` is `"AssertionError"` and its
 * `code` `"ERR_ASSERTION"`, as with `node:assert`'s error, so test runners
 * and reporters that look for either treat it the same way; only
 * `instanceof` differs (catch this class, not Node's).
 *
 * @example
 * ```ts
 * import { assertClose, AssertionError } from "@glassbox/tensor";
 * import { ok, throws } from "node:assert/strict";
 *
 * throws(() => assertClose(1, 2), (e: unknown) => {
 *   ok(e instanceof AssertionError);
 *   ok(e.message.includes("worst at index [0]"));
 *   return true;
 * });
 * ```
 */
export class AssertionError extends Error {
  /** `"ERR_ASSERTION"`, the code `node:assert` gives its errors. */
  readonly code: "ERR_ASSERTION" = "ERR_ASSERTION";

  /**
   * Creates the error.
   *
   * @param message What differed: the failing element, both values, the errors.
   * @param options `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}
