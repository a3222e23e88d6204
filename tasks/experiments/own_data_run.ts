/**
 * `deno task train --data file.csv --target col`: trains an MLP on the
 * prepared CSV data (cross-entropy for a classification target, MSE for a
 * regression target), stops early on the validation loss keeping the best
 * weights, reports the held-out test figures (accuracy and a confusion
 * matrix, or R², RMSE, MAE and MAPE) and saves the model with the card
 * `--predict` rebuilds it from.
 *
 * @module
 */

import { mlp, saveSafetensors, type Sequential } from "@glassbox/layers";
import { accuracy, confusionMatrix, mae, mape, r2Score, rmse } from "@glassbox/metrics";
import { cpu, type Device, manualSeed, type Tensor } from "@glassbox/tensor";
import type { WebGPUDevice } from "@glassbox/webgpu-kernels";
import { EarlyStopping, fit, type History } from "@glassbox/trainer";
import { lossCurvesSpec, renderSvg } from "../plots/mod.ts";
import { activationsFor, architectureLabel, OPTIMIZER_LABELS } from "./config.ts";
import { NotebookLog } from "./epoch_log.ts";
import { type TrainFlags, UsageError } from "./flags.ts";
import { MODEL_CARD_FORMAT, MODEL_CARD_KEY, type ModelCard, modelOutputs } from "./model_card.ts";
import { OWN_DATA_PATIENCE, type OwnData, OwnDataError, prepareOwnData } from "./own_data.ts";
import { runPredict } from "./predict.ts";
import { makeLoss, makeOptimizer } from "./run_experiment.ts";
import { abortOnSignals, openDevice, runExitCode } from "./interrupts.ts";
import { checkModelSize } from "./model_size.ts";
import { writeRunFolder } from "./run_folder.ts";
import { checkFinite, writeFileAtomic } from "./save_run.ts";

/** The test figures of a `--data` run. */
export interface OwnDataScores {
  /** Test rows. */
  rows: number;
  /** Classification: fraction correct. */
  accuracy?: number;
  /** Classification: rows are true classes, columns predicted, in `classes` order. */
  confusionMatrix?: number[][];
  /** Regression, in the target's units. */
  r2?: number;
  rmse?: number;
  mae?: number;
  mape?: number;
}

function score(model: Sequential, data: OwnData): OwnDataScores {
  const out = modelOutputs(model, data.test.x, data);
  const truth = data.test.y;
  const rows = truth.shape[0];
  if (data.task === "classification") {
    const labels = data.classes!.map((_, i) => i);
    return {
      rows,
      accuracy: accuracy(truth, out),
      confusionMatrix: confusionMatrix(truth, out, { labels }),
    };
  }
  return {
    rows,
    r2: r2Score(truth, out),
    rmse: rmse(truth, out),
    mae: mae(truth, out),
    mape: mape(truth, out),
  };
}

/** The confusion matrix as text, labelled with the classes. */
export function confusionText(matrix: number[][], classes: readonly (string | number)[]): string {
  const names = classes.map(String);
  const width = Math.max(
    6,
    ...names.map((s) => s.length),
    ...matrix.flat().map((v) => `${v}`.length),
  );
  // The first column holds the corner label and the class names: as wide as the longest.
  const corner = "true \\ predicted";
  const first = Math.max(corner.length, ...names.map((s) => s.length));
  const head = `${corner.padEnd(first)}${names.map((s) => s.padStart(width + 2)).join("")}`;
  const lines = matrix.map((row, i) =>
    `${names[i].padEnd(first)}${row.map((v) => String(v).padStart(width + 2)).join("")}`
  );
  return [head, ...lines].join("\n");
}

function scoreText(s: OwnDataScores, data: OwnData): string {
  if (data.task === "classification") {
    return `test accuracy ${(s.accuracy! * 100).toFixed(1)}% (${s.rows} rows)\n\n${
      confusionText(s.confusionMatrix!, data.classes!)
    }`;
  }
  return `test R² ${s.r2!.toFixed(4)}, RMSE ${s.rmse!.toPrecision(4)}, MAE ${
    s.mae!.toPrecision(4)
  }, MAPE ${s.mape!.toFixed(2)}% (${s.rows} rows, target in its own units)`;
}

/**
 * Runs `--data`: prepares the data, trains, prints the log and the test
 * figures (or JSON), saves the run.
 *
 * @param flags The parsed command line (with `ownData` set).
 * @param signal Stops training after the current batch (Ctrl-C).
 * @returns The exit code.
 */
export async function runOwnData(
  flags: TrainFlags,
  signal: AbortSignal,
  device?: Device,
): Promise<number> {
  const c = flags.config;
  const own = flags.ownData!;
  if (c.data.kind !== "csv") throw new Error("runOwnData needs --data");
  if (c.architectures.length !== 1) {
    throw new OwnDataError("--layers", "--data trains one architecture: give --layers once");
  }
  if (c.restarts !== 1) {
    throw new OwnDataError(
      "--restarts",
      "--restarts does not apply to --data runs (early stopping keeps the best epoch)",
    );
  }
  const data = await prepareOwnData({
    path: c.data.path,
    target: c.data.target,
    task: own.task,
    scale: own.scale,
    maxBytes: own.maxBytes,
    maxDataMb: own.maxDataMb,
    seed: c.seed,
  });
  const loss = own.lossGiven ? c.loss : data.task === "classification" ? "cross-entropy" : "mse";
  const config = { ...c, loss };
  const hidden = c.architectures[0];
  const activations = activationsFor(c.activation, hidden);
  const inputs = data.features.length;
  const outputs = data.task === "classification" ? data.classes!.length : 1;
  const sizes = [inputs, ...hidden, outputs];
  const label = architectureLabel(inputs, hidden, outputs);
  try {
    checkModelSize(config, inputs, outputs);
  } catch (error) {
    throw new OwnDataError("--layers", (error as Error).message);
  }
  const batch = c.batchSize ?? data.train.x.shape[0];
  if (!flags.json) {
    console.log(`own data: ${data.task} (${data.taskReason}; --task to force)`);
    console.log(`data: ${data.description}`);
    console.log(
      `model: ${label} (${activations.join(", ") || "linear"}), ${loss} loss${
        data.targetScale !== null ? " on the standardized target" : ""
      }`,
    );
    console.log(
      `training: ${OPTIMIZER_LABELS[c.optimizer]} lr ${c.lr}${
        c.weightDecay ? `, weight decay ${c.weightDecay}` : ""
      }, batch ${batch}, up to ${c.epochs} epochs, ` +
        `early stopping after ${OWN_DATA_PATIENCE} epochs without a lower L_v (best weights kept), ${c.dtype}, seed ${c.seed}\n`,
    );
  }
  const cast = (t: Tensor): Tensor => (c.dtype === "float64" ? t : t.to(c.dtype));
  manualSeed(c.seed);
  const started = performance.now();
  const history: History = await fit(
    () => {
      const model = mlp(sizes, { activation: activations, dtype: c.dtype });
      return device === undefined ? model : model.to(device);
    },
    {
      x: cast(data.train.x),
      y: cast(data.train.y),
      validation: { x: cast(data.valid.x), y: cast(data.valid.y) },
      loss: makeLoss(loss),
      optimizer: makeOptimizer(config),
      epochs: c.epochs,
      batchSize: batch,
      callbacks: [
        new EarlyStopping({ patience: OWN_DATA_PATIENCE, restoreBest: true }),
        ...(flags.json ? [] : [new NotebookLog()]),
      ],
      signal,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const model = history.model as Sequential;
  if (device !== undefined) {
    // Back to the CPU for the test figures and the saved weights.
    for (const p of model.parameters()) await p.toAsync(cpu);
  }
  const scores = score(model, { ...data, test: { x: cast(data.test.x), y: data.test.y } });
  const card: ModelCard = {
    format: MODEL_CARD_FORMAT,
    task: data.task,
    sizes,
    activations,
    features: data.features,
    target: data.target,
    classes: data.classes,
    scaler: data.scaler === null ? null : data.scaler.toJSON(),
    targetScale: data.targetScale,
  };
  const report = {
    format: "glassbox-train-data/1",
    data: c.data.path,
    description: data.description,
    task: data.task,
    config,
    model: { label, sizes, activations },
    epochs: history.epochs.length,
    stop: history.stop?.message ?? null,
    seconds,
    test: scores,
    classes: data.classes,
    interrupted: signal.aborted,
    history: history.toJSON(),
    files: [] as string[],
  };
  if (flags.out !== null) report.files = await saveOwnRun(flags.out, model, card, report, history);
  if (flags.json) {
    console.log(JSON.stringify(report));
  } else {
    console.log(
      `\nresult: ${history.epochs.length} epochs in ${seconds.toFixed(2)} s${
        history.stop ? ` (${history.stop.message})` : ""
      }\n${scoreText(scores, data)}`,
    );
    if (flags.out !== null) console.log(`\nwrote ${flags.out}/: ${report.files.join(", ")}`);
  }
  return runExitCode(signal.aborted, [history.stop]);
}

async function saveOwnRun(
  dir: string,
  model: Sequential,
  card: ModelCard,
  report: { files: string[] },
  history: History,
): Promise<string[]> {
  checkFinite(model, card.sizes.join("-"));
  return await writeRunFolder(dir, (staging) => writeOwnRun(staging, model, card, report, history));
}

async function writeOwnRun(
  dir: string,
  model: Sequential,
  card: ModelCard,
  report: { files: string[] },
  history: History,
): Promise<string[]> {
  await saveSafetensors(model, `${dir}/model.safetensors`, {
    metadata: { format: "pt", [MODEL_CARD_KEY]: JSON.stringify(card) },
  });
  const spec = lossCurvesSpec([{ name: card.sizes.join("-"), epochs: history.epochs }], {
    title: `${card.target}: ${card.task === "classification" ? "cross-entropy" : "MSE"} per epoch`,
    lossName: card.task === "classification" ? "cross-entropy" : "MSE",
  });
  await writeFileAtomic(`${dir}/loss.vl.json`, JSON.stringify(spec, null, 2) + "\n");
  await writeFileAtomic(`${dir}/loss.svg`, await renderSvg(spec));
  const files = ["model.safetensors", "loss.vl.json", "loss.svg", "history.json"];
  report.files = files;
  await writeFileAtomic(`${dir}/history.json`, JSON.stringify(report, null, 2) + "\n");
  return files;
}

/**
 * `deno task train` with `--data` (or `--predict`): runs it with Ctrl-C
 * handling; problems with the data or flags come back as `UsageError`s.
 *
 * @param flags The parsed command line (`ownData` set).
 * @returns The exit code.
 */
export async function ownDataMain(flags: TrainFlags): Promise<number> {
  const controller = new AbortController();
  const removeSignalHandlers = abortOnSignals(controller);
  let gpu: WebGPUDevice | undefined | null;
  try {
    if (flags.predict !== null) return await runPredict(flags);
    gpu = await openDevice(flags.device, flags.json);
    if (gpu === null) return 1;
    return await runOwnData(flags, controller.signal, gpu);
  } catch (error) {
    if (error instanceof OwnDataError) throw new UsageError(error.flag, error.message);
    throw error;
  } finally {
    removeSignalHandlers();
    gpu?.destroy();
  }
}
