// A Sequential's layers as one dense chain for the backend (`Backend.denseChain`): every
// layer a Dense whose activation is the identity, ReLU, tanh or sigmoid, or such a Dense
// without activation followed by one of those layers or by a Softmax over the last axis.

import type { Tensor } from "@glassbox/tensor";
import { type DenseChainLayer, storageOf, tensorFromStorage } from "@glassbox/tensor/backend";
import type { Layer } from "./layer.ts";
import { Dense } from "./dense.ts";
import { FusedActivation } from "./fused_activation.ts";
import { Identity } from "./identity.ts";
import { Softmax } from "./softmax.ts";

type ChainActivation = DenseChainLayer["activation"];

/** The chain's name for a layer's activation, or null when the chain cannot apply it. */
function pointwise(layer: Layer): ChainActivation | null {
  if (!(layer instanceof FusedActivation)) return null;
  const op = layer.fused.op;
  return op === "identity" || op === "relu" || op === "tanh" || op === "sigmoid" ? op : null;
}

/**
 * `layers` applied to `x` (`[rows, features]`) as one backend call, or null when the backend
 * has no chain, a layer is not one the chain takes, the operands' dtype or device differ,
 * or the backend declines (the caller then runs `forward`, which gives the same values and
 * the errors for bad input).
 */
export function chainForward(layers: readonly Layer[], x: Tensor, action: string): Tensor | null {
  const backend = x.device.backend;
  if (backend.denseChain === undefined || x.rank !== 2 || layers.length === 0) return null;
  const chain: DenseChainLayer[] = [];
  let width = x.shape[1];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (!(layer instanceof Dense) || layer.inFeatures !== width) return null;
    let activation = pointwise(layer.activation);
    if (activation === null) return null;
    const next = layers[i + 1];
    if (layer.activation instanceof Identity && next !== undefined && !(next instanceof Dense)) {
      // A following activation layer joins this Dense; anything else ends the chain.
      const follower = next instanceof Softmax && (next.axis === -1 || next.axis === 1)
        ? "softmax"
        : pointwise(next);
      if (follower === null) return null;
      activation = follower;
      i++;
    }
    const w = layer.weight.borrow(), b = layer.bias?.borrow();
    if (w.dtype !== x.dtype || w.device !== x.device) return null;
    chain.push({
      w: storageOf(w, action),
      b: b === undefined ? null : storageOf(b, action),
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      activation,
    });
    width = layer.outFeatures;
  }
  const rows = x.shape[0];
  if (rows === 0) return null;
  const out = backend.denseChain(storageOf(x, action), chain, { dtype: x.dtype, rows });
  if (out === null) return null;
  return tensorFromStorage(out, { shape: [rows, width], dtype: x.dtype, device: x.device });
}
