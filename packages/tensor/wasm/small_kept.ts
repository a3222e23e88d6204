// Dense layers' weights kept in the small kernel's memory between calls (wasm/small_gemm.ts).
// A dense layer's forward reads W transposed: without a kept copy, every call copies W in
// and transposes it into a k × n scratch (33 rows × 32 × 32: a tenth of the layer's time),
// and its backward copies W in again for ∂L/∂x. With one, the forward reads the transposed
// copy in place and the backward the copy as stored.
//
// When a copy may be used — the key is the caller's promise, the rest is checked here:
//
// - the caller names W's tensor by a key (the layers give one number per Tensor object, and
//   pass it with the view of it their backward reads, so a key always means one storage while
//   its tensors are alive; a disposed tensor's storage may go back to the pool and come out
//   as another tensor's, which gets another key);
// - the storage passed must be the very array the copy was made from (a key with another
//   storage makes a new copy);
// - a storage written in place drops its copies: the CPU backend's only in-place writers,
//   `optimizerUpdate` and `lossValueGrad`'s accumulator, call `forgetKept` with what they
//   write before writing it (as stale, not deleted: its place stays its own, and the next
//   call copies the new values into the same bytes, which a training step does every step).

import type { TypedArray } from "../dtype.ts";
import { align64 } from "./memory.ts";
import type { MemoryViews } from "./memory.ts";

/**
 * Where the kept copies start: the first bytes of the memory (an address of 0 stays unused:
 * it means "no bias" to the kernel). The products' operands start at {@linkcode KEPT_END}.
 * Low rather than past the operands' 4 MiB cap, so that the memory stays small (the kept
 * copies of a notebook's network take tens of KiB).
 */
const KEPT_START = 64;
/** Bytes for kept copies; when full, every copy is dropped and the region starts over. */
const KEPT_BYTES = 128 * 1024;
/** Where the products' operands start (past the kept copies). */
export const KEPT_END = KEPT_START + KEPT_BYTES;
/**
 * Bytes between W and Wᵀ, and after Wᵀ: without them a 32 × 32 float64 W and its Wᵀ would lie
 * a multiple of 4 KiB apart, where a transpose that reads one and writes the other can stall
 * on its loads (4K aliasing).
 */
const SKEW = 5 * 64;
/** The largest weight kept, in bytes (2,048 float64 elements: 32 × 64), small layers'. */
const KEPT_MAX = 16 * 1024;

/** One kept weight: W as stored at `raw`, and Wᵀ (k × n, row-major) at `transposed` once made. */
export interface Kept {
  readonly storage: TypedArray;
  readonly length: number;
  readonly bytes: number;
  readonly raw: number;
  readonly transposed: number;
  /** Whether the bytes at `raw` hold the storage's values (false once it was written). */
  current: boolean;
  /** Whether Wᵀ at `transposed` has been written (by the first forward that used the copy). */
  ready: boolean;
}

const kept = new Map<number, Kept>();
/** The same copies in an array: `forgetKept` runs at every optimizer step, a loop over it is cheap. */
const all: Kept[] = [];
let top = KEPT_START;

/** Drops every kept copy (a new module instance: its memory is another). */
export function resetKept(): void {
  kept.clear();
  all.length = 0;
  top = KEPT_START;
}

/**
 * Drops the kept copies of these storages: called before a storage is written in place.
 *
 * @example
 * ```ts
 * import { forgetKept } from "./small_kept.ts";
 *
 * forgetKept([new Float64Array(4)]); // nothing kept of it: nothing to drop
 * ```
 */
export function forgetKept(storages: readonly unknown[]): void {
  if (all.length === 0 || storages.length === 0) return;
  for (let k = 0; k < all.length; k++) {
    const copy = all[k];
    for (let i = 0; i < storages.length; i++) {
      if (copy.storage === storages[i]) copy.current = copy.ready = false;
    }
  }
}

/** How many copies are kept now (tests). */
export function keptCount(): number {
  return kept.size;
}

/**
 * The kept copy of `w` (its first `length` elements of `bytes` each) under `key`: the one
 * made earlier from this same storage (its values copied in again if the storage was written
 * since, `ready` then false), else a new one copied in now (`ready` false). Null when W is too
 * large to keep or the memory cannot grow; the caller then copies W as before. `reserve`
 * grows the module's memory to the given bytes (false if it cannot).
 */
export function keptWeight(
  views: MemoryViews,
  reserve: (bytes: number) => boolean,
  key: number,
  w: TypedArray,
  length: number,
  bytes: number,
): Kept | null {
  const found = kept.get(key);
  if (
    found !== undefined && found.storage === w && found.length === length && found.bytes === bytes
  ) {
    if (!found.current) {
      // Written since (an optimizer step): the new values into the same bytes.
      copyIn(views, found);
      found.current = true;
    }
    return found;
  }
  const size = align64(length * bytes);
  if (size > KEPT_MAX) return null;
  if (top + 2 * (size + SKEW) > KEPT_START + KEPT_BYTES) resetKept();
  if (!reserve(KEPT_END)) return null;
  const copy: Kept = {
    storage: w,
    length,
    bytes,
    raw: top,
    transposed: top + size + SKEW,
    current: true,
    ready: false,
  };
  top += 2 * (size + SKEW);
  copyIn(views, copy);
  kept.set(key, copy);
  all.push(copy);
  return copy;
}

/** The storage's values into the copy's `raw` bytes. */
function copyIn(views: MemoryViews, copy: Kept): void {
  const { storage, length, bytes } = copy;
  const view = bytes === 8 ? views.f64 : views.f32;
  view.set(storage.length === length ? storage : storage.subarray(0, length), copy.raw / bytes);
}
