import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { parseTrainFlags, USAGE, UsageError } from "./flags.ts";
import { EXPERIMENTS } from "./registry.ts";

function usageError(args: string[], flag: string, message: RegExp): void {
  throws(() => parseTrainFlags(args), (e: unknown) => {
    ok(e instanceof UsageError, String(e));
    strictEqual(e.flag, flag);
    ok(message.test(e.message), e.message);
    return true;
  });
}

Deno.test("parseTrainFlags() gives each notebook experiment the notebook's settings", () => {
  const settings = (name: string) => {
    const c = parseTrainFlags(["--experiment", name]).config;
    return [c.trainRows, c.batchSize, c.epochs, c.lr, c.loss];
  };
  deepStrictEqual(settings("linear-regression"), [100, 33, 16, 0.01, "mse"]);
  deepStrictEqual(settings("multivariate-linear-regression"), [100, 33, 16, 0.01, "mse"]);
  deepStrictEqual(settings("mlp-regression"), [1000, 333, 32, 0.01, "mse"]);
  deepStrictEqual(settings("mlp-classification"), [
    100,
    33,
    32,
    0.08,
    "categorical-cross-entropy",
  ]);
});

Deno.test("parseTrainFlags() resolves the old name multi-output-linear-regression to notebook 1.2's", () => {
  const flags = parseTrainFlags(["--experiment", "multi-output-linear-regression"]);
  strictEqual(flags.config.experiment, "multivariate-linear-regression");
  strictEqual(flags.out, "runs/multivariate-linear-regression");
});

Deno.test("parseTrainFlags() --train-rows moves the split and rejects sizes that leave no validation row", () => {
  strictEqual(parseTrainFlags(["--train-rows", "5000"]).config.trainRows, 5000);
  usageError(
    ["--train-rows", "0"],
    "--train-rows",
    /--train-rows must be an integer >= 1, got "0"/,
  );
  usageError(
    ["--experiment", "mlp-classification", "--train-rows", "1100"],
    "--train-rows",
    /mlp-classification's data have 1100 rows, got 1100/,
  );
  usageError(
    ["--data", "x.csv", "--target", "y", "--train-rows", "10"],
    "--train-rows",
    /applies to the experiments' own data/,
  );
});

Deno.test("parseTrainFlags() --compare takes pytorch for one architecture trained by torch.optim on the CPU", () => {
  strictEqual(parseTrainFlags(["--compare", "pytorch"]).compare, "pytorch");
  strictEqual(parseTrainFlags([]).compare, null);
  usageError(["--compare", "jax"], "--compare", /--compare must be one of pytorch, got "jax"/);
  usageError(
    ["--compare", "pytorch", "--optimizer", "lbfgs"],
    "--optimizer",
    /sgd, adam and adamw/,
  );
  usageError(["--compare", "pytorch", "--restarts", "2"], "--restarts", /one start/);
  usageError(
    ["--compare", "pytorch", "--layers", "4", "--layers", "8"],
    "--layers",
    /one architecture, got 2/,
  );
});

Deno.test("parseTrainFlags() takes categorical-cross-entropy on WebGPU and refuses it on CSV files", () => {
  const { config } = parseTrainFlags(["--experiment", "mlp-classification", "--device", "webgpu"]);
  strictEqual(config.loss, "categorical-cross-entropy");
  usageError(
    ["--data", "x.csv", "--target", "y", "--loss", "categorical-cross-entropy"],
    "--loss",
    /needs one-hot targets/,
  );
});

Deno.test("parseTrainFlags() says an assignment-only flag belongs to the assignment experiments", () => {
  usageError(["--nreps", "3"], "--nreps", /Cannot use --nreps here: .*assignment experiments/);
  usageError(
    ["--experiment", "mlp-classification", "--widths=1,2"],
    "--widths",
    /Cannot use --widths here: .*--experiment assignment-<part>/,
  );
  usageError(["--bogus"], "--bogus", /Unknown option '--bogus'/);
});

Deno.test("USAGE lists every experiment on one line with its title", () => {
  for (const e of EXPERIMENTS) {
    ok(USAGE.split("\n").some((l) => l.trim().startsWith(e.name) && l.endsWith(e.title)), e.name);
  }
});

Deno.test("USAGE says what the notebooks are and that every experiment names its own", () => {
  const text = USAGE.replace(/\s+/g, " ");
  for (
    const notebook of [
      "The notebooks are the five Jupyter notebooks",
      "1.1 simple linear regression",
      "1.2 multivariate linear regression",
      "3.1 MLP",
      "MLP for classification",
      "assignment 1 (logistic regression",
      "notebooks/ holds their TypeScript versions",
    ]
  ) {
    ok(text.includes(notebook), notebook);
  }
  for (const e of EXPERIMENTS) {
    ok(/notebook|assignment|extra/.test(e.title), `${e.name}: ${e.title}`);
  }
});
