/**
 * The safetensors format in memory: `encodeSafetensors` and
 * `decodeSafetensors` on `Uint8Array`s.
 *
 * @module
 */

import { Tensor } from "@glassbox/tensor";
import type { StateDict } from "./state_dict.ts";
import {
  DTYPE_CODES,
  littleEndianBytes,
  parseHeader,
  readHeaderLength,
  tensorsFromData,
} from "./_safetensors_format.ts";
import { kindOf } from "@glassbox/internal";

export { MAX_HEADER_BYTES, SafetensorsFormatError } from "./_safetensors_format.ts";

/** The contents of a safetensors file. */
export interface SafetensorsContents {
  /** The tensors by name, on the CPU, in header order. */
  tensors: StateDict;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
}

/** Options of `encodeSafetensors` and `saveSafetensors`. */
export interface SafetensorsOptions {
  /** Free-form strings stored as `__metadata__` (e.g. `{ format: "pt" }`). */
  metadata?: Record<string, string>;
}

function checkMetadata(metadata: unknown, action: string): [string, string][] {
  if (metadata === undefined) return [];
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new TypeError(
      `Cannot ${action}: metadata is ${kindOf(metadata)}, expected an object of strings`,
    );
  }
  const entries = Object.entries(metadata);
  for (const [k, v] of entries) {
    if (typeof v !== "string") {
      throw new TypeError(
        `Cannot ${action}: metadata ${JSON.stringify(k)} is ${kindOf(v)}, expected a string`,
      );
    }
  }
  return entries;
}

function jsonObject(entries: [string, unknown][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
}

/**
 * Encodes tensors in the safetensors format: an 8-byte little-endian header
 * length, a compact JSON header padded with spaces to a multiple of 8 bytes
 * (`__metadata__` first, then each tensor's `dtype` `"F64"`/`"F32"`, `shape`
 * and `data_offsets`), then the raw little-endian data — the layout the
 * `safetensors` package writes. float64 tensors come first, then float32,
 * each group in the dict's order. Tensors must be readable synchronously
 * (on the CPU); `saveSafetensors` reads them from any device.
 *
 * @param tensors Tensors by name, e.g. `model.stateDict()`.
 * @param options `metadata`.
 * @returns The file's bytes.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const bytes = encodeSafetensors({ w: tensor([[1, 2]]) }, { metadata: { format: "pt" } });
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * deepStrictEqual(tensors.w.toArray(), [[1, 2]]);
 * deepStrictEqual(metadata, { format: "pt" });
 * ```
 */
export function encodeSafetensors(
  tensors: StateDict,
  options: SafetensorsOptions = {},
): Uint8Array {
  const action = "encode safetensors";
  if (tensors === null || typeof tensors !== "object" || Array.isArray(tensors)) {
    throw new TypeError(
      `Cannot ${action}: expected an object of tensors by name, got ${kindOf(tensors)}`,
    );
  }
  const metadata = checkMetadata(options.metadata, action);
  const items = Object.entries(tensors).map(([name, t]) => {
    if (name === "__metadata__") {
      throw new RangeError(`Cannot ${action}: "__metadata__" is reserved and cannot name a tensor`);
    }
    if (!(t instanceof Tensor)) {
      throw new TypeError(`Cannot ${action}: ${name} is ${kindOf(t)}, expected a Tensor`);
    }
    let values: Float64Array | Float32Array;
    try {
      values = t.toTypedArray();
    } catch (error) {
      throw new TypeError(
        `Cannot ${action}: ${name} cannot be read synchronously from ${t.device.name}; use saveSafetensors or move it with .to(cpu)`,
        { cause: error },
      );
    }
    return { name, t, bytes: littleEndianBytes(values) };
  });
  items.sort((a, b) => DTYPE_CODES[b.t.dtype].bytes - DTYPE_CODES[a.t.dtype].bytes);
  const header: [string, unknown][] = metadata.length > 0
    ? [["__metadata__", Object.fromEntries(metadata)]]
    : [];
  let offset = 0;
  for (const { name, t, bytes } of items) {
    const info = {
      dtype: DTYPE_CODES[t.dtype].code,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    header.push([name, info]);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(jsonObject(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const { bytes } of items) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/**
 * Decodes safetensors bytes, treating them as untrusted: the header length
 * is bounded (≤ 100 MB and ≤ the bytes after it), the header must be a UTF-8
 * JSON object, every tensor needs a known dtype (F64 or F32; other valid
 * safetensors dtypes are reported as unsupported), a shape of non-negative
 * integers whose size matches its byte range, and the byte ranges must tile
 * the data section exactly. Anything else throws a `SafetensorsFormatError`
 * naming the problem; nothing is allocated from a size before it is checked.
 *
 * @param bytes The file's bytes.
 * @returns The tensors (CPU, copied) and the metadata.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from "@glassbox/layers";
 * import { throws } from "node:assert/strict";
 *
 * const bytes = new Uint8Array(16);
 * new DataView(bytes.buffer).setBigUint64(0, 1n << 40n, true);
 * throws(() => decodeSafetensors(bytes), /header length 1099511627776 exceeds the limit/);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  const context = "Cannot decode safetensors";
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${context}: expected a Uint8Array, got ${kindOf(bytes)}`);
  }
  const n = readHeaderLength(bytes, bytes.length, context);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, context);
  return { tensors: tensorsFromData(header, bytes.subarray(8 + n)), metadata: header.metadata };
}
