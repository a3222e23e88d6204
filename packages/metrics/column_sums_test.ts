import { strictEqual } from "node:assert/strict";
import { manualSeed, randn, tensor } from "@glassbox/tensor";
import { mae, mape, mse, r2Score } from "./mod.ts";

// The regression metrics read the columns of [N, K] inputs in place, each summed in row
// order with one accumulator. These pin their bits against that reference, written out
// on copied columns, so any change of summation order or arithmetic fails.

function column(flat: ArrayLike<number>, n: number, k: number, j: number): number[] {
  return Array.from({ length: n }, (_, i) => flat[i * k + j]);
}

function sumOf(values: number[], term: (v: number, i: number) => number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += term(values[i], i);
  return s;
}

Deno.test("mse, mae and r2Score give the bits of in-order sums over each column", () => {
  for (const [n, k] of [[1000, 1], [997, 3], [64, 5]]) {
    for (let seed = 0; seed < 4; seed++) {
      manualSeed(seed);
      const truth = randn(k === 1 ? [n] : [n, k]).mul(3).add(1);
      const pred = truth.add(randn(truth.shape).mul(0.7));
      const t = truth.toTypedArray(), p = pred.toTypedArray();
      const mseRaw: number[] = [], maeRaw: number[] = [], r2Raw: number[] = [];
      for (let j = 0; j < k; j++) {
        const tc = column(t, n, k, j), pc = column(p, n, k, j);
        mseRaw.push(sumOf(tc, (v, i) => (v - pc[i]) ** 2) / n);
        maeRaw.push(sumOf(tc, (v, i) => Math.abs(v - pc[i])) / n);
        const mean = sumOf(tc, (v) => v) / n;
        const residual = sumOf(tc, (v, i) => (v - pc[i]) ** 2);
        r2Raw.push(1 - residual / sumOf(tc, (v) => (v - mean) ** 2));
      }
      const what = `[${n}, ${k}] seed ${seed}`;
      const raw = { multioutput: "raw_values" } as const;
      mse(truth, pred, raw).forEach((v, j) => strictEqual(v, mseRaw[j], `mse ${what}`));
      mae(truth, pred, raw).forEach((v, j) => strictEqual(v, maeRaw[j], `mae ${what}`));
      r2Score(truth, pred, raw).forEach((v, j) => strictEqual(v, r2Raw[j], `r2 ${what}`));
    }
  }
});

Deno.test("mape gives the bits of one in-order sum over all elements, |p| where t = 0", () => {
  manualSeed(9);
  const truth = randn([500, 3]).mul(tensor([[1, 0, 2]])), pred = randn([500, 3]);
  const t = truth.toTypedArray(), p = pred.toTypedArray();
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    total += t[i] === 0 ? Math.abs(p[i]) : Math.abs((t[i] - p[i]) / t[i]);
  }
  strictEqual(mape(truth, pred), total / t.length * 100);
});
