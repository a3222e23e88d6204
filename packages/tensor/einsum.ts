/**
 * `einsum`: Einstein summation over any number of tensors, as `torch.einsum`.
 *
 * @module
 */

import { describe, kindOf } from "@glassbox/internal";
import { parseEinsum } from "./_einsum_parse.ts";
import { sizeOf } from "./_shape.ts";
import { storageOf, Tensor } from "./tensor.ts";

/** A tensor together with the label of each of its axes. */
interface Labelled {
  readonly t: Tensor;
  readonly labels: readonly number[];
}

/**
 * Einstein summation, with `torch.einsum`'s semantics. Each operand gets a
 * term of subscripts, one letter per axis (`a-z`, `A-Z`); letters shared by
 * operands multiply elementwise along that axis, and letters absent from
 * the output are summed over.
 *
 * - Explicit output (`"ij,jk->ik"`): the result's axes in the order given.
 * - Implicit output (`"ij,jk"`): the letters that appear exactly once, in
 *   alphabetical order (uppercase first), after any ellipsis axes.
 * - A letter repeated in one operand takes a diagonal (`"ii->i"`), or a
 *   trace when summed (`"ii"`).
 * - `...` stands for the axes no letter names; they broadcast across
 *   operands like NumPy's leading axes (`"...ij,...jk->...ik"`), and are
 *   summed when an explicit output leaves them out. An axis of length 1
 *   broadcasts against the same letter's longer axis in another operand.
 *
 * Composed from Tensor operations (permute, reshape, row gathers, sums and
 * batched matmul, contracting the operands left to right in pairs), so it
 * runs on every device.
 *
 * @param equation The subscripts, e.g. `"bn,anm,bm->ba"`; spaces are ignored.
 * @param operands The tensors, one per input term, of one dtype and device.
 * @returns A new tensor.
 * @throws {RangeError} A malformed equation: a bad character, a lone `.`, two
 *   `->`, a term count that is not the operand count, an output letter that
 *   is repeated or in no input.
 * @throws {TypeError} Operands that do not fit it: a rank that is not the
 *   term's, sizes of one letter that differ (and are not 1), a diagonal over
 *   unequal axes, mixed dtypes or devices.
 *
 * @example Matrix product, trace and diagonal
 * ```ts
 * import { einsum, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor([[5, 6], [7, 8]]);
 * deepStrictEqual(einsum("ij,jk->ik", a, b).toArray(), [[19, 22], [43, 50]]);
 * deepStrictEqual(einsum("ii", a).toArray(), 5); // implicit output: the trace
 * deepStrictEqual(einsum("ii->i", a).toArray(), [1, 4]);
 * deepStrictEqual(einsum("ij->j", a).toArray(), [4, 6]);
 * ```
 *
 * @example Broadcasting over `...`
 * ```ts
 * import { einsum, ones } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const x = ones([5, 2, 3]);
 * const w = ones([3, 4]);
 * deepStrictEqual(einsum("...ij,jk->...ik", x, w).shape, [5, 2, 4]);
 * ```
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== "string") {
    throw new TypeError(`Cannot einsum: the equation must be a string, got ${describe(equation)}`);
  }
  const head = `Cannot einsum "${equation}"`;
  if (operands.length === 0) throw new RangeError(`${head}: no operands were given`);
  operands.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${head}: operand ${i} is ${kindOf(t)}, expected a Tensor`);
    }
    const first = operands[0];
    if (t.dtype !== first.dtype || t.device !== first.device) {
      throw new TypeError(
        `${head}: operand ${i} is ${t.dtype} on ${t.device.name} but operand 0 is ${first.dtype} ` +
          `on ${first.device.name}, expected one dtype and device`,
      );
    }
    storageOf(t, `einsum "${equation}"`); // a disposed operand fails here, by name
  });
  const plan = parseEinsum(equation, operands.map((t) => t.shape));
  const output = new Set(plan.output);
  const made = new Set<Tensor>(); // intermediates this call owns and must dispose
  const release = (t: Tensor): void => {
    if (made.delete(t)) t.dispose();
  };
  const step: Step = Object.assign((from: Labelled, t: Tensor, labels: readonly number[]) => {
    if (t !== from.t) {
      made.add(t);
      release(from.t);
    }
    return { t, labels };
  }, { release });

  try {
    // Each operand alone: diagonals, broadcast axes dropped, private letters summed.
    const uses = new Map<number, number>();
    const terms = operands.map((t, i) => {
      let term: Labelled = { t, labels: plan.inputs[i] };
      term = takeDiagonals(term, step);
      term = dropBroadcast(term, plan.sizes, step);
      for (const l of new Set(term.labels)) uses.set(l, (uses.get(l) ?? 0) + 1);
      return term;
    });
    const reduced = terms.map((term) =>
      sumOut(term, (l) => !output.has(l) && uses.get(l) === 1, step)
    );

    // Contract left to right; a letter stays while the output or a later operand needs it.
    let acc = reduced[0];
    for (let i = 1; i < reduced.length; i++) {
      const later = new Set(output);
      for (const term of reduced.slice(i + 1)) for (const l of term.labels) later.add(l);
      acc = contractPair(acc, reduced[i], later, step);
    }
    acc = sumOut(acc, (l) => !output.has(l), step);
    acc = permuteTo(acc, plan.output, step);
    // An equation that changes nothing ("ij->ij") still returns a new tensor.
    if (!made.delete(acc.t)) return acc.t.clone();
    return acc.t;
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Replaces `from` by the tensor `t` with `labels`, disposing `from` when it is an
 * intermediate; `release` disposes an intermediate no longer needed.
 */
interface Step {
  (from: Labelled, t: Tensor, labels: readonly number[]): Labelled;
  release: (t: Tensor) => void;
}

/** Moves `axes` (in that order) to the front, other axes after, in their order. */
function moveToFront(term: Labelled, axes: readonly number[], step: Step): Labelled {
  const rest = term.labels.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...axes, ...rest];
  if (perm.every((p, i) => p === i)) return term;
  return step(term, term.t.permute(perm), perm.map((p) => term.labels[p]));
}

/** Replaces each letter repeated inside one operand by the diagonal along it. */
function takeDiagonals(term: Labelled, step: Step): Labelled {
  for (;;) {
    const label = term.labels.find((l, i) => term.labels.indexOf(l) !== i);
    if (label === undefined) return term;
    const axes = term.labels.flatMap((l, i) => (l === label ? [i] : []));
    term = moveToFront(term, axes, step);
    // [n, n, …, rest] viewed as [n^k, rest]: the diagonal is rows 0, s, 2s, … with
    // s = 1 + n + … + n^(k-1), the flat index of (1, 1, …, 1).
    const n = term.t.shape[0];
    const rest = term.t.shape.slice(axes.length);
    let stride = 0;
    for (let k = 0; k < axes.length; k++) stride = stride * n + 1;
    const flat = term.t.reshape([n ** axes.length, ...rest]);
    const diagonal = flat.gather(Array.from({ length: n }, (_, i) => i * stride));
    flat.dispose();
    term = step(term, diagonal, [label, ...term.labels.slice(axes.length)]);
  }
}

/** Drops axes of length 1 whose letter is longer elsewhere: broadcasting repeats them. */
function dropBroadcast(
  term: Labelled,
  sizes: ReadonlyMap<number, number>,
  step: Step,
): Labelled {
  const keep = term.labels.map((l, i) => term.t.shape[i] !== 1 || sizes.get(l) === 1);
  if (keep.every(Boolean)) return term;
  const shape = term.t.shape.filter((_, i) => keep[i]);
  return step(term, term.t.reshape(shape), term.labels.filter((_, i) => keep[i]));
}

/** Sums over every axis whose letter `drop` selects. */
function sumOut(term: Labelled, drop: (label: number) => boolean, step: Step): Labelled {
  for (let i = term.labels.length - 1; i >= 0; i--) {
    if (drop(term.labels[i])) {
      term = step(term, term.t.sum(i), term.labels.filter((_, j) => j !== i));
    }
  }
  return term;
}

/** Permutes to the output's order (every output letter is present by now). */
function permuteTo(term: Labelled, order: readonly number[], step: Step): Labelled {
  return moveToFront(term, order.map((l) => term.labels.indexOf(l)), step);
}

/**
 * Contracts two operands with one batched matmul: A as [batch…, L, K] and B as
 * [batch…, K, R], where K holds the shared letters nobody needs later, L and R
 * the letters of one side only, and batch the shared letters still needed.
 */
function contractPair(
  a: Labelled,
  b: Labelled,
  later: ReadonlySet<number>,
  step: Step,
): Labelled {
  const inB = new Set(b.labels), inA = new Set(a.labels);
  a = sumOut(a, (l) => !inB.has(l) && !later.has(l), step);
  b = sumOut(b, (l) => !inA.has(l) && !later.has(l), step);
  const batch = a.labels.filter((l) => inB.has(l) && later.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !later.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !inA.has(l));
  const sizeIn = (term: Labelled, labels: readonly number[]): number[] =>
    labels.map((l) => term.t.shape[term.labels.indexOf(l)]);
  a = permuteTo(a, [...batch, ...left, ...summed], step);
  b = permuteTo(b, [...batch, ...summed, ...right], step);
  const batchShape = sizeIn(a, batch);
  const leftShape = sizeIn(a, left), rightShape = sizeIn(b, right);
  const k = sizeOf(sizeIn(a, summed));
  const a3 = a.t.reshape([...batchShape, sizeOf(leftShape), k]);
  const b3 = b.t.reshape([...batchShape, k, sizeOf(rightShape)]);
  let product: Tensor;
  try {
    product = a3.matmul(b3);
  } finally {
    a3.dispose();
    b3.dispose();
  }
  const shaped = product.reshape([...batchShape, ...leftShape, ...rightShape]);
  product.dispose();
  step.release(a.t);
  return step(b, shaped, [...batch, ...left, ...right]);
}
