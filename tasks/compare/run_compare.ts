/**
 * `deno task train --compare pytorch`, the steps around training:
 * `startComparison` (check that the twin can run, measure before training,
 * capture our epoch log) and `finishComparison` (run the twin, compare).
 *
 * @module
 */

import { memoryOutput, type TextOutput } from "@glassbox/trainer";
import type { Dataset, ExperimentConfig } from "../experiments/config.ts";
import type { LogStyle } from "../experiments/epoch_log.ts";
import type { ExperimentResult } from "../experiments/run_experiment.ts";
import {
  compareRuns,
  type Comparison,
  prepareComparison,
  type PreparedComparison,
} from "./comparison.ts";
import { probeTwin, runTwin } from "./twin.ts";

/** A comparison under way. */
export interface PendingComparison {
  /** What was measured before training. */
  prepared: PreparedComparison;
  /** Where our epoch log goes (it is printed beside PyTorch's afterwards). */
  log: TextOutput & { text: string };
}

/**
 * Checks that the twin can run (else throws `TwinUnavailableError`) and
 * measures our model before training.
 *
 * @param config The resolved settings.
 * @param dataset The data, in `config.dtype`.
 * @param style The epoch log format.
 * @returns The pending comparison.
 */
export async function startComparison(
  config: ExperimentConfig,
  dataset: Dataset,
  style: LogStyle,
): Promise<PendingComparison> {
  await probeTwin();
  return { prepared: prepareComparison(config, dataset, style), log: memoryOutput() };
}

/**
 * Runs the twin and compares it with our trained run.
 *
 * @param pending What `startComparison` returned.
 * @param result Our run (one architecture).
 * @returns The comparison.
 */
export async function finishComparison(
  pending: PendingComparison,
  result: ExperimentResult,
): Promise<Comparison> {
  const twin = await runTwin(pending.prepared.request);
  const run = result.runs[0];
  const lines = pending.log.text.split("\n").filter((l) => l !== "");
  return compareRuns(pending.prepared, run, lines, twin);
}
