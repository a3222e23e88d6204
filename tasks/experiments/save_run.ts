/**
 * What `deno task train` reports and writes: `runReport` (the JSON object
 * `--json` prints and `history.json` holds) and `saveRun` (history, models
 * and plots into the output folder, each file written atomically: a
 * temporary file in the same folder, then a rename).
 *
 * Layout of the output folder:
 * - `history.json`: `runReport`'s object.
 * - `model.safetensors`: the trained model (the best architecture of a
 *   study), PyTorch state-dict names, loadable with `safetensors.torch`.
 * - `loss.vl.json` / `loss.svg`: loss curves.
 * - 1-D experiments: `fit.vl.json` / `fit.svg`, the fitted curve with each
 *   hidden unit's contribution.
 * - Several architectures: also `study.vl.json` / `study.svg`, and per
 *   architecture a folder `<label>/` with its `model.safetensors` (and
 *   `fit.*`).
 *
 * @module
 */

import { type Layer, saveSafetensors, stateDict } from "@glassbox/layers";
import {
  fittedCurveSpec,
  lossCurvesSpec,
  renderSvg,
  studySpec,
  unitContributions,
  type VegaLiteSpec,
} from "../plots/mod.ts";
import { activationsFor, type Dataset, OPTIMIZER_LABELS, rows } from "./config.ts";
import { findExperiment } from "./registry.ts";
import { writeRunFolder } from "./run_folder.ts";
import type { ArchitectureRun, ExperimentResult } from "./run_experiment.ts";

/** The machine-readable record of a run (`--json`, `history.json`). */
export interface RunReport {
  /** Format tag. */
  format: "glassbox-train/1";
  /** Experiment name. */
  experiment: string;
  /** What it is. */
  title: string;
  /** Resolved settings. */
  config: ExperimentResult["config"];
  /** The data. */
  data: {
    description: string;
    task: Dataset["task"];
    features: number;
    outputs: number;
    trainRows: number;
    validRows: number;
  };
  /** One entry per architecture. */
  architectures: {
    label: string;
    hidden: number[];
    activations: string[];
    parameters: number;
    summary: ArchitectureRun["summary"];
    /** `History.toJSON()`: epochs, stop, score, every restart. */
    history: Record<string, unknown>;
  }[];
  /** Label of the architecture with the lowest validation loss. */
  best: string | null;
  /** Wall-clock seconds of training. */
  seconds: number;
  /** Whether Ctrl-C cut training short. */
  interrupted: boolean;
  /** Files written, relative to the output folder (filled by `saveRun`). */
  files: string[];
}

/**
 * The JSON record of a run.
 *
 * @param result What `runExperiment` returned.
 * @param interrupted Whether training was cancelled.
 * @returns The record (`files` empty until `saveRun` fills it).
 */
export function runReport(result: ExperimentResult, interrupted: boolean): RunReport {
  const { config, dataset } = result;
  return {
    format: "glassbox-train/1",
    experiment: config.experiment,
    title: findExperiment(config.experiment)?.title ?? config.experiment,
    config,
    data: {
      description: dataset.description,
      task: dataset.task,
      features: dataset.xTrain.shape[1],
      outputs: dataset.outputs,
      trainRows: rows(dataset.xTrain),
      validRows: rows(dataset.xValid),
    },
    architectures: result.runs.map((r) => ({
      label: r.label,
      hidden: r.hidden,
      activations: activationsFor(config.activation, r.hidden),
      parameters: r.parameters,
      summary: r.summary,
      history: r.history.toJSON(),
    })),
    best: result.runs[result.best]?.label ?? null,
    seconds: result.seconds,
    interrupted,
    files: [],
  };
}

const encoder = new TextEncoder();

/**
 * Writes a file atomically: a temporary file next to it, synced, then renamed over it.
 *
 * @param path The file.
 * @param data The contents.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
  try {
    for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
    await file.sync();
  } catch (error) {
    file.close();
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  file.close();
  try {
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

async function writePlot(dir: string, name: string, spec: VegaLiteSpec): Promise<string[]> {
  await writeFileAtomic(`${dir}/${name}.vl.json`, JSON.stringify(spec, null, 2) + "\n");
  await writeFileAtomic(`${dir}/${name}.svg`, await renderSvg(spec));
  return [`${name}.vl.json`, `${name}.svg`];
}

function points(x: ArrayLike<number>, y: ArrayLike<number>): { x: number; y: number }[] {
  return Array.from(x, (xv, i) => ({ x: xv, y: y[i] }));
}

function subtitle(result: ExperimentResult): string {
  const c = result.config;
  const batch = c.batchSize === null ? "full batch" : `batch ${c.batchSize}`;
  const restarts = c.restarts > 1 ? `, best of ${c.restarts} restarts` : "";
  return `${
    OPTIMIZER_LABELS[c.optimizer]
  } lr ${c.lr}, ${batch}, ${c.epochs} epochs${restarts}, ${c.loss}, ${c.dtype}, seed ${c.seed}`;
}

async function curvePlot(
  dir: string,
  run: ArchitectureRun,
  result: ExperimentResult,
): Promise<string[]> {
  const d = result.dataset;
  const xs = [...d.xTrain.toTypedArray(), ...d.xValid.toTypedArray()];
  const parts = unitContributions(run.model, [Math.min(...xs), Math.max(...xs)]);
  const spec = fittedCurveSpec(
    {
      train: points(d.xTrain.toTypedArray(), d.yTrain.toTypedArray()),
      valid: points(d.xValid.toTypedArray(), d.yValid.toTypedArray()),
    },
    parts,
    {
      title: `${run.label} ${
        activationsFor(result.config.activation, run.hidden).join("/") || "linear"
      } network: fit and hidden units × output weights`,
      subtitle: `validation MSE ${run.summary.validLoss.toPrecision(4)}; ${subtitle(result)}`,
    },
  );
  return await writePlot(dir, "fit", spec);
}

/**
 * Writes history, model(s) and plots into `dir` as one set (see
 * run_folder.ts: a staging folder renamed into place), after checking that
 * every weight to be saved is finite.
 *
 * @param dir The output folder.
 * @param result What `runExperiment` returned.
 * @param report The run's record; its `files` is filled in and it is written as history.json.
 * @returns The files written, relative to `dir`.
 */
export async function saveRun(
  dir: string,
  result: ExperimentResult,
  report: RunReport,
): Promise<string[]> {
  for (const run of result.runs) checkFinite(run.model, run.label);
  return await writeRunFolder(dir, (staging) => writeRunFiles(staging, result, report));
}

/**
 * Checks that every weight of `model` is finite before it is saved.
 *
 * @param model The trained model.
 * @param label How the error names it (its architecture).
 * @throws Error naming the parameter and how many of its values are NaN or infinite.
 */
export function checkFinite(model: Layer, label: string): void {
  for (const [name, t] of Object.entries(stateDict(model))) {
    const values = t.toTypedArray();
    let bad = 0;
    for (const v of values) if (!Number.isFinite(v)) bad++;
    if (bad > 0) {
      throw new Error(
        `Cannot save ${label}: parameter ${name} holds ${bad} non-finite values of ` +
          `${values.length}; nothing was written`,
      );
    }
  }
}

async function writeRunFiles(
  dir: string,
  result: ExperimentResult,
  report: RunReport,
): Promise<string[]> {
  const files: string[] = [];
  const spec = findExperiment(result.config.experiment);
  const curve = spec?.curve === true && result.dataset.xTrain.shape[1] === 1 &&
    result.dataset.outputs === 1;
  const metadata = (run: ArchitectureRun): Record<string, string> => ({
    format: "pt",
    experiment: result.config.experiment,
    architecture: run.label,
    activations: activationsFor(result.config.activation, run.hidden).join(","),
    epochs: String(run.summary.epochs),
    trainLoss: String(run.summary.trainLoss),
    validLoss: String(run.summary.validLoss),
  });
  const best = result.runs[result.best];
  const several = result.runs.length > 1;
  if (best !== undefined) {
    await saveSafetensors(best.model, `${dir}/model.safetensors`, { metadata: metadata(best) });
    files.push("model.safetensors");
  }
  if (several) {
    for (const run of result.runs) {
      const sub = `${dir}/${run.label}`;
      await Deno.mkdir(sub, { recursive: true });
      await saveSafetensors(run.model, `${sub}/model.safetensors`, { metadata: metadata(run) });
      files.push(`${run.label}/model.safetensors`);
      if (curve) files.push(...(await curvePlot(sub, run, result)).map((f) => `${run.label}/${f}`));
    }
  } else if (best !== undefined && curve) {
    files.push(...await curvePlot(dir, best, result));
  }
  const lossName = result.config.loss === "mse" ? "MSE" : "cross-entropy";
  const title = several
    ? `${result.config.experiment}: training (solid) and validation (dashed) ${lossName}`
    : `${result.config.experiment} ${best?.label ?? ""}: ${lossName} per epoch`;
  files.push(
    ...await writePlot(
      dir,
      "loss",
      lossCurvesSpec(result.runs.map((r) => ({ name: r.label, epochs: r.history.epochs })), {
        title,
        subtitle: subtitle(result),
        lossName,
      }),
    ),
  );
  if (several) {
    files.push(
      ...await writePlot(
        dir,
        "study",
        studySpec(
          result.runs.map((r) => ({
            label: r.label,
            trainLoss: r.summary.trainLoss,
            validLoss: r.summary.validLoss,
          })),
          {
            title: `${result.config.experiment}: final loss by architecture`,
            subtitle: subtitle(result),
            lossName,
          },
        ),
      ),
    );
  }
  files.push("history.json");
  report.files = files;
  await writeFileAtomic(`${dir}/history.json`, JSON.stringify(report, null, 2) + "\n");
  return files;
}
