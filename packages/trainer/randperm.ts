/**
 * `randperm`: a random permutation of 0…n−1 drawn exactly as PyTorch 1.13's
 * CPU `torch.randperm(n, generator=g)`.
 *
 * @module
 */

import { type Generator, getDefaultGenerator } from "@glassbox/tensor";
import { checkInteger } from "@glassbox/internal";

/**
 * A random permutation of `0 … n − 1`, the same as
 * `torch.randperm(n, generator=g)` on the CPU for a generator in the same
 * state: PyTorch's Fisher–Yates pass, swapping element i with element
 * `i + (g.random() mod (n − i))` for i = 0 … n − 2 (one 32-bit draw each).
 *
 * @param n How many indices (an integer ≥ 0, below 2³²/20 as PyTorch's small-n path).
 * @param generator The generator to draw from (default: the one `manualSeed` seeds).
 * @returns The permutation.
 *
 * @example Same as `torch.randperm(10, generator=torch.Generator().manual_seed(0))`
 * ```ts
 * import { randperm } from "@glassbox/trainer";
 * import { Generator } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(Array.from(randperm(10, new Generator(0))), [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]);
 * ```
 */
export function randperm(n: number, generator: Generator = getDefaultGenerator()): Int32Array {
  checkInteger(n, "draw randperm", "n", 0);
  if (n >= Math.floor(0xffffffff / 20)) {
    throw new RangeError(
      `Cannot draw randperm: n must be below ${Math.floor(0xffffffff / 20)}, got ${n}`,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = generator.random() % (n - i);
    const saved = out[i];
    out[i] = out[z + i];
    out[z + i] = saved;
  }
  return out;
}
