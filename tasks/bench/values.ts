/**
 * Deterministic benchmark inputs without a random generator: a small linear
 * congruential sequence mapped to [-1, 1), and class labels `i mod classes`.
 * The values do not matter to the timings; that they are finite, non-denormal
 * and the same on every run does.
 *
 * @module
 */

/**
 * `size` values in [-1, 1).
 *
 * @param size How many.
 * @param seed Any 32-bit integer.
 * @returns The values.
 */
export function lcgValues(size: number, seed: number): Float64Array {
  const out = new Float64Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Class indices `0, 1, …, classes − 1, 0, 1, …` for `rows` rows.
 *
 * @param rows How many.
 * @param classes Number of classes.
 * @returns The labels.
 */
export function cyclicLabels(rows: number, classes: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, i) => i % classes);
}
