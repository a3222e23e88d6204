/**
 * `@glassbox/internal`: helpers the glassbox packages share, written once —
 * how messages print shapes and values, the "Cannot <action>: …" message
 * form, option and number checks, the test for host-readable float arrays,
 * reading and writing files in any runtime, exact fused multiply-add and
 * NumPy's `np.dot` in OpenBLAS's summation order.
 *
 * This package is internal to glassbox: the other `@glassbox/*` packages
 * import it, and it imports nothing. Its API carries no stability promise
 * and may change in any release; use the public packages instead.
 *
 * @example A check and the message it gives
 * ```ts
 * import { checkNumber, describe } from "@glassbox/internal";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(checkNumber(0.1, "create SGD", "lr", { min: 0 }), 0.1);
 * throws(() => checkNumber("0.1", "create SGD", "lr"), {
 *   name: "TypeError",
 *   message: `Cannot create SGD: lr must be a number, got ${describe("0.1")}`,
 * });
 * ```
 *
 * @module
 */

export { describe, fmtShape, kindOf } from "./format.ts";
export { broadcastStrides, sizeOf, stridesOf, unravelIndex } from "./shape.ts";
export { cannot } from "./errors.ts";
export {
  checkBoolean,
  checkInteger,
  checkKeys,
  checkNumber,
  checkOptions,
  classIndexProblem,
  type Range,
} from "./checks.ts";
export { isHostArray } from "./host_array.ts";
export {
  makeDirectory,
  openRegularFile,
  type OpenRegularFileOptions,
  type ReadableFile,
  writeFileAtomic,
} from "./files.ts";
export { fma, fmaf, productError } from "./fma.ts";
export { npDot } from "./numpy_dot.ts";
