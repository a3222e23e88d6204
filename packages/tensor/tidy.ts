/**
 * `tidy` and `keep`: dispose a computation's intermediate tensors in one place.
 *
 * @module
 */

import { describe } from "@glassbox/internal";
import type { Tensor } from "./tensor.ts";

/** What a scope needs of a tensor (the Tensor class, without importing it here). */
interface Disposable {
  readonly disposed: boolean;
  dispose(): void;
}

/** Tensors created inside each open `tidy`, innermost last. */
const scopes: Disposable[][] = [];

/**
 * How `keep` marks a tensor and how `tidy` reads the mark: a private field of the Tensor
 * class (set by its static block), which costs far less than a WeakSet of kept tensors.
 * `mark` returns false for anything that is not a Tensor.
 */
let keptFlag: { mark(t: unknown): boolean; has(t: Disposable): boolean } = {
  mark: () => false,
  has: () => false,
};

/** Called once by the Tensor class with its kept-mark accessors. */
export function registerKeptFlag(flag: typeof keptFlag): void {
  keptFlag = flag;
}

/** Records a new tensor in the innermost open scope (called by the Tensor constructor). */
export function trackTensor(t: Disposable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].push(t);
}

/** The tensors in a tidy function's result: the elements/values one level down. */
function resultTensors(result: unknown, isTensor: (v: unknown) => boolean): Set<unknown> {
  const found = new Set<unknown>();
  if (Array.isArray(result)) {
    for (const v of result) if (isTensor(v)) found.add(v);
  } else if (result !== null && typeof result === "object") {
    for (const v of Object.values(result)) if (isTensor(v)) found.add(v);
  }
  return found;
}

const isTracked = (v: unknown): boolean =>
  v !== null && typeof v === "object" && typeof (v as Disposable).dispose === "function" &&
  "disposed" in (v as object);

/** Disposes a closed scope's tensors except the kept ones; those in `out` go to `parent`. */
function close(scope: Disposable[], result: unknown, parent: Disposable[] | null): void {
  const { has } = keptFlag;
  if (result === null || typeof result !== "object") {
    // Nothing returned (or a number): every tensor of the scope goes, bar the kept ones.
    for (const t of scope) if (!has(t)) t.dispose();
  } else if (isTracked(result)) {
    // The common case, one tensor returned: no set to build.
    for (const t of scope) {
      if (t === result) parent?.push(t);
      else if (!has(t)) t.dispose();
    }
  } else {
    const out = resultTensors(result, isTracked);
    for (const t of scope) {
      if (out.has(t)) parent?.push(t);
      else if (!has(t)) t.dispose();
    }
  }
}

/**
 * Runs `fn` and disposes every tensor created while it ran, except the ones
 * it returns (a tensor, or an array or object holding tensors one level
 * down) and the ones passed to `keep()`. Returned tensors belong to the
 * enclosing `tidy`, if any. Tensors that existed before the call are never
 * touched. If `fn` throws, its tensors are disposed and the error goes on.
 * `fn` must be synchronous.
 *
 * @param fn The computation.
 * @returns What `fn` returned.
 *
 * @example
 * ```ts
 * import { tensor, tidy } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = tensor([1, 2, 3]);
 * // x.mul(x) and its sum are intermediates: disposed when tidy returns.
 * const norm = tidy(() => x.mul(x).sum().sqrt());
 * deepStrictEqual(norm.toArray(), Math.sqrt(14));
 * ```
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot run tidy: fn must be a function, got ${describe(fn)}`);
  }
  const scope: Disposable[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    close(scope, undefined, null);
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    close(scope, undefined, null);
    throw new TypeError(
      "Cannot run tidy: fn returned a Promise; tidy takes a synchronous function",
    );
  }
  close(scope, result, scopes.length > 0 ? scopes[scopes.length - 1] : null);
  return result;
}

/**
 * Exempts a tensor from every enclosing `tidy`: it lives until disposed
 * explicitly. Use it for state a computation stores for later (a layer's
 * cached activations).
 *
 * @param t A tensor.
 * @returns `t`.
 *
 * @example
 * ```ts
 * import { keep, tensor, tidy, type Tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * let cached: Tensor | null = null;
 * tidy(() => {
 *   cached = keep(tensor([1, 2]).exp());
 * });
 * deepStrictEqual(cached!.shape, [2]); // still usable after tidy returned
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  if (!keptFlag.mark(t)) {
    throw new TypeError(`Cannot keep: expected a Tensor, got ${describe(t)}`);
  }
  return t;
}
