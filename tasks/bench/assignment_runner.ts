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
import { fitPart, type PartContext, trainPart } from "../experiments/assignment_parts.ts";
import type { Runner } from "./measure.ts";

/** A runner and what its last run did (iterations and function evaluations, over every repetition). */
export interface AssignmentRunner extends Runner {
  counts: () => Record<string, number>;
}

/**
 * The runner of one assignment experiment.
 *
 * @param name `assignment-fit`, `assignment-adam` or `assignment-depths`.
 * @returns Its runner.
 */
export function assignmentRunner(name: string): AssignmentRunner {
  const { experiment, settings } = parseAssignmentFlags(["--experiment", name, "--no-save"]);
  const data = assignmentData(settings.dataSeed);
  const key = experiment.name.replace("assignment-", "");
  if (!["fit", "adam", "depths"].includes(key)) {
    throw new RangeError(
      `Cannot bench ${name}: expected assignment-fit, assignment-adam or assignment-depths`,
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
      if (key === "fit") fitPart(ctx);
      else trainPart(ctx, key);
      last = ctx;
    },
    counts: (): Record<string, number> => {
      const record = last?.result[key] as { reps: { nit: number; nfev: number }[] } | undefined;
      if (record === undefined) return {};
      return {
        iterations: record.reps.reduce((a, r) => a + r.nit, 0),
        evaluations: record.reps.reduce((a, r) => a + r.nfev, 0),
      };
    },
  };
}
