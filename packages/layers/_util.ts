// Small helpers shared by the layers: layer descriptions for error messages,
// and the runtime checks every layer's entry points make.

import { Tensor } from "@glassbox/tensor";
import { checkInteger, kindOf } from "@glassbox/internal";

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

/** Checks a layer width: an integer >= 1 (RangeError; TypeError for a non-number). */
export function checkFeatures(n: unknown, action: string, name: string): number {
  return checkInteger(n, action, name, 1);
}

/** Each layer's `String(layer)`, made once (layers' descriptions do not change). */
const texts = new WeakMap<object, string>();

/**
 * `String(layer)`, cached: forward and backward name the layer in their checks' messages
 * on every call, and a template with `${this}` runs the layer's toString each time.
 */
export function layerText(layer: object): string {
  let text = texts.get(layer);
  if (text === undefined) texts.set(layer, text = String(layer));
  return text;
}
