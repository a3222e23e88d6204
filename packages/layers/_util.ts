// Small helpers shared by the layers: layer descriptions for error messages,
// and the runtime checks every layer's entry points make.

import { Tensor } from "@glassbox/tensor";
import { kindOf } from "@glassbox/internal";

/** A layer's description for messages: its `toString()`, or its class name. */
export function describeLayer(layer: unknown): string {
  if (layer === null || typeof layer !== "object") return String(layer);
  const text = String(layer);
  return text === "[object Object]" ? `${layer.constructor?.name ?? "Object"}()` : text;
}

/** Throws a TypeError unless `value` is a Tensor. */
export function checkTensor(value: unknown, action: string, what: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`Cannot ${action}: ${what} is ${kindOf(value)}, expected a Tensor`);
  }
  return value;
}

/** Throws a RangeError unless `n` is a positive integer (a layer width). */
export function checkFeatures(n: unknown, action: string, name: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot ${action}: ${name} must be a positive integer, got ${String(n)}`);
  }
  return n;
}
