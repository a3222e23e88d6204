/**
 * The one form of every glassbox error message:
 * "Cannot <action>: <what was wrong>, <what was expected or the current state>".
 *
 * @module
 */

/**
 * Builds an error message in the house form. `action` is what the caller
 * tried ("fit", "create SGD", "load safetensors file w.st"), `problem` what
 * was wrong, `expected` (optional) what was expected or the state that
 * explains it.
 *
 * @param action What could not be done, as a verb phrase.
 * @param problem What was wrong.
 * @param expected What was expected, or the current state.
 * @returns `Cannot <action>: <problem>, <expected>` (without the last part when `expected` is omitted or empty).
 *
 * @example
 * ```ts
 * import { cannot } from "@glassbox/internal";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(
 *   cannot("matmul", "shapes [2, 3] and [4, 5] do not align", "3 != 4"),
 *   "Cannot matmul: shapes [2, 3] and [4, 5] do not align, 3 != 4",
 * );
 * strictEqual(cannot("fit", "x has no rows"), "Cannot fit: x has no rows");
 * ```
 */
export function cannot(action: string, problem: string, expected?: string): string {
  return `Cannot ${action}: ${problem}${expected ? `, ${expected}` : ""}`;
}
