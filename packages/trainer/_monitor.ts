/**
 * The quantity early stopping and checkpoints watch: `"validLoss"` (the
 * default when there is a validation split), `"loss"`, or a metric's name.
 *
 * @module
 */

import type { TrainContext } from "./callback.ts";
import type { EpochRecord } from "./history.ts";
import { describe } from "@glassbox/internal";

/** Which way is better. */
export type Mode = "min" | "max";

/** Checks a monitor option; undefined means "auto". */
export function checkMonitor(value: unknown, action: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    throw new TypeError(
      `Cannot ${action}: monitor must be "loss", "validLoss" or a metric's name, got ${
        describe(value)
      }`,
    );
  }
  return value;
}

/** Checks a mode option. */
export function checkMode(value: unknown, action: string): Mode {
  if (value === undefined) return "min";
  if (value !== "min" && value !== "max") {
    throw new RangeError(`Cannot ${action}: mode must be "min" or "max", got ${describe(value)}`);
  }
  return value;
}

/** The monitored name for a run: the option, or validLoss / loss. */
export function resolveMonitor(monitor: string | undefined, ctx: TrainContext): string {
  return monitor ?? (ctx.hasValidation ? "validLoss" : "loss");
}

/** The monitored value of an epoch; throws naming the choices when it is missing. */
export function monitoredValue(record: EpochRecord, name: string, action: string): number {
  const value = name === "loss"
    ? record.loss
    : name === "validLoss"
    ? record.validLoss
    : record.metrics[name];
  if (typeof value !== "number") {
    const choices = [
      "loss",
      ...(record.validLoss !== undefined ? ["validLoss"] : []),
      ...Object.keys(record.metrics),
    ];
    throw new RangeError(
      `Cannot ${action}: monitor ${name} is not recorded (epochs record ${choices.join(", ")})`,
    );
  }
  return value;
}
