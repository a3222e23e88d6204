// minimizeBfgs against SciPy's minimize(method="BFGS", jac=True)
// (tests/golden/bfgs.json, written by tasks/golden/bfgs.py): the same
// objective, the same start, the same options; then the iteration and
// evaluation counts, the status and message, the lines disp prints, the
// sequence of objective values SciPy asked for, and x and f at the end.

import { minimizeBfgs } from "@glassbox/trainer";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";

interface Case {
  name: string;
  objective: "rosen" | "quadratic" | "nan_start" | "mlp";
  settings: { hidden?: number; seed?: number };
  x0: number[];
  options: { maxiter?: number; gtol?: number; xrtol?: number; norm?: number };
  x: number[];
  fun: number | string;
  jac: (number | string)[];
  nit: number;
  nfev: number;
  njev: number;
  status: number;
  success: boolean;
  message: string;
  disp: string[];
  trace: (number | string)[];
}

interface Fixture {
  scipy: string;
  mlpData: { x: number[]; y: number[] };
  cases: Case[];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("./golden/bfgs.json", import.meta.url)),
);

/** JSON's stand-ins for non-finite floats. */
function num(v: number | string): number {
  return typeof v === "number" ? v : v === "NaN" ? NaN : v === "Infinity" ? Infinity : -Infinity;
}

type Objective = (x: Float64Array) => { value: number; grad: Float64Array };

/** The generator's Rosenbrock, in its order of operations. */
function rosen(x: Float64Array): { value: number; grad: Float64Array } {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    const u = 1.0 - x[i];
    value += 100.0 * t * t + u * u;
    grad[i] += -400.0 * x[i] * t - 2.0 * u;
    grad[i + 1] += 200.0 * t;
  }
  return { value, grad };
}

const QUAD_A = [
  [4.0, 1.0, 0.5, 0.0],
  [1.0, 3.0, 0.25, 0.125],
  [0.5, 0.25, 2.0, 0.75],
  [0.0, 0.125, 0.75, 1.5],
];
const QUAD_B = [1.0, -2.0, 0.5, 3.0];

/** The generator's quadratic ½xᵀAx − bᵀx. */
function quadratic(x: Float64Array): { value: number; grad: Float64Array } {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ax = 0;
    for (let j = 0; j < n; j++) ax += QUAD_A[i][j] * x[j];
    value += 0.5 * x[i] * ax - QUAD_B[i] * x[i];
    grad[i] = ax - QUAD_B[i];
  }
  return { value, grad };
}

/** Σ xᵢ², NaN where x₀ < 0. */
function nanStart(x: Float64Array): { value: number; grad: Float64Array } {
  if (x[0] < 0) return { value: NaN, grad: new Float64Array(x.length).fill(NaN) };
  let value = 0;
  for (const v of x) value += v * v;
  return { value, grad: x.map((v) => 2 * v) };
}

const OBJECTIVES: Record<string, Objective> = { rosen, quadratic, nan_start: nanStart };

/** Runs one case, recording the value at every point the objective is called. */
function runCase(c: Case, objective: Objective) {
  const trace: number[] = [];
  const lines: string[] = [];
  const result = minimizeBfgs(
    (x) => {
      const out = objective(x);
      trace.push(out.value);
      return out;
    },
    c.x0,
    { ...c.options, disp: (line) => lines.push(line) },
  );
  return { result, trace, lines };
}

/** The index of the first differing value, or -1. */
function firstDifference(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function checkCase(c: Case, objective: Objective): void {
  const { result, trace, lines } = runCase(c, objective);
  const expectedTrace = c.trace.map(num);
  const at = firstDifference(trace, expectedTrace);
  strictEqual(
    at,
    -1,
    `${c.name}: the objective values part at evaluation ${at}: ${trace[at]} vs SciPy's ${
      expectedTrace[at]
    }`,
  );
  strictEqual(result.nit, c.nit, `${c.name}: nit`);
  strictEqual(result.nfev, c.nfev, `${c.name}: nfev`);
  strictEqual(result.njev, c.njev, `${c.name}: njev`);
  strictEqual(result.status, c.status, `${c.name}: status`);
  strictEqual(result.success, c.success, `${c.name}: success`);
  strictEqual(result.message, c.message, `${c.name}: message`);
  deepStrictEqual(lines, c.disp, `${c.name}: disp lines`);
  const fun = num(c.fun);
  ok(Object.is(result.fun, fun) || Math.abs(result.fun - fun) <= 1e-9 * Math.max(1, Math.abs(fun)));
  result.x.forEach((v, i) => {
    const want = c.x[i];
    ok(
      Math.abs(v - want) <= 1e-9 * Math.max(1, Math.abs(want)),
      `${c.name}: x[${i}] = ${v}, SciPy ${want}`,
    );
  });
}

for (const c of fixture.cases.filter((c) => c.objective !== "mlp")) {
  Deno.test(`minimizeBfgs() matches SciPy ${fixture.scipy} on ${c.name}`, () => {
    checkCase(c, OBJECTIVES[c.objective]);
  });
}
