/**
 * The bookkeeping of SciPy's `minimize(fun, x0, jac=True)`: `MemoizeJac`
 * calls the user's function once per point for both value and gradient, and
 * `ScalarFunction` remembers the last point and counts an evaluation of the
 * value (`nfev`) or of the gradient (`ngev`) each time one is asked for at a
 * new point (or for the first time at the current one). The counts are
 * SciPy's, evaluation for evaluation.
 *
 * @module
 */

import { describe } from "@glassbox/internal";

/** The objective: the value and the gradient at x, as SciPy's `jac=True` function. */
export type Objective = (x: Float64Array) => { value: number; grad: Float64Array };

/** numpy's `array_equal` on two float64 vectors of one length (NaN ≠ NaN). */
function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks what the objective returned. */
function checked(
  out: unknown,
  n: number,
  action: string,
): { value: number; grad: Float64Array } {
  const o = out as { value?: unknown; grad?: unknown } | null;
  if (typeof o !== "object" || o === null || typeof o.value !== "number") {
    throw new TypeError(
      `Cannot ${action}: fun must return { value: number, grad: Float64Array }, got ${
        typeof o === "object" && o !== null ? `value ${describe(o.value)}` : describe(o)
      }`,
    );
  }
  const g = o.grad;
  if (!(g instanceof Float64Array || Array.isArray(g) || g instanceof Float32Array)) {
    throw new TypeError(
      `Cannot ${action}: fun must return the gradient as a Float64Array, got ${describe(g)}`,
    );
  }
  if (g.length !== n) {
    throw new TypeError(
      `Cannot ${action}: fun returned a gradient of length ${g.length}, expected ${n} (the length of x0)`,
    );
  }
  return { value: o.value, grad: Float64Array.from(g as ArrayLike<number>) };
}

/** SciPy's `ScalarFunction` over a `MemoizeJac`-wrapped objective. */
export class ScalarFunction {
  /** Value evaluations SciPy counts. */
  nfev = 0;
  /** Gradient evaluations SciPy counts. */
  ngev = 0;
  #x: Float64Array;
  #f = 0;
  #g: Float64Array = new Float64Array(0);
  #fUpdated = false;
  #gUpdated = false;
  /** MemoizeJac's cache: the point of the last call and what it returned. */
  #memo: { x: Float64Array; value: number; grad: Float64Array } | null = null;
  readonly #fun: Objective;
  readonly #action: string;

  constructor(fun: Objective, x0: Float64Array, action: string) {
    this.#fun = fun;
    this.#action = action;
    this.#x = x0.slice();
    this.#updateFun();
    this.#updateGrad();
  }

  /** MemoizeJac: calls the objective unless the point is the last call's. */
  #compute(): { value: number; grad: Float64Array } {
    if (this.#memo === null || !sameVector(this.#x, this.#memo.x)) {
      const x = this.#x.slice();
      const out = checked(this.#fun(x.slice()), x.length, this.#action);
      this.#memo = { x, value: out.value, grad: out.grad };
    }
    return this.#memo;
  }

  #updateFun(): void {
    if (this.#fUpdated) return;
    this.nfev += 1;
    this.#f = this.#compute().value;
    this.#fUpdated = true;
  }

  #updateGrad(): void {
    if (this.#gUpdated) return;
    this.ngev += 1;
    this.#g = this.#compute().grad;
    this.#gUpdated = true;
  }

  #moveTo(x: Float64Array): void {
    if (sameVector(x, this.#x)) return;
    this.#x = x.slice();
    this.#fUpdated = false;
    this.#gUpdated = false;
  }

  /** f(x). */
  fun(x: Float64Array): number {
    this.#moveTo(x);
    this.#updateFun();
    return this.#f;
  }

  /** ∇f(x) (a copy the caller may keep). */
  grad(x: Float64Array): Float64Array {
    this.#moveTo(x);
    this.#updateGrad();
    return this.#g.slice();
  }
}
