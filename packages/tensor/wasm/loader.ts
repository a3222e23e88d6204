// The one loader of the WebAssembly modules: their bytes are embedded as base64 text
// (gemm_bytes.ts, elementwise_bytes.ts, written by `deno task build:wasm`) so that they load
// the same from a checkout, from JSR and from a bundle, with no file or network access.

/** The bytes of a base64 string (`atob`, which every runtime has). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles and instantiates a module, synchronously (the modules are a few KiB); null when
 * the runtime has no WebAssembly or rejects the module (no SIMD, no relaxed SIMD, no
 * shared memory), so that the caller keeps its TypeScript path.
 */
export function instantiate(
  bytes: Uint8Array<ArrayBuffer>,
  imports: WebAssembly.Imports = {},
): WebAssembly.Exports | null {
  if (typeof WebAssembly === "undefined") return null;
  try {
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
  } catch {
    return null;
  }
}
