// Builds raw safetensors byte strings for the loader's tests.

/** A file from a header (an object, or raw header text/bytes) and a data section. */
export function build(header: unknown, data: Uint8Array | number = 0, length?: bigint): Uint8Array {
  const json = header instanceof Uint8Array
    ? header
    : new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}
