// Host-side index arithmetic for the kernels: broadcast strides with axes
// merged where possible, so that most binary operations index in one step.

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Strides of `shape` read as `out` under NumPy broadcasting (0 on repeated axes). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const strides = new Array<number>(out.length).fill(0);
  const shift = out.length - shape.length;
  for (let i = 0; i < shape.length; i++) strides[shift + i] = shape[i] === 1 ? 0 : own[i];
  return strides;
}

/** A broadcast binary operation as a loop nest: shape and both inputs' strides. */
export interface BroadcastLayout {
  readonly shape: number[];
  readonly aStrides: number[];
  readonly bStrides: number[];
}

/**
 * The output shape and input strides of `a ∘ b → out`, with axes of length 1
 * dropped and neighbouring axes merged when both inputs walk them as one
 * (equal shapes become one axis). Always at least one axis.
 */
export function broadcastLayout(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): BroadcastLayout {
  const sa = broadcastStrides(a, out), sb = broadcastStrides(b, out);
  const shape: number[] = [], aStrides: number[] = [], bStrides: number[] = [];
  for (let d = 0; d < out.length; d++) {
    if (out[d] === 1) continue;
    const last = shape.length - 1;
    if (
      last >= 0 && aStrides[last] === sa[d] * out[d] && bStrides[last] === sb[d] * out[d]
    ) {
      shape[last] *= out[d];
      aStrides[last] = sa[d];
      bStrides[last] = sb[d];
    } else {
      shape.push(out[d]);
      aStrides.push(sa[d]);
      bStrides.push(sb[d]);
    }
  }
  if (shape.length === 0) return { shape: [1], aStrides: [0], bStrides: [0] };
  return { shape, aStrides, bStrides };
}
