/**
 * The `deno task train` flags of `--data` runs that are not experiment
 * settings: `--task`, `--no-scale`, `--max-data-mb`, `--predict`, checked
 * together with `--data` and `--loss`.
 *
 * @module
 */

import { DEFAULT_MAX_DATA_MB, OwnDataError } from "./own_data.ts";

/** The `--data` flags that are not experiment settings. */
export interface OwnDataFlags {
  /** `--task`, or the task `--loss` implies; null to detect it. */
  task: "classification" | "regression" | null;
  /** Standardize (not `--no-scale`). */
  scale: boolean;
  /** `--max-data-mb` in bytes. */
  maxBytes: number;
  /** `--max-data-mb` as given (or the default), for messages. */
  maxDataMb: string;
  /** Whether `--loss` was given. */
  lossGiven: boolean;
}

function taskName(text: string): "classification" | "regression" {
  if (text !== "classification" && text !== "regression") {
    throw new OwnDataError(
      "--task",
      `--task must be one of classification, regression, got "${text}"`,
    );
  }
  return text;
}

/** The run folder name of a CSV file: its base name without the extension. */
export function csvRunName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
  return /^[\w.-]+$/.test(base) && base !== "." && base !== ".." ? base : "data";
}

export function ownDataFlags(
  v: Record<string, string | boolean | string[] | undefined>,
): OwnDataFlags | null {
  const only = ["task", "no-scale", "max-data-mb", "predict"].find((f) => v[f] !== undefined);
  if (v.data === undefined) {
    if (only !== undefined) {
      throw new OwnDataError(`--${only}`, `--${only} only applies with --data <file.csv>`);
    }
    return null;
  }
  const loss = v.loss as string | undefined;
  let task = v.task === undefined ? null : taskName(v.task as string);
  const implied = loss === undefined ? null : loss === "mse" ? "regression" : "classification";
  if (task !== null && implied !== null && task !== implied) {
    throw new OwnDataError("--loss", `--loss ${loss} does not fit --task ${task}`);
  }
  task ??= implied;
  let maxBytes = DEFAULT_MAX_DATA_MB * 2 ** 20;
  const maxDataMb = (v["max-data-mb"] as string | undefined) ?? String(DEFAULT_MAX_DATA_MB);
  if (v["max-data-mb"] !== undefined) {
    const text = v["max-data-mb"] as string;
    if (!/^\d+(\.\d+)?$/.test(text) || !(Number(text) > 0) || Number(text) > 2 ** 40) {
      throw new OwnDataError(
        "--max-data-mb",
        `--max-data-mb must be a positive decimal number of MiB, got "${text}"`,
      );
    }
    maxBytes = Math.ceil(Number(text) * 2 ** 20);
  }
  if (v.predict !== undefined) {
    for (const f of ["target", "task", "no-scale", "layers", "epochs", "loss"]) {
      if (v[f] !== undefined) {
        throw new OwnDataError(
          `--${f}`,
          `--${f} does not apply to --predict (the model's own settings are used)`,
        );
      }
    }
    if (v["no-save"]) {
      throw new OwnDataError(
        "--no-save",
        "--predict writes its predictions; --no-save contradicts it",
      );
    }
  }
  return { task, scale: !v["no-scale"], maxBytes, maxDataMb, lossGiven: loss !== undefined };
}
