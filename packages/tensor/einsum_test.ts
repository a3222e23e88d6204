import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { arange, assertClose, cpu, type Device, einsum, type Tensor, tensor } from "./mod.ts";
import type { Backend, Storage } from "./seam.ts";
import { lcgTensor, throwsWith, trackedFused } from "./_test_util.ts";

/**
 * einsum by definition: loops over every value of every letter and adds each
 * product to its output element. Slow and obviously right; the reference for
 * the tests below. Equations here use letters only (no "...").
 */
function naiveEinsum(equation: string, ...operands: Tensor[]): { shape: number[]; data: number[] } {
  const [lhs, rhs] = equation.split("->");
  const terms = lhs.split(",");
  const size = new Map<string, number>();
  terms.forEach((term, i) =>
    [...term].forEach((c, axis) => {
      const d = operands[i].shape[axis];
      if ((size.get(c) ?? 1) === 1) size.set(c, d);
    })
  );
  const counts = new Map<string, number>();
  for (const c of lhs.replaceAll(",", "")) counts.set(c, (counts.get(c) ?? 0) + 1);
  const out = rhs ?? [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join("");
  const letters = [...size.keys()];
  const shape = [...out].map((c) => size.get(c)!);
  const data = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
  const flats = operands.map((t) => t.toTypedArray());
  const value = new Map<string, number>();
  const offset = (term: string, dims: readonly number[]): number =>
    [...term].reduce((o, c, axis) => o * dims[axis] + (dims[axis] === 1 ? 0 : value.get(c)!), 0);
  const visit = (k: number): void => {
    if (k === letters.length) {
      let p = 1;
      terms.forEach((term, i) => (p *= flats[i][offset(term, operands[i].shape)]));
      data[offset(out, shape)] += p;
      return;
    }
    for (let v = 0; v < size.get(letters[k])!; v++) {
      value.set(letters[k], v);
      visit(k + 1);
    }
  };
  visit(0);
  return { shape, data };
}

function checkAgainstNaive(equation: string, ...shapes: number[][]): void {
  const operands = shapes.map((s, i) => lcgTensor(s, 7 + i));
  const got = einsum(equation, ...operands);
  const want = naiveEinsum(equation, ...operands);
  deepStrictEqual(got.shape, want.shape, `shape of ${equation}`);
  assertClose(got.toTypedArray(), want.data, { rtol: 1e-12, atol: 1e-14 });
}

// ------------------------------------------------------------------ behaviour

Deno.test("einsum() matches the sum-of-products definition for each kind of equation", () => {
  const cases: [string, ...number[][]][] = [
    ["ij,jk->ik", [3, 4], [4, 5]],
    ["bij,bjk->bik", [2, 3, 4], [2, 4, 2]],
    ["i,j->ij", [3], [4]],
    ["i,i->", [5], [5]],
    ["ii->", [4, 4]],
    ["ii->i", [3, 3]],
    ["ij->ji", [2, 5]],
    ["ijk->j", [2, 3, 4]],
    ["ijk->", [2, 3, 4]],
    ["bn,anm,bm->ba", [3, 4], [2, 4, 5], [3, 5]],
    ["ij,jk", [3, 4], [4, 2]], // implicit: "ik"
    ["ba", [2, 3]], // implicit: "ab", a transpose
    ["iij->ji", [3, 3, 2]],
    ["iji->j", [2, 3, 2]],
    ["iii->i", [3, 3, 3]],
    ["ij,ij->ij", [2, 3], [2, 3]],
    ["ij,kl->ijkl", [2, 2], [3, 1]],
    ["abc,cd,de->abe", [2, 2, 3], [3, 4], [4, 2]],
    ["ij,ij,ij->i", [3, 2], [3, 2], [3, 2]],
    ["i,i->i", [1], [4]], // a length-1 axis broadcasts against the same letter
    ["pq,pqij->ij", [4, 3], [4, 3, 6, 3]],
    ["Ab,bA->A", [2, 3], [3, 2]],
  ];
  for (const [equation, ...shapes] of cases) checkAgainstNaive(equation, ...shapes);
});

Deno.test("einsum() broadcasts the axes under ... and sums them when the output omits them", () => {
  const x = lcgTensor([2, 3, 4], 1), w = lcgTensor([4, 5], 2);
  const y = einsum("...ij,jk->...ik", x, w);
  deepStrictEqual(y.shape, [2, 3, 5]);
  assertClose(y, x.matmul(w), { rtol: 1e-12 });
  // [2, 3, 4] and [5, 1, 1, 4]: the ellipses ([2, 3] and [5, 1, 1]) broadcast to [5, 2, 3].
  const b = lcgTensor([5, 1, 1, 4], 3);
  const z = einsum("...i,...i->...", x, b);
  deepStrictEqual(z.shape, [5, 2, 3]);
  assertClose(z, x.mul(b).sum(-1), { rtol: 1e-12 });
  throwsWith(
    () => einsum("...i,...i", x, lcgTensor([3, 1, 4])),
    TypeError,
    "subscript ...[0] has size 3 in operand 1 (shape [3, 1, 4]) but size 2 in operand 0",
  );
  // Implicit output puts the ellipsis axes first.
  deepStrictEqual(einsum("ba,...", lcgTensor([2, 3]), lcgTensor([4])).shape, [4, 3, 2]);
  assertClose(einsum("...ij->ij", x), x.sum(0), { rtol: 1e-12 });
  assertClose(einsum("i...->...", x), x.sum(0), { rtol: 1e-12 });
  assertClose(einsum("...->...", x), x, { rtol: 0 });
});

Deno.test("einsum() handles scalars, empty axes and spaces", () => {
  strictEqual(einsum(",->", tensor(2), tensor(3)).item(), 6);
  deepStrictEqual(einsum(",i->i", tensor(2), tensor([1, 2])).toArray(), [2, 4]);
  strictEqual(einsum("i,i->", tensor([]), tensor([])).item(), 0);
  deepStrictEqual(
    einsum("ij,jk->ik", arange(0).reshape([2, 0]), arange(0).reshape([0, 3])).toArray(),
    [
      [0, 0, 0],
      [0, 0, 0],
    ],
  );
  deepStrictEqual(einsum(" i j -> j i ", tensor([[1, 2]])).toArray(), [[1], [2]]);
});

Deno.test("einsum() returns a new tensor and disposes what it made when nothing changes", () => {
  const x = tensor([[1, 2], [3, 4]]);
  const y = einsum("ij->ij", x);
  strictEqual(y === x, false);
  x.dispose();
  deepStrictEqual(y.toArray(), [[1, 2], [3, 4]]);
});

Deno.test("einsum() keeps float32 and computes in it", () => {
  const a = lcgTensor([3, 4], 1, "float32"), b = lcgTensor([4, 2], 2, "float32");
  const y = einsum("ij,jk->ik", a, b);
  strictEqual(y.dtype, "float32");
  assertClose(y, a.matmul(b), { rtol: 1e-6 });
});

/** The CPU backend behind a device that cannot read synchronously, counting live storages. */
function countingDevice(): { device: Device; live: () => number } {
  const live = new Set<Storage>();
  const track = (s: Storage): Storage => (live.add(s), s);
  const backend: Backend = {
    name: "counting",
    upload: (v, d) => track(cpu.backend.upload(v, d)),
    fill: (n, v, d) => track(cpu.backend.fill(n, v, d)),
    read: (s, d) => cpu.backend.read(s, d),
    readSync: () => undefined,
    dispose: (s) => (live.delete(s), cpu.backend.dispose(s)),
    cast: (x, n, f, t) => track(cpu.backend.cast(x, n, f, t)),
    unary: (op, x, n, d) => track(cpu.backend.unary(op, x, n, d)),
    binary: (op, a, b, s, d) => track(cpu.backend.binary(op, a, b, s, d)),
    reduce: (op, x, dims, d) => track(cpu.backend.reduce(op, x, dims, d)),
    softmax: (op, x, dims, d) => track(cpu.backend.softmax(op, x, dims, d)),
    matmul: (a, b, info) => track(cpu.backend.matmul(a, b, info)),
    permute: (x, s, p, d) => track(cpu.backend.permute(x, s, p, d)),
    gatherRows: (x, i, n, d) => track(cpu.backend.gatherRows(x, i, n, d)),
    concat: (p, o, c, d) => track(cpu.backend.concat(p, o, c, d)),
    ...trackedFused(cpu.backend, track),
  };
  return { device: { name: "counting", backend, dtypes: ["float64"] }, live: () => live.size };
}

Deno.test("einsum() runs on a device without synchronous reads and leaks no storage", async () => {
  const { device, live } = countingDevice();
  const a = lcgTensor([3, 3, 4], 1).toTypedArray(), b = lcgTensor([4, 2], 2).toTypedArray();
  const ad = tensor(a, { shape: [3, 3, 4], device }), bd = tensor(b, { shape: [4, 2], device });
  const before = live();
  const y = einsum("iij,jk->ik", ad, bd);
  strictEqual(live(), before + 1, "only the result's storage stays alive");
  const want = naiveEinsum("iij,jk->ik", lcgTensor([3, 3, 4], 1), lcgTensor([4, 2], 2));
  assertClose(await y.readTypedArray(), want.data, { rtol: 1e-12 });
  y.dispose();
  strictEqual(live(), before);
});

// ------------------------------------------------------------------ errors

Deno.test("einsum() names the equation and what is wrong with a malformed equation", () => {
  const x = tensor([[1, 2], [3, 4]]);
  throwsWith(() => einsum("ij->i->j", x), RangeError, `"ij->i->j"`, `more than one "->"`);
  throwsWith(() => einsum("i1->i", x), RangeError, `operand 0`, `the character "1"`);
  throwsWith(() => einsum("i..j", x), RangeError, `"." that is not part of "..."`);
  throwsWith(() => einsum("......", x), RangeError, `more than one "..."`);
  throwsWith(() => einsum("ij,jk->ik", x), RangeError, "2 input terms but 1 operand was given");
  throwsWith(() => einsum("ij->ii", x), RangeError, "output term repeats subscript i");
  throwsWith(() => einsum("ij->k", x), RangeError, "output subscript k does not appear");
  throwsWith(() => einsum("ij->i"), RangeError, "no operands were given");
});

Deno.test("einsum() names the operand whose shape, dtype or device does not fit", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  throwsWith(
    () => einsum("ijk->i", x),
    TypeError,
    "operand 0 has shape [2, 3] (2 axes)",
    `"ijk" name 3`,
  );
  throwsWith(() => einsum("...ijk", x), TypeError, "name 3 or more");
  throwsWith(
    () => einsum("ii->i", x),
    TypeError,
    "subscript i is repeated in operand 0",
    "2 and 3",
  );
  throwsWith(
    () => einsum("ij,jk->ik", x, tensor([[1, 2], [3, 4]])),
    TypeError,
    "subscript j has size 2 in operand 1 (shape [2, 2]) but size 3 in operand 0",
  );
  throwsWith(
    () => einsum("ij,jk->ik", x, tensor([[1], [2], [3]], { dtype: "float32" })),
    TypeError,
    "operand 1 is float32 on cpu but operand 0 is float64 on cpu",
  );
  // @ts-expect-error: not a tensor
  throwsWith(() => einsum("i", [1, 2]), TypeError, "operand 0 is an array, expected a Tensor");
  // @ts-expect-error: not a string
  throwsWith(() => einsum(3, x), TypeError, "the equation must be a string, got 3");
  const gone = tensor([1]);
  gone.dispose();
  throwsWith(() => einsum("i", gone), ReferenceError, `Cannot einsum "i"`, "disposed");
});
