// The assignment notebook's experiments against PyTorch 1.13 + SciPy 1.10 runs of the
// notebook's own code (tests/golden/assignment.json, written by tasks/golden/assignment.py):
// the 1-D data, LogisticRegression, the MLP's fixed-parameter check, train1 with SciPy's BFGS
// (printed lines, per-repetition counts, final weights, best cost), train1 with Adam
// (every epoch's cost) and the hand-computed deltas against autograd. float64 throughout.

import { assertClose, manualSeed, rand, randn, type Tensor, tensor } from "@glassbox/tensor";
import { Adam, memoryOutput } from "@glassbox/trainer";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { backpropByHand, backpropByModel } from "../tasks/experiments/assignment_backprop.ts";
import { assignmentData } from "../tasks/experiments/assignment_data.ts";
import { fnnTrain } from "../tasks/experiments/assignment_fnn_train.ts";
import { AssignmentMLP, LogisticRegression } from "../tasks/experiments/assignment_model.ts";
import {
  flattenParameters,
  train1,
  trainScipy,
  type XY,
} from "../tasks/experiments/assignment_train.ts";

type Nested = number | Nested[];
interface Rep {
  x0: number[];
  x: number[];
  cost: number;
  fun?: number;
  nit?: number;
  nfev?: number;
  njev?: number;
  status?: number;
  message?: string;
  costs?: number[];
}
interface Case {
  hidden: number[];
  nreps: number;
  options: { maxiter?: number };
  printed: string;
  bestCost: number;
  best: number[];
  reps: Rep[];
  testError: number;
}

const golden: {
  data: Record<"X1" | "y1" | "X1test" | "y1test", number[][]>;
  logistic: { W: number[][]; b: number[]; x: number[]; logprob: number[] };
  mlpCheck: { one: number[][]; two: number[][] };
  bfgs: Case[];
  adam: Case & { epochs: number; lr: number; tol: number };
  backprop: {
    parameters: Record<string, Nested>;
    x: number;
    y: number;
    yhat: number;
    l: number;
    deltas: Record<string, Nested>;
  };
} = JSON.parse(await Deno.readTextFile(new URL("./golden/assignment.json", import.meta.url)));

const t = (v: Nested): Tensor => tensor(v as number[], { dtype: "float64" });
const stored: XY = { x: t(golden.data.X1), y: t(golden.data.y1) };
const flatOf = (v: Nested): number[] => [v].flat(3) as number[];

Deno.test("assignmentData() draws PyTorch's data to the last bits", () => {
  const d = assignmentData();
  for (const name of ["X1", "y1", "X1test", "y1test"] as const) {
    deepStrictEqual(d[name].shape, [100, 1]);
    // x comes from the generator (exact); y through exp, within a few ulps of PyTorch's.
    assertClose(d[name], golden.data[name], { rtol: 1e-15, atol: 1e-15 });
  }
  deepStrictEqual(Array.from(d.X1.toTypedArray()), golden.data.X1.flat());
});

Deno.test("LogisticRegression(3, 2) draws W = randn(3, 2)/√3, b = randn(2)/√2 and gives PyTorch's log_softmax", () => {
  manualSeed(0);
  const logreg = new LogisticRegression(3, 2);
  const x = rand([3], { dtype: "float64" });
  const [W, b] = logreg.parameters();
  deepStrictEqual(W.value.toArray(), golden.logistic.W);
  deepStrictEqual(b.value.toArray(), golden.logistic.b);
  deepStrictEqual(x.toArray(), golden.logistic.x);
  assertClose(logreg.forward(x), golden.logistic.logprob, { rtol: 1e-12, atol: 0 });
});

Deno.test("AssignmentMLP([2, 3, 4, 2], relu) with randn parameters gives the notebook's check values", () => {
  const mlp = new AssignmentMLP([2, 3, 4, 2], { phi: "relu" });
  manualSeed(0);
  for (const p of mlp.parameters()) p.value = randn([...p.shape], { dtype: "float64" });
  assertClose(mlp.forward(t([-1, 2])), golden.mlpCheck.one, { rtol: 1e-12, atol: 1e-15 });
  assertClose(mlp.forward(t([[-1, 2], [1, -2]])), golden.mlpCheck.two, {
    rtol: 1e-12,
    atol: 1e-15,
  });
  assertClose(mlp.forward(t([-1, 2])), [[0.8315, -3.6792]], { atol: 5e-5 }); // the notebook's digits
});

for (const c of golden.bfgs) {
  const label = `train1([${c.hidden}], nreps=${c.nreps}${
    c.options.maxiter === undefined ? "" : `, maxiter=${c.options.maxiter}`
  })`;
  Deno.test(`${label} with BFGS matches SciPy: printed lines, counts, weights, best cost`, () => {
    manualSeed(0);
    const out = memoryOutput();
    const r = train1(c.hidden, stored, {
      nreps: c.nreps,
      output: out,
      train: (model, data, o) => trainScipy(model, data, o, { maxiter: c.options.maxiter }),
    });
    strictEqual(out.text, c.printed);
    c.reps.forEach((g, i) => {
      const rep = r.reps[i];
      deepStrictEqual(Array.from(rep.initial), g.x0, `repetition ${i}: initial weights`);
      deepStrictEqual(
        [rep.report.nit, rep.report.nfev, rep.report.njev, rep.report.status, rep.report.message],
        [g.nit, g.nfev, g.njev, g.status, g.message],
        `repetition ${i}: nit, nfev, njev, status, message`,
      );
      assertClose(rep.cost, g.cost, { rtol: 1e-9, atol: 0 });
      assertClose(rep.report.fun, g.fun!, { rtol: 1e-9, atol: 0 });
    });
    assertClose(flattenParameters(r.best.parameters()), c.best, { rtol: 1e-9, atol: 1e-12 });
    assertClose(r.bestCost, c.bestCost, { rtol: 1e-9, atol: 0 });
  });
}

Deno.test("train1([10], nreps=1) with Adam lr 0.01 matches PyTorch epoch by epoch", () => {
  const a = golden.adam;
  manualSeed(0);
  const out = memoryOutput();
  let costs: number[] = [];
  const r = train1(a.hidden, stored, {
    nreps: 1,
    output: out,
    train: (model, data, o) => {
      const report = fnnTrain(model, data, o, {
        optimizer: new Adam({ lr: a.lr }),
        maxEpochs: a.epochs,
        tol: a.tol,
        verbose: true,
      });
      costs = report.costs!;
      return report;
    },
  });
  strictEqual(out.text, a.printed);
  assertClose(costs, a.reps[0].costs!, { rtol: 1e-9, atol: 0 });
  assertClose(flattenParameters(r.best.parameters()), a.best, { rtol: 1e-9, atol: 1e-12 });
});

Deno.test("the forward pass and deltas by hand and by backward() equal PyTorch's autograd", () => {
  const b = golden.backprop;
  manualSeed(3);
  const model = new AssignmentMLP([1, 5, 1]);
  for (const p of model.parameters()) deepStrictEqual(p.value.toArray(), b.parameters[p.name]);
  const hand = backpropByHand(model, b.x, b.y);
  const auto = backpropByModel(model, b.x, b.y);
  for (const v of [hand, auto]) {
    assertClose(v.yhat, b.yhat, { rtol: 1e-12, atol: 0 });
    assertClose(v.l, b.l, { rtol: 1e-12, atol: 0 });
    for (const [name, expected] of Object.entries(b.deltas)) {
      const got = v.deltas[name as keyof typeof v.deltas];
      ok(got !== undefined, name);
      assertClose(got, flatOf(expected), { rtol: 1e-12, atol: 1e-15 });
    }
  }
});
