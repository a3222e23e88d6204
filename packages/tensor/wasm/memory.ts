/**
 * Memory helpers shared by the WebAssembly kernels (GEMM, elementwise): alignment, growth,
 * and the typed views of a memory, made again after it grows.
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

/** float64 and float32 views of one memory, valid after every successful `reserve`. */
export class MemoryViews {
  f64: Float64Array<ArrayBufferLike>;
  f32: Float32Array<ArrayBufferLike>;

  constructor(readonly memory: WebAssembly.Memory) {
    this.f64 = new Float64Array(memory.buffer);
    this.f32 = new Float32Array(memory.buffer);
  }

  /**
   * Grows the memory to at least `bytes` (it never shrinks) and makes the views again after
   * a grow; false if it cannot grow that far.
   */
  reserve(bytes: number): boolean {
    if (!growTo(this.memory, bytes)) return false;
    if (this.f64.buffer !== this.memory.buffer) {
      this.f64 = new Float64Array(this.memory.buffer);
      this.f32 = new Float32Array(this.memory.buffer);
    }
    return true;
  }
}
