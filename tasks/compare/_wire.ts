// How arrays travel between glassbox and tasks/compare/torch_twin.py:
// { shape, f64: base64 of little-endian float64 } — exact for float64 and
// float32 values, and far smaller than decimal JSON for 10,000-row sets.

import { type Tensor, tensor } from "@glassbox/tensor";

/** An array on the wire. */
export interface WireArray {
  /** Its shape. */
  shape: number[];
  /** Little-endian float64 values, base64. */
  f64: string;
}

/** Encodes a tensor (any dtype; float32 widens exactly). */
export function encodeArray(t: Tensor): WireArray {
  const values = Float64Array.from(t.toTypedArray());
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { shape: [...t.shape], f64: btoa(binary) };
}

/** Decodes an array; throws a TypeError naming `what` when it is malformed. */
export function decodeArray(a: unknown, what: string): Float64Array {
  const w = a as WireArray;
  if (
    typeof w !== "object" || w === null || !Array.isArray(w.shape) || typeof w.f64 !== "string" ||
    !w.shape.every((n) => Number.isSafeInteger(n) && n >= 0)
  ) {
    throw new TypeError(
      `Cannot read the PyTorch twin's ${what}: expected {shape, f64}, got ${typeof a}`,
    );
  }
  const binary = atob(w.f64);
  const size = w.shape.reduce((p, n) => p * n, 1);
  if (binary.length !== size * 8) {
    throw new TypeError(
      `Cannot read the PyTorch twin's ${what}: shape [${w.shape}] needs ${
        size * 8
      } bytes, got ${binary.length}`,
    );
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  return Float64Array.from({ length: size }, (_, i) => view.getFloat64(i * 8, true));
}

/** Decodes an array into a float64 tensor of its shape. */
export function decodeTensor(a: unknown, what: string): Tensor {
  const values = decodeArray(a, what);
  const shape = (a as WireArray).shape;
  return tensor(values, { dtype: "float64" }).reshape(shape);
}
