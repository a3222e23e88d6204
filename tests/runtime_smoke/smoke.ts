/**
 * The runtime smoke run: what `runtime_smoke_test.ts` runs in Deno, in Node
 * (from a bundle) and in headless Chromium (from the same bundle), so that
 * the three losses can be compared. It trains a small MLP on
 * `makeClassification` with cross-entropy and SGD, saves the model to bytes
 * with `encodeSafetensors`, loads the bytes into a fresh model with
 * `decodeSafetensors` and evaluates both.
 *
 * Only the packages' public entry points are imported, and nothing here uses
 * `Deno`, `process` or the DOM, so the module runs wherever the packages do.
 *
 * @module
 */

import { type Device, type DType, manualSeed, type Tensor, tensor } from "@glassbox/tensor";
import { makeClassification } from "@glassbox/datasets";
import { decodeSafetensors, encodeSafetensors, mlp, type Sequential } from "@glassbox/layers";
import { CrossEntropyLoss } from "@glassbox/losses";
import { EpochLogger, evaluate, fit, SGD } from "@glassbox/trainer";

/** What one smoke run reports. */
export interface SmokeResult {
  /** The device the model trained on (`"cpu"` or `"webgpu:…"`). */
  device: string;
  /** The dtype it trained in. */
  dtype: string;
  /** Mean training loss of each epoch. */
  epochLosses: number[];
  /** Cross-entropy of the trained model on the whole data set. */
  loss: number;
  /** The same after a round trip through safetensors bytes into a fresh model. */
  reloadedLoss: number;
  /** Size of the safetensors bytes. */
  bytes: number;
  /** Milliseconds the training took. */
  fitMs: number;
}

/** The experiment's sizes; small, so each runtime finishes in about a second. */
const SIZES = [5, 32, 32, 3];

/** A CPU copy of a model whose weights are on a GPU (read back asynchronously). */
async function readToHost(model: Sequential, dtype: DType): Promise<Sequential> {
  const host = mlp(SIZES, { activation: "relu" }).to(dtype);
  const weights: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    weights[name] = tensor(await t.readTypedArray(), { shape: t.shape, dtype: t.dtype });
  }
  host.loadStateDict(weights);
  return host;
}

/** Options of `runSmoke`. */
export interface SmokeOptions {
  /** Where to train (default: the CPU). */
  device?: Device;
  /** The dtype (default float64 on the CPU; a WebGPU device needs float32). */
  dtype?: DType;
  /** Pass `verbose: true` to `fit` and log each epoch with an `EpochLogger` (default false). */
  verbose?: boolean;
}

/**
 * Trains, saves to bytes, reloads and evaluates. With a WebGPU device the
 * model and data move there.
 *
 * @param options `device`, `dtype`, `verbose`.
 * @returns The losses and timings.
 */
export async function runSmoke(options: SmokeOptions = {}): Promise<SmokeResult> {
  const { device, verbose = false } = options;
  const dtype = options.dtype ?? "float64";
  const { X, y } = makeClassification({
    nSamples: 600,
    nFeatures: 5,
    nInformative: 3,
    nRedundant: 1,
    nClasses: 3,
    randomState: 0,
  });
  const move = (t: Tensor): Tensor => {
    const cast = t.to(dtype);
    return device === undefined ? cast : cast.to(device);
  };
  const x = move(X), target = move(y);
  manualSeed(0);
  const built = mlp(SIZES, { activation: "relu" }).to(dtype);
  const model = device === undefined ? built : built.to(device);
  const loss = new CrossEntropyLoss();
  const started = performance.now();
  const history = await fit(model, {
    x,
    y: target,
    loss,
    optimizer: new SGD({ lr: 0.1 }),
    epochs: 8,
    batchSize: 50,
    verbose,
    callbacks: verbose ? [new EpochLogger()] : [],
  });
  const fitMs = performance.now() - started;

  const onHost = device === undefined ? model : await readToHost(model, dtype);
  const hostX = X.to(dtype), hostY = y.to(dtype);
  const trained = evaluate(onHost, hostX, hostY, { loss });
  const bytes = encodeSafetensors(onHost.stateDict(), { metadata: { format: "pt" } });
  manualSeed(1); // a fresh model with other weights, overwritten by the loaded ones
  const fresh = mlp(SIZES, { activation: "relu" }).to(dtype);
  fresh.loadStateDict(decodeSafetensors(bytes).tensors);
  const reloaded = evaluate(fresh, hostX, hostY, { loss });
  return {
    device: device === undefined ? "cpu" : device.name,
    dtype,
    epochLosses: history.epochs.map((e) => e.loss),
    loss: trained.loss!,
    reloadedLoss: reloaded.loss!,
    bytes: bytes.length,
    fitMs,
  };
}
