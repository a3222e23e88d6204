/**
 * The file-based half of the smoke run: `saveSafetensors` and
 * `loadSafetensors` on real files and `ModelCheckpoint` creating its folder
 * (Deno, Node, Bun), and the clear refusal a browser gets instead.
 *
 * @module
 */

import { loadSafetensors, mlp, saveSafetensors } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, randn } from "@glassbox/tensor";
import { fit, ModelCheckpoint, SGD } from "@glassbox/trainer";

/** What `fileRoundTrip` found. */
export interface FileRoundTrip {
  /** Whether every loaded tensor equals the saved one bit for bit. */
  identical: boolean;
  /** The metadata read back. */
  metadata: Record<string, string>;
  /** Files left in the folder after saving twice (no temporary file may remain). */
  files: string[];
  /** Tensor names in the checkpoint `ModelCheckpoint` wrote into a nested, new folder. */
  checkpointTensors: string[];
  /** The error a file that is not safetensors gives. */
  malformed: string;
}

/**
 * Saves a model to `dir/model.safetensors` twice (the second replaces the
 * first), loads it back, trains two epochs with a `ModelCheckpoint` writing
 * into `dir/nested/checkpoints`, and loads a malformed file.
 *
 * @param dir An existing, empty folder.
 * @param list Lists a folder's entries (the runtime's own API).
 * @param writeBytes Writes a file (the runtime's own API).
 * @returns What was read back.
 */
export async function fileRoundTrip(
  dir: string,
  list: (dir: string) => Promise<string[]>,
  writeBytes: (path: string, bytes: Uint8Array) => Promise<void>,
): Promise<FileRoundTrip> {
  manualSeed(0);
  const model = mlp([3, 4, 2]);
  const path = `${dir}/model.safetensors`;
  await saveSafetensors(mlp([3, 4, 2]), path);
  await saveSafetensors(model, path, { metadata: { format: "pt", run: "smoke" } });
  const { tensors, metadata } = await loadSafetensors(path);
  const saved = model.stateDict();
  const identical = Object.keys(saved).length === Object.keys(tensors).length &&
    Object.entries(saved).every(([name, t]) => {
      const a = t.toTypedArray(), b = tensors[name]?.toTypedArray();
      return b !== undefined && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    });
  const files = (await list(dir)).sort();

  const x = randn([16, 3]), y = randn([16, 2]);
  const checkpoints = `${dir}/nested/checkpoints`;
  await fit(model, {
    x,
    y,
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.01 }),
    epochs: 2,
    batchSize: 8,
    callbacks: [new ModelCheckpoint({ dir: checkpoints, monitor: "loss" })],
  });
  const last = await loadSafetensors(`${checkpoints}/last.safetensors`);

  const bad = `${dir}/bad.safetensors`;
  await writeBytes(bad, new Uint8Array([1, 2, 3]));
  let malformed = "";
  await loadSafetensors(bad).catch((e: Error) => malformed = `${e.name}: ${e.message}`);
  return {
    identical,
    metadata,
    files,
    checkpointTensors: Object.keys(last.tensors).sort(),
    malformed,
  };
}

/**
 * Where there is no file system (a browser): the messages of
 * `saveSafetensors` and `ModelCheckpoint`'s folder creation.
 *
 * @returns Both errors' messages (empty when a call did not fail).
 */
export async function fileSystemRefusals(): Promise<{ save: string; checkpoint: string }> {
  let save = "", checkpoint = "";
  await saveSafetensors(mlp([1, 1]), "model.safetensors").catch((e: Error) => save = e.message);
  await new ModelCheckpoint({ dir: "runs" }).onTrainBegin({ restart: 0 } as never)
    .catch((e: Error) => checkpoint = e.message);
  return { save, checkpoint };
}
