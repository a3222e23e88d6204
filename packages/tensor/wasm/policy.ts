// What the WebAssembly GEMM does when something goes wrong or grows large (gemm.ts
// holds the mechanics): a worker that failed, a memory grown past the release size, a
// product too large for a 32-bit memory. State is module-wide, like the engine's; the
// caller passes how to replace its engine, so this file knows nothing of engines.

/**
 * After an operation that left the memory larger than this, the memory (and the threads
 * bound to it) is handed back once the calling code yields: a fresh small one replaces it
 * and the garbage collector frees the old one. A WebAssembly memory cannot shrink, and
 * without this one 8000 × 8 × 8000 product kept about 1 GB for the life of the process.
 * Only once: when a later operation needs that much again, the workload is one of large
 * operations, and releasing each time would only leave old memories waiting for the
 * collector (measured: 3.1 GB after four such products with a yield between each).
 */
const RELEASE_BYTES = 512 * 2 ** 20;
/** The most bytes a WebAssembly (32-bit) memory can have. */
const MEMORY_CAP = 2 ** 32;
/** Pools retired after a worker failed before threads are turned off for good. */
const MAX_RESTARTS = 3;

/** Pools retired because a worker failed (ended, or hung after claiming a task). */
let restarts = 0;
/** A release of the memory is queued. */
let releaseQueued = false;
/** A memory was released; `keepLarge` is set when one grows past the release size again. */
let released = false;
/** Large memories are kept from now on (see RELEASE_BYTES). */
let keepLarge = false;
/** The one-time warning about products too large for WebAssembly memory was given. */
let warnedTooLarge = false;
/** MEMORY_CAP and RELEASE_BYTES, unless a test lowered them. */
let memoryCap = MEMORY_CAP;
let releaseBytes = RELEASE_BYTES;

/** The one-time warning about workers that could not be started was given. */
let warnedNoWorkers = false;

/**
 * Warns once that the worker factory threw for worker `id` of a pool of `threads` threads
 * (the pool runs with the workers it has, or on the calling thread alone).
 */
export function workersDidNotStart(threads: number, id: number, error: unknown): void {
  if (warnedNoWorkers) return;
  warnedNoWorkers = true;
  console.warn(
    `glassbox: could not start worker thread ${id} of ${threads - 1} (${error}): large CPU ` +
      `operations run on ${id} thread${id === 1 ? "" : "s"}. This warning is shown once.`,
  );
}

/** Pools retired so far because a worker failed. */
export function workerRestarts(): number {
  return restarts;
}

/** True after MAX_RESTARTS failed workers: every operation stays on the calling thread. */
export function threadsOff(): boolean {
  return restarts >= MAX_RESTARTS;
}

/**
 * A worker failed (ended, or hung) during an operation that the caller has already
 * computed again on its own thread: `replace` closes the pool and abandons its memory (the
 * worker may still write into it; new workers start at the next large operation, unless
 * threads are now off). Says so on the console each time (at most MAX_RESTARTS times): the
 * result is right, but something killed or stopped a thread.
 */
export function workerStalled(error: Error, replace: () => void): void {
  restarts++;
  replace();
  console.warn(
    `glassbox: ${error.message}. The operation was computed again on the calling thread ` +
      `(same result); ${
        threadsOff()
          ? `after ${restarts} such failures, CPU operations stay on one thread from now on`
          : "the worker threads start again at the next large operation"
      }.`,
  );
}

/**
 * Queues `release` (replacing the engine by one with a fresh memory) for when the calling
 * code yields, if `memory` grew past the release size and no earlier release was followed
 * by a grow as large. A microtask: a synchronous loop of large products keeps its memory,
 * and nothing is left pending on the event loop.
 */
export function releaseLater(memory: WebAssembly.Memory, release: () => void): void {
  if (keepLarge || releaseQueued || memory.buffer.byteLength <= releaseBytes) return;
  releaseQueued = true;
  queueMicrotask(() => {
    releaseQueued = false;
    if (memory.buffer.byteLength > releaseBytes) {
      release();
      released = true;
    }
  });
}

/**
 * False when `bytes` is past the memory limit; notes a grow past the release size after a
 * release (large memories are then kept).
 */
export function mayGrow(memory: WebAssembly.Memory, bytes: number): boolean {
  if (bytes > memoryCap) return false;
  if (released && bytes > releaseBytes && memory.buffer.byteLength < bytes) keepLarge = true;
  return true;
}

/**
 * Warns once that a `dtype` product [m, k] · [k, n] needs `bytes` of WebAssembly memory
 * that it cannot have, so it runs in TypeScript on one thread.
 */
export function warnTooLarge(dtype: string, m: number, k: number, n: number, bytes: number): void {
  if (warnedTooLarge) return;
  warnedTooLarge = true;
  const gib = (x: number) => (x / 2 ** 30).toFixed(x < 2 ** 30 ? 3 : 1);
  console.warn(
    `glassbox: a ${dtype} matmul of [${m}, ${k}] by [${k}, ${n}] needs ${gib(bytes)} GiB of ` +
      `WebAssembly memory, ${
        bytes > memoryCap ? `past its ${gib(memoryCap)} GiB limit` : "more than the runtime gave"
      }: it runs in TypeScript on one thread, several times slower. Split the product ` +
      `(fewer rows at a time) to keep the fast path. This warning is shown once.`,
  );
}

/**
 * Lowers the WebAssembly memory limit (`cap`, 4 GiB) and the size past which memory is
 * handed back (`release`, 512 MiB) so that tests reach both with small products; with no
 * argument restores both. Either way forgets the one-time warning and past releases.
 */
export function setWasmMemoryLimits(
  { cap = MEMORY_CAP, release = RELEASE_BYTES }: { cap?: number; release?: number } = {},
): void {
  memoryCap = cap;
  releaseBytes = release;
  warnedTooLarge = false;
  released = false;
  keepLarge = false;
}

/**
 * Forgets the failed workers (and the one-time warning about workers that could not
 * start), so that threads are used again (tests that inject faults).
 */
export function resetWorkerFailures(): void {
  restarts = 0;
  warnedNoWorkers = false;
}
