// `deno task train` end to end: the CLI as a subprocess (`deno run` with the
// least privilege it needs) on tiny configurations — exit codes, the epoch
// log, `--json`, the files `--out` writes, CSV input, and bad flags (exit 2,
// the flag named, the usage printed).
//
// Needs --allow-run (to start `deno`); without it every test here is
// reported as ignored, with a note saying why.

import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { loadSafetensors } from "@glassbox/layers";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { TRAIN_OPTIONS } from "../tasks/experiments/flags.ts";
import { CAN_RUN, cliTest, train } from "./_train_cli.ts";

const EPOCH_LINE = /^Epoch: (\d+) - L: \d+\.\d{4} - L_v \d+\.\d{4}$/gm;
/** Notebooks 1.1 and 1.2: Python's round(x, 4), so 1 to 4 decimals. */
const MSE_LINE = /^epoch: (\d+) - MSE: \d+\.\d{1,4} - MSE_v: \d+\.\d{1,4}$/gm;

cliTest(
  "train prints the notebooks' epoch log and writes history, model and plots",
  async (dir) => {
    const out = `${dir}/run`;
    const r = await train(["--experiment", "linear-regression", "--epochs", "2", "--out", out], {
      write: [dir],
    });
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual([...r.stdout.matchAll(MSE_LINE)].map((m) => m[1]), ["0", "1"]);
    match(r.stdout, /^result: 2 epochs in [\d.]+ s - L [\d.]+ - L_v [\d.]+ - validation MAPE/m);
    const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    deepStrictEqual(files, ["history.json", "loss.svg", "loss.vl.json", "model.safetensors"]);
    const history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
    strictEqual(history.experiment, "linear-regression");
    strictEqual(history.architectures[0].history.epochs.length, 2);
    deepStrictEqual(history.files.sort(), files);
    const { tensors, metadata } = await loadSafetensors(`${out}/model.safetensors`);
    deepStrictEqual(Object.keys(tensors).sort(), ["0.bias", "0.weight"]);
    deepStrictEqual(tensors["0.weight"].shape, [1, 1]);
    strictEqual(metadata.architecture, "1-1");
    match(await Deno.readTextFile(`${out}/loss.svg`), /^<svg[^>]*>[\s\S]*<\/svg>$/);
    strictEqual(JSON.parse(await Deno.readTextFile(`${out}/loss.vl.json`)).data.values.length, 4);
  },
);

cliTest("train --json prints one JSON object and no log", async () => {
  const r = await train([
    "--experiment",
    "logistic-regression",
    "--epochs",
    "3",
    "--json",
    "--no-save",
  ]);
  strictEqual(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  strictEqual(report.format, "glassbox-train/1");
  strictEqual(report.architectures[0].label, "5-3");
  strictEqual(report.architectures[0].history.epochs.length, 3);
  ok(report.architectures[0].summary.metrics.accuracy > 0.3);
  deepStrictEqual(report.files, []);
  ok(!r.stdout.includes("Epoch:"));
});

cliTest("train --data trains on a CSV file given read permission for it", async (dir) => {
  const rows = ["a,b,y"];
  for (let i = 0; i < 40; i++) {
    const a = (i % 7) / 7, b = (i % 5) / 5;
    rows.push(`${a},${b},${(2 * a - b + 0.5).toFixed(6)}`);
  }
  const csv = `${dir}/tiny.csv`;
  await Deno.writeTextFile(csv, rows.join("\n") + "\n");
  const out = `${dir}/csv_run`;
  const r = await train(
    [
      "--data",
      csv,
      "--target",
      "y",
      "--layers",
      "4",
      "--epochs",
      "2",
      "--batch-size",
      "8",
      "--out",
      out,
    ],
    { read: [csv], write: [dir] },
  );
  strictEqual(r.code, 0, r.stderr);
  match(r.stdout, /25 rows train, 7 validate \(early stopping\), 8 test/);
  deepStrictEqual([...r.stdout.matchAll(EPOCH_LINE)].length, 2);
  match(r.stdout, /^model: 2-4-1 \(relu\)/m);
  ok((await Deno.stat(`${out}/model.safetensors`)).isFile);
});

cliTest("train --experiment mlp-1d draws the fitted curve with its hidden units", async (dir) => {
  const out = `${dir}/curve`;
  const r = await train(
    ["--experiment", "mlp-1d", "--layers", "3", "--epochs", "2", "--restarts", "2", "--out", out],
    { write: [dir] },
  );
  strictEqual(r.code, 0, r.stderr);
  match(r.stdout, /^restart 2\/2$/m);
  const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  deepStrictEqual(files, [
    "fit.svg",
    "fit.vl.json",
    "history.json",
    "loss.svg",
    "loss.vl.json",
    "model.safetensors",
  ]);
  const spec = JSON.parse(await Deno.readTextFile(`${out}/fit.vl.json`));
  const units = new Set(spec.vconcat[1].data.values.map((v: { unit: string }) => v.unit));
  deepStrictEqual([...units], ["unit 1", "unit 2", "unit 3"]);
});

cliTest("train --help documents every flag", async () => {
  const r = await train(["--help"]);
  strictEqual(r.code, 0);
  for (const flag of Object.keys(TRAIN_OPTIONS)) ok(r.stdout.includes(`--${flag}`), flag);
  for (const name of ["mlp-regression", "mlp-classification", "mlp-1d", "linear-regression"]) {
    ok(r.stdout.includes(name), name);
  }
});

const BAD: [string[], string, RegExp][] = [
  [["--lr", "fast"], "--lr", /--lr must be a number >= 0, got "fast"/],
  [["--bogus"], "--bogus", /Unknown option '--bogus'/],
  [["--epochs", "0"], "--epochs", /--epochs must be an integer >= 1/],
  [["--experiment", "nope"], "--experiment", /must be one of mlp-regression, /],
  [["--device", "tpu"], "--device", /--device must be one of cpu, webgpu, got "tpu"/],
  [["--device", "webgpu", "--dtype", "float64"], "--dtype", /WGSL has no float64/],
  [["--optimizer", "rmsprop"], "--optimizer", /sgd, adam, adamw, lbfgs/],
  [["--layers", "32,x"], "--layers", /--layers must be an integer >= 1, got "x"/],
  [["--activation", "swish"], "--activation", /--activation must be one of identity, relu/],
  [["--data", "x.csv"], "--target", /--data needs --target/],
  [["--loss", "cross-entropy"], "--loss", /does not fit mlp-regression's data/],
  [["--epochs"], "--epochs", /argument missing/],
  // Negative values are named as such, not as a missing argument.
  [["--lr", "-1"], "--lr", /--lr must be a number >= 0, got "-1"/],
  [["--epochs", "-3"], "--epochs", /--epochs must be an integer >= 1, got "-3"/],
  [["--seed", "-1"], "--seed", /--seed must be an integer >= 0, got "-1"/],
  [["--layers", "-4"], "--layers", /--layers must be an integer >= 1, got "-4"/],
  // Only decimal literals: no hexadecimal, no exponent in a count.
  [["--lr", "0x10"], "--lr", /--lr must be a number >= 0, got "0x10" \(a decimal number/],
  [
    ["--epochs", "1e1"],
    "--epochs",
    /--epochs must be an integer >= 1, got "1e1" \(a decimal integer/,
  ],
  [["--lr", "Infinity"], "--lr", /got "Infinity"/],
  [["--epochs", "2", "--epochs", "3"], "--epochs", /--epochs was given more than once/],
  // The model's size is checked before anything is allocated.
  [
    ["--layers", "50000,50000", "--no-save"],
    "--layers",
    /Cannot build the model 6-50000-50000-3: it has 2,500,550,003 parameters, and training it with sgd in float64 needs about 55\.9 GiB/,
  ],
];

cliTest("train exits with code 2 naming the flag on bad flags and values", async () => {
  for (const [args, flag, message] of BAD) {
    const r = await train(args);
    strictEqual(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
    ok(r.stderr.includes(flag), `${args.join(" ")} names ${flag}: ${r.stderr.slice(0, 200)}`);
    match(r.stderr, message);
    match(r.stderr, /Usage: deno task train/);
    strictEqual(r.stdout, "");
  }
});

cliTest(
  "train refuses an --out or --data its permissions do not cover, before training",
  async (dir) => {
    const allowed = `${dir}/allowed`;
    const r = await train(["--epochs", "1", "--out", `${dir}/elsewhere`], { write: [allowed] });
    strictEqual(r.code, 2);
    match(r.stderr, /--out .*elsewhere: no permission to write there/);
    const csv = `${dir}/secret.csv`;
    await Deno.writeTextFile(csv, "a,y\n1,2\n3,4\n");
    const r2 = await train(["--data", csv, "--target", "y", "--no-save"]);
    strictEqual(r2.code, 2);
    match(r2.stderr, /--data .*secret\.csv: no permission to read it/);
    // The command it suggests can be pasted as it stands: nothing appended to it.
    const suggested = r2.stderr.split("\n").find((line) => line.startsWith("  deno run"));
    strictEqual(
      suggested,
      `  deno run --allow-read=.,${csv} --allow-write=runs tasks/train.ts --data ${csv} --target y --no-save`,
    );
    strictEqual(r2.stdout, "");
  },
);

const webgpu = await setupWebGPUTests("train_cli_test.ts");

Deno.test({
  name: "train --device webgpu trains on the GPU in float32 and saves the weights from the CPU",
  ignore: !CAN_RUN || webgpu.ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_train_" });
    try {
      const out = `${dir}/run`;
      const r = await train(
        [
          "--device",
          "webgpu",
          "--experiment",
          "logistic-regression",
          "--epochs",
          "2",
          "--out",
          out,
        ],
        { write: [dir] },
      );
      strictEqual(r.code, 0, r.stderr);
      match(r.stdout, /float32/);
      match(r.stdout, /^device: webgpu:/m);
      deepStrictEqual([...r.stdout.matchAll(EPOCH_LINE)].map((m) => m[1]), ["0", "1"]);
      const { tensors } = await loadSafetensors(`${out}/model.safetensors`);
      strictEqual(tensors["0.weight"].dtype, "float32");
      ok(tensors["0.weight"].toTypedArray().every(Number.isFinite));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

cliTest(
  "train --compare pytorch without permission to start Python exits 2 naming what it needs",
  async () => {
    const r = await train([
      "--experiment",
      "linear-regression",
      "--compare",
      "pytorch",
      "--no-save",
    ]);
    strictEqual(r.code, 2, r.stderr);
    match(r.stderr, /--allow-run=\/usr\/bin\/python3/);
    match(r.stderr, /apt-get install python3-torch python3-sklearn/);
    strictEqual(r.stdout, "");
  },
);
