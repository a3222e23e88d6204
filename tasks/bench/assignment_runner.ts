/**
 * The glassbox side of the bench's assignment experiments: the part
 * `deno task train --experiment assignment-<part>` runs (its flags parsed by
 * the same `parseAssignmentFlags`, its body the same part function), with
 * the notebook's printed lines kept in memory and no run folder written.
 * The data are drawn once, untimed, as for the other experiments.
 *
 * @module
 */

import { memoryOutput } from "@glassbox/trainer";
import { parseAssignmentFlags } from "../experiments/assignment.ts";
import { assignmentData } from "../experiments/assignment_data.ts";
import {
  backpropPart,
  fitPart,
  type PartContext,
  trainPart,
  unitsPart,
  widthsPart,
} from "../experiments/assignment_parts.ts";
import type { Runner } from "./measure.ts";

/** The parts the bench runs, each as `runAssignment` calls it. */
const PARTS: Record<string, (ctx: PartContext) => void> = {
  fit: fitPart,
  adam: (ctx) => trainPart(ctx, "adam"),
  depths: (ctx) => trainPart(ctx, "depths"),
  widths: widthsPart,
  units: unitsPart,
  backprop: backpropPart,
};

/** A runner and what its last run did (iterations and function evaluations, over every repetition). */
export interface AssignmentRunner extends Runner {
  counts: () => Record<string, number>;
}

/**
 * The runner of one assignment experiment.
 *
 * @param name `assignment-` + `fit`, `adam`, `depths`, `widths`, `units` or `backprop`.
 * @returns Its runner.
 */
export function assignmentRunner(name: string): AssignmentRunner {
  const { experiment, settings } = parseAssignmentFlags(["--experiment", name, "--no-save"]);
  const data = assignmentData(settings.dataSeed);
  const key = experiment.name.replace("assignment-", "");
  const part = PARTS[key];
  if (part === undefined) {
    throw new RangeError(
      `Cannot bench ${name}: it trains nothing; expected one of ${
        Object.keys(PARTS).map((k) => `assignment-${k}`).join(", ")
      }`,
    );
  }
  let last: PartContext | null = null;
  return {
    run: () => {
      const ctx: PartContext = {
        settings,
        data,
        out: memoryOutput(),
        progress: () => {},
        plots: [],
        result: {},
      };
      part(ctx);
      last = ctx;
    },
    counts: (): Record<string, number> => last === null ? {} : countsOf(key, last.result),
  };
}

type Reps = { reps: { nit: number; nfev: number }[] };

/** Iterations and evaluations of a part's record: every repetition (the width study: its best ones). */
function countsOf(key: string, result: Record<string, unknown>): Record<string, number> {
  if (key === "widths") {
    // The record keeps each width's best repetition only; the study runs nreps 1, so that is all.
    const rows = result.widths as { nit: number }[];
    return { iterations: rows.reduce((a, r) => a + r.nit, 0) };
  }
  const record = result[key] as Reps | undefined;
  if (record === undefined) return {};
  return {
    iterations: record.reps.reduce((a, r) => a + r.nit, 0),
    evaluations: record.reps.reduce((a, r) => a + r.nfev, 0),
  };
}
