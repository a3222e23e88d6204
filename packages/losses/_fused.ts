// The backend's fused `lossValueGrad` (and its value-only twin `lossValue`) as
// Tensor-in, Tensor-out calls: the losses' one doorway to them. The results are
// new tensors on pred's device.

import type { Tensor } from "@glassbox/tensor";
import {
  type LossInfo,
  type LossKind,
  storageOf,
  tensorFromStorage,
} from "@glassbox/tensor/backend";

/** The kernel's geometry of `pred`: rows (samples) and columns. */
function lossInfo(pred: Tensor, reduction: "mean" | "sum"): LossInfo {
  const rows = pred.rank === 2 ? pred.shape[0] : 1;
  const cols = rows === 0 ? 0 : pred.size / rows;
  return { dtype: pred.dtype, rows, cols, reduction };
}

/** The reduced value (shape []) and ∂L/∂pred for an upstream gradient of 1. */
export function lossValueGrad(
  kind: LossKind,
  pred: Tensor,
  target: Tensor,
  reduction: "mean" | "sum",
  action: string,
): { value: Tensor; grad: Tensor } {
  const r = pred.device.backend.lossValueGrad(
    kind,
    storageOf(pred, action),
    storageOf(target, action),
    lossInfo(pred, reduction),
  );
  return {
    value: tensorFromStorage(r.value, { shape: [], dtype: pred.dtype, device: pred.device }),
    grad: tensorFromStorage(r.grad, { shape: pred.shape, dtype: pred.dtype, device: pred.device }),
  };
}

/** `lossValueGrad`'s value alone (the same bits), with no gradient computed. */
export function lossValue(
  kind: LossKind,
  pred: Tensor,
  target: Tensor,
  reduction: "mean" | "sum",
  action: string,
): Tensor {
  const value = pred.device.backend.lossValue(
    kind,
    storageOf(pred, action),
    storageOf(target, action),
    lossInfo(pred, reduction),
  );
  return tensorFromStorage(value, { shape: [], dtype: pred.dtype, device: pred.device });
}
