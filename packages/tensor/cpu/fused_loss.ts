/**
 * The CPU's `lossValueGrad`: MSE, softmax cross-entropy (class indices) and
 * categorical cross-entropy (probabilities) value and gradient in one pass
 * each, with the arithmetic of the losses' composed Tensor operations in the
 * same order — a sum accumulated in double precision then rounded once, as
 * the reduction kernel does — so the values are the same bits. `cpuLossValue`
 * runs the same value arithmetic without the gradient (validation passes).
 *
 * @module
 */

import type { Backend, LossInfo, LossKind, LossValueGrad, Storage } from "../backend.ts";
import type { TypedArray } from "../dtype.ts";
import { allocHost } from "./memory.ts";

/** (pred − target)², reduced; gradient 2(pred − target)·(1/n or 1) unless `grad` is null. */
function mse(
  p: TypedArray,
  t: TypedArray,
  info: LossInfo,
  value: TypedArray,
  grad: TypedArray | null,
) {
  if (info.dtype !== "float32") return mse64(p, t, info, value, grad);
  const r = Math.fround;
  const n = info.rows * info.cols;
  const mean = info.reduction === "mean";
  let acc = 0;
  if (grad === null) {
    for (let i = 0; i < n; i++) {
      const d = r(p[i] - t[i]);
      acc += r(d * d);
    }
    value[0] = mean ? r(acc) / r(n) : acc;
    return;
  }
  for (let i = 0; i < n; i++) {
    const d = r(p[i] - t[i]);
    grad[i] = d;
    acc += r(d * d);
  }
  value[0] = mean ? r(acc) / r(n) : acc;
  const g = mean ? r(1 / r(n)) : 1;
  for (let i = 0; i < n; i++) grad[i] = r(grad[i] * 2) * g;
}

/**
 * `mse` in float64, where every rounding is the identity: the same operations in the same
 * order without a call per element (a validation pass runs it on 10,000s of elements).
 * Both loops stay in this function, which the training steps call often (so it is
 * optimized early); a small helper for the value pass alone would be inlined into its
 * callers' first, slower compiled code, and stay there.
 */
function mse64(
  p: TypedArray,
  t: TypedArray,
  info: LossInfo,
  value: TypedArray,
  grad: TypedArray | null,
) {
  const n = info.rows * info.cols;
  const mean = info.reduction === "mean";
  let acc = 0;
  if (grad === null) {
    for (let i = 0; i < n; i++) {
      const d = p[i] - t[i];
      acc += d * d;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = p[i] - t[i];
      grad[i] = d;
      acc += d * d;
    }
  }
  value[0] = mean ? acc / n : acc;
  if (grad === null) return;
  const g = mean ? 1 / n : 1;
  for (let i = 0; i < n; i++) grad[i] = grad[i] * 2 * g;
}

/**
 * −log softmax(pred)[target], reduced; gradient (−onehot·(1/N or 1)) − softmax·Σ unless
 * `grad` is null.
 */
function softmaxCrossEntropy(
  backend: Backend,
  pred: TypedArray,
  t: TypedArray,
  info: LossInfo,
  value: TypedArray,
  grad: TypedArray | null,
) {
  const { rows, cols, dtype } = info;
  const r = dtype === "float32" ? Math.fround : (v: number) => v;
  for (let i = 0; i < rows; i++) {
    const c = t[i];
    if (!(Number.isInteger(c) && c >= 0 && c < cols)) {
      throw new RangeError(
        `Cannot compute softmax cross-entropy: target[${i}] = ${c} is not a class index in [0, ${cols})`,
      );
    }
  }
  const logp = backend.softmax("logSoftmax", pred, [rows, cols, 1], dtype) as TypedArray;
  let acc = 0;
  for (let i = 0; i < rows; i++) acc += -logp[i * cols + t[i]];
  const mean = info.reduction === "mean";
  value[0] = mean ? r(acc) / r(rows) : acc;
  if (grad === null) {
    backend.dispose(logp);
    return;
  }
  const g = mean ? r(1 / r(rows)) : 1;
  const e = backend.unary("exp", logp, rows * cols, dtype) as TypedArray;
  for (let i = 0; i < rows; i++) {
    // The one-hot row scaled by −g has row sum −g exactly.
    for (let c = 0, at = i * cols; c < cols; c++, at++) {
      grad[at] = (c === t[i] ? -g : -0) - r(e[at] * -g);
    }
  }
  backend.dispose(e);
  backend.dispose(logp);
}

/**
 * −Σ y·log max(p, [y = 0]) per row, reduced over the rows; gradient (−y / max(p, [y = 0]))·g
 * with g = 1/N (mean) or 1: `CategoricalCrossEntropy`'s composed operations (equal,
 * maximum, log, mul, row sum, neg, sum, div; then neg, div, mul) element by element in the
 * same order, each rounded where its tensor was stored (float32), the sums accumulated in
 * double and rounded once as the reduction kernel does. No gradient when `grad` is null.
 */
function categoricalCrossEntropy(
  p: TypedArray,
  y: TypedArray,
  info: LossInfo,
  value: TypedArray,
  grad: TypedArray | null,
) {
  const { rows, cols } = info;
  const r = info.dtype === "float32" ? Math.fround : (v: number) => v;
  const mean = info.reduction === "mean";
  const g = mean ? r(1 / r(rows)) : 1;
  let total = 0;
  for (let i = 0, at = 0; i < rows; i++) {
    let row = 0;
    for (let c = 0; c < cols; c++, at++) {
      const yv = y[at], pv = p[at];
      const floor = yv === 0 ? 1 : 0; // where y = 0, p ≥ 1 makes y·log p and y/p exactly 0
      const safe = pv !== pv ? NaN : pv > floor ? pv : floor; // torch.maximum: NaN wins
      // Where y = 0 and p ≤ 1 the term is y·log 1 = ±0, and adding ±0 leaves the row sum as
      // it is (it starts at +0, so it is never −0): skip the logarithm (most of a one-hot row).
      if (yv !== 0 || !(pv <= 1)) row += r(yv * r(Math.log(safe)));
      if (grad !== null) grad[at] = r(r(-yv / safe) * g);
    }
    total += -r(row);
  }
  value[0] = mean ? r(r(total) / r(rows)) : r(total);
}

/** Value (one element) and gradient of `kind`, adding the value into `info.accumulator`. */
export function cpuLossValueGrad(
  backend: Backend,
  kind: LossKind,
  pred: TypedArray,
  target: TypedArray,
  info: LossInfo,
  accumulator: TypedArray | null,
): LossValueGrad {
  const value = allocHost(info.dtype, 1, false);
  const grad = allocHost(info.dtype, info.rows * info.cols, false);
  lossInto(backend, kind, pred, target, info, accumulator, value, grad);
  return { value: value as Storage, grad: grad as Storage };
}

/** The value of `kind` alone (one element, the same bits), adding it into `info.accumulator`. */
export function cpuLossValue(
  backend: Backend,
  kind: LossKind,
  pred: TypedArray,
  target: TypedArray,
  info: LossInfo,
  accumulator: TypedArray | null,
): Storage {
  const value = allocHost(info.dtype, 1, false);
  lossInto(backend, kind, pred, target, info, accumulator, value, null);
  return value as Storage;
}

/** Writes `kind`'s value into `value` (and its gradient into `grad` unless null). */
function lossInto(
  backend: Backend,
  kind: LossKind,
  pred: TypedArray,
  target: TypedArray,
  info: LossInfo,
  accumulator: TypedArray | null,
  value: TypedArray,
  grad: TypedArray | null,
): void {
  if (kind === "mse") mse(pred, target, info, value, grad);
  else if (kind === "categoricalCrossEntropy") {
    categoricalCrossEntropy(pred, target, info, value, grad);
  } else softmaxCrossEntropy(backend, pred, target, info, value, grad);
  if (accumulator !== null) accumulator[0] = accumulator[0] + value[0];
}
