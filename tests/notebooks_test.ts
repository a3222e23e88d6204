// Executes every notebook in notebooks/ headless on Deno's Jupyter kernel
// (through tasks/notebooks/execute.py) and checks the executed copies: no
// cell failed, the printed epoch logs and comparison figures agree with the
// PyTorch / SciPy reference in tests/golden/notebooks.json (written by
// tasks/golden/notebooks.py), and the rich outputs are there — a History
// cell with a Vega-Lite chart and its SVG fallback, a model cell with the
// summary table. Without jupyter-nbconvert or the "deno" kernel the test is
// skipped with a message, except under CI=true, where it fails.

import { ok } from "node:assert/strict";
import {
  type CellOutput,
  type ExecutedNotebook,
  executeNotebook,
  NOTEBOOKS,
  streamText,
  whyNotRunnable,
} from "../tasks/notebooks/execute.ts";

const PER_NOTEBOOK_MS = 180_000;
// deno-lint-ignore no-explicit-any
const golden: any = JSON.parse(
  await Deno.readTextFile(new URL("./golden/notebooks.json", import.meta.url)),
);

const why = await whyNotRunnable();
const ci = Deno.env.get("CI") === "true";
if (why !== null && !ci) {
  console.warn(`notebooks_test: SKIPPED, the notebooks cannot run here: ${why}`);
}

/** Everything a notebook printed, line by line. */
function lines(nb: ExecutedNotebook): string[] {
  return nb.cells.flat().map(streamText).join("").split("\n");
}

/** The number after `label` on the line that starts with it (every such line). */
function numbers(all: string[], label: string): number[] {
  return all.filter((l) => l.startsWith(label)).map((l) => Number(l.slice(label.length).trim()));
}

function close(actual: number, expected: number, rtol: number, what: string): void {
  ok(
    Number.isFinite(actual) && Math.abs(actual - expected) <= rtol * Math.abs(expected),
    `${what}: printed ${actual}, reference ${expected} (rtol ${rtol})`,
  );
}

/** Epoch lines (`pattern` captures epoch, loss, valid loss), each within the 4 printed decimals of PyTorch's. */
function checkEpochLog(
  all: string[],
  pattern: RegExp,
  history: { loss: number; validLoss: number }[],
  runs: number,
): void {
  const found = all.map((l) => l.match(pattern)).filter((m) => m !== null);
  ok(
    found.length === runs * history.length,
    `expected ${runs}×${history.length} epoch lines, found ${found.length}`,
  );
  for (const m of found) {
    const epoch = Number(m[1]);
    const want = history[epoch];
    for (
      const [printed, value, name] of [[m[2], want.loss, "loss"], [
        m[3],
        want.validLoss,
        "validation loss",
      ]] as const
    ) {
      // Rounded to 4 decimals from a value within the 1e-9 contract of PyTorch's.
      ok(
        Math.abs(Number(printed) - value) <= 0.5e-4 + 1e-9 * Math.abs(value),
        `epoch ${epoch} ${name}: printed ${printed}, PyTorch ${value}`,
      );
    }
  }
}

/** Every "…, glassbox vs PyTorch: x" MAPE (percent) within the 1e-9 training contract. */
function checkVsPytorch(all: string[], expectedCount: number): void {
  const found = all.map((l) => l.match(/glassbox vs PyTorch: (\S+)$/)).filter((m) => m !== null);
  ok(
    found.length === expectedCount,
    `expected ${expectedCount} comparisons with PyTorch, found ${found.length}`,
  );
  for (const m of found) ok(Number(m[1]) <= 1e-7, `${m.input}: above 1e-7 % (rtol 1e-9)`);
}

function hasOutput(nb: ExecutedNotebook, test: (o: CellOutput) => boolean): boolean {
  return nb.cells.flat().some(test);
}

function checkRichOutputs(nb: ExecutedNotebook): void {
  ok(
    hasOutput(nb, (o) =>
      o.data !== undefined && "application/vnd.vegalite.v5+json" in o.data &&
      String(o.data["image/svg+xml"] ?? "").includes("<svg") &&
      String(o.data["text/plain"] ?? "").startsWith("History:")),
    "no History cell with a Vega-Lite chart and an SVG fallback",
  );
  ok(
    hasOutput(
      nb,
      (o) =>
        o.data !== undefined &&
        String(o.data["text/html"] ?? "").includes('<table class="glassbox-summary"'),
    ),
    "no model cell with the summary table",
  );
}

/**
 * The notebooks' "MAPE before copying" (the two models' own initial weights: PyTorch's
 * figure to 1e-9) and "after copying" (the same weights: at rounding level).
 */
function checkCopying(all: string[], beforeCopy: number): void {
  close(
    numbers(all, "MAPE before copying (glassbox):")[0],
    beforeCopy,
    1e-9,
    "MAPE before copying",
  );
  ok(numbers(all, "MAPE after copying:")[0] <= 1e-10, "MAPE after copying");
}

const CHECKS: Record<(typeof NOTEBOOKS)[number], (nb: ExecutedNotebook, all: string[]) => void> = {
  "1.1-simple-linear-regression.ipynb": (nb, all) => {
    const g = golden.linear;
    checkEpochLog(all, /^epoch: (\d+) - MSE: (\S+) - MSE_v: (\S+)$/, g.history, 2);
    checkCopying(all, g.mapeBeforeCopy);
    checkVsPytorch(all, 3);
    checkRichOutputs(nb);
  },
  "1.2-multivariate-linear-regression.ipynb": (nb, all) => {
    const g = golden.multivariate;
    checkEpochLog(all, /^epoch: (\d+) - MSE: (\S+) - MSE_v: (\S+)$/, g.history, 3);
    checkCopying(all, g.mapeBeforeCopy);
    checkVsPytorch(all, 3);
    const einsum = [
      ...numbers(all, "MAPE weight, einsum model vs PyTorch:"),
      ...numbers(all, "MAPE bias, einsum model vs PyTorch:"),
    ];
    ok(einsum.length === 2 && einsum.every((v) => v <= 1e-7), `einsum model vs PyTorch: ${einsum}`);
    checkRichOutputs(nb);
  },
  "3.1-mlp.ipynb": (nb, all) => {
    const g = golden.mlp;
    checkEpochLog(all, /^Epoch: (\d+) - L: (\S+) - L_v (\S+)$/, g.history, 2);
    checkCopying(all, g.mapeBeforeCopy);
    checkVsPytorch(all, 1 + 5 + 5);
    checkRichOutputs(nb);
  },
  "mlp-classification.ipynb": (nb, all) => {
    const g = golden.classification;
    checkEpochLog(all, /^Epoch: (\d+) - L: (\S+) - L_v (\S+)$/, g.history, 2);
    close(
      numbers(all, "MAPE before copying, without softmax (glassbox):")[0],
      g.mapeBeforeCopy.logits,
      1e-9,
      "MAPE before copying (logits)",
    );
    close(
      numbers(all, "MAPE before copying, with softmax (glassbox):")[0],
      g.mapeBeforeCopy.softmax,
      1e-9,
      "MAPE before copying (softmax)",
    );
    ok(numbers(all, "MAPE after copying, with softmax:")[0] <= 1e-10, "MAPE after copying");
    checkVsPytorch(all, 1 + 4 + 4);
    close(
      numbers(all, "validation accuracy (glassbox):")[0],
      g.validAccuracy,
      0,
      "validation accuracy",
    );
    checkRichOutputs(nb);
  },
  "assignment-mlp.ipynb": (nb, all) => {
    const g = golden.assignment;
    const printedArray = (label: string) =>
      JSON.parse(all.find((l) => l.startsWith(label))!.slice(label.length));
    const probabilities: number[] = printedArray("probabilities (glassbox):");
    probabilities.forEach((p, i) =>
      ok(Math.abs(p - g.logistic.probabilities[i]) <= 0.5e-6 + 1e-6, `probability ${i}: ${p}`)
    );
    const check: number[][] = printedArray("glassbox:");
    check.flat().forEach((v, i) =>
      ok(Math.abs(v - g.mlpCheck.flat()[i]) <= 0.5e-4 + 1e-5, `MLP check ${i}: ${v}`)
    );
    // BFGS. The 1-2-1 fit takes SciPy's very steps (74 iterations, the same cost to the last
    // digits): rtol 1e-9. Longer runs part from SciPy's after a few hundred iterations:
    // glassbox's hand-written gradient and autograd differ in the last bits, BFGS amplifies
    // that, and the runs settle in the same region but not at the same point — the 1-unit fit
    // within 3e-9, the 10-unit fit 1 % apart (both "successful"), runs ending in "precision
    // loss" up to 3 % apart along a flat valley. Those are held to the same basin, rtol 5 %,
    // on the training cost that BFGS minimises (their test errors are not compared).
    const BASIN = 5e-2;
    const train = numbers(all, "[2] training error (glassbox):");
    ok(train.length === 2, "the [2] fit and the width-2 fit");
    for (const v of train) close(v, g.bfgs2[0].train, 1e-9, "[2] training error");
    close(numbers(all, "[2] test error (glassbox):")[0], g.bfgs2[0].valid, 1e-9, "[2] test error");
    for (const w of ["1", "3", "10"]) {
      const ref = g.widths[w];
      close(
        numbers(all, `[${w}] training error (glassbox):`)[0],
        ref.train,
        BASIN,
        `[${w}] training error`,
      );
    }
    const repCosts = all.map((l) => l.match(/^repetition (\d) final cost \(glassbox\): (\S+)$/))
      .filter((m) => m !== null);
    ok(repCosts.length === 6, `expected 6 repetition costs, found ${repCosts.length}`);
    repCosts.forEach((m, k) => {
      const ref = (k < 3 ? g.repetitions2 : g.depth)[Number(m[1])];
      const rtol = k === 0 ? 1e-9 : BASIN; // repetition 0 of [2] is the 1-2-1 fit again
      close(Number(m[2]), ref.fun, rtol, `${k < 3 ? "[2]" : "[4, 5, 6]"} repetition ${m[1]}`);
    });
    // Adam, full batch, 300 epochs: cost per epoch (3 printed decimals) and the final cost.
    const adam = all.map((l) => l.match(/^Epoch +(\d+): cost= +(\S+)$/)).filter((m) => m !== null);
    ok(adam.length === 16, `expected 16 Adam lines, found ${adam.length}`);
    for (const m of adam) {
      const want = g.adam.costs[Number(m[1]) - 1];
      ok(Math.abs(Number(m[2]) - want) <= 0.5e-3 + 1e-9, `Adam epoch ${m[1]}: ${m[2]} vs ${want}`);
    }
    close(numbers(all, "final cost (glassbox):")[0], g.adam.costs.at(-1), 1e-9, "Adam final cost");
    // Backpropagation by hand: forward values and every delta.
    const forward = all.find((l) => l.startsWith("x="))!.match(/yhat=(\S+), l=(\S+)$/)!;
    close(Number(forward[1]), g.backprop.yhat[0][0], 1e-12, "yhat");
    close(Number(forward[2]), g.backprop.loss, 1e-12, "loss");
    const errors = all.map((l) =>
      l.match(/^(\w+), squared error vs PyTorch autograd=(\S+?)(, vs library backward=(\S+))?$/)
    )
      .filter((m) => m !== null);
    ok(errors.length === 10, `expected 10 delta checks, found ${errors.length}`);
    for (const m of errors) {
      ok(Number(m[2]) <= 1e-24, `delta ${m[1]} vs autograd: ${m[2]}`);
      if (m[4] !== undefined) ok(Number(m[4]) <= 1e-24, `delta ${m[1]} vs library: ${m[4]}`);
    }
    checkRichOutputs(nb);
  },
};

Deno.test({
  name: "every notebook executes headless and prints PyTorch's figures",
  ignore: why !== null && !ci,
  async fn(t) {
    ok(why === null, `CI=true but the notebooks cannot run: ${why}`);
    const out = await Deno.makeTempDir({ prefix: "glassbox-notebooks-" });
    try {
      for (const name of NOTEBOOKS) {
        await t.step(name, async () => {
          const { notebook, code, stderr, seconds } = await executeNotebook(
            name,
            out,
            PER_NOTEBOOK_MS,
          );
          ok(
            code === 0,
            `${name} failed (exit ${code}${code === 124 ? ", timed out" : ""}):\n${stderr}`,
          );
          ok(notebook !== null, `${name}: no executed copy`);
          const errors = notebook.cells.flat().filter((o) => o.output_type === "error");
          ok(
            errors.length === 0,
            `${name}: ${errors.map((e) => `${e.ename}: ${e.evalue}`).join("; ")}`,
          );
          CHECKS[name](notebook, lines(notebook));
          console.log(`${name}: ${seconds.toFixed(1)}s`);
        });
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
