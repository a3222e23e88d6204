// Option checks of the generators and utilities beyond @glassbox/internal's
// number, integer and boolean checks: number lists, random states, the BLAS
// thread count and the two-part sample count. Every failure reads
// "Cannot <action>: <option> must <rule>, got <value>".

import { RandomState, Tensor } from "@glassbox/tensor";
import { checkInteger, checkNumber, describe } from "@glassbox/internal";

/** A 1-D list of finite numbers given as an array, typed array or 1-D tensor. */
export function checkNumbers(value: unknown, name: string, action: string): number[] {
  let list: ArrayLike<unknown>;
  if (value instanceof Tensor) {
    if (value.rank !== 1) {
      throw new TypeError(`Cannot ${action}: ${name} must be 1-D, got ${describe(value)}`);
    }
    list = value.toTypedArray();
  } else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    list = value as ArrayLike<unknown>;
  } else {
    throw new TypeError(
      `Cannot ${action}: ${name} must be an array of numbers, got ${describe(value)}`,
    );
  }
  return Array.from(list, (v, i) => checkNumber(v, action, `${name}[${i}]`));
}

/** A random state option: a seed in [0, 2^32 - 1], a RandomState (used and advanced), or none. */
export function resolveRandomState(value: unknown, action: string): RandomState {
  if (value === undefined) return new RandomState();
  if (value instanceof RandomState) return value;
  return new RandomState(checkInteger(value, action, "randomState", { min: 0, max: 0xffffffff }));
}

/** The OpenBLAS thread count option of the generators that multiply matrices. */
export function checkThreads(value: unknown, action: string): number {
  return checkInteger(value, action, "blasThreads", { min: 1, max: 1024 });
}

/** The two-part sample count of makeMoons / makeCircles: a total, or [outer, inner]. */
export function splitTwo(value: unknown, action: string): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw new RangeError(
        `Cannot ${action}: nSamples must be an integer or a pair [outer, inner], got ${
          describe(value)
        }`,
      );
    }
    return [
      checkInteger(value[0], action, "nSamples[0]", 0),
      checkInteger(value[1], action, "nSamples[1]", 0),
    ];
  }
  const n = checkInteger(value, action, "nSamples", 1);
  const outer = Math.floor(n / 2);
  return [outer, n - outer];
}
