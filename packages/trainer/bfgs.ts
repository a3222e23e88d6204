/**
 * `BFGS`: SciPy's BFGS (`minimizeBfgs`) over a model's parameters, as the
 * notebooks' `scipy.optimize.minimize(method="BFGS")` over the flattened
 * weights.
 *
 * @module
 */

import type { Parameter } from "@glassbox/layers";
import { cpu } from "@glassbox/tensor";
import { hostView } from "./_host.ts";
import { describe } from "@glassbox/internal";
import { parseBfgsOptions } from "./_bfgs_options.ts";
import { assignFlat, checkParams, zeroGrads } from "./_param_buffers.ts";
import { type BfgsOptions, type BfgsResult, minimizeBfgs } from "./minimize_bfgs.ts";

const ACTION = "minimize with BFGS";

/**
 * Runs SciPy's BFGS to convergence on a model's parameters. The parameters
 * are one float64 vector, concatenated in the order given (flattened
 * row-major each, as `torch.cat([p.flatten() for p in params])`); each
 * evaluation writes a point into the parameters, calls the closure (which
 * zeroes the gradients, runs forward and backward and returns the loss), and
 * reads the gradients back in the same order. At the end the parameters
 * hold the solution `x` (float32 parameters are rounded to float32 when
 * written; the search itself stays in float64). Their `.grad` is whatever
 * the last evaluation left, which need not be at `x`.
 *
 * @example Fitting y = 2x + 1 by least squares
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { BFGS } from "@glassbox/trainer";
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const w = new Parameter("w", tensor([0]));
 * const b = new Parameter("b", tensor([0]));
 * const xs = [0, 1, 2, 3], ys = xs.map((x) => 2 * x + 1);
 * const bfgs = new BFGS([w, b]);
 * const result = bfgs.minimize(() => {
 *   bfgs.zeroGrad();
 *   let loss = 0, gw = 0, gb = 0;
 *   const [wv, bv] = [w.value.item(), b.value.item()];
 *   xs.forEach((x, i) => {
 *     const r = wv * x + bv - ys[i];
 *     loss += r * r / xs.length;
 *     gw += 2 * r * x / xs.length;
 *     gb += 2 * r / xs.length;
 *   });
 *   w.accumulate(tensor([gw]));
 *   b.accumulate(tensor([gb]));
 *   return loss;
 * });
 * strictEqual(result.status, 0);
 * assertClose(w.value, [2], { atol: 1e-6 });
 * assertClose(b.value, [1], { atol: 1e-6 });
 * ```
 */
export class BFGS {
  /** `"BFGS"`. */
  readonly name = "BFGS";
  /** The options passed to `minimizeBfgs`. */
  readonly options: BfgsOptions;
  readonly #params: readonly Parameter[];

  /**
   * Creates the optimizer over `params`.
   *
   * @param params The parameters, in the order of the flat vector (e.g. `model.parameters()`).
   * @param options `minimizeBfgs`'s options: `gtol`, `norm`, `maxiter`, `xrtol`, `c1`, `c2`, `callback`, `disp`.
   *
   * @example
   * ```ts
   * import { mlp } from "@glassbox/layers";
   * import { BFGS } from "@glassbox/trainer";
   * import { strictEqual, throws } from "node:assert/strict";
   *
   * strictEqual(new BFGS(mlp([1, 2, 1]).parameters()).size, 7);
   * throws(() => new BFGS([]), /at least one parameter/);
   * throws(() => new BFGS(mlp([1, 2, 1]).parameters(), { gtol: -1 }), /gtol must be/);
   * ```
   */
  constructor(params: readonly Parameter[], options: BfgsOptions = {}) {
    this.#params = checkParams(params, "create BFGS");
    if (this.#params.length === 0) {
      throw new RangeError("Cannot create BFGS: params is empty, it needs at least one parameter");
    }
    parseBfgsOptions(options, this.size, "create BFGS"); // fails now, not at minimize
    this.options = options;
  }

  /** The parameters. */
  get params(): readonly Parameter[] {
    return this.#params;
  }

  /** The number of variables (all parameters' elements). */
  get size(): number {
    return this.#params.reduce((n, p) => n + p.borrow().size, 0);
  }

  /**
   * The parameters' current values as one float64 vector.
   *
   * @returns A new vector.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { BFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const bfgs = new BFGS([new Parameter("a", tensor([[1, 2]])), new Parameter("b", tensor([3]))]);
   * deepStrictEqual([...bfgs.flatValues()], [1, 2, 3]);
   * ```
   */
  flatValues(): Float64Array {
    const out = new Float64Array(this.size);
    let offset = 0;
    for (const p of this.#params) {
      const v = hostView(p.borrow(), ACTION, `parameter ${p.name}`);
      out.set(v, offset);
      offset += v.length;
    }
    return out;
  }

  /**
   * Writes a flat vector into the parameters (the inverse of `flatValues`),
   * in place through the backend's `optimizerUpdate` (an `"assign"` rule on
   * `Parameter.writableValue()`, as every optimizer writes); a value read
   * through `Parameter.value` before keeps its numbers.
   *
   * @param x A vector of `size` values.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { BFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const a = new Parameter("a", tensor([[1, 2]]));
   * new BFGS([a]).setFlatValues(new Float64Array([5, 6]));
   * deepStrictEqual(a.value.toArray(), [[5, 6]]);
   * ```
   */
  setFlatValues(x: Float64Array): void {
    if (!(x instanceof Float64Array) || x.length !== this.size) {
      throw new TypeError(
        `Cannot set the BFGS parameters: expected a Float64Array of ${this.size} values, got ${
          x instanceof Float64Array ? `${x.length} values` : describe(x)
        }`,
      );
    }
    assignFlat(this.#params, x); // in place: the optimizers' one write path
  }

  /** The gradients as one float64 vector. */
  #flatGrad(): Float64Array {
    const out = new Float64Array(this.size);
    let offset = 0;
    for (const p of this.#params) {
      const g = hostView(p.grad, ACTION, `the gradient of ${p.name}`);
      out.set(g, offset);
      offset += g.length;
    }
    return out;
  }

  /**
   * Runs BFGS from the parameters' current values to convergence (or a
   * stopping test) and leaves the solution in the parameters.
   *
   * @param closure Zeroes the gradients, runs forward and backward, returns the loss as a number.
   * @returns SciPy's result: `x`, `fun`, `jac`, `hessInv`, `nit`, `nfev`, `njev`, `status`, `success`, `message`.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { BFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { ok, strictEqual, throws } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([4, -2]));
   * const bfgs = new BFGS([w]);
   * throws(() => bfgs.minimize(undefined as never), /needs a closure/);
   * const result = bfgs.minimize(() => {
   *   bfgs.zeroGrad();
   *   w.accumulate(w.value.mul(2));
   *   return w.value.square().sum().item();
   * });
   * strictEqual(result.message, "Optimization terminated successfully.");
   * ok(result.fun < 1e-20); // f = ‖w‖², minimised at w = 0
   * ok(w.value.abs().max().item() < 1e-10);
   * ```
   */
  minimize(closure: () => number): BfgsResult {
    if (typeof closure !== "function") {
      throw new TypeError(
        "Cannot minimize with BFGS: it needs a closure that zeroes the gradients, runs forward and backward and returns the loss",
      );
    }
    const device = this.#params[0].borrow().device;
    if (device !== cpu) {
      throw new TypeError(
        `Cannot minimize with BFGS: the parameters live on ${device.name}; BFGS runs on the CPU, move the model there first`,
      );
    }
    const fun = (x: Float64Array) => {
      this.setFlatValues(x);
      const value: unknown = closure();
      if (typeof value !== "number") {
        throw new TypeError(
          `Cannot minimize with BFGS: the closure must return the loss as a number, got ${
            describe(value)
          }`,
        );
      }
      return { value, grad: this.#flatGrad() };
    };
    const result = minimizeBfgs(fun, this.flatValues(), this.options);
    this.setFlatValues(result.x);
    return result;
  }

  /**
   * Resets the parameters' gradients.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { BFGS } from "@glassbox/trainer";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * w.accumulate(tensor([3]));
   * new BFGS([w]).zeroGrad();
   * deepStrictEqual(w.grad.toArray(), [0]);
   * ```
   */
  zeroGrad(): void {
    zeroGrads(this.#params);
  }
}
