/**
 * `minimizeBfgs`: SciPy 1.10's `scipy.optimize.minimize(fun, x0,
 * method="BFGS", jac=True)`, step for step.
 *
 * @module
 */

import { numpyBlas, plainBlas, vecnorm } from "./_blas.ts";
import { lineSearchWolfe12 } from "./_line_search_wolfe.ts";
import { ScalarFunction } from "./_scalar_function.ts";
import { checkNumber, describe } from "@glassbox/internal";
import { parseBfgsOptions } from "./_bfgs_options.ts";
import { formatFixed6 } from "./_format_fixed.ts";

/**
 * What `minimizeBfgs` minimises: the value and the gradient at a point, as
 * SciPy's `fun` with `jac=True`. The point is a fresh copy the function may
 * keep; the gradient must have the point's length.
 */
export type BfgsObjective = (x: Float64Array) => { value: number; grad: Float64Array };

/** Options of `minimizeBfgs`, named as SciPy's BFGS options (camelCase). */
export interface BfgsOptions {
  /** Stop successfully when the gradient's `norm` is at most this (default 1e-5). */
  gtol?: number;
  /**
   * The order of that norm: `Infinity` (default, the largest |gᵢ|),
   * `-Infinity` (the smallest), or p > 0: (Σ|gᵢ|ᵖ)^(1/p) with NumPy's pairwise
   * sum (p other than 1 and 2 go through `Math.pow`, which can differ from C's
   * `pow` in the last bit).
   */
  norm?: number;
  /** Iterations at most (default 200 · the number of variables). */
  maxiter?: number;
  /** Stop successfully when the step's 2-norm is at most xrtol·(xrtol + ‖x‖₂) (default 0). */
  xrtol?: number;
  /** The line search's sufficient-decrease constant (default 1e-4, SciPy 1.10's fixed value). */
  c1?: number;
  /** The line search's curvature constant (default 0.9, SciPy 1.10's fixed value). */
  c2?: number;
  /** Called with the new point after every iteration. */
  callback?: (x: Float64Array) => void;
  /**
   * `"numpy"`: NumPy's products in OpenBLAS's summation order and SciPy's
   * inverse-Hessian update as two n×n matrix products — SciPy's run to the
   * last bit, at O(n³) emulated fused multiply-adds per iteration (about
   * 2.6 ms per iteration at 31 variables). `"fast"`: plain double
   * arithmetic and the same update in O(n²) — the same algorithm, equal up
   * to rounding, which a long run amplifies into a different path. Default:
   * `"numpy"` up to 50 variables, `"fast"` above.
   */
  arithmetic?: "numpy" | "fast";
  /**
   * OpenBLAS's thread count in the SciPy run to reproduce (default 2): NumPy's
   * products go to OpenBLAS, which for 96 or more variables splits them
   * between threads, and the split decides the last bit of some sums.
   */
  blasThreads?: number;
  /** Print SciPy's closing lines: `true` to the console, or to this function, one line per call. */
  disp?: boolean | ((line: string) => void);
}

/** The result, named as SciPy's `OptimizeResult` (camelCase). */
export interface BfgsResult {
  /** The solution. */
  x: Float64Array;
  /** f at the solution. */
  fun: number;
  /** The gradient at the solution. */
  jac: Float64Array;
  /** The final inverse-Hessian estimate, n×n row-major. */
  hessInv: Float64Array;
  /** Iterations. */
  nit: number;
  /** Function evaluations, counted as SciPy counts them. */
  nfev: number;
  /** Gradient evaluations, counted as SciPy counts them. */
  njev: number;
  /** 0 success, 1 iteration limit, 2 precision loss (line search failed or f not finite), 3 NaN. */
  status: 0 | 1 | 2 | 3;
  /** `status === 0`. */
  success: boolean;
  /** SciPy's message for the status. */
  message: string;
}

/** SciPy's messages (`_status_message`). */
export const BFGS_MESSAGES: Readonly<Record<"success" | "maxiter" | "prLoss" | "nan", string>> = {
  success: "Optimization terminated successfully.",
  maxiter: "Maximum number of iterations has been exceeded.",
  prLoss: "Desired error not necessarily achieved due to precision loss.",
  nan: "NaN result encountered.",
};

const ACTION = "minimize with BFGS";

/** Checks x0 and copies it into a float64 vector. */
function startPoint(x0: unknown): Float64Array {
  if (!(x0 instanceof Float64Array || x0 instanceof Float32Array || Array.isArray(x0))) {
    throw new TypeError(
      `Cannot ${ACTION}: x0 must be a Float64Array or an array of numbers, got ${describe(x0)}`,
    );
  }
  if (x0.length === 0) {
    throw new RangeError(`Cannot ${ACTION}: x0 is empty, it needs at least one variable`);
  }
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    x[i] = checkNumber((x0 as ArrayLike<unknown>)[i], ACTION, `x0[${i}]`);
  }
  return x;
}

/**
 * Minimises `fun` from `x0` with BFGS, exactly as SciPy 1.10's
 * `minimize(fun, x0, method="BFGS", jac=True)`: the dense inverse-Hessian
 * update H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ from H₀ = I, SciPy's line
 * search (MINPACK's `dcsrch` with c1 = 1e-4, c2 = 0.9, falling back to the
 * strong-Wolfe search with zoom), the first step sized by
 * f(x₀) + ‖∇f(x₀)‖₂/2 as the "previous" value, and SciPy's stopping tests,
 * statuses, messages and evaluation counts (`nfev`, `njev` count what
 * SciPy's `ScalarFunction` counts; `fun` itself is called once per distinct
 * point).
 *
 * @param fun The value and the gradient at a point (`jac=True` style).
 * @param x0 The starting point (copied).
 * @param options `gtol`, `norm`, `maxiter`, `xrtol`, `c1`, `c2`, `callback`, `disp`.
 * @returns SciPy's `OptimizeResult` fields.
 *
 * @example Rosenbrock's function in two variables, SciPy's counts
 * ```ts
 * import { minimizeBfgs } from "@glassbox/trainer";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const rosen = (x: Float64Array) => ({
 *   value: 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
 *   grad: new Float64Array([
 *     -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]),
 *     200 * (x[1] - x[0] ** 2),
 *   ]),
 * });
 * const lines: string[] = [];
 * const res = minimizeBfgs(rosen, [-1.2, 1], { disp: (line) => lines.push(line) });
 * strictEqual(res.message, "Optimization terminated successfully.");
 * strictEqual(lines[0], res.message);
 * ok(Math.abs(res.x[0] - 1) < 1e-5 && Math.abs(res.x[1] - 1) < 1e-5);
 * ```
 */
export function minimizeBfgs(
  fun: BfgsObjective,
  x0: Float64Array | readonly number[],
  options: BfgsOptions = {},
): BfgsResult {
  if (typeof fun !== "function") {
    throw new TypeError(
      `Cannot ${ACTION}: fun must be a function returning { value, grad }, got ${describe(fun)}`,
    );
  }
  const xStart = startPoint(x0);
  const n = xStart.length;
  const { gtol, norm, maxiter, xrtol, c1, c2, callback, print, threads, arithmetic } =
    parseBfgsOptions(options, n, ACTION);
  const { dot, matVec, update } = arithmetic === "numpy" ? numpyBlas(threads) : plainBlas();

  const sf = new ScalarFunction(fun, xStart, ACTION);
  let oldFval = sf.fun(xStart);
  let gfk = sf.grad(xStart);
  let k = 0;
  let hk: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) hk[i * n + i] = 1;
  // The "previous" value that sizes the first step to |dx| ~ 1.
  let oldOldFval = oldFval + Math.sqrt(dot(gfk, gfk)) / 2;
  let xk = xStart;
  let warnflag: 0 | 1 | 2 | 3 = 0;
  let gnorm = vecnorm(gfk, norm);
  const wolfe = { c1, c2, amin: 1e-100, amax: 1e100 };
  while (gnorm > gtol && k < maxiter) {
    const pk = matVec(hk, gfk).map((v) => -v);
    const x = xk;
    const at = (alpha: number) => x.map((v, i) => v + alpha * pk[i]);
    const found = lineSearchWolfe12(
      { phi: (a) => sf.fun(at(a)), grad: (a) => sf.grad(at(a)), pk, dot },
      gfk,
      oldFval,
      oldOldFval,
      wolfe,
    );
    if (found === null) {
      warnflag = 2;
      break;
    }
    const alphaK = found.alpha;
    [oldFval, oldOldFval] = [found.fval, found.oldFval];
    const sk = pk.map((v) => alphaK * v);
    const xkp1 = xk.map((v, i) => v + sk[i]);
    xk = xkp1;
    const gfkp1 = found.grad ?? sf.grad(xkp1);
    const yk = gfkp1.map((v, i) => v - gfk[i]);
    gfk = gfkp1;
    callback?.(xk.slice());
    k += 1;
    gnorm = vecnorm(gfk, norm);
    if (gnorm <= gtol) break;
    if (alphaK * vecnorm(pk, 2) <= xrtol * (xrtol + vecnorm(xk, 2))) break;
    if (!Number.isFinite(oldFval)) {
      // f reached ±∞ (or NaN): nothing more to do.
      warnflag = 2;
      break;
    }
    const rhokInv = dot(yk, sk);
    let rhok: number;
    if (rhokInv === 0) {
      rhok = 1000.0;
      print?.("Divide-by-zero encountered: rhok assumed large");
    } else {
      rhok = 1 / rhokInv;
    }
    hk = update(hk, sk, yk, rhok);
  }

  const fval = oldFval;
  let message: string;
  if (warnflag === 2) {
    message = BFGS_MESSAGES.prLoss;
  } else if (k >= maxiter) {
    warnflag = 1;
    message = BFGS_MESSAGES.maxiter;
  } else if (Number.isNaN(gnorm) || Number.isNaN(fval) || xk.some(Number.isNaN)) {
    warnflag = 3;
    message = BFGS_MESSAGES.nan;
  } else {
    message = BFGS_MESSAGES.success;
  }
  if (print !== null) {
    print(`${warnflag !== 0 ? "Warning: " : ""}${message}`);
    print(`         Current function value: ${formatFixed6(fval)}`);
    print(`         Iterations: ${k}`);
    print(`         Function evaluations: ${sf.nfev}`);
    print(`         Gradient evaluations: ${sf.ngev}`);
  }
  return {
    x: xk,
    fun: fval,
    jac: gfk,
    hessInv: hk,
    nit: k,
    nfev: sf.nfev,
    njev: sf.ngev,
    status: warnflag,
    success: warnflag === 0,
    message,
  };
}
