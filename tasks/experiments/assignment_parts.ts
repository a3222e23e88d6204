/**
 * What each assignment experiment does and prints, section by section of
 * the notebook. Each part writes the notebook's lines to `ctx.out`, adds
 * plots to `ctx.plots` and its numbers to `ctx.result` (the JSON record).
 *
 * @module
 */

import { Adam, type TextOutput } from "@glassbox/trainer";
import { manualSeed, rand, randn, type Tensor, tensor, tidy } from "@glassbox/tensor";
import { dataSpec, fitSpec, type Points1D } from "../plots/assignment_fit.ts";
import { studySpec, type VegaLiteSpec } from "../plots/mod.ts";
import type { AssignmentData } from "./assignment_data.ts";
import { fnnTrain } from "./assignment_fnn_train.ts";
import { AssignmentMLP, LogisticRegression } from "./assignment_model.ts";
import { pyRepr, torchRepr } from "./assignment_print.ts";
import type { AssignmentSettings } from "./assignment_registry.ts";
import {
  backpropByHand,
  backpropByModel,
  DELTA_NAMES,
  squaredErrors,
} from "./assignment_backprop.ts";
import { mseOf, train1, type Train1Result, type TrainFn, trainScipy } from "./assignment_train.ts";

/** What a part works with and where it puts its results. */
export interface PartContext {
  /** The resolved settings. */
  settings: AssignmentSettings;
  /** The 1-D data. */
  data: AssignmentData;
  /** The notebook's printed lines. */
  out: TextOutput;
  /** Progress notes (standard error). */
  progress: (line: string) => void;
  /** Plots to write into the run folder, by file name without extension. */
  plots: { name: string; spec: VegaLiteSpec }[];
  /** The JSON record. */
  result: Record<string, unknown>;
}

/**
 * `torch.linspace(lo, hi, n).unsqueeze(1)`: PyTorch fills the first half
 * from `lo` upwards and the second half from `hi` downwards.
 *
 * @example
 * ```ts
 * import { linspaceColumn } from "./assignment_parts.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(linspaceColumn(0, 1, 3).toArray(), [[0], [0.5], [1]]);
 * ```
 */
export function linspaceColumn(lo: number, hi: number, n: number): Tensor {
  const step = (hi - lo) / (n - 1);
  const half = Math.floor(n / 2);
  const values = Array.from(
    { length: n },
    (_, i) => i < half ? lo + i * step : hi - (n - 1 - i) * step,
  );
  return tensor(values, { dtype: "float64", shape: [n, 1] });
}

const line = (ctx: PartContext, text = ""): void => ctx.out.write(`${text}\n`);

function points(x: Tensor, y: Tensor): Points1D {
  return { x: Array.from(x.toTypedArray()), y: Array.from(y.toTypedArray()) };
}

/** How `train1` trains each repetition, from the settings; `progress` hears of long BFGS runs. *
 * @example
 * ```ts
 * import { trainerFor } from "./assignment_parts.ts";
 * import { ASSIGNMENT_DEFAULTS } from "./assignment_registry.ts";
 * import { AssignmentMLP } from "./assignment_model.ts";
 * import { assignmentData } from "./assignment_data.ts";
 * import { memoryOutput } from "@glassbox/trainer";
 * import { strictEqual } from "node:assert/strict";
 *
 * const { X1, y1 } = assignmentData();
 * const adam = trainerFor({ ...ASSIGNMENT_DEFAULTS, optimizer: "adam", epochs: 3 }, false);
 * strictEqual(adam(new AssignmentMLP([1, 2, 1]), { x: X1, y: y1 }, memoryOutput()).nit, 3);
 * ```
 */
export function trainerFor(
  s: AssignmentSettings,
  verbose: boolean,
  progress: (line: string) => void = () => {},
): TrainFn {
  const method = s.optimizer;
  if (method === "adam") {
    return (model, data, out) =>
      fnnTrain(model, data, out, {
        optimizer: new Adam({ lr: s.lr }),
        maxEpochs: s.epochs,
        tol: s.tol,
        verbose,
      });
  }
  return (model, data, out) => {
    const started = performance.now();
    let next = started + 10_000;
    return trainScipy(model, data, out, {
      method,
      gtol: s.gtol,
      maxiter: s.maxiter ?? undefined,
      onIteration: (nit) => {
        const now = performance.now();
        if (now < next) return;
        next = now + 10_000;
        progress(
          `  (${model.sizes.join("-")}: BFGS iteration ${nit}, ${
            ((now - started) / 1000).toFixed(0)
          } s; ` +
            `SciPy's default limit is ${200 * model.parameterCount()} iterations)`,
        );
      },
    });
  };
}

function runTrain1(ctx: PartContext, hidden: number[], nreps: number): Train1Result {
  const s = ctx.settings;
  const started = performance.now();
  const r = train1(hidden, { x: ctx.data.X1, y: ctx.data.y1 }, {
    nreps,
    phi: s.phi,
    train: trainerFor(s, true, ctx.progress),
    output: ctx.out,
    onRepetition: (rep) =>
      ctx.progress(
        `[${[1, ...hidden, 1].join("-")}] repetition ${rep.rep + 1}/${nreps}: ${rep.report.nit} ${
          s.optimizer === "adam" ? "epochs" : "iterations"
        }, ${((performance.now() - started) / 1000).toFixed(1)} s so far`,
      ),
  });
  return r;
}

function errors(ctx: PartContext, model: AssignmentMLP): { train: number; test: number } {
  const d = ctx.data;
  const train = mseOf(model, { x: d.X1, y: d.y1 });
  const test = mseOf(model, { x: d.X1test, y: d.y1test });
  line(ctx, `Training error: ${pyRepr(train)}`);
  line(ctx, `Test error    : ${pyRepr(test)}`);
  return { train, test };
}

function stateDictLines(ctx: PartContext, params: { name: string; value: Tensor }[]): void {
  for (const p of params) line(ctx, `${p.name.padEnd(15)}= ${torchRepr(p.value)}`);
}

/** The fit (and optionally the first hidden layer's units) on the notebook's grid linspace(0, 13, 500). */
function fitPlot(
  ctx: PartContext,
  name: string,
  model: AssignmentMLP,
  title: string,
  hidden: "none" | "raw" | "scaled" = "none",
): void {
  const d = ctx.data;
  const grid = linspaceColumn(0, 13, 500);
  const x = Array.from(grid.toTypedArray());
  const yhat = Array.from(tidy(() => model.forward(grid)).toTypedArray());
  let units: number[][] | undefined;
  if (hidden !== "none" && model.sizes.length > 2) {
    const h = model.hiddenOutputs(grid)[0];
    const k = model.sizes[1];
    const values = h.toTypedArray();
    // Scaled: by the unit's weight into the output (one hidden layer: 1_weight).
    const w = model.sizes.length === 3 ? model.getParameter("1_weight").value.toTypedArray() : null;
    units = Array.from(
      { length: k },
      (_, j) => x.map((_, i) => values[i * k + j] * (hidden === "scaled" && w !== null ? w[j] : 1)),
    );
  }
  const e = {
    train: mseOf(model, { x: d.X1, y: d.y1 }),
    test: mseOf(model, { x: d.X1test, y: d.y1test }),
  };
  ctx.plots.push({
    name,
    spec: fitSpec(points(d.X1, d.y1), points(d.X1test, d.y1test), {
      x,
      yhat,
      units,
      scaled: hidden === "scaled",
    }, {
      title,
      subtitle: `training MSE ${e.train.toPrecision(4)}, test MSE ${e.test.toPrecision(4)}; ${
        hidden === "none"
          ? ""
          : `hidden units ${hidden === "scaled" ? "× output weights " : ""}on the right axis; `
      }fit clipped to the data's range`,
    }),
  });
}

function dataPlot(ctx: PartContext): void {
  const d = ctx.data;
  ctx.plots.push({
    name: "data",
    spec: dataSpec(points(d.X1, d.y1), points(d.X1test, d.y1test), {
      title: "the one-dimensional data set (100 training, 100 test points)",
      subtitle: "glassbox's stand-in for the notebook's helper data",
    }),
  });
}

function repetitionsRecord(r: Train1Result): Record<string, unknown> {
  return {
    bestRep: r.bestRep,
    bestCost: r.bestCost,
    reps: r.reps.map((rep) => ({ rep: rep.rep, cost: rep.cost, ...rep.report })),
  };
}

function modelRecord(model: AssignmentMLP): Record<string, number[]> {
  return Object.fromEntries(
    model.parameters().map((p) => [p.name, Array.from(p.value.toTypedArray())]),
  );
}

/** 1a: logistic regression on one random input. *
 * @example
 * ```ts
 * import { logisticPart } from "./assignment_parts.ts";
 * import { ASSIGNMENT_DEFAULTS } from "./assignment_registry.ts";
 * import { assignmentData } from "./assignment_data.ts";
 * import { memoryOutput } from "@glassbox/trainer";
 * import { match } from "node:assert/strict";
 *
 * const out = memoryOutput();
 * const ctx = {
 *   settings: ASSIGNMENT_DEFAULTS, data: assignmentData(), out, progress: () => {}, plots: [], result: {},
 * };
 * logisticPart(ctx);
 * match(out.text, /^0_weight {7}= tensor\(\[\[/m);
 * ```
 */
export function logisticPart(ctx: PartContext): void {
  manualSeed(ctx.settings.seed);
  const logreg = new LogisticRegression(3, 2);
  const x = rand([3], { dtype: "float64" });
  const logprob = logreg.forward(x);
  line(ctx, `x = torch.rand(3)  -> ${torchRepr(x)}`);
  line(ctx, `logreg(x)          -> ${torchRepr(logprob)}   (log-probabilities)`);
  line(ctx, `logreg(x).exp()    -> ${torchRepr(logprob.exp())}   (probabilities)`);
  line(ctx);
  line(ctx, `logreg.get_parameter("0_bias")`);
  line(
    ctx,
    `Parameter containing:\n${torchRepr(logreg.parameters()[1].value, ", requires_grad=True")}`,
  );
  line(ctx);
  stateDictLines(ctx, logreg.parameters());
  ctx.result.logistic = {
    x: Array.from(x.toTypedArray()),
    logprob: Array.from(logprob.toTypedArray()),
    parameters: Object.fromEntries(
      logreg.parameters().map((p) => [p.name, Array.from(p.value.toTypedArray())]),
    ),
  };
}

/** 1b/1c: the MLP's parameter shapes and the fixed-parameter check. Returns false on a mismatch. */
export function mlpPart(ctx: PartContext): boolean {
  manualSeed(ctx.settings.seed);
  const mlp = new AssignmentMLP([2, 3, 4, 2], { phi: "relu" });
  line(ctx, "mlp = MLP([2, 3, 4, 2], torch.relu); list(mlp.named_parameters()):");
  for (const p of mlp.parameters()) line(ctx, `  ${p.name.padEnd(9)} [${p.shape.join(", ")}]`);
  line(ctx);
  manualSeed(0);
  for (const p of mlp.parameters()) p.value = randn([...p.shape], { dtype: "float64" });
  line(ctx, "with torch.manual_seed(0) and every W[:] = randn(W.shape), b[:] = randn(b.shape):");
  const one = mlp.forward(tensor([-1, 2], { dtype: "float64" }));
  const two = mlp.forward(tensor([[-1, 2], [1, -2]], { dtype: "float64" }));
  const expected = [[0.8315, -3.6792], [4.8448, -6.8813]];
  line(ctx, `mlp(torch.tensor([-1.0, 2.0]))  # must give: [ 0.8315, -3.6792]`);
  line(ctx, torchRepr(one));
  line(
    ctx,
    `mlp(torch.tensor([[-1.0, 2.0], [1.0, -2.0]]))  # [[0.8315, -3.6792], [4.8448, -6.8813]]`,
  );
  line(ctx, torchRepr(two));
  const got = Array.from(two.toTypedArray());
  const worst = Math.max(...expected.flat().map((v, i) => Math.abs(v - got[i])));
  const ok = worst < 5e-5;
  line(ctx, ok ? "matches the notebook to its 4 decimals" : `MISMATCH: off by ${worst}`);
  ctx.result.mlp = { output: got, expected: expected.flat(), matches: ok };
  return ok;
}

/** 2a/2b: the data, train1([2]) and its fit. */
export function fitPart(ctx: PartContext): void {
  const s = ctx.settings;
  manualSeed(s.seed);
  dataPlot(ctx);
  const r = runTrain1(ctx, s.hidden, s.nreps);
  const e = errors(ctx, r.best);
  line(ctx);
  stateDictLines(ctx, r.best.parameters());
  fitPlot(ctx, "fit", r.best, `train1([${s.hidden.join(", ")}], nreps=${s.nreps}): the best fit`);
  ctx.result.fit = { ...repetitionsRecord(r), errors: e, model: modelRecord(r.best) };
}

/** 2c: one train1([w], nreps) per width; the table of training and test errors. */
export function widthsPart(ctx: PartContext): void {
  const s = ctx.settings;
  manualSeed(s.seed);
  dataPlot(ctx);
  const rows: { width: number; train: number; test: number; nit: number; status: number }[] = [];
  for (const w of s.widths) {
    const r = runTrain1(ctx, [w], s.nreps);
    const e = errors(ctx, r.best);
    const best = r.reps[r.bestRep].report;
    rows.push({ width: w, train: e.train, test: e.test, nit: best.nit, status: best.status });
    fitPlot(ctx, `fit-1-${w}-1`, r.best, `width ${w}: MLP([1, ${w}, 1]), ${s.phi}`);
  }
  line(ctx);
  line(ctx, "width   training error   test error   iterations   status");
  for (const r of rows) {
    line(
      ctx,
      `${String(r.width).padStart(5)}   ${r.train.toExponential(4).padStart(14)}   ${
        r.test.toExponential(4).padStart(10)
      }   ${String(r.nit).padStart(10)}   ${r.status}`,
    );
  }
  const bestTest = rows.reduce((a, b) => (b.test < a.test ? b : a));
  const first = rows[0], last = rows[rows.length - 1];
  line(
    ctx,
    `training error from ${first.train.toPrecision(3)} (width ${first.width}) to ${
      last.train.toPrecision(3)
    } (width ${last.width}); test error lowest at width ${bestTest.width} (${
      bestTest.test.toPrecision(3)
    }), ${last.test.toPrecision(3)} at width ${last.width}`,
  );
  ctx.plots.push({
    name: "widths",
    spec: studySpec(
      rows.map((r) => ({ label: `1-${r.width}-1`, trainLoss: r.train, validLoss: r.test })),
      {
        title: "width study: training and test MSE of the best of train1([w])",
        subtitle: `${s.optimizer.toUpperCase()} to convergence, nreps ${s.nreps}, ${s.phi}`,
        lossName: "MSE",
        validName: "test",
      },
    ),
  });
  ctx.result.widths = rows;
}

/** 2d: train1([10]); the hidden units raw and scaled. */
export function unitsPart(ctx: PartContext): void {
  const s = ctx.settings;
  manualSeed(s.seed);
  const r = runTrain1(ctx, s.hidden, s.nreps);
  const e = errors(ctx, r.best);
  const label = `train1([${s.hidden.join(", ")}])`;
  fitPlot(ctx, "units-raw", r.best, `${label}: fit and the hidden units' outputs`, "raw");
  fitPlot(
    ctx,
    "units-scaled",
    r.best,
    `${label}: fit and the hidden units × their output weights`,
    "scaled",
  );
  ctx.result.units = { ...repetitionsRecord(r), errors: e, model: modelRecord(r.best) };
}

/** 2e: train1 with the settings' optimizer (Adam by default) or depth and activation. */
export function trainPart(ctx: PartContext, key: string): void {
  const s = ctx.settings;
  manualSeed(s.seed);
  const r = runTrain1(ctx, s.hidden, s.nreps);
  const e = errors(ctx, r.best);
  fitPlot(
    ctx,
    "fit",
    r.best,
    `train1([${s.hidden.join(", ")}], nreps=${s.nreps}, phi=${s.phi}), ${s.optimizer}`,
  );
  ctx.result[key] = { ...repetitionsRecord(r), errors: e, model: modelRecord(r.best) };
}

/** 3: forward pass and deltas by hand vs the backward pass, on X1test[1]. */
export function backpropPart(ctx: PartContext): void {
  const s = ctx.settings;
  manualSeed(s.seed);
  const r = runTrain1(ctx, s.hidden, s.nreps);
  const e = errors(ctx, r.best);
  const x = ctx.data.X1test.toTypedArray()[1];
  const y = ctx.data.y1test.toTypedArray()[1];
  const hand = backpropByHand(r.best, x, y);
  const auto = backpropByModel(r.best, x, y);
  const t = (v: number[]): string => torchRepr(tensor(v, { dtype: "float64" }));
  line(ctx);
  line(
    ctx,
    `x=${t([x])}, y=${t([y])}, yhat=${torchRepr(tensor([[auto.yhat]]))}, l=${pyRepr(auto.l)}`,
  );
  line(
    ctx,
    `x=${t([x])}, y=${t([y])}, yhat=${torchRepr(tensor([[hand.yhat]]))}, l=${
      torchRepr(tensor([[hand.l]]))
    }   (by hand)`,
  );
  line(ctx);
  const sq = squaredErrors(auto, hand);
  for (const v of DELTA_NAMES.slice(1)) line(ctx, `${v}, squared error=${pyRepr(sq[v])}`);
  line(ctx);
  // Printed in the shapes autograd gives them: W2 [k, 1], W1 [1, k].
  const k = s.hidden[0];
  const shaped = (v: string, values: number[]): string =>
    v === "W2" || v === "W1"
      ? torchRepr(tensor(values, { dtype: "float64", shape: v === "W2" ? [k, 1] : [1, k] }))
      : t(values);
  for (const v of DELTA_NAMES) {
    line(ctx, `${v}, backward=${shaped(v, auto.deltas[v])}, by hand=${shaped(v, hand.deltas[v])}`);
  }
  ctx.result.backprop = {
    ...repetitionsRecord(r),
    errors: e,
    x,
    y,
    yhat: hand.yhat,
    l: hand.l,
    squaredErrors: sq,
    byHand: hand.deltas,
    byBackward: auto.deltas,
  };
}
