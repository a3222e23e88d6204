/**
 * `deno task train`: trains a model and prints the epoch log.
 *
 * Until the trainer package lands this runs the seed linear-regression
 * experiment (tasks/experiments/linear_regression.ts), written directly in
 * tensor operations and checked against the same run in PyTorch.
 *
 * Run `deno task train --help` for the flags.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  LINEAR_REGRESSION_DEFAULTS as D,
  runLinearRegression,
} from "./experiments/linear_regression.ts";

const USAGE = `Usage: deno task train [options]

Trains a linear regression y = X·w + b on synthetic data with mini-batch
gradient descent on the mean squared error, printing one line per epoch
in the notebooks' format: "Epoch: 0 - L: <train loss> - L_v <validation loss>".

Options:
  --samples <n>      training + validation samples (default ${D.samples})
  --features <n>     input features (default ${D.features})
  --epochs <n>       passes over the training data (default ${D.epochs})
  --batch-size <n>   samples per gradient step (default ${D.batchSize})
  --lr <x>           learning rate (default ${D.lr})
  --noise <x>        standard deviation of the label noise (default ${D.noise})
  --seed <n>         seed of the PyTorch-identical generator (default ${D.seed})
  --json             print one JSON object instead of the log
  -h, --help         show this help
`;

function fail(message: string): never {
  console.error(`train: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function parseFlags(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        samples: { type: "string", default: String(D.samples) },
        features: { type: "string", default: String(D.features) },
        epochs: { type: "string", default: String(D.epochs) },
        "batch-size": { type: "string", default: String(D.batchSize) },
        lr: { type: "string", default: String(D.lr) },
        noise: { type: "string", default: String(D.noise) },
        seed: { type: "string", default: String(D.seed) },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      fail(`--${name} must be an integer >= ${min}, got "${text}"`);
    }
    return n;
  };
  const num = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n < min) {
      fail(`--${name} must be a number >= ${min}, got "${text}"`);
    }
    return n;
  };
  const samples = int("samples", v.samples, 10);
  return {
    samples,
    features: int("features", v.features, 1),
    epochs: int("epochs", v.epochs, 1),
    batchSize: int("batch-size", v["batch-size"], 1),
    lr: num("lr", v.lr, 0),
    noise: num("noise", v.noise, 0),
    seed: int("seed", v.seed, 0),
    json: v.json,
  };
}

function main(): void {
  const opts = parseFlags(Deno.args);
  const started = performance.now();
  const result = runLinearRegression(opts, ({ epoch, loss, validLoss }) => {
    if (!opts.json) {
      console.log(`Epoch: ${epoch} - L: ${loss.toFixed(4)} - L_v ${validLoss.toFixed(4)}`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const last = result.history[result.history.length - 1];
  const summary = {
    experiment: "linear-regression",
    ...opts,
    json: undefined,
    trueWeights: Array.from(result.trueWeights.toTypedArray()),
    trueBias: result.trueBias,
    weights: Array.from(result.weights.toTypedArray()),
    bias: result.bias.item(),
    finalLoss: last.loss,
    finalValidLoss: last.validLoss,
    seconds,
  };
  if (opts.json) {
    console.log(JSON.stringify({ ...summary, history: result.history }));
    return;
  }
  const fmt = (v: number[]) => v.map((x) => x.toFixed(4)).join(", ");
  const nTrain = Math.floor(opts.samples * 0.8);
  console.log(
    `\nlinear regression, ${nTrain} train / ${opts.samples - nTrain} validation samples, ` +
      `${opts.features} features, ${opts.epochs} epochs in ${seconds.toFixed(2)} s`,
  );
  console.log(`  learned w = [${fmt(summary.weights)}], b = ${summary.bias.toFixed(4)}`);
  console.log(`  true    w = [${fmt(summary.trueWeights)}], b = ${summary.trueBias.toFixed(4)}`);
  console.log(
    `  validation MSE ${last.validLoss.toFixed(4)} (label noise variance ${
      (opts.noise ** 2).toFixed(4)
    })`,
  );
}

main();
