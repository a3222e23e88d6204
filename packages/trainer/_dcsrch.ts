/**
 * MINPACK-2's `dcsrch` and `dcstep` (Moré and Thuente's line search), the
 * routine behind SciPy's `line_search_wolfe1`: it finds a step that
 * satisfies the sufficient decrease condition f(stp) ≤ f(0) + ftol·stp·f'(0)
 * and the curvature condition |f'(stp)| ≤ gtol·|f'(0)|. Written from the
 * Fortran's logic, test for test and in the Fortran's order of operations,
 * so that every trial step is the same double.
 *
 * @module
 */

/** What the caller must do after a `DcsrchSearch.next` call. */
export type DcsrchTask =
  | "FG"
  | "CONVERGENCE"
  | "WARNING: ROUNDING ERRORS PREVENT PROGRESS"
  | "WARNING: XTOL TEST SATISFIED"
  | "WARNING: STP = STPMAX"
  | "WARNING: STP = STPMIN"
  | "ERROR: STP .LT. STPMIN"
  | "ERROR: STP .GT. STPMAX"
  | "ERROR: INITIAL G .GE. ZERO"
  | "ERROR: FTOL .LT. ZERO"
  | "ERROR: GTOL .LT. ZERO"
  | "ERROR: XTOL .LT. ZERO"
  | "ERROR: STPMIN .LT. ZERO"
  | "ERROR: STPMAX .LT. STPMIN";

/** The bracket `dcstep` updates: the best step (x) and the other end (y). */
interface Bracket {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/**
 * gfortran's MAX / MIN of two values as x86-64's maxsd / minsd compute
 * them: the first if it is larger (smaller), else the second — so the second
 * when either is NaN. It matters when f is infinite at a trial step: the
 * cubic step is then NaN, and MAX(NaN, stpmin) is stpmin.
 */
const max2 = (a: number, b: number): number => (a > b ? a : b);
const min2 = (a: number, b: number): number => (a < b ? a : b);

/**
 * `dcstep`: a safeguarded cubic / quadratic / secant step from the bracket
 * and the trial point (stp, fp, dp); updates the bracket in place and
 * returns the next trial step.
 */
export function dcstep(
  b: Bracket,
  stp: number,
  fp: number,
  dp: number,
  stpmin: number,
  stpmax: number,
): number {
  const { stx, fx, dx, sty, fy, dy } = b;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    // A higher function value: the minimum is bracketed.
    const theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
    const s = max2(max2(Math.abs(theta), Math.abs(dx)), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = (gamma - dx) + theta;
    const q = ((gamma - dx) + gamma) + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.brackt = true;
  } else if (sgnd < 0) {
    // A lower value, derivatives of opposite sign: bracketed.
    const theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
    const s = max2(max2(Math.abs(theta), Math.abs(dx)), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = (gamma - dp) + theta;
    const q = ((gamma - dp) + gamma) + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // A lower value, same sign, the derivative's magnitude decreases.
    const theta = 3 * (fx - fp) / (stp - stx) + dx + dp;
    const s = max2(max2(Math.abs(theta), Math.abs(dx)), Math.abs(dp));
    let gamma = s * Math.sqrt(max2(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = (gamma - dp) + theta;
    const q = (gamma + (dx - dp)) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (b.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = min2(stp + 0.66 * (sty - stp), stpf);
      else stpf = max2(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = min2(stpmax, stpf);
      stpf = max2(stpmin, stpf);
    }
  } else {
    // A lower value, same sign, the derivative's magnitude does not decrease.
    if (b.brackt) {
      const theta = 3 * (fp - fy) / (sty - stp) + dy + dp;
      const s = max2(max2(Math.abs(theta), Math.abs(dy)), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = (gamma - dp) + theta;
      const q = ((gamma - dp) + gamma) + dy;
      const r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) {
      stpf = stpmax;
    } else {
      stpf = stpmin;
    }
  }
  // Update the interval that contains a minimiser.
  if (fp > fx) {
    b.sty = stp;
    b.fy = fp;
    b.dy = dp;
  } else {
    if (sgnd < 0) {
      b.sty = stx;
      b.fy = fx;
      b.dy = dx;
    }
    b.stx = stp;
    b.fx = fp;
    b.dx = dp;
  }
  return stpf;
}

/** The tolerances and bounds of one search. */
export interface DcsrchOptions {
  ftol: number;
  gtol: number;
  xtol: number;
  stpmin: number;
  stpmax: number;
}

/**
 * One `dcsrch` search. `start(stp, f0, g0)` is the Fortran's first call
 * (task = 'START'); each later `next(f, g)` passes the function and
 * derivative at the step last returned. Both return the task and the step:
 * evaluate at `stp` while the task is `"FG"`.
 */
export class DcsrchSearch {
  readonly #o: DcsrchOptions;
  #stp = 0;
  #stage = 1;
  #finit = 0;
  #ginit = 0;
  #gtest = 0;
  #stmin = 0;
  #stmax = 0;
  #width = 0;
  #width1 = 0;
  #b: Bracket = { stx: 0, fx: 0, dx: 0, sty: 0, fy: 0, dy: 0, brackt: false };

  constructor(options: DcsrchOptions) {
    this.#o = options;
  }

  /** The first call: checks the inputs and asks for the first trial step. */
  start(stp: number, f: number, g: number): { task: DcsrchTask; stp: number } {
    const { ftol, gtol, xtol, stpmin, stpmax } = this.#o;
    let task: DcsrchTask | null = null;
    if (stp < stpmin) task = "ERROR: STP .LT. STPMIN";
    if (stp > stpmax) task = "ERROR: STP .GT. STPMAX";
    if (g >= 0) task = "ERROR: INITIAL G .GE. ZERO";
    if (ftol < 0) task = "ERROR: FTOL .LT. ZERO";
    if (gtol < 0) task = "ERROR: GTOL .LT. ZERO";
    if (xtol < 0) task = "ERROR: XTOL .LT. ZERO";
    if (stpmin < 0) task = "ERROR: STPMIN .LT. ZERO";
    if (stpmax < stpmin) task = "ERROR: STPMAX .LT. STPMIN";
    this.#stp = stp;
    if (task !== null) return { task, stp };
    this.#stage = 1;
    this.#finit = f;
    this.#ginit = g;
    this.#gtest = ftol * g;
    this.#width = stpmax - stpmin;
    this.#width1 = this.#width / 0.5;
    this.#b = { stx: 0, fx: f, dx: g, sty: 0, fy: f, dy: g, brackt: false };
    this.#stmin = 0;
    this.#stmax = stp + 4 * stp;
    return { task: "FG", stp };
  }

  /** A later call with the function value and derivative at the current step. */
  next(f: number, g: number): { task: DcsrchTask; stp: number } {
    const { gtol, xtol, stpmin, stpmax } = this.#o;
    const b = this.#b;
    let stp = this.#stp;
    const { finit, ginit, gtest } = { finit: this.#finit, ginit: this.#ginit, gtest: this.#gtest };
    const ftest = finit + stp * gtest;
    if (this.#stage === 1 && f <= ftest && g >= 0) this.#stage = 2;

    // Warnings, then convergence (a later test overrides an earlier one).
    let task: DcsrchTask | null = null;
    if (b.brackt && (stp <= this.#stmin || stp >= this.#stmax)) {
      task = "WARNING: ROUNDING ERRORS PREVENT PROGRESS";
    }
    if (b.brackt && this.#stmax - this.#stmin <= xtol * this.#stmax) {
      task = "WARNING: XTOL TEST SATISFIED";
    }
    if (stp === stpmax && f <= ftest && g <= gtest) task = "WARNING: STP = STPMAX";
    if (stp === stpmin && (f > ftest || g >= gtest)) task = "WARNING: STP = STPMIN";
    if (f <= ftest && Math.abs(g) <= gtol * (-ginit)) task = "CONVERGENCE";
    if (task !== null) return { task, stp };

    if (this.#stage === 1 && f <= b.fx && f > ftest) {
      // The modified function ψ(stp) = f(stp) − f(0) − ftol·stp·f'(0) in the first stage.
      const m: Bracket = {
        stx: b.stx,
        fx: b.fx - b.stx * gtest,
        dx: b.dx - gtest,
        sty: b.sty,
        fy: b.fy - b.sty * gtest,
        dy: b.dy - gtest,
        brackt: b.brackt,
      };
      stp = dcstep(m, stp, f - stp * gtest, g - gtest, this.#stmin, this.#stmax);
      b.brackt = m.brackt;
      b.stx = m.stx;
      b.sty = m.sty;
      b.fx = m.fx + m.stx * gtest;
      b.fy = m.fy + m.sty * gtest;
      b.dx = m.dx + gtest;
      b.dy = m.dy + gtest;
    } else {
      stp = dcstep(b, stp, f, g, this.#stmin, this.#stmax);
    }

    // Bisect when the bracket does not shrink fast enough.
    if (b.brackt) {
      if (Math.abs(b.sty - b.stx) >= 0.66 * this.#width1) stp = b.stx + 0.5 * (b.sty - b.stx);
      this.#width1 = this.#width;
      this.#width = Math.abs(b.sty - b.stx);
    }
    if (b.brackt) {
      this.#stmin = min2(b.stx, b.sty);
      this.#stmax = max2(b.stx, b.sty);
    } else {
      this.#stmin = stp + 1.1 * (stp - b.stx);
      this.#stmax = stp + 4 * (stp - b.stx);
    }
    stp = max2(stp, stpmin);
    stp = min2(stp, stpmax);
    if (
      (b.brackt && (stp <= this.#stmin || stp >= this.#stmax)) ||
      (b.brackt && this.#stmax - this.#stmin <= xtol * this.#stmax)
    ) {
      stp = b.stx;
    }
    this.#stp = stp;
    return { task: "FG", stp };
  }
}
