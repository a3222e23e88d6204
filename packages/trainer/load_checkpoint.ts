/**
 * `loadCheckpoint`: reads back the last checkpoint `ModelCheckpoint` wrote,
 * the model and (when saved) the optimizer state, and checks they are one
 * pair.
 *
 * @module
 */

import { loadSafetensors, type StateDict } from "@glassbox/layers";
import type { OptimizerState } from "./optimizer.ts";
import { loadOptimizerState } from "./optimizer_state_file.ts";

/** What `loadCheckpoint` read. */
export interface Checkpoint {
  /** The model's state dict, for `model.loadStateDict`. */
  tensors: StateDict;
  /** The model file's `__metadata__` (`epoch`, `loss`, `checkpoint`, …). */
  metadata: Record<string, string>;
  /** The optimizer state saved with it (for `optimizer.loadStateDict`), or null when none was. */
  optimizer: OptimizerState | null;
}

/** Whether `error` says a file does not exist (Deno's NotFound, Node's ENOENT). */
function notFound(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | null;
  return e?.name === "NotFound" || e?.code === "ENOENT";
}

/**
 * Reads `last.safetensors` and `last.optimizer.safetensors` from a
 * `ModelCheckpoint` folder. The two are written one after the other, each
 * atomically; a process killed between the two writes leaves files from
 * different epochs, which this refuses rather than resuming from a mixed
 * state.
 *
 * @param dir The checkpoint folder (`ModelCheckpoint`'s `dir`).
 * @returns The model's tensors and metadata, and the optimizer state or null.
 * @throws Error when the optimizer state belongs to another checkpoint than the model.
 *
 * @example Resume from the last epoch
 * ```ts
 * import { mlp } from "@glassbox/layers";
 * import { MSELoss } from "@glassbox/losses";
 * import { fit, loadCheckpoint, ModelCheckpoint, SGD } from "@glassbox/trainer";
 * import { manualSeed, randn } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const x = randn([16, 2]), y = randn([16, 1]);
 * const dir = await Deno.makeTempDir();
 * await fit(mlp([2, 3, 1]), {
 *   x, y, loss: new MSELoss(), optimizer: new SGD({ lr: 0.1, momentum: 0.9 }), epochs: 2,
 *   callbacks: [new ModelCheckpoint({ dir, saveBest: false, saveOptimizer: true })],
 * });
 * const last = await loadCheckpoint(dir);
 * strictEqual(last.metadata.epoch, "1");
 * const model = mlp([2, 3, 1]);
 * model.loadStateDict(last.tensors);
 * const optimizer = new SGD({ lr: 0.1, momentum: 0.9, params: model.parameters() });
 * optimizer.loadStateDict(last.optimizer!);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const { tensors, metadata } = await loadSafetensors(`${dir}/last.safetensors`);
  let optimizer: OptimizerState | null = null;
  let optimizerMeta: Record<string, string> = {};
  try {
    const path = `${dir}/last.optimizer.safetensors`;
    optimizer = await loadOptimizerState(path);
    optimizerMeta = (await loadSafetensors(path)).metadata;
  } catch (error) {
    if (!notFound(error)) throw error;
  }
  if (optimizer !== null && optimizerMeta["glassbox.checkpoint"] !== metadata.checkpoint) {
    const epoch = (e: string | undefined) => (e === undefined || e === "" ? "unknown" : e);
    throw new Error(
      `Cannot load checkpoint ${dir}: last.safetensors (epoch ${epoch(metadata.epoch)}) and ` +
        `last.optimizer.safetensors (epoch ${
          epoch(optimizerMeta["glassbox.epoch"])
        }) come from different saves (an interrupted save); resume from the model alone or ` +
        `from best.safetensors`,
    );
  }
  return { tensors, metadata, optimizer };
}
