// The WebAssembly SIMD matmul against the TypeScript path (the reference), for every build
// (relaxed-SIMD FMA and portable, each on a shared memory and on its own), every transpose
// variant, odd and skinny shapes, batches and both dtypes. Parity with PyTorch is the
// goldens' job (tests/); threads against one thread are parallel_matmul_test.ts's.

import { strictEqual } from "node:assert/strict";
import { assertClose, type DType, type Tensor, tensor } from "../mod.ts";
import { loadWasmGemm, wasmGemmKind } from "./gemm.ts";
import { setWasmMode, type WasmMode, wasmMode } from "../cpu/kernel_choice.ts";
import { lcgTensor as values } from "../_test_util.ts";

/** The largest element of a tensor. */
function largest(x: Tensor): number {
  return (x.toTypedArray() as Float64Array).reduce((a, b) => Math.max(a, b), 0);
}

/** Runs `fn` with matmul in `mode`, restoring the previous mode afterwards. */
function withMode<T>(mode: WasmMode, fn: () => T): T {
  const previous = wasmMode();
  setWasmMode(mode);
  try {
    return fn();
  } finally {
    setWasmMode(previous);
  }
}

// [m, n, k]: odd sizes around the 4 × 4 / 4 × 8 tiles, row and column vectors, k = 1,
// k across the 256-deep slices and m across the 128-row blocks.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 5],
  [5, 1, 9],
  [3, 5, 7],
  [4, 8, 1],
  [17, 13, 1],
  [1, 300, 257],
  [300, 1, 129],
  [33, 65, 31],
  [129, 9, 513],
  [130, 131, 256],
  [64, 64, 64],
];
const VARIANTS = [[false, false], [true, false], [false, true], [true, true]] as const;
/** Every build: relaxed-SIMD FMA or portable, on a shared memory (threads) or its own. */
const BUILDS = [
  ["relaxed", true],
  ["portable", true],
  ["relaxed", false],
  ["portable", false],
] as const;

/** op(A) · op(B) through both paths for one shape, batch prefix and transpose variant. */
function bothPaths(
  [m, n, k]: [number, number, number],
  { dtype, ta, tb, batchA = [], batchB = [] }: {
    dtype: DType;
    ta: boolean;
    tb: boolean;
    batchA?: number[];
    batchB?: number[];
  },
): { wasm: Tensor; ts: Tensor; bound: Tensor } {
  const a = values([...batchA, ...(ta ? [k, m] : [m, k])], m * 31 + k, dtype);
  const b = values([...batchB, ...(tb ? [n, k] : [k, n])], n * 17 + k + 1, dtype);
  const options = { transposeA: ta, transposeB: tb };
  const wasm = withMode("always", () => a.matmul(b, options));
  const ts = withMode("off", () => a.matmul(b, options));
  // Σ_p |a_ip|·|b_pj| in float64: the scale of each element's rounding error.
  const bound = withMode("off", () => a.to("float64").abs().matmul(b.to("float64").abs(), options));
  return { wasm, ts, bound };
}

for (const [build, shared] of BUILDS) {
  const name = `${build}${shared ? ", shared memory" : ""}`;
  Deno.test(`wasm matmul (${name}) matches the TypeScript path within rtol 1e-12 in float64`, async (t) => {
    if (!loadWasmGemm(build, { shared })) {
      console.warn(
        `%cskipped: this runtime rejects the ${name} WebAssembly build`,
        "color: yellow",
      );
      return;
    }
    try {
      for (const shape of SHAPES) {
        for (const [ta, tb] of VARIANTS) {
          await t.step(`${shape.join("×")} ta=${ta} tb=${tb}`, () => {
            const { wasm, ts, bound } = bothPaths(shape, { dtype: "float64", ta, tb });
            strictEqual(wasm.dtype, "float64");
            const scale = largest(bound);
            assertClose(wasm, ts, { rtol: 1e-12, atol: 1e-12 * scale });
          });
        }
      }
    } finally {
      loadWasmGemm("relaxed") || loadWasmGemm("portable");
    }
  });

  Deno.test(`wasm matmul (${name}) stays within float32's error bound of the TypeScript path`, async (t) => {
    if (!loadWasmGemm(build, { shared })) {
      console.warn(
        `%cskipped: this runtime rejects the ${name} WebAssembly build`,
        "color: yellow",
      );
      return;
    }
    try {
      for (const shape of SHAPES) {
        for (const [ta, tb] of VARIANTS) {
          await t.step(`${shape.join("×")} ta=${ta} tb=${tb}`, () => {
            const { wasm, ts, bound } = bothPaths(shape, { dtype: "float32", ta, tb });
            strictEqual(wasm.dtype, "float32");
            // float32 accumulation over k terms: |error| ≤ γ_k·Σ|a||b| with γ_k ≈ k·2⁻²⁴, plus
            // the reference's own rounding to float32 (float64 accumulation, one rounding
            // per 256-deep slice).
            const w = wasm.toTypedArray(), r = ts.toTypedArray(), s = bound.toTypedArray();
            const k = shape[2], u = 2 ** -24;
            for (let i = 0; i < w.length; i++) {
              const allowed = (k + Math.ceil(k / 256) + 1) * u * s[i] + 1e-30;
              if (!(Math.abs(w[i] - r[i]) <= allowed)) {
                throw new Error(
                  `element ${i}: wasm ${w[i]} vs TypeScript ${r[i]}, |diff| ${
                    Math.abs(w[i] - r[i])
                  } > ${allowed}`,
                );
              }
            }
          });
        }
      }
    } finally {
      loadWasmGemm("relaxed") || loadWasmGemm("portable");
    }
  });
}

Deno.test("wasm matmul handles batches, broadcast batches and both dtypes", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const [ta, tb] of VARIANTS) {
      for (const [batchA, batchB] of [[[3], [3]], [[2, 3], []], [[], [4]], [[2, 1], [1, 3]]]) {
        const { wasm, ts, bound } = bothPaths([19, 21, 37], { dtype, ta, tb, batchA, batchB });
        strictEqual(wasm.shape.join(), ts.shape.join());
        const scale = largest(bound);
        const tol = dtype === "float64" ? 1e-12 : 40 * 2 ** -24;
        assertClose(wasm, ts, { rtol: tol, atol: tol * scale });
      }
    }
  }
});

Deno.test("wasm matmul grows its memory for a large product and still serves small ones", () => {
  for (const shape of [[3, 4, 5], [700, 650, 600], [6, 5, 4]] as [number, number, number][]) {
    const { wasm, ts, bound } = bothPaths(shape, { dtype: "float64", ta: false, tb: true });
    const scale = largest(bound);
    assertClose(wasm, ts, { rtol: 1e-12, atol: 1e-12 * scale });
  }
});

Deno.test("wasm matmul propagates NaN and infinities as the TypeScript path does", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const a = tensor([[1, Infinity, 0, 2, 1], [NaN, 1, 1, 1, 1], [1, 1, 1, 1, 1]], { dtype });
    const b = values([5, 6], 9, dtype);
    const wasm = withMode("always", () => a.matmul(b));
    const ts = withMode("off", () => a.matmul(b));
    assertClose(wasm, ts, { rtol: 1e-6, atol: 1e-6, equalNan: true });
  }
});

Deno.test("wasm matmul returns zeros when k = 0 and empty results when m or n = 0", () => {
  const zeros = withMode(
    "always",
    () => values([3, 0], 1, "float64").matmul(values([0, 2], 2, "float64")),
  );
  assertClose(zeros, [[0, 0], [0, 0], [0, 0]], { rtol: 0, atol: 0 });
  const empty = withMode(
    "always",
    () => values([0, 4], 1, "float32").matmul(values([4, 5], 2, "float32")),
  );
  strictEqual(empty.shape.join(), "0,5");
});

Deno.test("setWasmMode() switches the path and GLASSBOX_WASM sets the initial mode", () => {
  strictEqual(wasmGemmKind() === "relaxed" || wasmGemmKind() === "portable", true);
  const env = Deno.permissions.querySync({ name: "env", variable: "GLASSBOX_WASM" }).state ===
      "granted"
    ? Deno.env.get("GLASSBOX_WASM")
    : undefined;
  const expected = env === "off" || env === "always" ? env : "auto";
  strictEqual(wasmMode(), expected);
  withMode("off", () => strictEqual(wasmMode(), "off"));
  strictEqual(wasmMode(), expected);
});

/** [m, n, k, batch]: skinny (narrow C rows), tile-sized, above the small-product size, batched. */
const SKINNY_AND_BATCHED: [number, number, number, number[]][] = [
  [9, 3, 5, []],
  [16, 8, 32, []],
  [40, 33, 70, []],
  [5, 6, 7, [3]],
];

Deno.test("matmul with a bias gives matmul().add(bias) bit for bit on both CPU paths, and checks the bias", () => {
  const sameBits = (x: Tensor, y: Tensor, what: string) => {
    const a = x.toTypedArray(), b = y.toTypedArray();
    strictEqual(x.shape.join(), y.shape.join(), `${what}: shape`);
    strictEqual(a.every((v, i) => Object.is(v, b[i])), true, `${what}: values`);
  };
  for (const mode of ["off", "always"] as const) {
    for (const dtype of ["float64", "float32"] as const) {
      for (const [m, n, k, batch] of SKINNY_AND_BATCHED) {
        const a = values([...batch, m, k], 1, dtype), w = values([n, k], 2, dtype);
        const bias = values([n], 3, dtype).mul(100);
        withMode(mode, () => {
          const fused = a.matmul(w, { transposeB: true, bias });
          const separate = a.matmul(w, { transposeB: true }).add(bias);
          sameBits(fused, separate, `${mode} ${dtype} ${[...batch, m, n, k].join("×")}`);
        });
      }
    }
  }
  const a = values([4, 3], 1, "float64"), b = values([3, 5], 2, "float64");
  const check = (bias: unknown, pattern: RegExp) => {
    try {
      a.matmul(b, { bias: bias as Tensor });
    } catch (error) {
      strictEqual(pattern.test((error as Error).message), true, (error as Error).message);
      return;
    }
    throw new Error(`no error for ${pattern}`);
  };
  check(values([4], 1, "float64"), /bias has shape \[4\], expected \[5\] \(one value per column/);
  check(values([1, 5], 1, "float64"), /bias has shape \[1, 5\], expected \[5\]/);
  check(values([5], 1, "float32"), /Cannot matmul with a bias: dtypes float64 and float32 differ/);
  check([1, 2, 3, 4, 5], /bias must be a Tensor, got \[1, 2, 3, 4, 5\]/);
});

Deno.test("float64 wasm matmul reading A in place (narrow C) gives the packed path's bits", () => {
  // A row-major with k ≥ 16 and n ≤ 64 is read in place; the same product from Aᵀ stored
  // row-major (transposeA) packs A first. Same multiply-adds in the same order: same bits,
  // on every build, for partial row and column tiles and k across two 256-deep slices.
  for (const [build, shared] of BUILDS) {
    if (!loadWasmGemm(build, { shared })) continue;
    try {
      for (
        const [m, n, k] of [[33, 32, 32], [9100, 3, 32], [7, 64, 16], [130, 5, 300], [2, 1, 17]]
      ) {
        const a = values([m, k], m + k, "float64");
        const av = a.toTypedArray(), atv = new Float64Array(m * k);
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) atv[p * m + i] = av[i * k + p];
        const at = tensor(atv, { shape: [k, m] });
        const b = values([n, k], n * 3 + k, "float64");
        const inPlace = withMode("always", () => a.matmul(b, { transposeB: true }));
        const packed = withMode(
          "always",
          () => at.matmul(b, { transposeA: true, transposeB: true }),
        );
        const x = inPlace.toTypedArray(), y = packed.toTypedArray();
        for (let i = 0; i < x.length; i++) {
          if (!Object.is(x[i], y[i])) {
            throw new Error(
              `${build} ${m}×${n}×${k}: element ${i} is ${x[i]} in place, ${y[i]} packed`,
            );
          }
        }
      }
    } finally {
      loadWasmGemm("relaxed") || loadWasmGemm("portable");
    }
  }
});
