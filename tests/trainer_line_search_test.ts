// The strong-Wolfe line search and cubic interpolation of LBFGS against
// torch.optim.lbfgs's own _strong_wolfe and _cubic_interpolate
// (tests/golden/trainer.json, "lineSearch", written by tasks/golden/trainer.py)
// on one-dimensional polynomials: every operation is one IEEE operation on
// both sides, so every trial point, the step, the loss and the number of
// evaluations must be identical, bit for bit.

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  cubicInterpolate,
  float,
  type LineSearchResult,
  strongWolfe,
} from "../packages/trainer/_strong_wolfe.ts";

type Poly = (x: number) => [number, number];

const POLYNOMIALS: Record<string, Poly> = {
  doubleWell: (x) => [(x * x - 1) * (x * x - 1) + 0.3 * x, 4 * x * (x * x - 1) + 0.3],
  quartic: (x) => [x * x * x * x - 3 * x * x * x + 2 * x, 4 * x * x * x - 9 * x * x + 2],
  quadratic: (x) => [2.5 * (x - 0.7) * (x - 0.7), 5 * (x - 0.7)],
  cubicDrop: (x) => [0.1 * x * x * x * x - x * x * x + 0.5 * x, 0.4 * x * x * x - 3 * x * x + 0.5],
};

interface WolfeCase {
  fn: string;
  x0: number;
  t0: number;
  f0: number;
  g0: number;
  t: number;
  loss: number;
  grad: number;
  evals: number;
  points: number[];
}

const fixture: {
  lineSearch: {
    strongWolfe: WolfeCase[];
    cubic: { args: number[]; bounds: [number, number] | null; value: number }[];
  };
} = JSON.parse(await Deno.readTextFile(new URL("./golden/trainer.json", import.meta.url)));

Deno.test("cubicInterpolate() equals torch's _cubic_interpolate bit for bit", () => {
  for (const c of fixture.lineSearch.cubic) {
    const [x1, f1, g1, x2, f2, g2] = c.args;
    const bounds = c.bounds === null
      ? undefined
      : [float(c.bounds[0]), float(c.bounds[1])] as const;
    const value = cubicInterpolate(float(x1), f1, g1, float(x2), f2, g2, bounds);
    strictEqual(value.v, c.value, `cubicInterpolate(${c.args.join(", ")}, ${c.bounds})`);
  }
});

Deno.test("strongWolfe() takes torch's _strong_wolfe steps bit for bit", () => {
  const cases = fixture.lineSearch.strongWolfe;
  for (const c of cases) {
    const fg = POLYNOMIALS[c.fn];
    const points: number[] = [];
    // As in LBFGS: the objective moves to the trial point and yields to ask its driver for
    // the loss there; it computes the gradient itself once the loss is back.
    const objective = function* (
      t: number,
      d: Float64Array,
    ): Generator<void, [number, Float64Array], number> {
      const x = c.x0 + t * d[0];
      points.push(x);
      const f: number = yield;
      return [f, new Float64Array([fg(x)[1]])];
    };
    const d = new Float64Array([-c.g0]);
    const g = new Float64Array([c.g0]);
    const search = strongWolfe(objective, float(c.t0), d, c.f0, g, c.g0 * -c.g0);
    let step = search.next();
    let asked = 0;
    while (!step.done) {
      asked++;
      step = search.next(fg(points[points.length - 1])[0]);
    }
    const found: LineSearchResult = step.value;
    strictEqual(asked, found.evals, "one request for a loss per evaluation");
    const where = `${c.fn} from x0 = ${c.x0}, t0 = ${c.t0}`;
    deepStrictEqual(points, c.points, `${where}: trial points`);
    strictEqual(found.t.v, c.t, `${where}: step`);
    strictEqual(found.loss, c.loss, `${where}: loss`);
    strictEqual(found.grad[0], c.grad, `${where}: gradient`);
    strictEqual(found.evals, c.evals, `${where}: evaluations`);
  }
  // The cases reach the zoom phase and long searches, not only first-try acceptance.
  strictEqual(cases.some((c) => c.evals >= 5), true);
});
