/**
 * The strong-Wolfe line search and cubic interpolation of `torch.optim.LBFGS`
 * (PyTorch 1.13's `_strong_wolfe` and `_cubic_interpolate`, after minFunc),
 * step for step: the same brackets, the same tests in the same order, the
 * same arithmetic order.
 *
 * @module
 */

/** The dot product of two vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The largest absolute value. */
export function absMax(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || v !== v) m = v;
  }
  return m;
}

/**
 * A step length as PyTorch holds it: a Python float, or a 0-d tensor once it
 * came out of tensor arithmetic. The distinction matters for one operation:
 * `float / tensor` runs as `tensor.reciprocal() * float`, two roundings.
 */
export interface Step {
  /** The value. */
  v: number;
  /** Whether PyTorch holds it as a tensor. */
  tensor: boolean;
}

/** A Python float (or int). */
export function float(v: number): Step {
  return { v, tensor: false };
}

/** Python's `min(a, b)` on steps: `a` unless `b < a`. */
function minStep(a: Step, b: Step): Step {
  return b.v < a.v ? b : a;
}

/** Python's `max(a, b)` on steps: `a` unless `b > a`. */
function maxStep(a: Step, b: Step): Step {
  return b.v > a.v ? b : a;
}

/** `a − b`, a tensor if either is. */
function sub(a: Step, b: Step): Step {
  return { v: a.v - b.v, tensor: a.tensor || b.tensor };
}

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1
 * and g2 (tensors in PyTorch), clamped to `bounds` (default: the interval
 * between x1 and x2); the midpoint when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: Step,
  f1: number,
  g1: number,
  x2: Step,
  f2: number,
  g2: number,
  bounds?: readonly [Step, Step],
): Step {
  const [lo, hi] = bounds ?? (x1.v <= x2.v ? [x1, x2] : [x2, x1]);
  const dx = sub(x1, x2);
  const slope = dx.tensor ? (1 / dx.v) * (3 * (f1 - f2)) : (3 * (f1 - f2)) / dx.v;
  const d1 = g1 + g2 - slope;
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1.v <= x2.v
      ? x2.v - (x2.v - x1.v) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1.v - (x1.v - x2.v) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return minStep(maxStep({ v: minPos, tensor: true }, lo), hi);
  }
  return { v: (lo.v + hi.v) / 2, tensor: lo.tensor || hi.tensor };
}

/**
 * Evaluates the loss and flat gradient at x + t·d (and restores x). A
 * generator: it yields once to ask its driver for the loss at the moved
 * point (the driver runs the closure, synchronously or not, and passes the
 * loss back), then returns the loss and the gradient.
 */
export type DirectionalObjective = (
  t: number,
  d: Float64Array,
) => Generator<void, [number, Float64Array], number>;

/** What the line search found. */
export interface LineSearchResult {
  /** The loss at the step. */
  loss: number;
  /** The flat gradient at the step. */
  grad: Float64Array;
  /** The step length. */
  t: Step;
  /** Objective evaluations made. */
  evals: number;
}

/**
 * Finds a step t along d satisfying the strong Wolfe conditions
 * (sufficient decrease c1, curvature c2), from the loss f, gradient g and
 * directional derivative gtd at t = 0. Yields whenever the objective asks
 * for a loss (see `DirectionalObjective`).
 */
export function* strongWolfe(
  obj: DirectionalObjective,
  t: Step,
  d: Float64Array,
  f: number,
  g: Float64Array,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): Generator<void, LineSearchResult, number> {
  const dNorm = absMax(d);
  g = g.slice();
  let [fNew, gNew] = yield* obj(t.v, d);
  let evals = 1;
  let gtdNew = dot(gNew, d);

  let tPrev = float(0), fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Step[] = [], bracketF: number[] = [], bracketG: Float64Array[] = [];
  let bracketGtd: number[] = [];
  // Bracketing phase.
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t.v * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.slice()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.slice()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // Interpolate between the last two points, extrapolating at most 10×.
    const low = { v: t.v + 0.01 * (t.v - tPrev.v), tensor: t.tensor || tPrev.tensor };
    const high = { v: t.v * 10, tensor: t.tensor };
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [low, high]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.slice();
    gtdPrev = gtdNew;
    [fNew, gNew] = yield* obj(t.v, d);
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    bracket = [float(0), t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // Zoom phase: shrink the bracket until a point satisfies the conditions.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1].v - bracket[0].v) * dNorm < toleranceChange) break;
    t = cubicInterpolate(
      bracket[0],
      bracketF[0],
      bracketGtd[0],
      bracket[1],
      bracketF[1],
      bracketGtd[1],
    );
    // Keep away from the bracket's ends unless progress is made.
    const bMax = maxStep(bracket[0], bracket[1]), bMin = minStep(bracket[0], bracket[1]);
    const eps = { v: 0.1 * (bMax.v - bMin.v), tensor: bMax.tensor || bMin.tensor };
    const toMax = bMax.v - t.v, toMin = t.v - bMin.v;
    if ((toMin < toMax ? toMin : toMax) < eps.v) {
      if (insufProgress || t.v >= bMax.v || t.v <= bMin.v) {
        t = Math.abs(t.v - bMax.v) < Math.abs(t.v - bMin.v)
          ? { v: bMax.v - eps.v, tensor: bMax.tensor || eps.tensor }
          : { v: bMin.v + eps.v, tensor: bMin.tensor || eps.tensor };
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = yield* obj(t.v, d);
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;

    if (fNew > f + c1 * t.v * gtd || fNew >= bracketF[lowPos]) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.slice();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos].v - bracket[lowPos].v) >= 0) {
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.slice();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return { loss: bracketF[lowPos], grad: bracketG[lowPos], t: bracket[lowPos], evals };
}
