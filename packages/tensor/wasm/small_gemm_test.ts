// The small-product kernel against wasm/gemm.ts's packed one, bit for bit, in both builds
// (relaxed-SIMD FMA and portable): random shapes through the small range, odd m / n / k,
// k = 1, n = 1, every transpose layout, a bias or none, NaN and ±Infinity in the operands,
// float64 and float32, and batch offsets into larger arrays.

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { MatmulInfo } from "../backend.ts";
import type { GemmBatch } from "../cpu/matmul.ts";
import type { DType, TypedArray } from "../dtype.ts";
import { loadWasmGemm, wasmGemm } from "./gemm.ts";
import { slicedWasmGemm, SMALL_GEMM_MAX_WORK, smallWasmGemm, wasmGemmAny } from "./small_gemm.ts";
import { bytesAnyNaN as bytes } from "../_test_util.ts";

/** A deterministic generator of uniform numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `length` values in about [−2, 2), with NaN / ±Infinity sprinkled in when `special`. */
function values(dtype: DType, length: number, next: () => number, special: boolean): TypedArray {
  const out = dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const u = next();
    out[i] = special && u < 0.03
      ? [NaN, Infinity, -Infinity][Math.floor(u * 100) % 3]
      : (next() - 0.5) * 4 * (u < 0.1 ? 1e-3 : 1);
  }
  return out;
}

/**
 * The small kernel (or `kernel`, another unpacked one) and the packed one on one product; the
 * two outputs (each NaN compared by its bits too) and whether the first took the product.
 */
function both(
  [m, n, k]: readonly [number, number, number],
  { dtype, ta, tb, bias, special, seed, offset = 0, kernel = smallWasmGemm }: {
    dtype: DType;
    ta: boolean;
    tb: boolean;
    bias: boolean;
    special: boolean;
    seed: number;
    offset?: number;
    kernel?: GemmBatch;
  },
): { small: TypedArray; packed: TypedArray; took: boolean } {
  const next = lcg(seed);
  const a = values(dtype, offset + m * k, next, special);
  const b = values(dtype, offset + k * n, next, special);
  const info: MatmulInfo = {
    dtype,
    m,
    n,
    k,
    transposeA: ta,
    transposeB: tb,
    aOffsets: [offset],
    bOffsets: [offset],
    bias: bias ? values(dtype, n, next, special) : undefined,
  };
  const small = dtype === "float64" ? new Float64Array(m * n + 2) : new Float32Array(m * n + 2);
  const packed = small.slice();
  const took = kernel(a, offset, b, offset, small, 1, info);
  ok(wasmGemm(a, offset, b, offset, packed, 1, info), "the packed kernel declined");
  return { small, packed, took };
}

// Results are compared byte for byte with any NaN as one (`bytes`, from _test_util.ts): where
// a bias and a sum are both NaN, which one's sign and payload the addition keeps is the
// hardware's choice, and the packed kernel's JavaScript bias loop was seen to keep either
// one, depending on V8's tier.

/** [m, n, k]: the classification step's 11 products, then edges, odd and larger sizes. */
const FIXED: [number, number, number][] = [
  [33, 32, 5],
  [33, 32, 32],
  [33, 3, 32],
  [3, 32, 33],
  [32, 32, 33],
  [32, 5, 33],
  [33, 32, 3],
  [1, 1, 1],
  [1, 7, 1],
  [7, 1, 9],
  [5, 3, 1],
  [4, 8, 2],
  [3, 9, 17],
  [64, 64, 64],
  [2, 2, 256],
  [9, 11, 13],
  [1000, 32, 32],
  [1000, 3, 32],
  [128, 128, 96],
  [7, 300, 256],
  [200, 3, 256],
];

function shapes(seed: number): [number, number, number][] {
  const next = lcg(seed);
  const out = FIXED.slice();
  while (out.length < FIXED.length + 40) {
    const m = 1 + Math.floor(next() * 70), n = 1 + Math.floor(next() * 70);
    const k = 1 + Math.floor(next() * 70);
    if (m * n * k <= SMALL_GEMM_MAX_WORK) out.push([m, n, k]);
  }
  return out;
}

for (const build of ["relaxed", "portable"] as const) {
  for (const dtype of ["float64", "float32"] as const) {
    Deno.test(`small wasm GEMM (${build}, ${dtype}) matches the packed wasm GEMM bit for bit`, () => {
      if (!loadWasmGemm(build)) {
        console.warn(`%cskipped: this runtime rejects the ${build} build`, "color: yellow");
        return;
      }
      let checked = 0, sawNaN = false, sawInfinity = false;
      for (const [ta, tb] of [[false, true], [true, false], [false, false], [true, true]]) {
        for (const [s, shape] of shapes(ta ? 7 : 11).entries()) {
          for (const bias of [false, true]) {
            const special = s % 3 === 0;
            const options = {
              dtype,
              ta,
              tb,
              bias,
              special,
              seed: s * 4 + (bias ? 1 : 0),
              offset: s % 5,
            };
            const { small, packed, took } = both(shape, options);
            ok(took, `the small kernel declined ${shape} (${ta}, ${tb})`);
            deepStrictEqual(
              bytes(small),
              bytes(packed),
              `[m, n, k] = ${shape}, transposeA ${ta}, transposeB ${tb}, bias ${bias}, NaN/Inf ${special}`,
            );
            checked++;
            sawNaN ||= small.some((v) => Number.isNaN(v));
            sawInfinity ||= small.some((v) => Math.abs(v) === Infinity);
          }
        }
      }
      strictEqual(checked, 4 * (FIXED.length + 40) * 2);
      ok(sawNaN && sawInfinity, "NaN and infinities reached C in some products");
    });
  }
}

Deno.test("small wasm GEMM declines products outside its range, and wasmGemmAny runs them", () => {
  ok(loadWasmGemm("relaxed") || loadWasmGemm("portable"));
  // Too much work, k past one slice, and operands past the module's memory cap.
  const outside: [number, number, number][] = [[200, 200, 64], [1, 1, 257], [2, 300, 300], [
    600_000,
    1,
    1,
  ]];
  for (const shape of outside) {
    const { took, packed } = both(shape, {
      dtype: "float64",
      ta: false,
      tb: false,
      bias: false,
      special: false,
      seed: 1,
    });
    strictEqual(took, false, `took ${shape}`);
    const [m, n, k] = shape;
    const next = lcg(1);
    const a = values("float64", m * k, next, false), b = values("float64", k * n, next, false);
    const out = new Float64Array(m * n + 2);
    const info: MatmulInfo = {
      dtype: "float64",
      m,
      n,
      k,
      transposeA: false,
      transposeB: false,
      aOffsets: [0],
      bOffsets: [0],
    };
    ok(wasmGemmAny(a, 0, b, 0, out, 1, info));
    deepStrictEqual(bytes(out), bytes(packed));
  }
});

Deno.test("small wasm GEMM with relu gives the product's bits, then the CPU relu's values", () => {
  const relu = (v: number) => (v > 0 ? v : v === v ? 0 : v);
  for (const [m, n, k] of [[33, 32, 32], [33, 3, 32], [1, 1, 1], [5, 7, 3], [1000, 32, 32]]) {
    for (const special of [false, true]) {
      const next = lcg(m * 31 + n * 7 + k);
      const a = values("float64", m * k, next, special);
      const w = values("float64", n * k, next, special);
      const bias = values("float64", n, next, special);
      const info: MatmulInfo = {
        dtype: "float64",
        m,
        n,
        k,
        transposeA: false,
        transposeB: true,
        aOffsets: [0],
        bOffsets: [0],
        bias,
      };
      // One past the end stays untouched (an odd m·n must not write past C).
      const fused = new Float64Array(m * n + 1).fill(7);
      const plain = new Float64Array(m * n + 1).fill(7);
      ok(smallWasmGemm(a, 0, w, 0, fused, 0, info, true), `[${m}, ${n}, ${k}] declined`);
      ok(smallWasmGemm(a, 0, w, 0, plain, 0, info));
      const expected = plain.map((v, i) => (i < m * n ? relu(v) : v));
      deepStrictEqual(bytes(fused), bytes(expected), `[${m}, ${n}, ${k}], special ${special}`);
      strictEqual(fused[m * n], 7);
      // −0 becomes +0, as the CPU relu gives it.
      ok(Array.from(fused.subarray(0, m * n)).every((v) => !Object.is(v, -0)));
    }
  }
  // float32 has no relu epilogue: declined, nothing written.
  const out = new Float32Array(4).fill(7);
  const info32: MatmulInfo = {
    dtype: "float32",
    m: 2,
    n: 2,
    k: 2,
    transposeA: false,
    transposeB: true,
    aOffsets: [0],
    bOffsets: [0],
  };
  strictEqual(
    smallWasmGemm(new Float32Array(4), 0, new Float32Array(4), 0, out, 0, info32, true),
    false,
  );
  deepStrictEqual(Array.from(out), [7, 7, 7, 7]);
});

for (const build of ["relaxed", "portable"] as const) {
  for (const dtype of ["float64", "float32"] as const) {
    Deno.test(`sliced small GEMM (${build}, ${dtype}): δᵀ·x deeper than 256 has the packed kernel's bits`, () => {
      if (!loadWasmGemm(build)) {
        console.warn(`%cskipped: this runtime rejects the ${build} build`, "color: yellow");
        return;
      }
      // [m, n, k]: notebook 3.1's ∂L/∂W products on 333 rows, then two, three and more slices.
      const shapes: [number, number, number][] = [
        [32, 6, 333],
        [32, 32, 333],
        [3, 32, 333],
        [7, 5, 257],
        [4, 4, 600],
        [1, 1, 513],
        [9, 13, 1000],
      ];
      for (const [s, [m, n, k]] of shapes.entries()) {
        for (const special of [false, true]) {
          const { small: sliced, packed, took } = both([m, n, k], {
            dtype,
            ta: true,
            tb: false,
            bias: false,
            special,
            seed: s * 2 + (special ? 1 : 0) + 100,
            offset: s % 3,
            kernel: slicedWasmGemm,
          });
          ok(took, `declined ${[m, n, k]}`);
          deepStrictEqual(
            bytes(sliced),
            bytes(packed),
            `[m, n, k] = ${[m, n, k]}, NaN/Inf ${special}`,
          );
        }
      }
      // Other layouts, a bias, one slice or too much work: declined (the packed kernel runs).
      const a = new Float64Array(2000 * 300), b = new Float64Array(2000 * 300);
      const base: MatmulInfo = {
        dtype: "float64",
        m: 8,
        n: 8,
        k: 300,
        transposeA: true,
        transposeB: false,
        aOffsets: [0],
        bOffsets: [0],
      };
      const out = new Float64Array(300 * 300);
      for (
        const info of [
          { ...base, transposeA: false },
          { ...base, transposeB: true },
          { ...base, bias: new Float64Array(8) },
          { ...base, k: 256 },
          { ...base, m: 300, n: 300 },
        ]
      ) {
        strictEqual(slicedWasmGemm(a, 0, b, 0, out, 0, info), false, JSON.stringify(info));
      }
    });
  }
}
