// The safetensors layout, read as untrusted input:
//
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   a UTF-8 JSON object: { name: { dtype, shape, data_offsets: [begin, end] }, …,
//             "__metadata__"?: { string: string } }, padded with spaces
//   the rest  the data section: each tensor's bytes, little-endian, C order, at
//             [begin, end) relative to the start of the data section
//
// Every size is checked against the real length of the file before anything
// is allocated from it; the tensors must tile the data section exactly (no
// gaps, no overlaps, nothing left over), as the reference implementation
// requires.

import { type DType, type Tensor, tensor } from "@glassbox/tensor";
import { describe, fmtShape } from "@glassbox/internal";

/** Largest header accepted, as the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The dtypes glassbox reads and writes, with their safetensors names and sizes. */
export const DTYPE_CODES: { readonly [K in DType]: { code: "F64" | "F32"; bytes: number } } = {
  float64: { code: "F64", bytes: 8 },
  float32: { code: "F32", bytes: 4 },
};
const CODE_TO_DTYPE: Record<string, DType> = { F64: "float64", F32: "float32" };
/** Valid safetensors dtypes that glassbox does not hold. */
const UNSUPPORTED_CODES = new Set([
  "BOOL",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "I64",
  "U64",
]);

/**
 * A safetensors file or buffer is malformed: truncated, oversized, not JSON,
 * an unknown dtype, or offsets that do not match the shapes and the data.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, SafetensorsFormatError } from "@glassbox/layers";
 * import { throws } from "node:assert/strict";
 *
 * throws(() => decodeSafetensors(new Uint8Array(3)), SafetensorsFormatError);
 * ```
 */
export class SafetensorsFormatError extends Error {
  /**
   * Creates the error.
   * @param message What is wrong, naming the tensor or field.
   * @example
   * ```ts
   * import { SafetensorsFormatError } from "@glassbox/layers";
   * import { strictEqual } from "node:assert/strict";
   * strictEqual(new SafetensorsFormatError("x").name, "SafetensorsFormatError");
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "SafetensorsFormatError";
  }
}

/** Most dimensions a tensor may have (the tensor package's limit). */
const MAX_RANK = 32;
/** Most elements a tensor may have (the tensor package's limit). */
const MAX_ELEMENTS = 2 ** 32 - 1;

/** One tensor of a validated header. */
export interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header. */
export interface Header {
  entries: TensorEntry[];
  metadata: Record<string, string>;
}

/** Reads and bounds-checks the header length from the first 8 bytes. */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, context: string): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsFormatError(
      `${context}: it is ${fileSize} bytes long, shorter than the 8-byte header length`,
    );
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsFormatError(
      `${context}: header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`,
    );
  }
  if (n > BigInt(fileSize - 8)) {
    throw new SafetensorsFormatError(
      `${context}: header length ${n} runs past the end of the data (${fileSize} bytes, ${
        fileSize - 8
      } after the length)`,
    );
  }
  return Number(n);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function checkEntry(
  name: string,
  info: unknown,
  dataLength: number,
  fail: (s: string) => never,
): TensorEntry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(info)) {
    fail(`${what} is ${describe(info)}, expected an object with dtype, shape, data_offsets`);
  }
  const { dtype: code, shape, data_offsets: offsets } = info;
  if (typeof code !== "string") {
    fail(`${what} has dtype ${describe(code)}, expected a string such as "F64"`);
  }
  const dtype = CODE_TO_DTYPE[code];
  if (dtype === undefined) {
    const why = UNSUPPORTED_CODES.has(code) ? "is not supported" : "is unknown";
    fail(`${what} has dtype ${describe(code)}, which ${why}; expected "F64" or "F32"`);
  }
  if (!Array.isArray(shape)) {
    fail(`${what} has shape ${describe(shape)}, expected an array of integers`);
  }
  if (shape.length > MAX_RANK) {
    fail(`${what} has a shape of ${shape.length} dimensions, expected at most ${MAX_RANK}`);
  }
  let elements = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      fail(
        `${what} has shape ${describe(shape)}: dimension ${
          describe(d)
        } is not a non-negative integer`,
      );
    }
    elements *= d;
    if (elements > Number.MAX_SAFE_INTEGER) {
      fail(`${what} has shape ${describe(shape)}, which has too many elements`);
    }
  }
  if (elements > MAX_ELEMENTS) {
    fail(
      `${what} has shape ${
        describe(shape)
      } of ${elements} elements, expected at most ${MAX_ELEMENTS} (2^32 - 1)`,
    );
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => typeof o === "number" && Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(
      `${what} has data_offsets ${
        describe(offsets)
      }, expected [begin, end] with non-negative integers`,
    );
  }
  const [begin, end] = offsets as number[];
  if (begin > end) fail(`${what} has data_offsets [${begin}, ${end}]: begin is after end`);
  if (end > dataLength) {
    fail(
      `${what} has data_offsets [${begin}, ${end}] outside the data section of ${dataLength} bytes`,
    );
  }
  const bytes = elements * DTYPE_CODES[dtype].bytes;
  if (end - begin !== bytes) {
    fail(
      `${what} has shape ${
        fmtShape(shape)
      } of ${code} (${bytes} bytes) but data_offsets [${begin}, ${end}] span ${end - begin} bytes`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/** Parses and validates the JSON header against the length of the data section. */
export function parseHeader(bytes: Uint8Array, dataLength: number, context: string): Header {
  const fail: (detail: string) => never = (detail) => {
    throw new SafetensorsFormatError(`${context}: ${detail}`);
  };
  if (bytes[0] !== 0x7b) {
    fail(`the header does not start with "{" (first byte ${bytes[0] ?? "missing"})`);
  }
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    fail(`the ${bytes.length}-byte header is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) fail(`the header is ${describe(parsed)}, expected a JSON object`);
  const header = parsed as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (info === null) continue;
      if (!isPlainObject(info)) {
        fail(`__metadata__ is ${describe(info)}, expected an object of strings`);
      }
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== "string") {
          fail(`__metadata__ ${JSON.stringify(k)} is ${describe(v)}, expected a string`);
        }
        Object.defineProperty(metadata, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      continue;
    }
    entries.push(checkEntry(name, info, dataLength, fail));
  }
  // The tensors must tile the data section: sorted by offset, each starts where the last ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0, previous = "the start of the data section";
  for (const e of sorted) {
    if (e.begin < at) {
      fail(`tensor ${JSON.stringify(e.name)} at [${e.begin}, ${e.end}] overlaps ${previous}`);
    }
    if (e.begin > at) {
      fail(`bytes [${at}, ${e.begin}) before tensor ${JSON.stringify(e.name)} belong to no tensor`);
    }
    at = e.end;
    previous = `tensor ${JSON.stringify(e.name)} at [${e.begin}, ${e.end}]`;
  }
  if (at !== dataLength) {
    fail(`bytes [${at}, ${dataLength}) at the end of the data section belong to no tensor`);
  }
  return { entries, metadata };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Builds CPU tensors from a validated header and its data section (copies the bytes). */
export function tensorsFromData(header: Header, data: Uint8Array): Record<string, Tensor> {
  const tensors: Record<string, Tensor> = {};
  for (const { name, dtype, shape, begin, end } of header.entries) {
    const count = (end - begin) / DTYPE_CODES[dtype].bytes;
    const values = dtype === "float64" ? new Float64Array(count) : new Float32Array(count);
    if (LITTLE_ENDIAN) {
      new Uint8Array(values.buffer).set(data.subarray(begin, end));
    } else {
      const view = new DataView(data.buffer, data.byteOffset + begin, end - begin);
      for (let i = 0; i < count; i++) {
        values[i] = dtype === "float64"
          ? view.getFloat64(8 * i, true)
          : view.getFloat32(4 * i, true);
      }
    }
    const t = tensor(values, { shape, dtype });
    Object.defineProperty(tensors, name, {
      value: t,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return tensors;
}

/** Little-endian bytes of a typed array. */
export function littleEndianBytes(values: Float64Array | Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  const f64 = values instanceof Float64Array;
  for (let i = 0; i < values.length; i++) {
    if (f64) view.setFloat64(8 * i, values[i], true);
    else view.setFloat32(4 * i, values[i], true);
  }
  return out;
}
