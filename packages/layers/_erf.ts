// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, composed from Tensor
// operations so it runs on any device. W. J. Cody's rational Chebyshev
// approximations (Math. Comp. 23, 1969; the CALERF routine of SPECFUN):
//
//   |x| ≤ 0.46875:       erf(x)  = x · P₄(x²) / Q₄(x²)
//   0.46875 < |x| ≤ 4:   erfc(x) = e^(−x²) · P₈(x) / Q₈(x)
//   |x| > 4:             erfc(x) = e^(−x²)/x · (1/√π − x⁻² · P₅(x⁻²) / Q₅(x⁻²))
//
// with relative errors below 1e-17 in exact arithmetic. e^(−x²) is computed
// as e^(−s²)·e^(−(x−s)(x+s)) with s = x rounded to a multiple of 1/16, so s²
// is exact and the rounding error of x² is not amplified by the exponential.
// The pieces are selected with 0/1 masks; each piece is evaluated on its
// argument clamped into its own interval, so every piece is finite and
// mask · piece is exact.

import type { Tensor } from "@glassbox/tensor";

const A = [
  3.16112374387056560e00,
  1.13864154151050156e02,
  3.77485237685302021e02,
  3.20937758913846947e03,
  1.85777706184603153e-1,
];
const B = [
  2.36012909523441209e01,
  2.44024637934444173e02,
  1.28261652607737228e03,
  2.84423683343917062e03,
];
const C = [
  5.64188496988670089e-1,
  8.88314979438837594e00,
  6.61191906371416295e01,
  2.98635138197400131e02,
  8.81952221241769090e02,
  1.71204761263407058e03,
  2.05107837782607147e03,
  1.23033935479799725e03,
  2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e01,
  1.17693950891312499e02,
  5.37181101862009858e02,
  1.62138957456669019e03,
  3.29079923573345963e03,
  4.36261909014324716e03,
  3.43936767414372164e03,
  1.23033935480374942e03,
];
const P = [
  3.05326634961232344e-1,
  3.60344899949804439e-1,
  1.25781726111229246e-1,
  1.60837851487422766e-2,
  6.58749161529837803e-4,
  1.63153871373020978e-2,
];
const Q = [
  2.56852019228982242e00,
  1.87295284992346047e00,
  5.27905102951428412e-1,
  6.05183413124413191e-2,
  2.33520497626869185e-3,
];
/** 1/√π. */
const RSQRT_PI = 5.6418958354775628695e-1;
/** Where the first interval ends. */
const THRESH = 0.46875;
/** Beyond this erfc(x) underflows in float64 and erf(x) = 1 (Cody's XBIG). */
const XBIG = 26.543;
/** Adding and subtracting 1.5·2^(p−1) rounds a float of precision p to an integer. */
const ROUND = { float64: 6755399441055744, float32: 12582912 } as const;

/** Numerator and denominator of num(z)/den(z) by Cody's Horner scheme (den is monic). */
function rational(z: Tensor, num: number[], den: number[]): [Tensor, Tensor] {
  const n = num.length - 1, d = den.length;
  let xnum = z.mul(num[n]);
  let xden = z;
  for (let i = 0; i < d - 1; i++) {
    xnum = xnum.add(num[i]).mul(z);
    xden = xden.add(den[i]).mul(z);
  }
  return [xnum.add(num[n - 1]), xden.add(den[d - 1])];
}

/** e^(−y²) without amplifying the rounding error of y² (y ≥ 0.46875, ≤ XBIG). */
function expMinusSquare(y: Tensor): Tensor {
  const magic = ROUND[y.dtype];
  const s = y.mul(16).add(magic).sub(magic).div(16); // y rounded to a multiple of 1/16: s² is exact
  const del = y.sub(s).mul(y.add(s));
  return s.square().neg().exp().mul(del.neg().exp());
}

/**
 * erf(x) elementwise, to about one unit in the last place in float64.
 *
 * @param x Any tensor (float64 or float32).
 * @returns erf(x), same shape and dtype; NaN stays NaN, erf(±∞) = ±1.
 */
export function erf(x: Tensor): Tensor {
  const y = x.abs();
  // |x| ≤ 0.46875: erf = y · P(y²)/Q(y²).
  const y1 = y.minimum(THRESH);
  const [n1, d1] = rational(y1.square(), A, B);
  const small = y1.mul(n1).div(d1);
  // 0.46875 < |x| ≤ 4: erfc = e^(−y²) · P(y)/Q(y).
  const y2 = y.clamp(THRESH, 4);
  const [n2, d2] = rational(y2, C, D);
  const middle = n2.div(d2);
  // |x| > 4: erfc = e^(−y²)/y · (1/√π − z·P(z)/Q(z)), z = 1/y².
  const y3 = y.clamp(4, XBIG);
  const z = y3.square().reciprocal();
  const [n3, d3] = rational(z, P, Q);
  const tail = z.mul(n3).div(d3).neg().add(RSQRT_PI).div(y3);
  // Select the rational part, scale by e^(−y²), and erf = (1/2 − erfc) + 1/2.
  const isSmall = y.lessEqual(THRESH);
  const isTail = y.greater(4);
  const isMiddle = isSmall.add(isTail).neg().add(1);
  const ratio = middle.mul(isMiddle).add(tail.mul(isTail));
  const erfc = expMinusSquare(y.clamp(THRESH, XBIG)).mul(ratio);
  const large = erfc.neg().add(0.5).add(0.5);
  const magnitude = small.mul(isSmall).add(large.mul(isSmall.neg().add(1)));
  return magnitude.mul(x.sign());
}
