/**
 * Memory helpers shared by the WebAssembly kernels (GEMM, elementwise).
 *
 * @module
 */

/** Bytes in a WebAssembly page. */
const PAGE = 65536;

/** `bytes` rounded up to a multiple of 64 (a cache line), where a buffer in linear memory starts. */
export function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * Grows `memory` to at least `bytes` (it never shrinks); false when that is
 * past 4 GiB or the runtime refuses. A grow detaches the caller's typed
 * views of the old buffer: compare `view.buffer` with `memory.buffer` after.
 */
export function growTo(memory: WebAssembly.Memory, bytes: number): boolean {
  if (memory.buffer.byteLength >= bytes) return true;
  if (bytes > 2 ** 32) return false;
  try {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  } catch {
    return false;
  }
  return true;
}
