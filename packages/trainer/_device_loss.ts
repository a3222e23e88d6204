/**
 * The loss of a device step added into the epoch's running sum in the same
 * dispatch that computes it. For exactly `MSELoss` and `CrossEntropyLoss`
 * on class indices with no weight, smoothing or ignored row — the cases
 * whose `forward` runs the backend's fused `lossValueGrad` — the step calls
 * that primitive itself with the sum as its accumulator: the same kernel
 * and numbers as `forward` followed by a separate add, one dispatch less,
 * and the sum stays in one buffer (no new binding from step to step).
 *
 * @module
 */

import { CrossEntropyLoss, type Loss, MSELoss } from "@glassbox/losses";
import type { Tensor } from "@glassbox/tensor";
import { type LossKind, storageOf, tensorFromStorage } from "@glassbox/tensor/backend";

/**
 * The fused loss kind the step may run for `loss`, or null (the loss's own
 * forward and backward). `labelsOnHost`: the engine keeps the class indices
 * on the host (rows ignored, class weights or smoothing); it has checked
 * that every other index is a class.
 */
export function fusedLossKind(loss: Loss, y: Tensor, labelsOnHost: boolean): LossKind | null {
  if (loss.reduction === "none") return null;
  const proto = Object.getPrototypeOf(loss);
  if (proto === MSELoss.prototype) return "mse";
  if (proto === CrossEntropyLoss.prototype && y.rank === 1 && !labelsOnHost) {
    return "softmaxCrossEntropy";
  }
  return null;
}

/**
 * Adds the loss of `pred` against `target` into `sum[0]` on the device and
 * returns ∂L/∂pred (the caller disposes it), or null when the shapes are
 * not the fused kernel's (the loss's forward then reports them).
 */
export function accumulateLoss(
  kind: LossKind,
  pred: Tensor,
  target: Tensor,
  reduction: "mean" | "sum",
  sum: Tensor,
): Tensor | null {
  const sameShape = pred.rank === target.rank && pred.shape.every((d, i) => d === target.shape[i]);
  const fits = kind === "mse"
    ? sameShape
    : pred.rank === 2 && target.rank === 1 && target.shape[0] === pred.shape[0] &&
      pred.shape[0] > 0;
  if (!fits || target.dtype !== pred.dtype || target.device !== pred.device) return null;
  // rows and cols as the losses give them to the backend.
  const rows = pred.rank === 2 ? pred.shape[0] : 1;
  const cols = rows === 0 ? 0 : pred.size / rows;
  const action = "accumulate the loss";
  const backend = pred.device.backend;
  const { value, grad } = backend.lossValueGrad(
    kind,
    storageOf(pred, action),
    storageOf(target, action),
    { dtype: pred.dtype, rows, cols, reduction, accumulator: storageOf(sum, action) },
  );
  backend.dispose(value);
  return tensorFromStorage(grad, { shape: pred.shape, dtype: pred.dtype, device: pred.device });
}
