// NumPy's float64 `np.sin` / `np.cos` on x86-64 CPUs with AVX-512 (SKX):
// NumPy 1.22+ routes them to Intel's SVML (`__svml_sin8`, `__svml_cos8`, the
// "low accuracy" variants, up to 4 ulp), not to the C library. make_moons and
// make_circles take cos/sin of np.linspace values, so bit-exact data sets need
// SVML's arithmetic: the instruction sequence of the main path (|x| < 2^24),
// with the constants read from NumPy 1.24's `_multiarray_umath` binary. Each
// `fma` below is one `vfmadd…pd` of that sequence.

import { fma, productError } from "@glassbox/tensor/backend";

const INV_PI = 0.3183098861837907; // 0x3fd45f306dc9c883
const PI1 = 3.141592653589793; // 0x400921fb54442d18
const PI2 = 1.224646799147353e-16; // 0x3ca1a62633145c06
const PI3 = 2.165713347843828e-32; // 0x395c1cd129024e09
const TWO52 = 4503599627370496;

// __svml_sin8: odd polynomial in the reduced argument.
const SIN_SHIFTER = 6755399441055744; // 1.5 * 2^52
const SIN_C = [
  -7.373344533110665e-13,
  1.6048095404959637e-10,
  -2.505188027386288e-8,
  2.7557316600552628e-6,
  -0.00019841269825056256,
  0.008333333333285542,
  -0.16666666666666186,
];
// __svml_cos8: cos(x) = sin(x + pi/2), reduced with (N + 1/2) * pi.
const COS_C = [
  -7.37280909726507e-13,
  1.6048055576979365e-10,
  -2.505187912674299e-8,
  2.755731658449074e-6,
  -0.00019841269824944275,
  0.00833333333328519,
  -0.16666666666666183,
];
const COS_LARGE = 4503599635759102; // above this the long reduction would run
const COS_TINY = 7.450580596923828e-9; // 2^-27: cos(x) = 1

/** NumPy's `np.sin(x)` for float64 on AVX-512 machines (|x| < 2^24). */
export function npSin(x: number): number {
  const y = fma(x, INV_PI, SIN_SHIFTER);
  const n = y - SIN_SHIFTER;
  if (!(Math.abs(x) <= 16777216)) {
    throw new RangeError(`Cannot compute npSin: |x| must be at most 2^24, got ${x}`);
  }
  // The sign of N's parity; for x = ±0 SVML takes the sign of x instead.
  const negate = x === 0 ? Object.is(x, -0) : n % 2 !== 0;
  let r = fma(-n, PI1, x);
  r = fma(-n, PI2, r);
  const r2 = r * r;
  const rr = fma(-PI3, n, r);
  let poly = fma(SIN_C[0], r2, SIN_C[1]);
  const q = rr * r2;
  for (let i = 2; i < SIN_C.length; i++) poly = fma(r2, poly, SIN_C[i]);
  const res = fma(q, poly, rr);
  return negate ? -res : res;
}

/** NumPy's `np.cos(x)` for float64 on AVX-512 machines (|x| < about 2^24 pi). */
export function npCos(x: number): number {
  const ax = Math.abs(x);
  // vfmadd231pd {rz-sae}: 2^52 + |x| / pi rounded toward zero = 2^52 + floor(|x| / pi).
  const p = ax * INV_PI;
  let fl = Math.floor(p);
  if (p === fl && p !== 0 && productError(ax, INV_PI) < 0) fl -= 1;
  if (TWO52 + fl > COS_LARGE || !Number.isFinite(x)) {
    throw new RangeError(
      `Cannot compute npCos: |x| is too large for the short reduction, got ${x}`,
    );
  }
  const n = fl + 0.5;
  let r = fma(n, PI1, -ax);
  r = fma(PI2, n, r);
  const r2 = r * r;
  const t = fma(PI3, n, r);
  const s = fl % 2 !== 0 ? -t : t;
  let poly = fma(COS_C[0], r2, COS_C[1]);
  for (let i = 2; i < 5; i++) poly = fma(r2, poly, COS_C[i]);
  poly = fma(r2, poly, COS_C[5]);
  const q = s * r2;
  poly = fma(r2, poly, COS_C[6]);
  const res = fma(q, poly, s);
  return ax < COS_TINY ? 1 : res;
}
