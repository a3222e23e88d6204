/**
 * SciPy's line searches for BFGS (SciPy 1.10's `_linesearch.py` and
 * `_line_search_wolfe12`): MINPACK's `dcsrch` first (`line_search_wolfe1`),
 * and when it fails the pure-Python strong-Wolfe search with its zoom stage
 * (`line_search_wolfe2`, Nocedal and Wright's algorithms 3.5 and 3.6 with
 * cubic, quadratic and bisection steps). The same tests in the same order and
 * the same arithmetic, so that the trial steps, and therefore the function
 * and gradient evaluations, are SciPy's.
 *
 * @module
 */

import { fma } from "@glassbox/tensor/backend";
import { DcsrchSearch } from "./_dcsrch.ts";

/** The objective along the search line, x + α·p. */
export interface LineFunctions {
  /** f(x + α·p). */
  phi(alpha: number): number;
  /** The gradient at x + α·p; the search takes its dot product with p. */
  grad(alpha: number): Float64Array;
  /** The direction p. */
  pk: Float64Array;
  /** NumPy's dot product of two vectors. */
  dot(a: Float64Array, b: Float64Array): number;
}

/**
 * A successful search: the step, f and the gradient there (null when SciPy
 * hands back none: the caller evaluates it), and f at the start.
 */
export interface LineSearchResult {
  alpha: number;
  fval: number;
  oldFval: number;
  grad: Float64Array | null;
}

/** The tolerances of the search: sufficient decrease c1, curvature c2, step bounds. */
export interface WolfeOptions {
  c1: number;
  c2: number;
  amin: number;
  amax: number;
}

/** The first trial step from the previous decrease: min(1, 1.01·2·(φ₀ − φ₋₁)/φ'₀), as SciPy. */
function firstStep(phi0: number, oldPhi0: number, derphi0: number): number {
  if (derphi0 === 0) return 1;
  const ratio = 1.01 * 2 * (phi0 - oldPhi0) / derphi0;
  return ratio < 1 ? ratio : 1; // Python's min(1.0, ratio)
}

/** `line_search_wolfe1`: `dcsrch` driven for at most 100 calls; null when it fails. */
export function lineSearchWolfe1(
  ls: LineFunctions,
  gfk: Float64Array,
  oldFval: number,
  oldOldFval: number,
  o: WolfeOptions,
): LineSearchResult | null {
  let gval = gfk;
  const derphi0 = ls.dot(gfk, ls.pk);
  let alpha1 = firstStep(oldFval, oldOldFval, derphi0);
  if (alpha1 < 0) alpha1 = 1;
  const search = new DcsrchSearch({
    ftol: o.c1,
    gtol: o.c2,
    xtol: 1e-14,
    stpmin: o.amin,
    stpmax: o.amax,
  });
  let phi1 = oldFval;
  let { task, stp } = search.start(alpha1, phi1, derphi0);
  for (let i = 0; i < 100; i++) {
    if (i > 0) ({ task, stp } = search.next(phi1, ls.dot(gval, ls.pk)));
    if (task !== "FG") break;
    phi1 = ls.phi(stp);
    gval = ls.grad(stp);
    if (i === 99) return null; // 100 calls, each asking for more: not converged
  }
  if (task !== "CONVERGENCE") return null;
  return { alpha: stp, fval: phi1, oldFval, grad: gval };
}

/** Splits a double into two halves whose products are exact (Veltkamp). */
function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** a·b as an unevaluated sum hi + lo (Dekker's exact product). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

/**
 * x³ rounded once, as C's pow(x, 3) gives it (Python's `x ** 3`), rather
 * than x·x·x with two roundings.
 */
export function cube(x: number): number {
  const [s, se] = twoProduct(x, x);
  if (!Number.isFinite(s) || Math.abs(s) > 1e300 || Math.abs(x) < 1e-100) return s * x;
  const [p1, e1] = twoProduct(s, x);
  const [p2, e2] = twoProduct(se, x);
  return p1 + (e1 + p2 + e2);
}

/** Runs `f`, null when it raises one of numpy's errors (divide, overflow, invalid). */
function guarded(f: () => number): number | null {
  const x = f();
  return Number.isFinite(x) ? x : null;
}

/** Whether `x` overflowed or went invalid from finite inputs. */
function bad(x: number): boolean {
  return !Number.isFinite(x);
}

/**
 * The minimiser of the cubic through (a, fa), (b, fb), (c, fc) with slope
 * fpa at a; null where SciPy's `_cubicmin` gives None (any division by zero,
 * overflow or invalid operation).
 */
export function cubicmin(
  a: number,
  fa: number,
  fpa: number,
  b: number,
  fb: number,
  c: number,
  fc: number,
): number | null {
  const C = fpa;
  const db = b - a;
  const dc = c - a;
  const dbdc = db * dc;
  const denom = dbdc * dbdc * (db - dc);
  if (bad(dbdc) || bad(denom) || denom === 0) return null;
  const d00 = dc * dc, d01 = -(db * db), d10 = -cube(dc), d11 = cube(db);
  if (bad(d00) || bad(d01) || bad(d10) || bad(d11)) return null;
  const v0 = fb - fa - C * db;
  const v1 = fc - fa - C * dc;
  if (bad(v0) || bad(v1)) return null;
  // np.dot of the 2×2 matrix and the 2-vector: OpenBLAS's dgemv rounds a0·x0 + a1·x1 once
  // around the second product (one fused multiply-add).
  const A = guarded(() => fma(d00, v0, d01 * v1) / denom);
  const B = guarded(() => fma(d10, v0, d11 * v1) / denom);
  if (A === null || B === null) return null;
  const radical = B * B - 3 * A * C;
  if (bad(radical) || radical < 0 || A === 0) return null;
  const xmin = a + (-B + Math.sqrt(radical)) / (3 * A);
  return Number.isFinite(xmin) ? xmin : null;
}

/** The minimiser of the quadratic through (a, fa), (b, fb) with slope fpa at a; null as `_quadmin`. */
export function quadmin(a: number, fa: number, fpa: number, b: number, fb: number): number | null {
  const D = fa;
  const C = fpa;
  const db = b - a * 1.0;
  const db2 = db * db;
  if (bad(db) || bad(db2) || db2 === 0) return null;
  const B = (fb - D - C * db) / db2;
  if (bad(B) || B === 0) return null;
  const xmin = a - C / (2.0 * B);
  return Number.isFinite(xmin) ? xmin : null;
}

/** A step satisfying the strong Wolfe conditions, or null; as `_zoom`. */
function zoom(
  aLo0: number,
  aHi0: number,
  phiLo0: number,
  phiHi0: number,
  derphiLo0: number,
  ls: LineFunctions,
  derphi: (alpha: number) => number,
  phi0: number,
  derphi0: number,
  o: WolfeOptions,
): { alpha: number; phi: number } | null {
  let [aLo, aHi, phiLo, phiHi, derphiLo] = [aLo0, aHi0, phiLo0, phiHi0, derphiLo0];
  let phiRec = phi0;
  let aRec = 0;
  for (let i = 0;; i++) {
    const dalpha = aHi - aLo;
    const [a, b] = dalpha < 0 ? [aHi, aLo] : [aLo, aHi];
    let aj: number | null = null;
    let cchk = 0;
    if (i > 0) {
      cchk = 0.2 * dalpha;
      aj = cubicmin(aLo, phiLo, derphiLo, aHi, phiHi, aRec, phiRec);
    }
    if (i === 0 || aj === null || aj > b - cchk || aj < a + cchk) {
      const qchk = 0.1 * dalpha;
      aj = quadmin(aLo, phiLo, derphiLo, aHi, phiHi);
      if (aj === null || aj > b - qchk || aj < a + qchk) aj = aLo + 0.5 * dalpha;
    }
    const phiAj = ls.phi(aj);
    if (phiAj > phi0 + o.c1 * aj * derphi0 || phiAj >= phiLo) {
      phiRec = phiHi;
      aRec = aHi;
      aHi = aj;
      phiHi = phiAj;
    } else {
      const derphiAj = derphi(aj);
      if (Math.abs(derphiAj) <= -o.c2 * derphi0) return { alpha: aj, phi: phiAj };
      if (derphiAj * (aHi - aLo) >= 0) {
        phiRec = phiHi;
        aRec = aHi;
        aHi = aLo;
        phiHi = phiLo;
      } else {
        phiRec = phiLo;
        aRec = aLo;
      }
      aLo = aj;
      phiLo = phiAj;
      derphiLo = derphiAj;
    }
    if (i + 1 > 10) return null;
  }
}

/** `line_search_wolfe2` (`scalar_search_wolfe2`, at most 10 iterations); null when it fails. */
export function lineSearchWolfe2(
  ls: LineFunctions,
  gfk: Float64Array,
  oldFval: number,
  oldOldFval: number,
  o: WolfeOptions,
): LineSearchResult | null {
  let gval: Float64Array | null = null;
  const derphi = (alpha: number): number => {
    gval = ls.grad(alpha);
    return ls.dot(gval, ls.pk);
  };
  const phi0 = oldFval;
  const derphi0 = ls.dot(gfk, ls.pk);
  let alpha0 = 0;
  let alpha1 = firstStep(phi0, oldOldFval, derphi0);
  if (alpha1 < 0) alpha1 = 1;
  if (o.amax < alpha1) alpha1 = o.amax;
  let phiA1 = ls.phi(alpha1);
  let phiA0 = phi0;
  let derphiA0 = derphi0;
  const done = (found: { alpha: number; phi: number } | null): LineSearchResult | null =>
    found === null ? null : { alpha: found.alpha, fval: found.phi, oldFval, grad: gval! };
  for (let i = 0; i < 10; i++) {
    if (alpha1 === 0 || alpha0 === o.amax) return null;
    if (phiA1 > phi0 + o.c1 * alpha1 * derphi0 || (phiA1 >= phiA0 && i > 0)) {
      return done(zoom(alpha0, alpha1, phiA0, phiA1, derphiA0, ls, derphi, phi0, derphi0, o));
    }
    const derphiA1 = derphi(alpha1);
    if (Math.abs(derphiA1) <= -o.c2 * derphi0) return done({ alpha: alpha1, phi: phiA1 });
    if (derphiA1 >= 0) {
      return done(zoom(alpha1, alpha0, phiA1, phiA0, derphiA1, ls, derphi, phi0, derphi0, o));
    }
    let alpha2 = 2 * alpha1;
    if (o.amax < alpha2) alpha2 = o.amax;
    alpha0 = alpha1;
    alpha1 = alpha2;
    phiA0 = phiA1;
    phiA1 = ls.phi(alpha1);
    derphiA0 = derphiA1;
  }
  // Out of iterations: SciPy still takes the last step, without its gradient.
  return { alpha: alpha1, fval: phiA1, oldFval, grad: null };
}

/**
 * `_line_search_wolfe12`: `dcsrch`, then the pure strong-Wolfe search when
 * it fails; null when both fail (SciPy's `_LineSearchError`).
 */
export function lineSearchWolfe12(
  ls: LineFunctions,
  gfk: Float64Array,
  oldFval: number,
  oldOldFval: number,
  o: WolfeOptions,
): LineSearchResult | null {
  return lineSearchWolfe1(ls, gfk, oldFval, oldOldFval, o) ??
    lineSearchWolfe2(ls, gfk, oldFval, oldOldFval, o);
}
