// Private helpers for RandomState: a bit-exact port of the natural logarithm
// that NumPy's legacy Gaussian sampler calls, and size / array utilities.
//
// Why a port of `log`: the legacy polar Box-Muller method computes
// sqrt(-2 * log(r2) / r2), so matching NumPy bit for bit needs the C library's
// `log`, not V8's `Math.log` (the two differ in the last bit for about 1 in
// 1,200 inputs). NumPy on x86-64 Linux calls glibc (2.28 and later), whose
// `log` is Szabolcs Nagy's table-driven algorithm from Arm's
// optimized-routines (MIT licence, Copyright (c) 2018 Arm Limited). glibc
// dispatches at run time to a build compiled with fused multiply-add on CPUs
// that have it; the evaluation order below, including which products are
// fused, follows that build (as disassembled from Debian's glibc 2.36), and the
// constants are that build's (ln2 split, polynomials, 128-entry table). FMA is
// emulated exactly in double precision (Dekker's product, then Boldo and
// Melquiond's round-to-odd sum).

import type { Mt19937 } from "./_mt19937.ts";

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's splitting constant.
const BITS = new DataView(new ArrayBuffer(8));

/** x rounded to odd: x itself when err is 0, else the neighbour of x on err's side if x is even. */
function roundToOdd(x: number, err: number): number {
  if (err === 0) return x;
  BITS.setFloat64(0, x);
  let hi = BITS.getUint32(0);
  let lo = BITS.getUint32(4);
  if ((lo & 1) !== 0) return x;
  if ((err > 0) === (x > 0)) {
    lo += 1; // Away from zero; the last bit was 0, so no carry.
  } else if (lo === 0) {
    lo = 0xffffffff; // Toward zero with a borrow from the high word.
    hi -= 1;
  } else {
    lo -= 1;
  }
  BITS.setUint32(0, hi);
  BITS.setUint32(4, lo);
  return BITS.getFloat64(0);
}

/** a * b + c with a single rounding, as the FMA instruction computes it. */
export function fma(a: number, b: number, c: number): number {
  // Exact product ph + pl (Dekker).
  const ph = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  const pl = ((aHi * bHi - ph) + aHi * bLo + aLo * bHi) + aLo * bLo;
  // Exact sum sh + sl = c + ph (Knuth's TwoSum).
  const sh = c + ph;
  const bv = sh - c;
  const sl = (c - (sh - bv)) + (ph - bv);
  // Round sl + pl to odd, then add once: the result is correctly rounded.
  const v = sl + pl;
  const vb = v - sl;
  const vErr = (sl - (v - vb)) + (pl - vb);
  return sh + roundToOdd(v, vErr);
}

const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
// log1p(r) - r ~ A0 r^2 + A1 r^3 + ... on |r| < 1/256 (the table path).
const A0 = -0.5000000000000001;
const A1 = 0.33333333331825593;
const A2 = -0.2499999999622955;
const A3 = 0.20000304511814496;
const A4 = -0.16667054827627667;
// log(1 + r) ~ r + B0 r^2 + ... + B10 r^12 near x = 1.
const B0 = -0.5;
const B1 = 0.3333333333333352;
const B2 = -0.24999999999998432;
const B3 = 0.19999999999320328;
const B4 = -0.16666666669929706;
const B5 = 0.14285715076560868;
const B6 = -0.12499997863982555;
const B7 = 0.11110712032936046;
const B8 = -0.10000486757818193;
const B9 = 0.09181994006195467;
const B10 = -0.08328363062289341;

// 128 pairs (1/c, log(c)) for c near the centre of each subinterval of [0x1.6p-1, 0x1.6p0).
// deno-fmt-ignore
const TABLE = new Float64Array([
  1.4504249240398293, -0.3718565645633589, 1.442253508327276, -0.36620682668944937,
  1.4341736174350004, -0.3605888069791945, 1.426183816329995, -0.3550022171419869,
  1.4182825527052965, -0.34944666968829097, 1.4104682921759335, -0.3439217713603284,
  1.4027396147468003, -0.3384271921261188, 1.3950954438932313, -0.332962831494342,
  1.3875338232485754, -0.32752794345742586, 1.3800539211058593, -0.32212257167088865,
  1.3726542695419708, -0.3167462884799761, 1.3653332798446802, -0.3113985598928366,
  1.358090204587874, -0.3060794515165526, 1.3509234892132138, -0.300788424667644,
  1.3438320840699889, -0.2955252968476998, 1.3368146974742003, -0.29028969275850613,
  1.329870114677736, -0.2850812793277555, 1.322997339161106, -0.27989987391470095,
  1.316195352741367, -0.27474526621870154, 1.3094628125672239, -0.2696169863701243,
  1.3027990455471041, -0.26451506180308115, 1.2962024229438942, -0.2594387762767383,
  1.2896726275815547, -0.2543884090981692, 1.2832080305745537, -0.24936321635129843,
  1.276807885983376, -0.24436312405975968, 1.2704714060687552, -0.23938801747897287,
  1.2641976054949482, -0.23443761696705678, 1.257985357514882, -0.22951151871518505,
  1.2518337750655457, -0.2246094963439873, 1.2457421919097305, -0.21973149037705753,
  1.2397094966625508, -0.2148770752847895, 1.2337348463589233, -0.210046029103637,
  1.2278176973028803, -0.20523836373934046, 1.2219570190618474, -0.20045368751368642,
  1.2161519732977757, -0.1956917537758045, 1.2104018095009725, -0.19095237845203883,
  1.204705805718973, -0.18623539250290833, 1.1990631185441964, -0.18154051731551135,
  1.1934733004462308, -0.1768677957431919, 1.1879350812847385, -0.17221657406412305,
  1.1824481322833125, -0.16758697765942543, 1.1770114976921955, -0.16297859687290384,
  1.1716248121809465, -0.15839151377804228, 1.1662869231674715, -0.15382513241456763,
  1.1609977486762766, -0.14927976358922024, 1.1557563220795803, -0.14475495398119165,
  1.1505619105480347, -0.14025044090817573, 1.1454138888505974, -0.1357660466685502,
  1.140311877374656, -0.1313018016355727, 1.1352550225747513, -0.12685731518763532,
  1.1302429094831266, -0.1224325737671279, 1.1252747693068048, -0.11802724521862729,
  1.1203501571039876, -0.11364127671663482, 1.1154683327680124, -0.10927434611278386,
  1.1106291463292157, -0.10492665324943573, 1.1058315813301596, -0.10059761422644442,
  1.1010752177696026, -0.09628717309055901, 1.0963597137952512, -0.09199534069557558,
  1.0916844827550398, -0.08772190036688698, 1.0870487291277784, -0.08346643613867855,
  1.082452357388312, -0.07922916827544668, 1.0778948225025884, -0.0750099004750382,
  1.0733751731601076, -0.07080805133352897, 1.068893585073351, -0.06662408085151128,
  1.0644491706655506, -0.06245745471915143, 1.0600414846328305, -0.0583080438042316,
  1.0556701316181605, -0.05417576112313327, 1.051334750556926, -0.050060547896805474,
  1.0470347288442157, -0.045962101199052086, 1.0427699229652954, -0.04188056008865715,
  1.0385395013738175, -0.03781540056183985, 1.034343418940345, -0.03376684757915882,
  1.0301811073173315, -0.029734619131772888, 1.026052043621297, -0.025718470239212365,
  1.0219561082336197, -0.021718543925430822, 1.0178926505784922, -0.01773446126981071,
  1.0138614436244586, -0.013766252464051831, 1.0098620186501341, -0.009813706322574944,
  1.0058938559734134, -0.005876555150052809, 1.00195696235014, -0.0019550499938532084,
  0.9961089923088509, 0.0038985973556009412, 0.9884170338185201, 0.011650571286395461,
  0.9808429191005297, 0.019342955478919066, 0.9733840169987446, 0.0269766014846482,
  0.9660377568876556, 0.034552359728422744, 0.9588014945307369, 0.04207121767183253,
  0.9516728569073111, 0.049533940950141186, 0.9446494635965822, 0.056941358295944156,
  0.9377288993026223, 0.06429439168346107, 0.9309091073790681, 0.0715936354946507,
  0.924187681612722, 0.07884010933776153, 0.9175626765599192, 0.08603438905970506,
  0.9110320403624034, 0.09317721180013905, 0.9045935839762024, 0.10026951462748457,
  0.8982456375922825, 0.10731170956330516, 0.8919860966782501, 0.11430473320717738,
  0.8858131121185129, 0.12124928503033061, 0.879725075760676, 0.12814583422959913,
  0.8737201372634685, 0.1349951636851756, 0.8677966405782273, 0.1417978768189414,
  0.8619528050060739, 0.14855476039031146, 0.8561872354420692, 0.1552661937658968,
  0.8504983927816893, 0.16193275688146969, 0.8448844572790304, 0.16855539792220497,
  0.8393442741575965, 0.1751343179947753, 0.8338762249349438, 0.1816702989864325,
  0.8284789320557778, 0.18816387146023317, 0.8231510800065832, 0.1946155228479256,
  0.8178913903778707, 0.20102572579389744, 0.8126984007245374, 0.2073952090795501,
  0.8075710029460227, 0.21372429840596396, 0.8025078881160415, 0.2200135945981856,
  0.7975077379364331, 0.22626374162859975, 0.792569604966373, 0.23247494747693054,
  0.7876923641254114, 0.23864766620658884, 0.7828746724940998, 0.24478265647405806,
  0.7781155388790811, 0.25088025827324145, 0.7734139557869777, 0.2569408552510595,
  0.7687687179914933, 0.26296511155101143, 0.7641790698041854, 0.2689531327189343,
  0.7596438763692399, 0.27490553924610595, 0.7551621951078668, 0.2808227248478943,
  0.7507331780216866, 0.286704979267256, 0.7463557196361751, 0.29255295645509705,
  0.7420289364869653, 0.2983670386142876, 0.7377521537065876, 0.30414734587282055,
  0.7335242966002608, 0.30989455774829366, 0.729344777457841, 0.31560871301871884,
]);

/**
 * Natural logarithm, bit-identical to glibc's FMA build of `log` (what NumPy
 * calls on x86-64 Linux).
 */
export function glibcLog(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x); // 0, negatives, NaN, +Infinity.
  BITS.setFloat64(0, x);
  let hi = BITS.getUint32(0);
  if (hi >= 0x3fee0000 && hi < 0x3ff10900) {
    // |x - 1| < 0x1.09p-4: a longer polynomial in r = x - 1, with r^2/2 split.
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const q3 = fma(fma(r3, B10, fma(r2, B9, fma(r, B8, B7))), r3, fma(r2, B6, fma(r, B5, B4)));
    const q = fma(q3, r3, fma(r2, B3, fma(r, B2, B1)));
    const rHi = r + r * 134217728 - r * 134217728;
    const rLo = r - rHi;
    const w = rHi * rHi * B0;
    const h = r + w;
    const l = fma(B0 * rLo, rHi + r, r - h + w);
    return h + fma(q, r3, l);
  }
  let scale = 0;
  if (hi < 0x00100000) {
    // Subnormal: normalise by 2^52.
    BITS.setFloat64(0, x * 4503599627370496);
    hi = BITS.getUint32(0);
    scale = 52;
  }
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0) falling in subinterval i.
  const tmp = (hi - 0x3fe60000) | 0;
  const i = (tmp >>> 13) & 0x7f;
  const k = (tmp >> 20) - scale;
  BITS.setUint32(0, hi - (tmp & 0xfff00000));
  const z = BITS.getFloat64(0);
  const invc = TABLE[2 * i];
  const logc = TABLE[2 * i + 1];
  const r = fma(z, invc, -1);
  const w = k * LN2_HI + logc; // Exact by construction of LN2_HI and the table.
  const h = w + r;
  const l = fma(k, LN2_LO, w - h + r);
  const r2 = r * r;
  const p = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r * r2, p, fma(r2, A0, l)) + h;
}

/** Formats a value for an error message: arrays as `[2, 3]`, strings quoted. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

/** Throws unless value is a safe integer in [min, max]; TypeError for non-numbers. */
export function checkInteger(
  value: unknown,
  name: string,
  action: string,
  min: number = Number.MIN_SAFE_INTEGER,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} must be a number, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot ${action}: ${name} must be an integer in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

/** Throws unless value is a number (NaN and infinities allowed). */
export function checkNumber(value: unknown, name: string, action: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} must be a number, got ${show(value)}`);
  }
  return value;
}

/** Number of values a NumPy `size` (count or shape) asks for: the product of its dimensions. */
export function countOf(size: unknown, action: string): number {
  const dims = typeof size === "number" ? [size] : size;
  if (!Array.isArray(dims)) {
    throw new TypeError(
      `Cannot ${action}: size must be a number or an array of numbers, got ${show(size)}`,
    );
  }
  let count = 1;
  for (const d of dims) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(
        `Cannot ${action}: size must hold non-negative integers, got ${show(size)}`,
      );
    }
    count *= d;
  }
  if (count > 2 ** 32) {
    throw new RangeError(`Cannot ${action}: size asks for ${count} values, more than 2^32`);
  }
  return count;
}

/** Kahan-compensated sum, as NumPy's legacy `choice` uses to check that `p` sums to 1. */
function kahanSum(values: ArrayLike<number>): number {
  let sum = values[0];
  let c = 0;
  for (let i = 1; i < values.length; i++) {
    const y = values[i] - c;
    const t = sum + y;
    c = (t - sum) - y;
    sum = t;
  }
  return sum;
}

/** Running sum of p divided by its last element: NumPy's `cdf = p.cumsum(); cdf /= cdf[-1]`. */
export function normalisedCdf(p: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(p.length);
  let sum = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = sum += p[i];
  const last = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
  return cdf;
}

/** First index i with sorted[i] > value (NumPy's `searchsorted(value, side="right")`). */
export function searchRight(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** NumPy's legacy double in [0, 1): 27 + 26 random bits over 2^53 (`legacy_double`). */
export function nextDouble(mt: Mt19937): number {
  const a = mt.nextUint32() >>> 5;
  const b = mt.nextUint32() >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

/** An integer in [0, max] for max < 2^32 by masked rejection (`random_interval`). */
export function nextInterval(mt: Mt19937, max: number): number {
  if (max === 0) return 0;
  const mask = 0xffffffff >>> Math.clz32(max);
  let value;
  do value = (mt.nextUint32() & mask) >>> 0; while (value > max);
  return value;
}

/**
 * Fills out with integers in [low, high), as NumPy's masked
 * `random_bounded_uint64_fill`: 32-bit draws when high - 1 - low < 2^32 (none
 * when it is 0), else 64-bit draws made of two words, high word first.
 */
export function boundedFill(mt: Mt19937, low: number, high: number, out: Float64Array): void {
  if (high - low <= 2 ** 32) {
    const range = high - 1 - low;
    for (let i = 0; i < out.length; i++) out[i] = low + nextInterval(mt, range);
    return;
  }
  const range = BigInt(high) - 1n - BigInt(low);
  const mask = (1n << BigInt(range.toString(2).length)) - 1n;
  for (let i = 0; i < out.length; i++) {
    let value;
    do {
      const hi = BigInt(mt.nextUint32());
      value = ((hi << 32n) | BigInt(mt.nextUint32())) & mask;
    } while (value > range);
    out[i] = Number(BigInt(low) + value);
  }
}

/** NumPy's checks on `p`: one per element, no NaN, none negative, sum within sqrt(eps) of 1. */
export function checkProbabilities(p: ArrayLike<number>, popSize: number, action: string): void {
  if (p.length !== popSize) {
    throw new RangeError(
      `Cannot ${action}: p must have one entry per element, got ${p.length} for ${popSize}`,
    );
  }
  const sum = kahanSum(p);
  if (Number.isNaN(sum)) throw new RangeError(`Cannot ${action}: p contains NaN`);
  for (let i = 0; i < p.length; i++) {
    if (p[i] < 0) throw new RangeError(`Cannot ${action}: p[${i}] is negative, got ${p[i]}`);
  }
  if (Math.abs(sum - 1) > Math.sqrt(Number.EPSILON)) {
    throw new RangeError(`Cannot ${action}: p must sum to 1, got a sum of ${sum}`);
  }
}

/**
 * Weighted sampling without replacement, NumPy's legacy loop: draw as many
 * doubles as values are missing, look them up in the CDF of the weights left,
 * keep first occurrences in order, zero the weights found, repeat.
 */
export function weightedDistinct(mt: Mt19937, p: ArrayLike<number>, count: number): Float64Array {
  let nonZero = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) nonZero++;
  if (nonZero < count) {
    throw new RangeError(
      `Cannot draw choice: p has ${nonZero} non-zero entries, fewer than size ${count}`,
    );
  }
  const weights = Float64Array.from(p);
  const found: number[] = [];
  while (found.length < count) {
    const draws = Array.from({ length: count - found.length }, () => nextDouble(mt));
    for (const j of found) weights[j] = 0;
    const cdf = normalisedCdf(weights);
    found.push(...new Set(draws.map((u) => searchRight(cdf, u))));
  }
  return Float64Array.from(found);
}
