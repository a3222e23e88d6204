/**
 * The bookkeeping every optimizer shares: the attached parameters, one set
 * of named per-parameter buffers updated in place, and their conversion to
 * and from `OptimizerState` tensors.
 *
 * @module
 */

import { Parameter } from "@glassbox/layers";
import { keep, type Tensor, zeros } from "@glassbox/tensor";
import { type OptimizerRule, type Storage, storageOf } from "@glassbox/tensor/backend";
import { describe, fmtShape } from "@glassbox/internal";
import type { OptimizerState } from "./optimizer.ts";

/**
 * Checks a parameter list: Parameters with unique names, all on one device.
 * SGD and Adam step them on that device through its backend's
 * `optimizerUpdate`; L-BFGS steps device parameters through host copies in
 * `stepAsync`.
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

/** A copy of `t` (a new storage on the same device; `view()` would share the elements). */
function copyOf(t: Tensor): Tensor {
  return keep(t.clone());
}

/**
 * Parameters and their named buffers: tensors on the parameters' device,
 * `null` until the first step creates them, updated in place by the
 * backend's `optimizerUpdate`.
 */
export class ParamBuffers {
  readonly params: readonly Parameter[];
  readonly buffers: Record<string, Tensor | null>[];
  readonly #names: readonly string[];

  constructor(params: readonly Parameter[], names: readonly string[]) {
    this.params = params;
    this.#names = names;
    this.buffers = params.map(() => Object.fromEntries(names.map((n) => [n, null])));
  }

  /** The storage of buffer `name` of parameter `i`, created filled with zeros when missing. */
  zeros(i: number, name: string): Storage {
    const v = this.params[i].borrow();
    const entry = this.buffers[i];
    let buffer = entry[name] ??= keep(zeros(v.shape, { dtype: v.dtype, device: v.device }));
    if (buffer.device !== v.device) {
      // Loaded on another device (a state handed back to the host): follows the parameter.
      const moved = keep(buffer.to(v.device));
      buffer.dispose();
      buffer = entry[name] = moved;
    }
    return storageOf(buffer, "update optimizer state");
  }

  /**
   * Runs one `optimizerUpdate` of `rule` per dtype over the parameters, each
   * parameter's state being the buffers `names(i)` (created as zeros first).
   */
  update(rule: (indices: readonly number[]) => OptimizerRule, names: (i: number) => string[]) {
    updateParameters(this.params, rule, (i) => names(i).map((n) => this.zeros(i, n)));
  }

  /** Copies of every existing buffer as tensors shaped like their parameter. */
  toTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.params.forEach((p, i) => {
      for (const name of this.#names) {
        const b = this.buffers[i][name];
        if (b !== null) out[`${p.name}.${name}`] = copyOf(b);
      }
    });
    return out;
  }

  /** Replaces the buffers with copies of `state.tensors`, checking names, shapes and dtypes first. */
  load(state: OptimizerState, action: string): void {
    const known = new Set<string>();
    const checked = this.params.map((p, i) => {
      const entry: Record<string, Tensor | null> = {};
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
        entry[name] = t;
      }
      return [i, entry] as const;
    });
    for (const key of Object.keys(state.tensors)) {
      if (!known.has(key)) {
        throw new RangeError(`Cannot ${action}: the state has a buffer ${key} no parameter owns`);
      }
    }
    // Copies where the state lives; the first step moves them to the parameters' device.
    for (const [i, entry] of checked) {
      for (const old of Object.values(this.buffers[i])) old?.dispose();
      this.buffers[i] = Object.fromEntries(
        Object.entries(entry).map(([name, t]) => [name, t === null ? null : copyOf(t)]),
      );
    }
  }
}

/**
 * The one way optimizers write parameter values: one `optimizerUpdate` of
 * the parameters' backend per dtype, in place on each parameter's
 * `writableValue()` (which copies first where someone holds the value), with
 * the gradients (none for an `"assign"` rule) and the state `states(i)`.
 */
export function updateParameters(
  params: readonly Parameter[],
  rule: (indices: readonly number[]) => OptimizerRule,
  states: (i: number) => Storage[] = () => [],
): void {
  // One group per dtype, in order of first appearance (almost always one: every parameter).
  const groups = new Map<string, number[]>();
  for (let i = 0; i < params.length; i++) {
    const dtype = params[i].borrow().dtype;
    const group = groups.get(dtype);
    if (group === undefined) groups.set(dtype, [i]);
    else group.push(i);
  }
  for (const indices of groups.values()) {
    const r = rule(indices);
    const st = r.kind === "assign" ? [] : indices.map(states);
    const values = indices.map((i) => params[i].writableValue());
    const grads = r.kind === "assign"
      ? []
      : indices.map((i) => storageOf(params[i].grad, "update parameters"));
    values[0].device.backend.optimizerUpdate(
      r,
      values.map((v) => storageOf(v, "update parameters")),
      grads,
      st,
      { dtype: values[0].dtype, sizes: values.map((v) => v.size) },
    );
  }
}

/**
 * Writes one flat vector (the parameters flattened row-major, in order) into
 * the parameters through `updateParameters`' assign rule: float32 parameters
 * get the values rounded to float32.
 */
export function assignFlat(params: readonly Parameter[], x: Float64Array): void {
  const offsets: number[] = [];
  let size = 0;
  for (const p of params) {
    offsets.push(size);
    size += p.borrow().size;
  }
  updateParameters(params, (indices) => ({
    kind: "assign",
    values: indices.map((i) => x.subarray(offsets[i], offsets[i] + params[i].borrow().size)),
  }));
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
