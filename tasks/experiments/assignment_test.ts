import { Adam, memoryOutput } from "@glassbox/trainer";
import { manualSeed, tensor } from "@glassbox/tensor";
import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { AssignmentUsageError, parseAssignmentFlags } from "./assignment.ts";
import { assignmentData } from "./assignment_data.ts";
import { fnnTrain } from "./assignment_fnn_train.ts";
import { AssignmentMLP, LogisticRegression } from "./assignment_model.ts";
import { linspaceColumn } from "./assignment_parts.ts";
import { pyRepr, torchRepr } from "./assignment_print.ts";
import { assignmentExperimentOf, findAssignmentExperiment } from "./assignment_registry.ts";
import { mseOf, scipyDispLines, train1, trainScipy } from "./assignment_train.ts";

const data = assignmentData();
const xy = { x: data.X1, y: data.y1 };

Deno.test("AssignmentMLP() names parameters i_weight [in, out] and i_bias in the notebook's order", () => {
  manualSeed(0);
  const mlp = new AssignmentMLP([2, 3, 4, 2]);
  deepStrictEqual(
    mlp.parameters().map((p) => [p.name, [...p.shape]]),
    [
      ["0_weight", [2, 3]],
      ["0_bias", [3]],
      ["1_weight", [3, 4]],
      ["1_bias", [4]],
      ["2_weight", [4, 2]],
      ["2_bias", [2]],
    ],
  );
  strictEqual(mlp.numLayers(), 3);
  strictEqual(mlp.phi, "sigmoid");
  strictEqual(mlp.parameterCount(), 6 + 3 + 12 + 4 + 8 + 2);
});

Deno.test("AssignmentMLP() rejects bad sizes, phi and inputs with messages naming them", () => {
  throws(() => new AssignmentMLP([1]), /sizes must list at least the inputs and the outputs/);
  throws(() => new AssignmentMLP([1, 0, 1]), /sizes\[1\] must be an integer >= 1, got 0/);
  // deno-lint-ignore no-explicit-any
  throws(() => new AssignmentMLP([1, 2, 1], { phi: "softmax" as any }), /phi must be one of/);
  throws(() => new LogisticRegression(0, 2), /D \(inputs\) must be an integer >= 1/);
  const mlp = new AssignmentMLP([2, 3, 1]);
  throws(
    () => mlp.forward(tensor([[1, 2, 3]])),
    /input has shape \[1, 3\], expected \[2\] or \[N, 2\]/,
  );
  throws(() => mlp.getParameter("0.weight"), /no parameter named "0.weight"/);
  throws(() => new AssignmentMLP([1, 1]).backward(tensor([[1]])), /call forward\(x\) first/);
});

Deno.test("AssignmentMLP.backward() gives the gradient of the MSE (finite differences)", () => {
  manualSeed(1);
  const mlp = new AssignmentMLP([1, 3, 1], { phi: "tanh" });
  const data1 = { x: data.X1.slice(0, 10), y: data.y1.slice(0, 10) };
  const g = mlp.getParameter("1_bias");
  const x0 = g.value.item();
  // ∂MSE/∂b2 = 2·mean(ŷ − y): compare the backward pass with a central difference.
  mlp.zeroGrad();
  const pred = mlp.forward(data1.x);
  mlp.backward(pred.sub(data1.y).mul(2 / 10));
  const analytic = g.grad.item();
  const h = 1e-6;
  g.value = tensor([x0 + h]);
  const up = mseOf(mlp, data1);
  g.value = tensor([x0 - h]);
  const down = mseOf(mlp, data1);
  ok(Math.abs((up - down) / (2 * h) - analytic) < 1e-7);
});

Deno.test("train1() keeps the repetition with the lowest training MSE and prints the notebook's lines", () => {
  manualSeed(0);
  const out = memoryOutput();
  const r = train1([1], xy, { nreps: 2, output: out });
  strictEqual(r.reps.length, 2);
  strictEqual(r.bestCost, Math.min(...r.reps.map((x) => x.cost)));
  strictEqual(r.bestCost, mseOf(r.best, xy));
  match(
    out.text,
    /^Repetition {2}0: Optimization terminated successfully\.\n {9}Current function value: 0\.\d{6}\n {9}Iterations: \d+\n/,
  );
  match(out.text, /best_cost=0\.\d{3}\nRepetition {2}1: /);
  throws(() => train1([1], xy, { nreps: 0, output: out }), /nreps must be an integer >= 1, got 0/);
});

Deno.test("trainScipy() with L-BFGS reaches the same cost as BFGS on a 1-1-1 network", () => {
  manualSeed(0);
  const a = new AssignmentMLP([1, 1, 1]);
  manualSeed(0);
  const b = new AssignmentMLP([1, 1, 1]);
  const out = memoryOutput();
  trainScipy(a, xy, out);
  const r = trainScipy(b, xy, out, { method: "lbfgs" });
  strictEqual(r.method, "lbfgs");
  ok(Math.abs(mseOf(a, xy) - mseOf(b, xy)) < 1e-6);
});

Deno.test("fnnTrain() stops on the tolerance and prints Epoch lines in the notebook's format", () => {
  manualSeed(0);
  const out = memoryOutput();
  const model = new AssignmentMLP([1, 2, 1]);
  const r = fnnTrain(model, xy, out, {
    optimizer: new Adam({ lr: 0.01 }),
    maxEpochs: 3,
    verbose: true,
  });
  match(out.text, /^Epoch {5}0: cost= {3}\d\.\d{3} \nEpoch {5}1: /);
  strictEqual(r.nit, 3);
  match(r.message, /max_epochs=3/);
  const stop = fnnTrain(model, xy, memoryOutput(), { maxEpochs: 100, tol: 10 });
  strictEqual(stop.nit, 2); // the second epoch's cost is within 10 of the first
  ok(stop.success);
});

Deno.test("scipyDispLines() writes SciPy 1.10's closing lines", () => {
  const text = scipyDispLines({
    method: "bfgs",
    fun: 0.29367321729660034,
    nit: 120,
    nfev: 240,
    njev: 233,
    status: 2,
    success: false,
    message: "Desired error not necessarily achieved due to precision loss.",
  });
  strictEqual(
    text,
    "Warning: Desired error not necessarily achieved due to precision loss.\n" +
      "         Current function value: 0.293673\n         Iterations: 120\n" +
      "         Function evaluations: 240\n         Gradient evaluations: 233\n",
  );
});

Deno.test("torchRepr() and pyRepr() print as PyTorch and Python do", () => {
  strictEqual(torchRepr(tensor([[75.7091, 9.2566]])), "tensor([[75.7091,  9.2566]])");
  strictEqual(torchRepr(tensor([1, 2])), "tensor([1., 2.])");
  strictEqual(torchRepr(tensor([3e-5])), "tensor([3.0000e-05])");
  strictEqual(torchRepr(tensor(0.5)), "tensor(0.5000)");
  const row = Array.from({ length: 9 }, (_, i) => i / 8 - 0.5);
  strictEqual(
    torchRepr(tensor([row])),
    "tensor([[-0.5000, -0.3750, -0.2500, -0.1250,  0.0000,  0.1250,  0.2500,  0.3750,\n" +
      "          0.5000]])",
  );
  strictEqual(pyRepr(0.008260061964392662), "0.008260061964392662");
  strictEqual(pyRepr(3.637978807091713e-10), "3.637978807091713e-10");
  strictEqual(pyRepr(3580073.25), "3580073.25");
});

Deno.test("linspaceColumn() is torch.linspace(0, 13, 500).unsqueeze(1)", () => {
  const g = Array.from(linspaceColumn(0, 13, 500).toTypedArray());
  strictEqual(g.length, 500);
  strictEqual(g[0], 0);
  strictEqual(g[499], 13);
  strictEqual(g[1], 13 / 499);
});

Deno.test("parseAssignmentFlags() applies each part's defaults and rejects bad values", () => {
  const fit = parseAssignmentFlags(["--experiment", "assignment-fit"]);
  deepStrictEqual([fit.settings.hidden, fit.settings.nreps, fit.settings.optimizer], [
    [2],
    10,
    "bfgs",
  ]);
  strictEqual(fit.out, "runs/assignment-fit");
  const depths = parseAssignmentFlags(["--experiment=assignment-depths", "--no-save"]);
  deepStrictEqual([depths.settings.hidden, depths.settings.nreps, depths.settings.phi], [
    [4, 5, 6],
    50,
    "relu",
  ]);
  strictEqual(depths.out, null);
  const adam = parseAssignmentFlags(["--experiment", "assignment-adam", "--epochs", "10"]);
  deepStrictEqual([adam.settings.optimizer, adam.settings.lr, adam.settings.epochs], [
    "adam",
    0.01,
    10,
  ]);
  throws(
    () => parseAssignmentFlags(["--experiment", "assignment-fit", "--optimizer", "sgd"]),
    /--optimizer must be one of bfgs, lbfgs, adam, got "sgd"/,
  );
  throws(
    () => parseAssignmentFlags(["--experiment", "assignment-fit", "--layers", "2,x"]),
    /--layers must be an integer >= 1, got "x"/,
  );
  throws(
    () => parseAssignmentFlags(["--experiment", "assignment-backprop", "--layers", "2,2"]),
    /one sigmoid hidden layer/,
  );
  throws(() => parseAssignmentFlags(["--experiment", "assignment-fit", "--bogus"]), /bogus/);
  // The same number rules as every other experiment's flags (flag_values.ts).
  const fitWith = (...flags: string[]) => () =>
    parseAssignmentFlags(["--experiment", "assignment-fit", ...flags]);
  const adamWith = (...flags: string[]) => () =>
    parseAssignmentFlags(["--experiment", "assignment-adam", ...flags]);
  throws(adamWith("--lr", "-1"), /--lr must be a number > 0, got "-1"/);
  throws(adamWith("--lr", "0x10"), /--lr must be a number > 0, got "0x10" \(a decimal number/);
  throws(
    fitWith("--nreps", "1e1"),
    /--nreps must be an integer >= 1, got "1e1" \(a decimal integer/,
  );
  throws(fitWith("--nreps", "2", "--nreps", "3"), /--nreps was given more than once/);
});

Deno.test("parseAssignmentFlags() refuses flags the part would ignore, naming them and the part", () => {
  const refused: [string[], RegExp][] = [
    [["--experiment", "assignment-mlp", "--nreps", "3"], /Cannot use --nreps with assignment-mlp/],
    [
      ["--experiment", "assignment-logistic", "--layers", "4", "--data-seed", "1"],
      /Cannot use --data-seed, --layers with assignment-logistic: it trains nothing/,
    ],
    [
      ["--experiment", "assignment-fit", "--widths", "3"],
      /Cannot use --widths with assignment-fit/,
    ],
    [["--experiment", "assignment-widths", "--layers", "3"], /--layers with assignment-widths/],
    [
      ["--experiment", "assignment-fit", "--lr", "0.1", "--epochs", "5"],
      /Cannot use --lr, --epochs with assignment-fit: .*the optimizer is bfgs/,
    ],
    [
      ["--experiment", "assignment-units", "--optimizer", "lbfgs", "--tol", "1e-3"],
      /Cannot use --tol with assignment-units: .*the optimizer is lbfgs/,
    ],
    [
      ["--experiment", "assignment-adam", "--maxiter", "10"],
      /Cannot use --maxiter with assignment-adam/,
    ],
    [
      ["--experiment", "assignment-fit", "--optimizer", "adam", "--gtol", "1e-3"],
      /Cannot use --gtol with assignment-fit: .*the optimizer is adam/,
    ],
  ];
  for (const [args, message] of refused) {
    throws(() => parseAssignmentFlags(args), (e: unknown) => {
      ok(e instanceof AssignmentUsageError, String(e));
      ok(message.test(e.message), `${args.join(" ")}: ${e.message}`);
      return true;
    });
  }
  throws(
    () => parseAssignmentFlags(["--experiment", "assignment-fit", "--compare", "pytorch"]),
    /Cannot use --compare with an assignment experiment: it is not one of their flags/,
  );
  // A negative value is read as a value, and its check names the flag.
  throws(
    () => parseAssignmentFlags(["--experiment", "assignment-fit", "--gtol", "-1"]),
    /--gtol must be a number > 0, got "-1"/,
  );
  throws(
    () => parseAssignmentFlags(["--experiment", "assignment-fit", "--data-seed", "-2"]),
    /--data-seed must be an integer >= 0, got "-2"/,
  );
  // The flags each part does use still apply.
  const lbfgs = parseAssignmentFlags([
    "--experiment=assignment-fit",
    "--optimizer=lbfgs",
    "--gtol=1e-4",
    "--maxiter=7",
  ]);
  deepStrictEqual([lbfgs.settings.gtol, lbfgs.settings.maxiter], [1e-4, 7]);
  const adam = parseAssignmentFlags([
    "--experiment=assignment-fit",
    "--optimizer=adam",
    "--lr=0.1",
  ]);
  deepStrictEqual([adam.settings.optimizer, adam.settings.lr], ["adam", 0.1]);
  strictEqual(parseAssignmentFlags(["--experiment=assignment-mlp", "--seed=3"]).settings.seed, 3);
  deepStrictEqual(
    parseAssignmentFlags(["--experiment=assignment-widths", "--widths=1,5"]).settings.widths,
    [1, 5],
  );
  strictEqual(findAssignmentExperiment("assignment-widths")?.defaults.nreps, 1);
  strictEqual(assignmentExperimentOf(["--experiment", "mlp-regression"]), undefined);
});
