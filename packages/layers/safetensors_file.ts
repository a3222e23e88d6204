/**
 * Saving and loading safetensors files: `saveSafetensors` (atomic) and
 * `loadSafetensors` (untrusted input, checked before it is read). They use
 * Deno's file API in Deno and `node:fs/promises` in Node and Bun; browsers
 * have no file system, so there use `encodeSafetensors` and
 * `decodeSafetensors`, which work on bytes.
 *
 * @module
 */

import { cpu, Tensor, tensor } from "@glassbox/tensor";
import type { Layer } from "./layer.ts";
import {
  encodeSafetensors,
  type SafetensorsContents,
  type SafetensorsOptions,
} from "./safetensors.ts";
import { type StateDict, stateDict } from "./state_dict.ts";
import {
  parseHeader,
  readHeaderLength,
  SafetensorsFormatError,
  tensorsFromData,
} from "./_safetensors_format.ts";
import { kindOf, openRegularFile, type ReadableFile, writeFileAtomic } from "@glassbox/internal";
import { isLayer } from "./layer.ts";

/** What a runtime without a file system (a browser) uses instead. */
const NO_FILE_SYSTEM = "use encodeSafetensors / decodeSafetensors and store the bytes yourself";

/** A sibling path for the temporary file: same directory, so the rename is atomic. */
function tempPathFor(path: string | URL): string | URL {
  const unique = `${crypto.randomUUID()}.tmp`;
  if (path instanceof URL) {
    const name = path.pathname.slice(path.pathname.lastIndexOf("/") + 1);
    return new URL(`.${name}.${unique}`, path);
  }
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1;
  return `${path.slice(0, cut)}.${path.slice(cut)}.${unique}`;
}

/**
 * Saves a model's state dict (or any tensors by name) as a safetensors file
 * that PyTorch's `safetensors.torch.load_file` reads. The file is written
 * atomically: to a temporary file in the same directory, flushed to disk,
 * then renamed over `path`, so a crash never leaves a half-written file.
 * Tensors on any device are read back first. Works in Deno (needs write
 * permission for the directory), Node and Bun; in a browser it throws, and
 * `encodeSafetensors` gives the bytes instead.
 *
 * @param model A layer (its `stateDict`) or tensors by name.
 * @param path Where to write.
 * @param options `metadata`: strings stored in `__metadata__`.
 * @returns A promise that resolves once the file is in place.
 *
 * @example
 * ```ts
 * import { loadSafetensors, mlp, saveSafetensors } from "@glassbox/layers";
 * import { manualSeed } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * manualSeed(0);
 * const model = mlp([2, 3, 1]);
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveSafetensors(model, path, { metadata: { format: "pt" } });
 * const { tensors, metadata } = await loadSafetensors(path);
 * deepStrictEqual(tensors["0.weight"].toArray(), model.stateDict()["0.weight"].toArray());
 * deepStrictEqual(metadata, { format: "pt" });
 * await Deno.remove(path);
 * ```
 */
export async function saveSafetensors(
  model: Layer | StateDict,
  path: string | URL,
  options: SafetensorsOptions = {},
): Promise<void> {
  const dict = isLayer(model) ? stateDict(model) : model;
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) {
    throw new TypeError(
      `Cannot save safetensors: expected a Layer or tensors by name, got ${kindOf(dict)}`,
    );
  }
  const host: StateDict = {};
  for (const [name, t] of Object.entries(dict)) {
    const onHost = t instanceof Tensor && t.device !== cpu
      ? tensor(await t.readTypedArray(), { shape: t.shape, dtype: t.dtype })
      : t;
    Object.defineProperty(host, name, {
      value: onHost,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const bytes = encodeSafetensors(host, options);
  await writeFileAtomic(path, tempPathFor(path), bytes, {
    action: "save safetensors",
    hint: NO_FILE_SYSTEM,
  });
}

/** Reads exactly `length` bytes, or fails naming how many there were. */
async function readExactly(
  file: ReadableFile,
  length: number,
  context: string,
): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = new Uint8Array(length);
  } catch (error) {
    throw new RangeError(
      `${context}: cannot allocate ${length} bytes to read it into (${(error as Error).message})`,
    );
  }
  let at = 0;
  while (at < length) {
    const n = await file.read(out.subarray(at));
    if (n === 0) {
      throw new SafetensorsFormatError(
        `${context}: the file ended after ${at} of ${length} expected bytes`,
      );
    }
    at += n;
  }
  return out;
}

/**
 * Loads a safetensors file, e.g. one saved from PyTorch with
 * `safetensors.torch.save_file(model.state_dict(), path)`. The file is read
 * as untrusted input (see `decodeSafetensors` for every check): the header
 * length is checked against the file size before the header is read, and
 * the header is validated before the data section is read. A malformed
 * file throws a `SafetensorsFormatError` naming the file and the problem.
 * Works in Deno, Node and Bun; in a browser use `decodeSafetensors` on the
 * bytes (e.g. `new Uint8Array(await (await fetch(url)).arrayBuffer())`).
 * Load the tensors into a model with `model.loadStateDict(tensors)`.
 *
 * @param path The file.
 * @returns The tensors (on the CPU) and the metadata.
 *
 * @example
 * ```ts
 * import { loadSafetensors, SafetensorsFormatError } from "@glassbox/layers";
 * import { rejects } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
 * await rejects(loadSafetensors(path), SafetensorsFormatError);
 * await Deno.remove(path);
 * ```
 */
export async function loadSafetensors(path: string | URL): Promise<SafetensorsContents> {
  const context = `Cannot load safetensors file ${path}`;
  const file = await openRegularFile(path, `load safetensors ${path}`, { hint: NO_FILE_SYSTEM });
  try {
    const size = file.size;
    const prefix = await readExactly(file, Math.min(8, size), context);
    const n = readHeaderLength(prefix, size, context);
    const headerBytes = await readExactly(file, n, context);
    const header = parseHeader(headerBytes, size - 8 - n, context);
    const data = await readExactly(file, size - 8 - n, context);
    if ((await file.read(new Uint8Array(1))) !== 0) {
      throw new SafetensorsFormatError(`${context}: the file grew while it was being read`);
    }
    return { tensors: tensorsFromData(header, data), metadata: header.metadata };
  } finally {
    await file.close();
  }
}
