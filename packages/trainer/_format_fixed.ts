/**
 * Python's `"%f" % x`: six decimals, rounded half to even on the exact
 * binary value, `nan` / `inf` / `-inf`, and `-0.000000` for negative zero.
 *
 * @module
 */

/** `"%f" % x` as Python prints it. */
export function formatFixed6(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a >= 1e21) return `${sign}${BigInt(a)}.000000`; // an integer; toFixed would go exponential
  // A tie at the sixth decimal needs a·10⁶ = m + ½ exactly, i.e. a = j/128 with j odd; JavaScript's
  // toFixed rounds those up, Python to even.
  const j = a * 128;
  if (Number.isInteger(j) && j % 2 === 1) {
    const seven = a.toFixed(7); // exact: j/128 has seven decimals
    const [whole, frac] = seven.split(".");
    const six = BigInt(whole + frac.slice(0, 6));
    const rounded = six % 2n === 0n ? six : six + 1n;
    const digits = rounded.toString().padStart(7, "0");
    return `${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`;
  }
  return sign + a.toFixed(6);
}
