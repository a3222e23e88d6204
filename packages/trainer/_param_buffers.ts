/**
 * The bookkeeping every optimizer shares: the attached parameters, one set
 * of named per-parameter buffers updated in place, and their conversion to
 * and from `OptimizerState` tensors.
 *
 * @module
 */

import { Parameter } from "@glassbox/layers";
import type { Tensor, TypedArray } from "@glassbox/tensor";
import { allocLike, hostView, wrap } from "./_host.ts";
import { describe, fmtShape } from "@glassbox/internal";
import type { OptimizerState } from "./optimizer.ts";

/**
 * Checks a parameter list: Parameters with unique names, all on one device.
 * SGD and Adam update CPU parameters only (their `step` says so), but may be
 * attached to a device model: `fit` steps it on the GPU and hands the state
 * back. L-BFGS steps device parameters through host copies in `stepAsync`.
 */
export function checkParams(params: unknown, action: string): Parameter[] {
  if (!Array.isArray(params)) {
    throw new TypeError(
      `Cannot ${action}: params must be an array of Parameters (model.parameters()), got ${
        describe(params)
      }`,
    );
  }
  const names = new Set<string>();
  params.forEach((p, i) => {
    if (!(p instanceof Parameter)) {
      throw new TypeError(`Cannot ${action}: params[${i}] is ${describe(p)}, expected a Parameter`);
    }
    if (names.has(p.name)) {
      throw new RangeError(`Cannot ${action}: two parameters are named ${p.name}`);
    }
    names.add(p.name);
    if (p.borrow().device !== params[0].borrow().device) {
      throw new TypeError(
        `Cannot ${action}: parameter ${p.name} lives on ${p.borrow().device.name} but ` +
          `${params[0].name} on ${params[0].borrow().device.name}; move the model to one device`,
      );
    }
  });
  return [...params];
}

/** Parameters and their named buffers (`null` until the first step creates them). */
export class ParamBuffers {
  readonly params: readonly Parameter[];
  readonly buffers: Record<string, TypedArray | null>[];
  readonly #names: readonly string[];

  constructor(params: readonly Parameter[], names: readonly string[]) {
    this.params = params;
    this.#names = names;
    this.buffers = params.map(() => Object.fromEntries(names.map((n) => [n, null])));
  }

  /** The buffer `name` of parameter `i`, created filled with zeros when missing. */
  zeros(i: number, name: string): TypedArray {
    const p = this.params[i];
    return (this.buffers[i][name] ??= allocLike(p.borrow().dtype, p.borrow().size));
  }

  /** Copies of every existing buffer as tensors shaped like their parameter. */
  toTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.params.forEach((p, i) => {
      for (const name of this.#names) {
        const b = this.buffers[i][name];
        if (b !== null) out[`${p.name}.${name}`] = wrap(b.slice(), p.borrow().shape);
      }
    });
    return out;
  }

  /** Replaces the buffers with copies of `state.tensors`, checking names, shapes and dtypes first. */
  load(state: OptimizerState, action: string): void {
    const known = new Set<string>();
    const loaded = this.params.map((p, i) => {
      const entry: Record<string, TypedArray | null> = {};
      for (const name of this.#names) {
        const key = `${p.name}.${name}`;
        known.add(key);
        const t = state.tensors[key];
        if (t === undefined) {
          entry[name] = null;
          continue;
        }
        const sameShape = t.shape.length === p.borrow().shape.length &&
          t.shape.every((d, k) => d === p.borrow().shape[k]);
        if (!sameShape || t.dtype !== p.borrow().dtype) {
          throw new TypeError(
            `Cannot ${action}: ${key} is ${fmtShape(t.shape)} ${t.dtype}, expected ${
              fmtShape(p.borrow().shape)
            } ${p.borrow().dtype}`,
          );
        }
        entry[name] = hostView(t, action, key).slice();
      }
      return [i, entry] as const;
    });
    for (const key of Object.keys(state.tensors)) {
      if (!known.has(key)) {
        throw new RangeError(`Cannot ${action}: the state has a buffer ${key} no parameter owns`);
      }
    }
    for (const [i, entry] of loaded) this.buffers[i] = entry;
  }
}

/** Checks the `type` of a state against the optimizer loading it. */
export function checkStateType(state: OptimizerState, type: string, action: string): void {
  if (typeof state !== "object" || state === null || typeof state.tensors !== "object") {
    throw new TypeError(`Cannot ${action}: expected an OptimizerState, got ${describe(state)}`);
  }
  if (state.type !== type) {
    throw new TypeError(`Cannot ${action}: the state is from ${state.type}, not ${type}`);
  }
}

/** Resets the gradients of parameters. */
export function zeroGrads(params: readonly Parameter[]): void {
  for (const p of params) p.zeroGrad();
}
