import { strictEqual, throws } from "node:assert/strict";
import { cpu, cpuMemory, keep, setCpuPoolLimit, type Tensor, tensor, tidy, zeros } from "./mod.ts";
import { tensorFromStorage } from "./seam.ts";
import { setWasmMode } from "./cpu/kernel_choice.ts";

Deno.test("tidy() disposes intermediates, keeps what it returns and what keep() marks", () => {
  const x = tensor([1, 2, 3]);
  let square: Tensor | null = null, kept: Tensor | null = null;
  const out = tidy(() => {
    square = x.mul(x);
    kept = keep(x.exp());
    return { sum: square.sum(), label: "norm²" };
  });
  strictEqual(out.sum.item(), 14);
  strictEqual(square!.disposed, true);
  strictEqual(kept!.disposed, false);
  strictEqual(x.disposed, false, "a tensor made before tidy is never touched");
});

Deno.test("tidy() hands its result to the enclosing tidy, and cleans up when fn throws", () => {
  const x = tensor([1, 2]);
  let inner: Tensor | null = null;
  const outer = tidy(() => {
    inner = tidy(() => x.add(1));
    strictEqual(inner.disposed, false);
    return x.sum();
  });
  strictEqual(inner!.disposed, true, "the inner result belonged to the outer scope");
  strictEqual(outer.item(), 3);
  let made: Tensor | null = null;
  throws(() =>
    tidy(() => {
      made = x.neg();
      throw new Error("boom");
    }), /boom/);
  strictEqual(made!.disposed, true);
  throws(() => tidy(() => Promise.resolve(1)), /tidy takes a synchronous function/);
  // @ts-expect-error: not a function
  throws(() => tidy(3), /Cannot run tidy: fn must be a function, got 3/);
  // @ts-expect-error: not a tensor
  throws(() => keep(null), /Cannot keep: expected a Tensor, got null/);
});

Deno.test("view() shares storage and keeps it alive past dispose() of the original", () => {
  const t = tensor([4, 5]);
  const v = t.view();
  t.dispose();
  strictEqual(v.disposed, false);
  strictEqual(v.sum().item(), 9);
  throws(() => t.view(), ReferenceError);
});

Deno.test("disposed CPU storage is reused, zero-filled where an op needs zeros", () => {
  const n = 4099; // a length no other test uses
  const a = tensor(Array.from({ length: n }, (_, i) => i + 1));
  a.exp().dispose();
  const before = cpuMemory();
  const b = a.neg(); // served from the pool
  strictEqual(cpuMemory().allocations, before.allocations);
  strictEqual(cpuMemory().reuses, before.reuses + 1);
  b.dispose();
  const z = zeros([n]); // reuses b's array: must be all zeros again
  strictEqual(z.toTypedArray().every((v) => v === 0), true);
  strictEqual(a.sum().item(), (n * (n + 1)) / 2);
});

Deno.test("a caller's typed array is never pooled, and the pool limit is honoured", () => {
  const mine = new Float64Array([1, 2]);
  const before = cpuMemory().pooledArrays;
  tensorFromStorage(mine, { shape: [2], dtype: "float64", device: cpu }).dispose();
  strictEqual(cpuMemory().pooledArrays, before);
  setCpuPoolLimit(0);
  try {
    const t = tensor([1, 2, 3]).exp();
    t.dispose();
    strictEqual(cpuMemory().pooledArrays, 0);
  } finally {
    setCpuPoolLimit(512 * 1024 * 1024);
  }
  throws(() => setCpuPoolLimit(-1), /bytes must be a number ≥ 0, got -1/);
});

Deno.test("matmul writes every element of a reused pool array on both CPU paths", () => {
  // 20 × 30 · 30 × 25 = 15,000 multiply-adds: the packed TypeScript kernel (which accumulates
  // into C) when WebAssembly is off, the WebAssembly one otherwise.
  const a = tensor(Array.from({ length: 600 }, (_, i) => (i % 7) - 3), { shape: [20, 30] });
  const b = tensor(Array.from({ length: 750 }, (_, i) => (i % 5) - 2), { shape: [30, 25] });
  const expected = a.matmul(b).toTypedArray();
  for (const mode of ["off", "always"] as const) {
    setWasmMode(mode);
    try {
      // A dirty array of C's size waits in the pool; the product must not add to it.
      const before = cpuMemory().reuses;
      tensor(new Array(500).fill(1e6), { shape: [20, 25] }).mul(1).dispose();
      const c = a.matmul(b);
      strictEqual(cpuMemory().reuses > before, true, `${mode}: the product reused a pooled array`);
      strictEqual(c.toTypedArray().every((v, i) => v === expected[i]), true, `${mode}: values`);
    } finally {
      setWasmMode("auto");
    }
  }
});
