/**
 * Checks of the things `fit`, `evaluate` and `predict` are given.
 *
 * @module
 */

import { isLayer, type Layer } from "@glassbox/layers";
import type { Loss } from "@glassbox/losses";
import { Tensor } from "@glassbox/tensor";
import { describe, fmtShape } from "@glassbox/internal";

/** A metric: truth first, prediction second, a number back (as `@glassbox/metrics` and scikit-learn). */
export type Metric = (truth: Tensor, pred: Tensor) => number;

/** Checks that `value` is a tensor of at least one axis. */
export function checkData(value: unknown, action: string, name: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`Cannot ${action}: ${name} must be a Tensor, got ${describe(value)}`);
  }
  if (value.rank === 0) {
    throw new TypeError(`Cannot ${action}: ${name} must have a row axis, got a scalar`);
  }
  return value;
}

/** Checks inputs and targets: tensors with the same number of rows. */
export function checkPair(
  x: unknown,
  y: unknown,
  action: string,
  names: readonly [string, string],
): [Tensor, Tensor] {
  const a = checkData(x, action, names[0]), b = checkData(y, action, names[1]);
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(
      `Cannot ${action}: ${names[0]} has ${a.shape[0]} rows but ${names[1]} has ${b.shape[0]}`,
    );
  }
  if (a.shape[0] === 0) throw new RangeError(`Cannot ${action}: ${names[0]} has no rows`);
  return [a, b];
}

/** Checks that `value` is a layer. */
export function checkModel(value: unknown, action: string): Layer {
  if (!isLayer(value)) {
    throw new TypeError(
      `Cannot ${action}: model must be a Layer (forward, backward, parameters, zeroGrad), got ${
        describe(value)
      }`,
    );
  }
  return value;
}

/** Checks that `value` is a loss. */
export function checkLoss(value: unknown, action: string, name = "loss"): Loss {
  const l = value as Partial<Loss> | null;
  if (
    typeof l !== "object" || l === null || typeof l.forward !== "function" ||
    typeof l.backward !== "function"
  ) {
    throw new TypeError(
      `Cannot ${action}: ${name} must be a Loss (forward, backward), e.g. new MSELoss(), got ${
        describe(value)
      }`,
    );
  }
  return value as Loss;
}

/** Checks metrics: functions by name. */
export function checkMetrics(value: unknown, action: string): Record<string, Metric> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${action}: metrics must be an object of functions by name, e.g. { mape }, got ${
        describe(value)
      }`,
    );
  }
  for (const [name, f] of Object.entries(value)) {
    if (typeof f !== "function") {
      throw new TypeError(
        `Cannot ${action}: metrics.${name} must be a function (truth, pred) => number, got ${
          describe(f)
        }`,
      );
    }
  }
  return value as Record<string, Metric>;
}

/** The scalar value of a loss tensor. */
export function lossValue(t: Tensor, action: string): number {
  if (t.size !== 1) {
    throw new RangeError(
      `Cannot ${action}: the loss returned ${t.size} values (shape ${
        fmtShape(t.shape)
      }), expected one: use reduction "mean" or "sum"`,
    );
  }
  const value = t.item();
  t.dispose(); // the loss tensor is the caller's; only its value is needed
  return value;
}
