import { BFGS_MESSAGES, minimizeBfgs } from "./minimize_bfgs.ts";
import { formatFixed6 } from "./_format_fixed.ts";
import { cube, cubicmin, quadmin } from "./_line_search_wolfe.ts";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";

/** f = Σ cᵢ (xᵢ − tᵢ)², minimised at t. */
function bowl(x: Float64Array) {
  const t = [1, -2, 3];
  const c = [1, 10, 100];
  let value = 0;
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - t[i];
    value += c[i] * d * d;
    grad[i] = 2 * c[i] * d;
  }
  return { value, grad };
}

Deno.test("minimizeBfgs() finds the minimum of a convex bowl and says so", () => {
  const res = minimizeBfgs(bowl, [0, 0, 0]);
  strictEqual(res.status, 0);
  strictEqual(res.success, true);
  strictEqual(res.message, BFGS_MESSAGES.success);
  [1, -2, 3].forEach((t, i) => ok(Math.abs(res.x[i] - t) < 1e-6, `x[${i}] = ${res.x[i]}`));
  ok(Math.max(...res.jac.map(Math.abs)) <= 1e-5);
  strictEqual(res.hessInv.length, 9);
  // The inverse-Hessian estimate approaches diag(1 / 2cᵢ).
  ok(Math.abs(res.hessInv[8] - 1 / 200) < 1e-3);
});

Deno.test("minimizeBfgs() calls fun once per distinct point while counting as SciPy does", () => {
  let calls = 0;
  const res = minimizeBfgs((x) => {
    calls++;
    return bowl(x);
  }, [0, 0, 0]);
  // SciPy's MemoizeJac: one call gives both the value and the gradient.
  strictEqual(calls, Math.max(res.nfev, res.njev));
});

Deno.test("minimizeBfgs() stops at maxiter with status 1 and calls callback each iteration", () => {
  const seen: number[][] = [];
  const res = minimizeBfgs(bowl, [0, 0, 0], { maxiter: 2, callback: (x) => seen.push([...x]) });
  strictEqual(res.nit, 2);
  strictEqual(res.status, 1);
  strictEqual(res.success, false);
  strictEqual(res.message, "Maximum number of iterations has been exceeded.");
  strictEqual(seen.length, 2);
  deepStrictEqual(seen[1], [...res.x]);
});

Deno.test("minimizeBfgs() reports status 3 when the gradient is NaN at the start", () => {
  const res = minimizeBfgs(() => ({ value: NaN, grad: new Float64Array([NaN]) }), [1]);
  strictEqual(res.status, 3);
  strictEqual(res.message, "NaN result encountered.");
  strictEqual(res.nit, 0);
});

Deno.test("minimizeBfgs() stops with status 2 when f runs off to -Infinity", () => {
  // f = −e^{x}: unbounded below; the values overflow to −∞.
  const res = minimizeBfgs(
    (x) => ({ value: -Math.exp(x[0]), grad: new Float64Array([-Math.exp(x[0])]) }),
    [700],
  );
  strictEqual(res.status, 2);
  strictEqual(res.message, BFGS_MESSAGES.prLoss);
  // SciPy 1.10.1: nit 1, nfev 2, njev 2.
  deepStrictEqual([res.nit, res.nfev, res.njev], [1, 2, 2]);
});

Deno.test("minimizeBfgs() prints SciPy's closing lines with disp, and the warning variant", () => {
  const lines: string[] = [];
  const res = minimizeBfgs(bowl, [0, 0, 0], { maxiter: 1, disp: (l) => lines.push(l) });
  deepStrictEqual(lines, [
    "Warning: Maximum number of iterations has been exceeded.",
    `         Current function value: ${formatFixed6(res.fun)}`,
    "         Iterations: 1",
    `         Function evaluations: ${res.nfev}`,
    `         Gradient evaluations: ${res.njev}`,
  ]);
});

Deno.test("minimizeBfgs() rejects bad arguments with errors naming them", () => {
  throws(() => minimizeBfgs(bowl, []), /Cannot minimize with BFGS: x0 is empty/);
  throws(() => minimizeBfgs(bowl, [0, NaN]), /x0\[1\] must be finite, got NaN/);
  throws(() => minimizeBfgs(bowl, "0" as never), /x0 must be a Float64Array/);
  throws(() => minimizeBfgs(null as never, [0]), /fun must be a function/);
  throws(() => minimizeBfgs(bowl, [0], { gtol: -1 }), RangeError);
  throws(() => minimizeBfgs(bowl, [0], { maxiter: 1.5 }), /maxiter must be an integer/);
  throws(() => minimizeBfgs(bowl, [0], { norm: 0 }), /norm must be Infinity/);
  throws(() => minimizeBfgs(bowl, [0], { c1: 0.9, c2: 0.5 }), /0 < c1 < c2 < 1/);
  throws(() => minimizeBfgs(bowl, [0], { lr: 1 } as never), /lr/);
  throws(() => minimizeBfgs(bowl, [0], { disp: "yes" } as never), /disp must be a boolean/);
  throws(
    () => minimizeBfgs(() => ({ value: 1, grad: new Float64Array(2) }), [0]),
    /gradient of length 2, expected 1/,
  );
  throws(
    () => minimizeBfgs(() => 1 as never, [0]),
    /fun must return \{ value: number, grad: Float64Array \}/,
  );
});

Deno.test("formatFixed6() prints as Python's '%f', ties to even and all", () => {
  strictEqual(formatFixed6(0.293673), "0.293673");
  strictEqual(formatFixed6(1 / 128), "0.007812"); // 0.0078125: Python rounds the tie to even
  strictEqual(formatFixed6(3 / 128), "0.023438"); // 0.0234375 → even is up
  strictEqual(formatFixed6(-0), "-0.000000");
  strictEqual(formatFixed6(-1e-9), "-0.000000");
  strictEqual(formatFixed6(1e22), "10000000000000000000000.000000");
  strictEqual(formatFixed6(NaN), "nan");
  strictEqual(formatFixed6(-Infinity), "-inf");
});

Deno.test("cubicmin() and quadmin() give null where SciPy's give None", () => {
  // Coincident points: division by zero.
  strictEqual(quadmin(1, 0, -1, 1, 0), null);
  strictEqual(cubicmin(0, 0, -1, 1, 1, 1, 2), null);
  // A quadratic with zero curvature has no minimiser.
  strictEqual(quadmin(0, 0, -1, 1, -1), null);
  // f = (x − 2)²: through (0, 4) with slope −4 and (1, 1), the minimiser is 2.
  strictEqual(quadmin(0, 4, -4, 1, 1), 2);
  // f = x³ − 3x: minimiser 1 from a = 0 (slope −3), (2, 2), (−1, 2).
  ok(Math.abs(cubicmin(0, 0, -3, 2, 2, -1, 2)! - 1) < 1e-15);
});

Deno.test("cube() rounds x³ once, as C's pow(x, 3) (Python's x ** 3)", () => {
  // Values Python's x ** 3 gives, where x * x * x is one ulp off.
  strictEqual(cube(-2.1938145353255925), -10.558439332095263);
  const x = -2.1938145353255925;
  strictEqual(x * x * x, -10.558439332095261);
  strictEqual(cube(2.084602421623396), 9.058780025681337);
  strictEqual(cube(-0.02738947744835407), -2.0547133367734264e-05);
  strictEqual(cube(3), 27);
});

Deno.test('minimizeBfgs() with arithmetic "fast" runs the same algorithm up to rounding', () => {
  const rosen = (x: Float64Array) => {
    let value = 0;
    const grad = new Float64Array(x.length);
    for (let i = 0; i < x.length - 1; i++) {
      const t = x[i + 1] - x[i] * x[i];
      value += 100 * t * t + (1 - x[i]) ** 2;
      grad[i] += -400 * x[i] * t - 2 * (1 - x[i]);
      grad[i + 1] += 200 * t;
    }
    return { value, grad };
  };
  const x0 = [1.3, 0.7, 0.8, 1.9, 1.2];
  const exact = minimizeBfgs(rosen, x0, { arithmetic: "numpy" });
  const fast = minimizeBfgs(rosen, x0, { arithmetic: "fast" });
  strictEqual(fast.status, 0);
  fast.x.forEach((v, i) => ok(Math.abs(v - exact.x[i]) < 1e-5, `x[${i}]: ${v} vs ${exact.x[i]}`));
  // The inverse-Hessian estimates agree to rounding after the same first iteration.
  const one = { maxiter: 1 };
  const h1 = minimizeBfgs(rosen, x0, { ...one, arithmetic: "numpy" }).hessInv;
  const h2 = minimizeBfgs(rosen, x0, { ...one, arithmetic: "fast" }).hessInv;
  h1.forEach((v, i) => ok(Math.abs(v - h2[i]) <= 1e-12 * Math.max(1, Math.abs(v))));
  throws(() => minimizeBfgs(rosen, x0, { arithmetic: "gpu" as never }), /arithmetic must be/);
});
