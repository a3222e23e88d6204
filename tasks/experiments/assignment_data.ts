/**
 * The assignment notebook's 1-D regression data (`X1`, `y1`, `X1test`,
 * `y1test`). The notebook loads them from a helper file that is not
 * included; glassbox builds a data set of the same shape instead: 100
 * training and 100 test points with x on [0, 13] and one target each.
 *
 * Recipe (`assignmentData(seed)`, seed 2 by default), drawn from PyTorch's
 * generator `torch.Generator().manual_seed(seed)` in this order:
 *
 * ```text
 * X1     = rand(100, 1) · 13          y1     = f(X1)     + 0.075 · randn(100, 1)
 * X1test = rand(100, 1) · 13          y1test = f(X1test) + 0.075 · randn(100, 1)
 * f(x) = 1.5·exp(−(x − 2.5)²/1.5) − exp(−(x − 6.5)²/2) + 0.8·exp(−(x − 10.5)²/1.2)
 * ```
 *
 * Three bumps (up, down, up) under Gaussian noise of standard deviation
 * 0.075 (variance 0.0056, the floor of a good fit's MSE): one or two
 * sigmoid units cannot follow them, three to ten can. The training points
 * are uniform, so they leave gaps (the widest is about 0.5) and stop short
 * of both ends of [0, 13] (seed 2: 0.09 to 12.62). A network with 50 or
 * 100 hidden units trained by BFGS with SciPy's defaults (until the
 * gradient's largest entry is below 1e-5, or 200 × parameters iterations)
 * bends into those gaps and past the ends to chase the noise. Measured with
 * `deno task train --experiment assignment-widths` (seeds 0 and 2): the
 * training MSE falls from 0.239 (width 1) through 0.0028 (width 10) to
 * 0.00125 (50) and 0.00082 (100), below the noise floor, while the test MSE
 * is lowest at width 10 (0.0072) and jumps to 351 (width 50) and 139
 * (width 100) — the overfitting the notebook's width study asks about.
 *
 * @module
 */

import { checkInteger } from "@glassbox/internal";
import { Generator, rand, randn, type Tensor, tidy } from "@glassbox/tensor";

/** Sizes, range, noise and default seed of the assignment's 1-D data. */
export const ASSIGNMENT_DATA = {
  trainRows: 100,
  testRows: 100,
  range: [0, 13] as const,
  noise: 0.075,
  seed: 2,
} as const;

/** The assignment's 1-D data set. */
export interface AssignmentData {
  /** Training inputs `[100, 1]`. */
  X1: Tensor;
  /** Training targets `[100, 1]`. */
  y1: Tensor;
  /** Test inputs `[100, 1]`. */
  X1test: Tensor;
  /** Test targets `[100, 1]`. */
  y1test: Tensor;
  /** One line saying how the data were made. */
  description: string;
}

/**
 * The noise-free curve f(x): three Gaussian bumps, with operations in the
 * order the PyTorch generator of the golden fixtures uses.
 *
 * @param x Inputs.
 * @returns f(x), shaped like x.
 *
 * @example
 * ```ts
 * import { assignmentCurve } from "./assignment_data.ts";
 * import { tensor } from "@glassbox/tensor";
 * import { ok } from "node:assert/strict";
 *
 * const [peak] = assignmentCurve(tensor([2.5])).toTypedArray();
 * ok(Math.abs(peak - 1.5) < 0.01); // the first bump's top
 * ```
 */
export function assignmentCurve(x: Tensor): Tensor {
  return tidy(() => {
    const bump = (centre: number, width: number): Tensor =>
      x.sub(centre).square().div(width).neg().exp();
    return bump(2.5, 1.5).mul(1.5).sub(bump(6.5, 2)).add(bump(10.5, 1.2).mul(0.8));
  });
}

/**
 * Draws the assignment's data set (see the module doc for the recipe).
 *
 * @param seed Seed of the PyTorch-identical generator (default 2).
 * @returns `X1`, `y1`, `X1test`, `y1test` and a description.
 *
 * @example
 * ```ts
 * import { assignmentData } from "./assignment_data.ts";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * const { X1, y1test } = assignmentData();
 * deepStrictEqual(X1.shape, [100, 1]);
 * deepStrictEqual(y1test.shape, [100, 1]);
 * ok(Math.max(...X1.toTypedArray()) <= 13);
 * ```
 */
export function assignmentData(seed: number = ASSIGNMENT_DATA.seed): AssignmentData {
  checkInteger(seed, "draw the assignment data", "seed", 0);
  const d = ASSIGNMENT_DATA;
  const g = new Generator(seed);
  const draw = (n: number): [Tensor, Tensor] =>
    tidy(() => {
      const x = rand([n, 1], { generator: g, dtype: "float64" }).mul(d.range[1]);
      const noise = randn([n, 1], { generator: g, dtype: "float64" });
      return [x, assignmentCurve(x).add(noise.mul(d.noise))];
    });
  const [X1, y1] = draw(d.trainRows);
  const [X1test, y1test] = draw(d.testRows);
  return {
    X1,
    y1,
    X1test,
    y1test,
    description:
      `X1, X1test = rand(100, 1)·13; y = f(x) + ${d.noise}·randn, f = 1.5·exp(−(x−2.5)²/1.5) − exp(−(x−6.5)²/2) + 0.8·exp(−(x−10.5)²/1.2); ` +
      `Generator(${seed}) draws X1, the training noise, X1test, the test noise; 100 training and 100 test points (the notebook's helper file is not included: this is glassbox's stand-in)`,
  };
}
