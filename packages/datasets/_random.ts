// Small NumPy / scikit-learn building blocks on top of RandomState, written
// to draw exactly the numbers scikit-learn 1.2 draws.

import { cpu, type RandomState, type Tensor } from "@glassbox/tensor";
import { tensorFromStorage } from "@glassbox/tensor/backend";

/** Wraps a float64 array as a CPU tensor without copying it (the array must not be used afterwards). */
export function wrap(data: Float64Array, shape: readonly number[]): Tensor {
  return tensorFromStorage(data, { shape, dtype: "float64", device: cpu });
}

/** `indices = np.arange(n); random_state.shuffle(indices)`, as sklearn.utils.shuffle does. */
export function shuffledIndices(rs: RandomState, n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  rs.shuffle(idx);
  return idx;
}

/** Rows of a row-major matrix picked by `index` (NumPy's `X[index]`). */
export function takeRows(
  data: Float64Array,
  rowLength: number,
  index: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(index.length * rowLength);
  for (let r = 0, o = 0; r < index.length; r++) {
    for (let c = 0, from = index[r] * rowLength; c < rowLength; c++) out[o++] = data[from + c];
  }
  return out;
}

/** `X[rows][:, cols]` of a row-major matrix with `cols.length` columns, in one pass. */
export function permute(
  data: Float64Array,
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
): Float64Array {
  const width = cols.length;
  const out = new Float64Array(rows.length * width);
  for (let r = 0, o = 0; r < rows.length; r++) {
    for (let c = 0, from = rows[r] * width; c < width; c++) out[o++] = data[from + cols[c]];
  }
  return out;
}

/**
 * sklearn.utils.random.sample_without_replacement with method "auto": a
 * permutation prefix when 0.01 < n / population < 0.99, otherwise tracking
 * selection (redraw duplicates) below ratio 0.2 and reservoir sampling above.
 */
export function sampleWithoutReplacement(rs: RandomState, population: number, n: number): number[] {
  const ratio = population !== 0 ? n / population : 1;
  if (ratio > 0.01 && ratio < 0.99) return Array.from(rs.permutation(population).subarray(0, n));
  if (ratio < 0.2) {
    const selected = new Set<number>();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      let j = rs.randint(population);
      while (selected.has(j)) j = rs.randint(population);
      selected.add(j);
      out.push(j);
    }
    return out;
  }
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n; i < population; i++) {
    const j = rs.randint(0, i + 1);
    if (j < n) out[j] = i;
  }
  return out;
}

/** `np.linspace(start, stop, num, endpoint)` in float64, with NumPy's arithmetic (i * step + start). */
export function linspace(
  start: number,
  stop: number,
  num: number,
  endpoint: boolean,
): Float64Array {
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  if (div > 0) {
    const step = delta / div;
    if (step === 0) { for (let i = 0; i < num; i++) out[i] = (i / div) * delta + start; }
    else for (let i = 0; i < num; i++) out[i] = i * step + start;
  } else {
    for (let i = 0; i < num; i++) out[i] = i * delta + start;
  }
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}
