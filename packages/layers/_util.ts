// Small helpers shared by the layers: shape formatting and layer descriptions
// for error messages, and the runtime checks every layer's entry points make.

import { Tensor } from "@glassbox/tensor";
import type { Layer } from "./layer.ts";

/** Formats a shape the way error messages print it: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A layer's description for messages: its `toString()`, or its class name. */
export function describeLayer(layer: unknown): string {
  if (layer === null || typeof layer !== "object") return String(layer);
  const text = String(layer);
  return text === "[object Object]" ? `${layer.constructor?.name ?? "Object"}()` : text;
}

/** What a non-tensor value is, for "expected a Tensor" messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const name = typeof value === "object"
    ? (value.constructor === Object || !value.constructor?.name ? "object" : value.constructor.name)
    : typeof value;
  return `${/^[aeiouAEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

/** Throws a TypeError unless `value` is a Tensor. */
export function checkTensor(value: unknown, action: string, what: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`Cannot ${action}: ${what} is ${describeValue(value)}, expected a Tensor`);
  }
  return value;
}

/** Whether `value` has the methods of the `Layer` interface. */
export function isLayer(value: unknown): value is Layer {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.forward === "function" && typeof v.backward === "function" &&
    typeof v.parameters === "function" && typeof v.zeroGrad === "function";
}

/** Throws a RangeError unless `n` is a positive integer (a layer width). */
export function checkFeatures(n: unknown, action: string, name: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot ${action}: ${name} must be a positive integer, got ${String(n)}`);
  }
  return n;
}
