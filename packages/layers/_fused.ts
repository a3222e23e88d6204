// The backend's fused primitives as Tensor-in, Tensor-out calls: the layers'
// one doorway to `activationForward`, `activationBackward`, `denseForward`
// and `denseBackward`. Each result is a new tensor on the inputs' device.

import { sizeOf } from "@glassbox/internal";
import type { Tensor } from "@glassbox/tensor";
import {
  type ActivationSpec,
  type Storage,
  storageOf,
  tensorFromStorage,
} from "@glassbox/tensor/backend";

/**
 * Keys naming weight tensors for a backend's kept copies (`DenseInfo.weightKey`): one number
 * per tensor, never reused. A Dense layer passes its weight's key with the view of it that
 * its backward reads (the same storage).
 */
const keys = new WeakMap<Tensor, number>();
let lastKey = 0;

/** The key of weight tensor `w`, made at its first use. */
export function weightKey(w: Tensor): number {
  let key = keys.get(w);
  if (key === undefined) keys.set(w, key = ++lastKey);
  return key;
}

function wrap(storage: Storage, shape: readonly number[], like: Tensor): Tensor {
  return tensorFromStorage(storage, { shape: shape, dtype: like.dtype, device: like.device });
}

/** y = f(x) through the backend's activation table. */
export function activationForward(spec: ActivationSpec, x: Tensor, action: string): Tensor {
  const s = x.device.backend.activationForward(spec, storageOf(x, action), x.size, x.dtype);
  return wrap(s, x.shape, x);
}

/** ∂L/∂x = gradOut ⊙ f′(saved), `saved` being x or y as `ACTIVATION_SAVES` says. */
export function activationBackward(
  spec: ActivationSpec,
  gradOut: Tensor,
  saved: Tensor,
  action: string,
): Tensor {
  const backend = gradOut.device.backend;
  const s = backend.activationBackward(
    spec,
    storageOf(gradOut, action),
    storageOf(saved, action),
    gradOut.size,
    gradOut.dtype,
  );
  return wrap(s, gradOut.shape, gradOut);
}

/** f(x·Wᵀ + b) for x `[rows, in]`: the output and, when the derivative reads it, z. */
export function denseForward(
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  activation: ActivationSpec,
  action: string,
  weightKey?: number,
): { out: Tensor; pre: Tensor | null } {
  const [rows, inFeatures] = x.shape, outFeatures = w.shape[0];
  const r = x.device.backend.denseForward(
    storageOf(x, action),
    storageOf(w, action),
    b === undefined ? null : storageOf(b, action),
    { dtype: x.dtype, rows, inFeatures, outFeatures, activation, weightKey },
  );
  const shape = [rows, outFeatures];
  return { out: wrap(r.out, shape, x), pre: r.pre === null ? null : wrap(r.pre, shape, x) };
}

/** ∂L/∂W, ∂L/∂b (when `bias`) and ∂L/∂x (when `inputGrad`) from ∂L/∂out `[rows, out]`. */
export function denseBackward(
  gradOut: Tensor,
  x: Tensor,
  w: Tensor,
  saved: Tensor,
  info: {
    activation: ActivationSpec;
    bias: boolean;
    inputGrad: boolean;
    action: string;
    /** W's key (`weightKey`) as the forward pass gave it, w being a view of that tensor. */
    weightKey?: number;
  },
): { dw: Tensor; db: Tensor | null; dx: Tensor | null } {
  const { action } = info;
  const [rows, inFeatures] = x.shape, outFeatures = w.shape[0];
  const r = x.device.backend.denseBackward(
    storageOf(gradOut, action),
    storageOf(x, action),
    storageOf(w, action),
    storageOf(saved, action),
    { dtype: x.dtype, rows, inFeatures, outFeatures, ...info },
  );
  return {
    dw: wrap(r.dw, w.shape, x),
    db: r.db === null ? null : wrap(r.db, [outFeatures], x),
    dx: r.dx === null ? null : wrap(r.dx, x.shape, x),
  };
}

/**
 * Softmax's backward along `axis` as one backend call, `y ⊙ (gradOut − Σ gradOut ⊙ y)`, or
 * null when the backend has none (the caller composes the operations: the same values).
 */
export function softmaxGradient(
  gradOut: Tensor,
  y: Tensor,
  axis: number,
  action: string,
): Tensor | null {
  const backend = gradOut.device.backend;
  if (backend.softmaxBackward === undefined || y.rank === 0) return null;
  const at = axis < 0 ? axis + y.rank : axis;
  if (!(at >= 0 && at < y.rank)) return null;
  const dims = [sizeOf(y.shape.slice(0, at)), y.shape[at], sizeOf(y.shape.slice(at + 1))] as const;
  const s = backend.softmaxBackward(
    storageOf(gradOut, action),
    storageOf(y, action),
    dims,
    y.dtype,
  );
  return wrap(s, y.shape, y);
}
