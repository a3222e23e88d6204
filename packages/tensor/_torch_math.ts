// Exact re-creations of the arithmetic PyTorch 1.13's CPU generator performs,
// so that glassbox's random numbers are PyTorch's, bit for bit. Private: the
// public face is `Generator` in generator.ts.
//
// What is re-created, and why each step is written the way it is:
// - PyTorch's distribution kernels are compiled with -mavx2 -mfma, and GCC
//   contracts `a * b + c` into a fused multiply-add wherever the product is
//   only used by additions. `x * (to - from) + from` in uniform_, and
//   `radius * cos(theta) * std + mean` in normal_, are therefore rounded
//   once, not twice; `fma64` and `fma32` (fma.ts) reproduce that exactly.
// - float32 tensors of 16 or more elements are filled by `normal_fill_AVX2`,
//   which computes log, sin and cos with the float32 Cephes polynomials of
//   avx_mathfun.h (Julien Pommier's `log256_ps` and `sincos256_ps`), again
//   with every multiply-add pair fused. `log256` and `sincos256` follow the
//   instruction sequence of the compiled library operation by operation.
// - float64 paths call the C library's log and sincos (GCC merges a sin and
//   a cos of the same angle into one sincos call). V8's Math.log, Math.sin
//   and Math.cos (fdlibm) disagree with glibc 2.36 in the last bit for about
//   0.1% of arguments, so these use bit-exact ports of glibc's FMA builds
//   instead: `glibcLog` (_glibc_log.ts) and `glibcSincos`
//   (_glibc_sincos.ts).

import { glibcSincos } from "./_glibc_sincos.ts";
import { fma as fma64, fmaf as fma32 } from "./fma.ts";
import { glibcLog } from "./_glibc_log.ts";

// ---- avx_mathfun.h in float32, one lane at a time -------------------------

const fround = Math.fround;
const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

const MIN_NORM_POS = 1.17549435e-38; // smallest normal float32
const SQRTHF = fround(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2,
  -1.1514610310e-1,
  1.1676998740e-1,
  -1.2420140846e-1,
  1.4249322787e-1,
  -1.6668057665e-1,
  2.0000714765e-1,
  -2.4999993993e-1,
  3.3333331174e-1,
].map(fround);
const LOG_Q1 = fround(-2.12194440e-4);
const LOG_Q2 = fround(0.693359375);

/**
 * One lane of avx_mathfun.h's `log256_ps` as compiled into PyTorch 1.13
 * (Cephes `logf`: x = m·2^e with m in [√½, √2), log(x) = e·ln2 + m−1 +
 * polynomial), with the fused multiply-adds GCC formed.
 *
 * @param v A float32 value.
 * @returns `log256_ps(v)` for that lane: float32 natural log, NaN for v ≤ 0.
 */
export function log256(v: number): number {
  const invalid = !(v > 0); // the library ORs an all-ones mask in: NaN
  F32[0] = Math.max(v, MIN_NORM_POS);
  const bits = F32_BITS[0];
  let e = fround(((bits >>> 23) - 0x7f) + 1);
  F32_BITS[0] = (bits & ~0x7f800000) | 0x3f000000; // mantissa in [0.5, 1)
  let x = F32[0];
  const small = x < SQRTHF;
  const tmp = small ? x : 0;
  x = fround(x - 1);
  if (small) e = fround(e - 1);
  x = fround(x + tmp);
  const z = fround(x * x);
  let y = LOG_P[0];
  for (let k = 1; k < LOG_P.length; k++) y = fma32(y, x, LOG_P[k]);
  y = fround(y * x);
  y = fma32(y, z, fround(e * LOG_Q1));
  y = fma32(-z, 0.5, y);
  const r = fma32(e, LOG_Q2, fround(x + y));
  return invalid ? NaN : r;
}

const FOPI = fround(1.27323954473516); // 4/π
const MINUS_DP1 = fround(-0.78515625);
const MINUS_DP2 = fround(-2.4187564849853515625e-4);
const MINUS_DP3 = fround(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(fround);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(fround);

/** Output of `sincos256`: [sin, cos]. Reused to avoid an allocation per call. */
export const SINCOS: Float64Array = new Float64Array(2);

/**
 * One lane of avx_mathfun.h's `sincos256_ps` as compiled into PyTorch 1.13
 * (Cephes `sinf`/`cosf`: reduction by multiples of π/4 in three float32
 * pieces, then one of two polynomials on [0, π/4]), with the fused
 * multiply-adds GCC formed. Meant for |v| < 2^24 (the sampler uses [0, 2π)).
 *
 * @param v A float32 angle in radians.
 * @returns Nothing; writes sin(v) to `SINCOS[0]` and cos(v) to `SINCOS[1]`.
 */
export function sincos256(v: number): void {
  let x = Math.abs(v);
  let j = Math.trunc(fround(x * FOPI)); // vcvttps2dq
  j = (j + 1) & ~1;
  const y = j;
  const swapSin = (j & 4) !== 0;
  const sinPoly = (j & 2) === 0; // sin comes from the sine polynomial
  const negCos = ((j - 2) & 4) === 0;
  const negSin = (v < 0 || Object.is(v, -0)) !== swapSin;
  x = fma32(y, MINUS_DP1, x);
  x = fma32(y, MINUS_DP2, x);
  x = fma32(y, MINUS_DP3, x);
  const z = fround(x * x);
  let c = fma32(COS_P[0], z, COS_P[1]);
  c = fma32(c, z, COS_P[2]);
  c = fma32(fround(z * c), z, -fround(z * 0.5));
  c = fround(c + 1);
  let s = fma32(SIN_P[0], z, SIN_P[1]);
  s = fma32(s, z, SIN_P[2]);
  s = fma32(fround(z * s), x, x);
  const sinv = sinPoly ? s : c;
  const cosv = sinPoly ? c : s;
  SINCOS[0] = negSin ? -sinv : sinv;
  SINCOS[1] = negCos ? -cosv : cosv;
}

const TWO_PI_F32 = fround(2 * Math.PI);

/**
 * PyTorch's `normal_fill_16_AVX2`: turns 16 float32 uniforms in [0, 1) into 16
 * normal samples by the Box–Muller transform, in place. Element j pairs with
 * element j+8: u1 = 1 − data[j], u2 = data[j+8], r = √(−2·log u1),
 * θ = 2π·u2, data[j] = r·cos θ·std + mean, data[j+8] = r·sin θ·std + mean.
 *
 * @param data The buffer holding the uniforms.
 * @param offset Index of the first of the 16 elements.
 * @param mean The mean, already a float32.
 * @param std The standard deviation, already a float32.
 * @returns Nothing; `data[offset .. offset+16)` is overwritten.
 */
export function normalFill16Avx2(
  data: Float32Array,
  offset: number,
  mean: number,
  std: number,
): void {
  for (let j = offset; j < offset + 8; j++) {
    const u1 = fround(1 - data[j]);
    const radius = fround(Math.sqrt(fround(log256(u1) * -2)));
    sincos256(fround(TWO_PI_F32 * data[j + 8]));
    data[j] = fma32(fround(radius * SINCOS[1]), std, mean);
    data[j + 8] = fma32(fround(radius * SINCOS[0]), std, mean);
  }
}

/** Output of `glibcSincos` in `normalFill16Double`: [sin, cos]. */
const SINCOS64 = new Float64Array(2);

/**
 * PyTorch's scalar `normal_fill_16<double>`: the same Box–Muller pairing as
 * `normalFill16Avx2`, in float64 with glibc's log and sincos and a fused
 * final `· std + mean`.
 *
 * @param data The buffer holding the uniforms.
 * @param offset Index of the first of the 16 elements.
 * @param mean The mean.
 * @param std The standard deviation.
 * @returns Nothing; `data[offset .. offset+16)` is overwritten.
 */
export function normalFill16Double(
  data: Float64Array,
  offset: number,
  mean: number,
  std: number,
): void {
  for (let j = offset; j < offset + 8; j++) {
    const radius = Math.sqrt(-2 * glibcLog(1 - data[j]));
    glibcSincos(2 * Math.PI * data[j + 8], SINCOS64);
    data[j] = fma64(radius * SINCOS64[1], std, mean);
    data[j + 8] = fma64(radius * SINCOS64[0], std, mean);
  }
}
