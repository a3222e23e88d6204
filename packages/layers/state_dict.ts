/**
 * State dicts: a model's parameters by PyTorch name (`"0.weight"` is
 * `[out, in]`), and loading them back with shape and dtype checks.
 *
 * @module
 */

import { Tensor } from "@glassbox/tensor";
import type { Layer } from "./layer.ts";
import type { Parameter } from "./parameter.ts";
import { fmtShape, kindOf } from "@glassbox/internal";
import { isLayer } from "./layer.ts";
import { describeLayer } from "./_util.ts";

/** Tensors by parameter name, as PyTorch's `model.state_dict()`. */
export type StateDict = Record<string, Tensor>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /**
   * Require the keys to match the model's parameters exactly (default true,
   * as PyTorch). With false, matching keys load and the others are reported.
   */
  strict?: boolean;
  /**
   * Convert tensors of another dtype to the parameter's dtype (default false:
   * a dtype mismatch is an error, because it usually means the wrong file).
   */
  convertDtype?: boolean;
}

/** What `loadStateDict` did not load, as PyTorch's `_IncompatibleKeys`. */
export interface LoadStateDictResult {
  /** Parameters of the model the dict has no tensor for. */
  missingKeys: string[];
  /** Keys of the dict the model has no parameter for. */
  unexpectedKeys: string[];
}

/** The parameters of a layer by name, checking that names are unique. */
function parametersByName(layer: Layer, action: string): Map<string, Parameter> {
  if (!isLayer(layer)) {
    throw new TypeError(`Cannot ${action}: ${kindOf(layer)} is not a Layer`);
  }
  const byName = new Map<string, Parameter>();
  for (const p of layer.parameters()) {
    if (byName.has(p.name)) {
      throw new RangeError(
        `Cannot ${action}: ${describeLayer(layer)} has two parameters named ${p.name}`,
      );
    }
    byName.set(p.name, p);
  }
  return byName;
}

/**
 * The parameters of a layer as a state dict: PyTorch names and layouts
 * (`Dense` weights are `[out, in]`), in `parameters()` order. The tensors are
 * the current values themselves (tensors are immutable, so later training
 * does not change them).
 *
 * @param layer Any layer or container.
 * @returns Tensors by name.
 *
 * @example
 * ```ts
 * import { mlp, stateDict } from "@glassbox/layers";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dict = stateDict(mlp([2, 3, 1]));
 * deepStrictEqual(Object.keys(dict), ["0.weight", "0.bias", "2.weight", "2.bias"]);
 * deepStrictEqual(dict["0.weight"].shape, [3, 2]);
 * ```
 */
export function stateDict(layer: Layer): StateDict {
  const dict: StateDict = {};
  for (const [name, p] of parametersByName(layer, "get state dict")) {
    Object.defineProperty(dict, name, {
      value: p.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return dict;
}

/**
 * Loads tensors into a layer's parameters by name. Everything is checked
 * before anything is assigned, so a failed load leaves the model unchanged:
 * every tensor must have its parameter's shape (and dtype, unless
 * `convertDtype`), and with `strict` (the default) the keys must match the
 * parameters exactly. Tensors on another device are moved to the
 * parameter's.
 *
 * @param layer Any layer or container.
 * @param dict Tensors by name, e.g. from `stateDict` or `loadSafetensors`.
 * @param options `strict`, `convertDtype`.
 * @returns The missing and unexpected keys (both empty after a strict load).
 *
 * @example
 * ```ts
 * import { loadStateDict, mlp, stateDict } from "@glassbox/layers";
 * import { manualSeed, zeros } from "@glassbox/tensor";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * manualSeed(0);
 * const a = mlp([2, 3, 1]), b = mlp([2, 3, 1]);
 * loadStateDict(b, stateDict(a));
 * deepStrictEqual(b.parameters()[0].value.toArray(), a.parameters()[0].value.toArray());
 * throws(
 *   () => loadStateDict(b, { ...stateDict(a), "0.weight": zeros([2, 3]) }),
 *   /0.weight has shape \[2, 3\], expected \[3, 2\]/,
 * );
 * ```
 */
export function loadStateDict(
  layer: Layer,
  dict: StateDict,
  options: LoadStateDictOptions = {},
): LoadStateDictResult {
  const action = "load state dict";
  const params = parametersByName(layer, action);
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) {
    throw new TypeError(
      `Cannot ${action}: expected an object of tensors by name, got ${kindOf(dict)}`,
    );
  }
  const strict = options.strict ?? true;
  const keys = Object.keys(dict);
  const missingKeys = [...params.keys()].filter((k) => !Object.hasOwn(dict, k));
  const unexpectedKeys = keys.filter((k) => !params.has(k));
  if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
    const parts = [];
    if (missingKeys.length > 0) parts.push(`missing keys ${missingKeys.join(", ")}`);
    if (unexpectedKeys.length > 0) parts.push(`unexpected keys ${unexpectedKeys.join(", ")}`);
    throw new RangeError(
      `Cannot ${action}: ${parts.join("; ")} for ${describeLayer(layer)}, whose parameters are ${
        [...params.keys()].join(", ") || "none"
      } (pass { strict: false } to load the matching keys only)`,
    );
  }
  const updates: [Parameter, Tensor][] = [];
  for (const key of keys) {
    const p = params.get(key);
    if (p === undefined) continue;
    const tensor = dict[key] as unknown;
    if (!(tensor instanceof Tensor)) {
      throw new TypeError(
        `Cannot ${action}: ${key} is ${kindOf(tensor)}, expected a Tensor`,
      );
    }
    const want = p.value;
    if (
      tensor.shape.length !== want.shape.length || tensor.shape.some((d, i) => d !== want.shape[i])
    ) {
      throw new TypeError(
        `Cannot ${action}: ${key} has shape ${fmtShape(tensor.shape)}, expected ${
          fmtShape(want.shape)
        }`,
      );
    }
    if (tensor.dtype !== want.dtype && !options.convertDtype) {
      throw new TypeError(
        `Cannot ${action}: ${key} is ${tensor.dtype}, expected ${want.dtype} (convert the model with ` +
          `.to("${tensor.dtype}") or pass { convertDtype: true })`,
      );
    }
    updates.push([p, tensor]);
  }
  for (const [p, tensor] of updates) {
    const converted = tensor.to(p.value.dtype).to(p.value.device);
    p.value = converted === tensor ? tensor.clone() : converted;
  }
  return { missingKeys, unexpectedKeys };
}
