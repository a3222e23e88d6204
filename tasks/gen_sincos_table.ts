/**
 * Generates the sine/cosine table of glibc's double-precision `sin`/`cos`
 * (`__sincostab`, from the IBM Accurate Mathematical Library) that
 * packages/tensor/_glibc_sincos.ts embeds.
 *
 * Entry i (0 ≤ i < 110) holds sin(i/128) and cos(i/128), each as a
 * double-double: the float64 nearest the exact value, then the float64
 * nearest the remainder. The values come from Taylor series evaluated in
 * 256-bit fixed point with BigInt (the truncation error is below 2^-240, far
 * under the 2^-118 resolution the low words need), rounded to nearest-even.
 *
 * Usage:
 *   deno run tasks/gen_sincos_table.ts            # print the TypeScript table
 *   deno run --allow-read tasks/gen_sincos_table.ts --libm=/lib/x86_64-linux-gnu/libm.so.6
 *       # also compare it, word by word, with the table inside that libm
 *
 * Against Debian's glibc 2.36 libm: all 220 high words are equal, and 202 of
 * the 220 low words; the other 18 low words differ from glibc's by 1 to 39
 * units in their last place (by at most 2^-108 in absolute terms). glibc's
 * table (IBM's, from 2001) is not correctly rounded there — its double-double
 * values carry errors of up to about 2^-107 relative, as if computed in
 * double-double arithmetic — and the way it was computed is not published,
 * so this generator does not try to reproduce those 18 roundings. They move
 * the result of sin/cos only when a sum lands within about 2^-108 of a
 * rounding boundary (roughly 1 argument in 2^50 or fewer); none of 16 million
 * arguments near the affected table points gave a different result.
 *
 * @module
 */

const FRAC = 256n; // fraction bits of the fixed-point numbers
const ONE = 1n << FRAC;
const ENTRIES = 110; // |x| < 0.855469 and reduced |x| ≤ π/4 need i ≤ 109

/** sin(x) and cos(x) of a fixed-point x (|x| < 1), by their Taylor series. */
function sinCosFixed(x: bigint): [bigint, bigint] {
  let sin = 0n;
  let cos = 0n;
  let term = ONE; // x^k / k!, with alternating signs folded in below
  for (let k = 0n; term !== 0n; k++) {
    if (k % 2n === 0n) cos += k % 4n === 0n ? term : -term;
    else sin += k % 4n === 1n ? term : -term;
    term = (term * x) >> FRAC;
    term /= k + 1n;
  }
  return [sin, cos];
}

/** The float64 nearest a fixed-point value (ties to even). */
function toFloat64(v: bigint): number {
  const negative = v < 0n;
  let m = negative ? -v : v;
  const bits = m.toString(2).length;
  let shift = 0n;
  if (bits > 53) {
    shift = BigInt(bits - 53);
    const rem = m & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    m >>= shift;
    if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  }
  const value = Number(m) * 2 ** Number(shift - FRAC); // exact: m ≤ 2^53, power-of-two scale
  return negative ? -value : value;
}

/** A float64 as an exact fixed-point value. */
function toFixed(d: number): bigint {
  let e = 0n;
  while (!Number.isInteger(d)) {
    d *= 2;
    e++;
  }
  return BigInt(d) << (FRAC - e);
}

/** The float64 pair (hi, lo) with hi nearest v and lo nearest v − hi. */
function split(v: bigint): [number, number] {
  const hi = toFloat64(v);
  return [hi, toFloat64(v - toFixed(hi))];
}

/** The table: [sin hi, sin lo, cos hi, cos lo] for i/128, i = 0 … 109. */
export function sincosTable(): Float64Array {
  const table = new Float64Array(4 * ENTRIES);
  for (let i = 0; i < ENTRIES; i++) {
    const [s, c] = sinCosFixed(BigInt(i) << (FRAC - 7n));
    table.set([...split(s), ...split(c)], 4 * i);
  }
  return table;
}

/** Byte offset of `needle` in `haystack`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Finds the table in a libm (by its first two rows, which are exact) and
 * compares it word by word with ours; returns false if any high word differs.
 */
function compareWithLibm(table: Float64Array, path: string): boolean {
  const file = Deno.readFileSync(path);
  const at = indexOfBytes(file, new Uint8Array(table.buffer, 0, 64)); // little-endian, like x86-64
  if (at < 0) {
    console.error(`gen_sincos_table: no sin/cos table found in ${path}`);
    return false;
  }
  const theirs = new Float64Array(file.buffer.slice(at, at + table.byteLength));
  let hiDiffer = 0;
  const loDiffer: string[] = [];
  for (let w = 0; w < table.length; w++) {
    if (Object.is(theirs[w], table[w])) continue;
    if (w % 2 === 0) hiDiffer++;
    else {
      const err = Math.log2(Math.abs(theirs[w] - table[w]));
      loDiffer.push(`row ${w >> 2} ${w % 4 === 1 ? "sin" : "cos"} lo (2^${err.toFixed(1)})`);
    }
  }
  console.error(
    `gen_sincos_table: table at 0x${at.toString(16)} of ${path}: ` +
      `${hiDiffer} high words and ${loDiffer.length} low words differ`,
  );
  for (const line of loDiffer) console.error(`  ${line}`);
  return hiDiffer === 0;
}

if (import.meta.main) {
  const table = sincosTable();
  const lines = [];
  for (let i = 0; i < ENTRIES; i++) {
    lines.push(`  ${Array.from(table.subarray(4 * i, 4 * i + 4), String).join(", ")},`);
  }
  console.log(
    "// deno-fmt-ignore\nconst TABLE = new Float64Array([\n" + lines.join("\n") + "\n]);",
  );
  const libm = Deno.args.find((a) => a.startsWith("--libm="))?.slice(7);
  if (libm !== undefined && !compareWithLibm(table, libm)) Deno.exit(1);
}
