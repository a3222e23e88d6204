/**
 * The CPU backend's memory: a pool of typed arrays that disposed tensors
 * return their storage to, so that a training loop which disposes its
 * intermediates allocates no new arrays once it has warmed up.
 *
 * @module
 */

import { isHostArray } from "@glassbox/internal";
import type { DType, TypedArray } from "../dtype.ts";
import { ARENA_MIN_ELEMENTS, arenaFloat64, belongsInArena } from "../wasm/arena.ts";

/** Counters of the CPU backend's typed-array pool (see `cpuMemory()`). */
export interface CpuMemoryStats {
  /** Typed arrays created by the CPU backend since the process started. */
  readonly allocations: number;
  /** Bytes of those arrays. */
  readonly allocatedBytes: number;
  /** Requests served from the pool instead of a new array. */
  readonly reuses: number;
  /** Arrays waiting in the pool. */
  readonly pooledArrays: number;
  /** Bytes waiting in the pool. */
  readonly pooledBytes: number;
  /**
   * The most bytes the pool keeps; released storage beyond it, and any one array larger
   * than an eighth of it, is left to the garbage collector.
   */
  readonly poolLimitBytes: number;
}

/**
 * The arrays the backend made (only these may go back to the pool, never a caller's array),
 * each with whether it is in the pool now (a second release of one is ignored). One map
 * lookup per release and one write per reuse: two WeakSets cost twice that.
 */
const owned = new WeakMap<TypedArray, boolean>();
const free64 = new Map<number, Float64Array[]>();
const free32 = new Map<number, Float32Array[]>();
let allocations = 0;
let allocatedBytes = 0;
let reuses = 0;
let pooledArrays = 0;
let pooledBytes = 0;
let poolLimitBytes = 512 * 1024 * 1024;

/**
 * A typed array of `size` elements for a kernel's output, from the pool when
 * one of that length is free. Zero-filled unless `zero` is false (for kernels
 * that write every element).
 */
export function allocHost(dtype: DType, size: number, zero = true): TypedArray {
  const bin = dtype === "float64" ? free64.get(size) : free32.get(size);
  const reused = bin === undefined ? undefined : bin.pop();
  if (reused !== undefined) {
    owned.set(reused, false);
    pooledArrays--;
    pooledBytes -= reused.byteLength;
    reuses++;
    return zero ? reused.fill(0) : reused;
  }
  let made: TypedArray;
  try {
    // A float64 array of a modest length lives in the small kernel's memory once that exists
    // (wasm/arena.ts): its products then read and write it in place.
    made = (dtype === "float64" && size >= ARENA_MIN_ELEMENTS ? arenaFloat64(size) : null) ??
      (dtype === "float64" ? new Float64Array(size) : new Float32Array(size));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const bytes = size * (dtype === "float64" ? 8 : 4);
    throw new RangeError(
      `Cannot allocate a ${dtype} tensor of ${size.toLocaleString("en-US")} elements ` +
        `(${(bytes / 2 ** 30).toFixed(2)} GiB): the runtime refused the memory (${error.message})`,
    );
  }
  allocations++;
  allocatedBytes += made.byteLength;
  owned.set(made, false);
  return made;
}

/**
 * Returns an array made by `allocHost` to the pool; any other array (a
 * caller's, a view) is ignored, as is a second release of the same array.
 */
export function releaseHost(values: unknown): void {
  if (!isHostArray(values)) return;
  if (owned.get(values) !== false || values.length === 0) return;
  // One array of more than an eighth of the limit (64 MiB by default: an 8000 × 1000
  // float64 matrix) is left to the garbage collector: kept, a single large product would
  // hold its memory for the life of the process, and a loop of such sizes gains little.
  if (values.byteLength > poolLimitBytes / 8) return;
  if (pooledBytes + values.byteLength > poolLimitBytes) return;
  // A plain array the arena has room for is left to the garbage collector, so that the next
  // request of its length is served by an arena array, which the pool then recycles.
  if (values instanceof Float64Array && belongsInArena(values)) return;
  const bins: Map<number, TypedArray[]> = values instanceof Float64Array ? free64 : free32;
  let bin = bins.get(values.length);
  if (bin === undefined) bins.set(values.length, bin = []);
  bin.push(values);
  owned.set(values, true);
  pooledArrays++;
  pooledBytes += values.byteLength;
}

/**
 * The CPU backend's allocation counters and pool contents. A training loop
 * that disposes what it no longer needs stops increasing `allocations` after
 * its first steps; tests use that to prove a loop allocates nothing per step.
 *
 * @returns A snapshot of the counters.
 *
 * @example
 * ```ts
 * import { cpuMemory, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const x = tensor([1, 2, 3]);
 * x.exp().dispose(); // its storage goes back to the pool
 * const before = cpuMemory().allocations;
 * x.exp().dispose(); // served from the pool
 * strictEqual(cpuMemory().allocations, before);
 * ```
 */
export function cpuMemory(): CpuMemoryStats {
  return { allocations, allocatedBytes, reuses, pooledArrays, pooledBytes, poolLimitBytes };
}

/**
 * Sets how many bytes of released storage the pool keeps (default 512 MiB);
 * `0` turns pooling off. Lowering the limit empties the pool. An array larger
 * than an eighth of the limit is never kept.
 *
 * @param bytes A non-negative number of bytes.
 *
 * @example
 * ```ts
 * import { cpuMemory, setCpuPoolLimit } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * setCpuPoolLimit(0);
 * strictEqual(cpuMemory().pooledBytes, 0);
 * setCpuPoolLimit(512 * 1024 * 1024);
 * ```
 */
export function setCpuPoolLimit(bytes: number): void {
  if (typeof bytes !== "number" || !(bytes >= 0)) {
    throw new RangeError(
      `Cannot set the CPU pool limit: bytes must be a number ≥ 0, got ${String(bytes)}`,
    );
  }
  if (bytes < poolLimitBytes) {
    free64.clear();
    free32.clear();
    pooledArrays = 0;
    pooledBytes = 0;
  }
  poolLimitBytes = bytes;
}
