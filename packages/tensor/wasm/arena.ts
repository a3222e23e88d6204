// Float64 tensor storage inside the small kernel's WebAssembly memory (wasm/small_gemm.ts),
// so that its products read their operands and write their results where the tensors are,
// instead of copying each operand in and each result out (a 33-row training step copies
// about twenty such arrays: a few µs of its ~55).
//
// The CPU pool (cpu/memory.ts) asks here for a new float64 array of a modest length once the
// small kernel's module exists; it gets a view of a region of that module's memory, or null
// (then a plain array, as before). The pool recycles released arrays by length. An array the
// program drops without disposing gives its region back once the garbage collector has
// collected it (a FinalizationRegistry: the region goes to a free list of its size, which new
// arrays of that size take first). Without that, a program that leaves tensors to the garbage
// collector (assignment-fit: about 34,000 small arrays a run) spent the arena within a few
// runs, and every array after was a plain one again (assignment-adam measured 255 instead of
// 207 ms after the bench's earlier experiments). A region is only reused once no JavaScript
// object views it: the library's own subarrays of a storage live only while the storage is
// in use, and tensors hand out copies (`toTypedArray`). When no region is free, new arrays are
// plain ones and the kernels copy them in and out as they always did. The values are the same
// either way: the kernels run the same instructions on the same numbers, only their addresses
// differ.
//
// The memory is grown to its full size before any region is handed out and never grown
// again: growing a non-shared WebAssembly memory detaches every view of it.

/** The most elements one arena array has (256 KiB: a 1,000-row batch of 32 features). */
export const ARENA_MAX_ELEMENTS = 32 * 1024;
/**
 * The fewest elements of an array the pool places in the arena: smaller ones (a loss, a
 * bias of a few outputs) are copied in at no measurable cost, and each would take a whole
 * 64-byte region and a finalizer (assignment-fit makes about 30,000 such a run).
 */
export const ARENA_MIN_ELEMENTS = 8;
/** Bytes of the arena. */
export const ARENA_BYTES = 16 * 1024 * 1024;

interface Arena {
  readonly buffer: ArrayBufferLike;
  /** The next byte never handed out. */
  top: number;
  readonly end: number;
  /** Regions given back (their arrays were collected), by size in bytes: their starts. */
  readonly free: Map<number, number[]>;
  /** Bytes in `free`. */
  freeBytes: number;
}

let arena: Arena | null = null;

/** A collected array's region, back to the free list of its arena (if still the current one). */
const collected = new FinalizationRegistry<{ of: Arena; at: number; bytes: number }>(
  ({ of, at, bytes }) => {
    let list = of.free.get(bytes);
    if (list === undefined) of.free.set(bytes, list = []);
    list.push(at);
    of.freeBytes += bytes;
  },
);

/** The bytes an array of `size` float64 elements takes: whole cache lines, never shared. */
function regionBytes(size: number): number {
  return Math.ceil(size / 8) * 64;
}

/**
 * Makes `[start, start + ARENA_BYTES)` of `memory` the arena (null: no arena): called by the
 * small kernel's module once its memory has that size, which it then never grows. Arrays of
 * an earlier arena stay valid (they keep their memory alive) but count as plain arrays from
 * now on.
 */
export function setArena(memory: WebAssembly.Memory | null, start = 0): void {
  if (memory === null) {
    arena = null;
    return;
  }
  if (start % 64 !== 0 || start + ARENA_BYTES > memory.buffer.byteLength) {
    throw new RangeError(
      `Cannot set the arena at byte ${start}: expected a multiple of 64 with ${ARENA_BYTES} ` +
        `bytes after it in a memory of ${memory.buffer.byteLength}`,
    );
  }
  arena = {
    buffer: memory.buffer,
    top: start,
    end: start + ARENA_BYTES,
    free: new Map(),
    freeBytes: 0,
  };
}

/**
 * A new zeroed float64 array of `size` elements in the arena, or null: no arena yet, `size`
 * outside 1…{@linkcode ARENA_MAX_ELEMENTS}, or no room left.
 *
 * @example
 * ```ts
 * import { arenaFloat64 } from "./arena.ts";
 * import { ok } from "node:assert/strict";
 *
 * const a = arenaFloat64(4); // null until the small kernel's module exists
 * ok(a === null || (a.length === 4 && a.every((v) => v === 0)));
 * ```
 */
export function arenaFloat64(size: number): Float64Array | null {
  if (arena === null || size < 1 || size > ARENA_MAX_ELEMENTS) return null;
  const bytes = regionBytes(size);
  let view: Float64Array;
  const reused = arena.free.get(bytes)?.pop();
  if (reused !== undefined) {
    arena.freeBytes -= bytes;
    view = new Float64Array(arena.buffer, reused, size).fill(0);
  } else if (arena.top + bytes <= arena.end) {
    // Never used before, so zero: the memory starts zeroed and the kernels write only their
    // own scratch and the arrays they are given.
    view = new Float64Array(arena.buffer, arena.top, size);
    arena.top += bytes;
  } else {
    return null;
  }
  collected.register(view, { of: arena, at: view.byteOffset, bytes });
  return view;
}

/**
 * Whether a released array of this kind should leave the pool for an arena one: a plain
 * (or an earlier arena's) float64 array of an arena length while the arena has room for it.
 * The pool then drops it, and the next request of that length gets an arena array.
 */
export function belongsInArena(values: Float64Array): boolean {
  if (arena === null || values.buffer === arena.buffer) return false;
  const size = values.length;
  if (size < ARENA_MIN_ELEMENTS || size > ARENA_MAX_ELEMENTS) return false;
  const bytes = regionBytes(size);
  return arena.top + bytes <= arena.end || (arena.free.get(bytes)?.length ?? 0) > 0;
}

/** The byte address of `a[offset]` when `a` is a view of `buffer`, else -1. */
export function addressIn(
  buffer: ArrayBufferLike,
  a: Float64Array | Float32Array,
  offset: number,
): number {
  return a.buffer === buffer ? a.byteOffset + offset * a.BYTES_PER_ELEMENT : -1;
}

/**
 * The byte address where a kernel reads `length` elements of `a` from `offset`: where they
 * are when `a` is a view of `memory` (an arena array), else `scratch`, after copying them
 * there through `view`, a view of all of `memory`.
 */
export function operandAt(
  memory: ArrayBufferLike,
  view: Float64Array<ArrayBufferLike> | Float32Array<ArrayBufferLike>,
  a: Float64Array | Float32Array,
  offset: number,
  length: number,
  scratch: number,
): number {
  const at = addressIn(memory, a, offset);
  if (at >= 0) return at;
  const part = offset === 0 && a.length === length ? a : a.subarray(offset, offset + length);
  view.set(part, scratch / view.BYTES_PER_ELEMENT);
  return scratch;
}

/** Bytes of the arena in use (handed out and not given back), and its size (tests, diagnostics). */
export function arenaUse(): { used: number; bytes: number } {
  return arena === null
    ? { used: 0, bytes: 0 }
    : { used: arena.top - (arena.end - ARENA_BYTES) - arena.freeBytes, bytes: ARENA_BYTES };
}
