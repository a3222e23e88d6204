/**
 * `deno task train`: trains one of the notebooks' experiments (default: the
 * first MLP notebook's 6-32-32-32-32-3 regression network) with
 * `@glassbox/trainer`, prints the epoch log in the notebooks' format and a
 * summary, and writes history.json, model.safetensors and plots.
 *
 * Run `deno task train --help` for the flags. The pieces live in
 * tasks/experiments/ (flags, data, experiments, training, saving) and
 * tasks/plots/ (Vega-Lite specs and SVG rendering).
 *
 * @module
 */

// First: a bad GLASSBOX_THREADS or GLASSBOX_WASM exits 2 here, before the tensor package loads.
import "./experiments/env_check.ts";
import type { Tensor } from "@glassbox/tensor";
import { type Dataset, OPTIMIZER_LABELS } from "./experiments/config.ts";
import { NotebookLog } from "./experiments/epoch_log.ts";
import { parseTrainFlags, type TrainFlags, USAGE, UsageError } from "./experiments/flags.ts";
import { findExperiment } from "./experiments/registry.ts";
import { guardStdout } from "./experiments/stdout_guard.ts";
import { ownDataMain } from "./experiments/own_data_run.ts";
import { type ExperimentResult, runExperiment } from "./experiments/run_experiment.ts";
import { abortOnSignals, openDevice, runExitCode } from "./experiments/interrupts.ts";
import { checkModelSize } from "./experiments/model_size.ts";
import { outFolderProblem, shellWord } from "./experiments/run_folder.ts";
import { runReport, saveRun } from "./experiments/save_run.ts";
import { summaryNotes, wrapNote } from "./experiments/summary_notes.ts";
import { formatComparison } from "./compare/comparison.ts";
import {
  finishComparison,
  type PendingComparison,
  startComparison,
} from "./compare/run_compare.ts";
import { TwinUnavailableError } from "./compare/twin.ts";
import { runAssignment } from "./experiments/assignment.ts";
import { assignmentExperimentOf } from "./experiments/assignment_registry.ts";

function usageExit(error: UsageError): never {
  const flag = error.flag === "" ? "" : ` [${error.flag}]`;
  // The tag ends the first line: a message's later lines may be a command to copy.
  const [first, ...rest] = error.message.split("\n");
  console.error(`train: ${[first + flag, ...rest].join("\n")}\n\n${USAGE}`);
  Deno.exit(2);
}

/** Checks up front that the permissions cover the data file and the output folder. */
function checkPermissions(flags: TrainFlags): void {
  const granted = (name: "read" | "write", path: string): boolean =>
    Deno.permissions.querySync({ name, path }).state === "granted";
  const { data } = flags.config;
  const args = Deno.args.map(shellWord).join(" ");
  if (data.kind === "csv" && !granted("read", data.path)) {
    throw new UsageError(
      "--data",
      `--data ${data.path}: no permission to read it. \`deno task train\` reads only inside this repository; run\n` +
        `  deno run --allow-read=.,${
          shellWord(data.path)
        } --allow-write=runs tasks/train.ts ${args}`,
    );
  }
  if (flags.out !== null) {
    // --predict writes one CSV file; every other run writes a run folder.
    const problem = outFolderProblem(flags.out, Deno.args, { folder: flags.predict === null });
    if (problem !== null) throw new UsageError("--out", problem);
  }
}

function loadData(flags: TrainFlags): Dataset {
  const c = flags.config;
  // --data runs go through ownDataMain (tasks/experiments/own_data_run.ts).
  const dataset = findExperiment(c.experiment)!.data(c.seed, c.trainRows!);
  if (c.dtype === "float64") return dataset;
  const cast = (t: Tensor): Tensor => t.to(c.dtype);
  return {
    ...dataset,
    xTrain: cast(dataset.xTrain),
    yTrain: cast(dataset.yTrain),
    xValid: cast(dataset.xValid),
    yValid: cast(dataset.yValid),
  };
}

function describeRun(flags: TrainFlags, dataset: Dataset): string {
  const c = flags.config;
  const spec = findExperiment(c.experiment)!;
  const batch = c.batchSize === null ? "full batch" : `batch ${c.batchSize}`;
  const extra = [
    c.momentum !== 0 ? `momentum ${c.momentum}` : "",
    c.weightDecay !== null ? `weight decay ${c.weightDecay}` : "",
    c.restarts > 1 ? `best of ${c.restarts} restarts` : "",
  ].filter((s) => s !== "").join(", ");
  return [
    `${c.experiment}: ${c.data.kind === "builtin" ? spec.title : "on a CSV file"}`,
    `data: ${dataset.description}`,
    `training: ${
      OPTIMIZER_LABELS[c.optimizer]
    } lr ${c.lr}, ${batch}, ${c.epochs} epochs, ${c.loss} loss, ${c.dtype}, seed ${c.seed}${
      extra === "" ? "" : ", " + extra
    }`,
  ].join("\n");
}

function metricText(metrics: Record<string, number>): string {
  const parts: string[] = [];
  if ("mape" in metrics) parts.push(`validation MAPE ${metrics.mape.toFixed(2)}%`);
  if ("r2" in metrics) parts.push(`R² ${metrics.r2.toFixed(4)}`);
  if ("accuracy" in metrics) {
    parts.push(`validation accuracy ${(metrics.accuracy * 100).toFixed(1)}%`);
  }
  return parts.join(", ");
}

function printSummary(result: ExperimentResult): void {
  const c = result.config;
  console.log("");
  if (result.runs.length === 0) {
    console.log("nothing trained");
    return;
  }
  if (result.runs.length === 1) {
    const r = result.runs[0];
    const acts = (r.hidden.length === 0 ? "linear" : `(${[c.activation].flat().join(", ")})`) +
      (c.loss === "categorical-cross-entropy" ? " + softmax output" : "");
    console.log(`model: ${r.label} ${acts}, ${r.parameters} parameters`);
    console.log(
      `result: ${r.summary.epochs} epochs in ${r.summary.seconds.toFixed(2)} s - L ${
        r.summary.trainLoss.toFixed(4)
      } - L_v ${r.summary.validLoss.toFixed(4)} - ${metricText(r.summary.metrics)}`,
    );
    return;
  }
  const width = Math.max(12, ...result.runs.map((r) => r.label.length + 2));
  console.log(
    `${"architecture".padEnd(width)}${"params".padStart(7)}${"L".padStart(12)}${
      "L_v".padStart(12)
    }  seconds`,
  );
  for (const r of result.runs) {
    console.log(
      `${r.label.padEnd(width)}${String(r.parameters).padStart(7)}${
        r.summary.trainLoss.toFixed(4).padStart(12)
      }${r.summary.validLoss.toFixed(4).padStart(12)}  ${r.summary.seconds.toFixed(2)}`,
    );
  }
  const best = result.runs[result.best];
  console.log(
    `best: ${best.label} - L_v ${best.summary.validLoss.toFixed(4)} - ${
      metricText(best.summary.metrics)
    } (${result.seconds.toFixed(2)} s in all)`,
  );
}

async function main(): Promise<number> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  // The assignment notebook's experiments have their own runner (train1, BFGS, plots).
  if (assignmentExperimentOf(Deno.args) !== undefined) return await runAssignment(Deno.args);
  let flags: TrainFlags;
  let dataset: Dataset;
  try {
    flags = parseTrainFlags(Deno.args);
    checkPermissions(flags);
    if (flags.ownData !== null) return await ownDataMain(flags); // --data, --predict
    dataset = loadData(flags);
    try {
      checkModelSize(flags.config, dataset.xTrain.shape[1], dataset.outputs);
    } catch (error) {
      throw new UsageError("--layers", (error as Error).message);
    }
  } catch (error) {
    if (error instanceof UsageError) usageExit(error);
    throw error;
  }
  const c = flags.config;
  const logStyle = c.data.kind === "builtin" ? findExperiment(c.experiment)!.log : undefined;
  let pending: PendingComparison | undefined;
  if (flags.compare !== null) {
    try {
      pending = await startComparison(c, dataset, logStyle ?? "loss");
    } catch (error) {
      if (!(error instanceof TwinUnavailableError)) throw error;
      console.error(`train: ${error.message}`);
      return 2;
    }
  }
  if (!flags.json) console.log(describeRun(flags, dataset) + "\n");

  const controller = new AbortController();
  const removeSignalHandlers = abortOnSignals(controller);
  const several = c.architectures.length > 1;
  const gpu = await openDevice(flags.device, flags.json);
  if (gpu === null) return 1;
  let result: ExperimentResult;
  try {
    result = await runExperiment(c, dataset, {
      device: gpu,
      signal: controller.signal,
      callbacks: flags.json && pending === undefined ? undefined : (label) => [
        new NotebookLog({
          prefix: several ? `${label}: ` : "",
          lastOnly: several && c.restarts > 1,
          style: logStyle,
          output: pending?.log,
        }),
      ],
    });
  } finally {
    removeSignalHandlers();
    gpu?.destroy();
  }
  const interrupted = controller.signal.aborted;
  const comparison = pending === undefined || interrupted
    ? undefined
    : await finishComparison(pending, result);
  const report = { ...runReport(result, interrupted), ...(comparison && { comparison }) };
  if (flags.out !== null && result.runs.length > 0) await saveRun(flags.out, result, report);
  if (flags.json) {
    console.log(JSON.stringify(report));
  } else {
    printSummary(result);
    const notes = summaryNotes(result);
    if (notes.length > 0) {
      console.log(["\nwhat these numbers mean:", ...notes.flatMap((n) => wrapNote(n))].join("\n"));
    }
    const extra = c.data.kind === "builtin" ? findExperiment(c.experiment)!.extra?.(result) : [];
    if (extra !== undefined && extra.length > 0) console.log("\n" + extra.join("\n"));
    if (comparison !== undefined) console.log("\n" + formatComparison(comparison).join("\n"));
    if (flags.out !== null && report.files.length > 0) {
      console.log(`wrote ${flags.out}/: ${report.files.join(", ")}`);
    }
  }
  return runExitCode(interrupted, result.runs.map((r) => r.history.stop));
}

guardStdout("train");
try {
  Deno.exit(await main());
} catch (error) {
  console.error(`train: ${(error as Error).message}`);
  Deno.exit(1);
}
