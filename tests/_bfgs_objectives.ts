// The objectives of tests/golden/bfgs.json, written as tasks/golden/bfgs.py
// writes them: the same IEEE operations in the same order, so that both
// sides compute the same bits and any difference is the optimizer's.

/** An objective: value and gradient. */
export type Objective = (x: Float64Array) => { value: number; grad: Float64Array };

/** Rosenbrock's function, summed left to right. */
export function rosen(x: Float64Array): { value: number; grad: Float64Array } {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const t = x[i + 1] - x[i] * x[i];
    const u = 1.0 - x[i];
    value += 100.0 * t * t + u * u;
    grad[i] += -400.0 * x[i] * t - 2.0 * u;
    grad[i + 1] += 200.0 * t;
  }
  return { value, grad };
}

const QUAD_A = [
  [4.0, 1.0, 0.5, 0.0],
  [1.0, 3.0, 0.25, 0.125],
  [0.5, 0.25, 2.0, 0.75],
  [0.0, 0.125, 0.75, 1.5],
];
const QUAD_B = [1.0, -2.0, 0.5, 3.0];

/** ½xᵀAx − bᵀx for the generator's 4×4 SPD matrix. */
export function quadratic(x: Float64Array): { value: number; grad: Float64Array } {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ax = 0;
    for (let j = 0; j < n; j++) ax += QUAD_A[i][j] * x[j];
    value += 0.5 * x[i] * ax - QUAD_B[i] * x[i];
    grad[i] = ax - QUAD_B[i];
  }
  return { value, grad };
}

/** Σ xᵢ², NaN where x₀ < 0. */
export function nanStart(x: Float64Array): { value: number; grad: Float64Array } {
  if (x[0] < 0) return { value: NaN, grad: new Float64Array(x.length).fill(NaN) };
  let value = 0;
  for (const v of x) value += v * v;
  return { value, grad: x.map((v) => 2 * v) };
}

/** x₀² − 100·x₀, +∞ (value and gradient) from x₀ = at on. */
export function wall(x: Float64Array, at: number): { value: number; grad: Float64Array } {
  const v = x[0];
  if (v < at) return { value: v * v - 100.0 * v, grad: new Float64Array([2.0 * v - 100.0]) };
  return { value: Infinity, grad: new Float64Array([Infinity]) };
}

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e00;
/** 1/13!, …, 1/1!, 1/0!. */
const EXP_COEFFS = Array.from({ length: 14 }, (_, i) => {
  let f = 1;
  for (let m = 2; m <= 13 - i; m++) f *= m;
  return 1 / f;
});
const POW2 = new Float64Array(1);
const POW2_BITS = new BigUint64Array(POW2.buffer);

/** The generator's `exp_ieee`: Cody–Waite reduction and a degree-13 Taylor polynomial. */
export function expIeee(v: number): number {
  if (v !== v) return v;
  if (v > 700) return Infinity;
  if (v < -700) return 0;
  const k = Math.floor(v * INV_LN2 + 0.5);
  const r = (v - k * LN2_HI) - k * LN2_LO;
  let p = 0;
  for (const c of EXP_COEFFS) p = p * r + c;
  POW2_BITS[0] = BigInt(k + 1023) << 52n; // 2^k, exactly (|k| ≤ 1010: normal)
  return p * POW2[0];
}

/** MSE of MLP([1, hidden, 1], sigmoid) and its gradient, in `named_parameters` order. */
export function mlpLossGrad(
  flat: Float64Array,
  hidden: number,
  xs: readonly number[],
  ys: readonly number[],
): { value: number; grad: Float64Array } {
  const n = xs.length;
  const grad = new Float64Array(3 * hidden + 1);
  const gw0 = 0, gb0 = hidden, gw1 = 2 * hidden, gb1 = 3 * hidden;
  const b1 = flat[3 * hidden];
  let loss = 0;
  const h = new Float64Array(hidden);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < hidden; j++) {
      h[j] = 1.0 / (1.0 + expIeee(-(xs[i] * flat[j] + flat[hidden + j])));
    }
    let out = 0;
    for (let j = 0; j < hidden; j++) out += h[j] * flat[2 * hidden + j];
    out += b1;
    const r = out - ys[i];
    loss += r * r;
    const d = 2.0 * r / n;
    grad[gb1] += d;
    for (let j = 0; j < hidden; j++) {
      grad[gw1 + j] += d * h[j];
      const dz = d * flat[2 * hidden + j] * h[j] * (1.0 - h[j]);
      grad[gb0 + j] += dz;
      grad[gw0 + j] += dz * xs[i];
    }
  }
  return { value: loss / n, grad };
}
