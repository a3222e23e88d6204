/**
 * Saving an optimizer's state as a safetensors file and reading it back.
 *
 * @module
 */

import { loadSafetensors, saveSafetensors } from "@glassbox/layers";
import type { Optimizer, OptimizerState } from "./optimizer.ts";

/**
 * Writes `optimizer.stateDict()` as a safetensors file (atomically, via
 * `saveSafetensors`): the buffers as tensors, the type, hyperparameters and
 * counters as JSON strings in `__metadata__` (`glassbox.optimizer`,
 * `glassbox.options`, `glassbox.scalars`).
 *
 * @param optimizer The optimizer.
 * @param path Where to write.
 * @param options `metadata`: more `__metadata__` strings to store beside the
 *   state (e.g. the checkpoint a model file shares with it).
 * @returns A promise that resolves once the file is in place.
 *
 * @example Resume an Adam run
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { Adam, loadOptimizerState, saveOptimizerState } from "@glassbox/trainer";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const w = new Parameter("w", tensor([1, 2]));
 * const opt = new Adam({ params: [w] });
 * w.accumulate(tensor([0.5, -0.5]));
 * opt.step();
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveOptimizerState(opt, path);
 * const resumed = new Adam({ params: [w] });
 * resumed.loadStateDict(await loadOptimizerState(path));
 * deepStrictEqual(resumed.stepCount, 1);
 * deepStrictEqual(resumed.stateDict().tensors["w.exp_avg"].toArray(), opt.stateDict().tensors["w.exp_avg"].toArray());
 * await Deno.remove(path);
 * ```
 */
export async function saveOptimizerState(
  optimizer: Optimizer,
  path: string | URL,
  options: { metadata?: Record<string, string> } = {},
): Promise<void> {
  const state = optimizer.stateDict();
  await saveSafetensors(state.tensors, path, {
    metadata: {
      ...options.metadata,
      "glassbox.optimizer": state.type,
      "glassbox.options": JSON.stringify(state.options),
      "glassbox.scalars": JSON.stringify(state.scalars),
    },
  });
}

/**
 * Reads a file written by `saveOptimizerState` back into an `OptimizerState`
 * for `optimizer.loadStateDict`.
 *
 * @param path The file.
 * @returns The state.
 *
 * @example
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { loadOptimizerState, saveOptimizerState, SGD } from "@glassbox/trainer";
 * import { tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const opt = new SGD({ lr: 0.3, params: [new Parameter("w", tensor([1]))] });
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveOptimizerState(opt, path);
 * const state = await loadOptimizerState(path);
 * strictEqual(state.type, "SGD");
 * strictEqual(state.options.lr, 0.3);
 * await Deno.remove(path);
 * ```
 */
export async function loadOptimizerState(path: string | URL): Promise<OptimizerState> {
  const { tensors, metadata } = await loadSafetensors(path);
  const type = metadata["glassbox.optimizer"];
  if (type === undefined) {
    throw new TypeError(
      `Cannot load optimizer state: ${
        String(path)
      } has no glassbox.optimizer metadata, it is not an optimizer state file`,
    );
  }
  const parse = (key: string): Record<string, never> => {
    try {
      const value = JSON.parse(metadata[key] ?? "");
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
    } catch {
      // reported below
    }
    throw new TypeError(
      `Cannot load optimizer state: ${key} in ${String(path)} is not a JSON object`,
    );
  };
  return { type, options: parse("glassbox.options"), scalars: parse("glassbox.scalars"), tensors };
}
