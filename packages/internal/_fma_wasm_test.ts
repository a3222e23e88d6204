import { ok, strictEqual } from "node:assert/strict";
import { type FmaKernelExports, fmaKernels, kernelsFuse, layout } from "./_fma_wasm.ts";
import { openblasGemm } from "./_openblas_gemm.ts";
import { openblasDot, openblasGemvT } from "./_openblas_level2.ts";

function lcg(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s / 2 ** 30 - 1) * (1 + i / 7);
  }
  return out;
}

/** Index of the first entry whose bits differ, or -1. */
function firstDifference(x: Float64Array, y: Float64Array): number {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

const kernels = fmaKernels();

Deno.test({
  name: "openblasGemm()'s WebAssembly kernels give the software-fma loops' bits on every path",
  ignore: kernels === null, // a runtime without relaxed SIMD or FMA hardware keeps the loops
  fn() {
    const cases: [number, number, number, number][] = [
      [31, 31, 31, 1], // small kernel, plain chains (the BFGS update of 31 parameters)
      [20, 17, 19, 1], // small kernel, the 8-lane path (M mod 8 = 3, K >= 16), n mod 4 = 0
      [13, 24, 12, 1], // the 8-lane path, M mod 8 = 4
      [23, 40, 17, 1], // the 8-lane path, reduce-add rows (n mod 4 = 3)
      [5, 3, 2, 1], // a last block of 2 columns
      [7, 5, 12, 1], // … of 4 (K < 16: no 8-lane path)
      [9, 20, 14, 1], // … of 6
      [101, 101, 101, 1], // packed, one thread
      [101, 101, 101, 4], // packed, threaded: wide calls with 4-, 2- and 1-row remainders
      [70, 800, 45, 2], // K cut into blocks
      [150, 30, 243, 3],
    ];
    for (const [n, k, t, threads] of cases) {
      const a = lcg(n * k, n + k);
      const b = lcg(k * t, t + 7);
      const want = openblasGemm(a, b, n, k, t, threads, null);
      const got = openblasGemm(a, b, n, k, t, threads, kernels);
      strictEqual(firstDifference(got, want), -1, `${n}x${k} @ ${k}x${t}, ${threads} threads`);
    }
  },
});

Deno.test({
  name: "fmaKernels()'s load check accepts the fusing module and rejects a twice-rounding one",
  ignore: kernels === null,
  fn() {
    ok(kernelsFuse(kernels!));
    const unfused: FmaKernelExports = { ...kernels!, fma: (x, y, z) => x * y + z };
    strictEqual(kernelsFuse(unfused), false);
    const wrongChains: FmaKernelExports = {
      ...kernels!,
      chains: (a, b, c, k, t, j0, j1, i0, i1, k0, k1, add) =>
        kernels!.chains(a, b, c, k, t, j0, j1, i0, i1 - 1, k0, k1, add),
    };
    strictEqual(kernelsFuse(wrongChains), false);
    const unfusedDot: FmaKernelExports = {
      ...kernels!,
      ddot: (x, y, n) => {
        const f = new Float64Array(kernels!.memory.buffer);
        let s = 0;
        for (let i = 0; i < n; i++) s += f[x / 8 + i] * f[y / 8 + i];
        return s;
      },
    };
    strictEqual(kernelsFuse(unfusedDot), false);
  },
});

Deno.test({
  name: "openblasGemvT() and openblasDot()'s WebAssembly kernels give the software-fma bits",
  ignore: kernels === null,
  fn() {
    for (
      const [rows, m, threads] of [[31, 31, 1], [7, 9, 1], [6, 2050, 1], [130, 90, 4], [3, 4, 1]]
    ) {
      const a = lcg(rows * m, rows + m);
      const x = lcg(m, m);
      const want = openblasGemvT(a, rows, m, x, threads, null);
      const got = openblasGemvT(a, rows, m, x, threads, kernels);
      strictEqual(firstDifference(got, want), -1, `${rows}x${m} @ ${m}, ${threads} threads`);
    }
    for (const n of [1, 15, 16, 31, 32, 47, 48, 100, 1000]) {
      const x = lcg(n, n);
      const y = lcg(n + 3, 2 * n);
      ok(Object.is(openblasDot(x, y, n, kernels), openblasDot(x, y, n, null)), `ddot of ${n}`);
    }
  },
});

Deno.test({
  name: "the kernels' layout places a, b and c after the scratch area and declines more than 1 GiB",
  ignore: kernels === null,
  fn() {
    const at = layout(kernels!, 6, 4, 3)!;
    strictEqual(at.b - at.a, 6 * 8);
    strictEqual(at.c - at.b, 4 * 8);
    ok(at.a >= at.scratch + 64);
    strictEqual(layout(kernels!, 2 ** 27, 1, 1), null); // the loops in TypeScript take over
  },
});
