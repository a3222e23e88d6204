// The CPU's reductions along one axis of a tensor viewed as [outer, length, inner].

import type { ReduceOp } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";

/**
 * `out[o, i] = op over r of x[o, r, i]`; max/min/argmax/argmin: a NaN wins, as in
 * PyTorch, and ties keep the first index.
 */
export function reduceKernel(
  op: ReduceOp,
  x: TypedArray,
  [outer, len, inner]: readonly [number, number, number],
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let acc: number;
      if (op === "sum") {
        acc = 0;
        for (let r = 0; r < len; r++) acc += x[base + r * inner];
      } else {
        // max/min/argmax/argmin: a NaN wins, as in PyTorch; ties keep the first index.
        const wantMax = op === "max" || op === "argmax";
        let best = x[base], at = 0;
        for (let r = 1; r < len && best === best; r++) {
          const v = x[base + r * inner];
          if (v !== v || (wantMax ? v > best : v < best)) best = v, at = r;
        }
        acc = op === "max" || op === "min" ? best : at;
      }
      out[o * inner + i] = acc;
    }
  }
}
