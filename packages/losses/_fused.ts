// The backend's fused `lossValueGrad` as a Tensor-in, Tensor-out call: the
// losses' one doorway to it. Both results are new tensors on pred's device.

import type { Tensor } from "@glassbox/tensor";
import { type LossKind, storageOf, tensorFromStorage } from "@glassbox/tensor/backend";

/** The reduced value (shape []) and ∂L/∂pred for an upstream gradient of 1. */
export function lossValueGrad(
  kind: LossKind,
  pred: Tensor,
  target: Tensor,
  reduction: "mean" | "sum",
  action: string,
): { value: Tensor; grad: Tensor } {
  const rows = pred.rank === 2 ? pred.shape[0] : 1;
  const cols = rows === 0 ? 0 : pred.size / rows;
  const r = pred.device.backend.lossValueGrad(
    kind,
    storageOf(pred, action),
    storageOf(target, action),
    {
      dtype: pred.dtype,
      rows,
      cols,
      reduction,
    },
  );
  return {
    value: tensorFromStorage(r.value, { shape: [], dtype: pred.dtype, device: pred.device }),
    grad: tensorFromStorage(r.grad, { shape: pred.shape, dtype: pred.dtype, device: pred.device }),
  };
}
