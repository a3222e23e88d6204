/**
 * `deno task train`: trains a model and prints the epoch log.
 *
 * Until the trainer package lands this runs the seed linear-regression
 * experiment written directly in tensor operations: data drawn from the
 * PyTorch-identical generator, a linear model `ŷ = X·w + b`, the mean squared
 * error and its hand-derived gradient, and plain mini-batch gradient descent
 * over batches `x[i : i + B]` in order, as the notebooks do.
 *
 * Run `deno task train --help` for the flags.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";

const USAGE = `Usage: deno task train [options]

Trains a linear regression y = X·w + b on synthetic data with mini-batch
gradient descent on the mean squared error, printing one line per epoch
in the notebooks' format: "Epoch: 0 - L: <train loss> - L_v <validation loss>".

Options:
  --samples <n>      training + validation samples (default 1000)
  --features <n>     input features (default 3)
  --epochs <n>       passes over the training data (default 32)
  --batch-size <n>   samples per gradient step (default 100)
  --lr <x>           learning rate (default 0.05)
  --noise <x>        standard deviation of the label noise (default 0.5)
  --seed <n>         seed of the PyTorch-identical generator (default 2)
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
        samples: { type: "string", default: "1000" },
        features: { type: "string", default: "3" },
        epochs: { type: "string", default: "32" },
        "batch-size": { type: "string", default: "100" },
        lr: { type: "string", default: "0.05" },
        noise: { type: "string", default: "0.5" },
        seed: { type: "string", default: "2" },
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

/** Mean squared error of a prediction, as a number. */
function mse(pred: Tensor, y: Tensor): number {
  return pred.sub(y).square().mean().item();
}

function main(): void {
  const opts = parseFlags(Deno.args);
  manualSeed(opts.seed);
  const { samples: n, features: f } = opts;
  const trueW = randn([f, 1]).mul(2);
  const trueB = 0.5;
  const x = randn([n, f]);
  const y = x.matmul(trueW).add(trueB).add(randn([n, 1]).mul(opts.noise));
  const nTrain = Math.floor(n * 0.8);
  const [xTrain, yTrain] = [x.slice(0, nTrain), y.slice(0, nTrain)];
  const [xValid, yValid] = [x.slice(nTrain), y.slice(nTrain)];

  let w = randn([f, 1]).mul(0.1);
  let b = tensor([0]);
  const history: { epoch: number; loss: number; validLoss: number }[] = [];
  const started = performance.now();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    let lossSum = 0, batches = 0;
    for (let i = 0; i < nTrain; i += opts.batchSize) {
      const xb = xTrain.slice(i, i + opts.batchSize);
      const yb = yTrain.slice(i, i + opts.batchSize);
      const m = xb.shape[0];
      const residual = xb.matmul(w).add(b).sub(yb); // ŷ − y, shape [m, 1]
      lossSum += residual.square().mean().item();
      batches++;
      // L = (1/m) Σ (ŷ − y)²  ⇒  ∂L/∂w = (2/m) Xᵀ(ŷ − y),  ∂L/∂b = (2/m) Σ (ŷ − y)
      const gradW = xb.matmul(residual, { transposeA: true }).mul(2 / m);
      const gradB = residual.sum(0).mul(2 / m);
      w = w.sub(gradW.mul(opts.lr));
      b = b.sub(gradB.mul(opts.lr));
    }
    const loss = lossSum / batches;
    const validLoss = mse(xValid.matmul(w).add(b), yValid);
    history.push({ epoch, loss, validLoss });
    if (!opts.json) {
      console.log(`Epoch: ${epoch} - L: ${loss.toFixed(4)} - L_v ${validLoss.toFixed(4)}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    experiment: "linear-regression",
    samples: n,
    features: f,
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    lr: opts.lr,
    seed: opts.seed,
    trueWeights: trueW.flatten().toArray(),
    trueBias: trueB,
    weights: w.flatten().toArray(),
    bias: b.item(),
    finalLoss: history[history.length - 1].loss,
    finalValidLoss: history[history.length - 1].validLoss,
    seconds,
  };
  if (opts.json) {
    console.log(JSON.stringify({ ...summary, history }));
    return;
  }
  const fmt = (v: unknown) => (v as number[]).map((x) => x.toFixed(4)).join(", ");
  console.log(
    `\nlinear regression, ${nTrain} train / ${n - nTrain} validation samples, ${f} features, ` +
      `${opts.epochs} epochs in ${seconds.toFixed(2)} s`,
  );
  console.log(`  learned w = [${fmt(summary.weights)}], b = ${summary.bias.toFixed(4)}`);
  console.log(`  true    w = [${fmt(summary.trueWeights)}], b = ${trueB.toFixed(4)}`);
  console.log(
    `  validation MSE ${summary.finalValidLoss.toFixed(4)} (label noise variance ${
      (opts.noise ** 2).toFixed(4)
    })`,
  );
}

main();
