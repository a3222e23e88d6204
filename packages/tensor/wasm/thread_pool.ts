// The worker pool of the WebAssembly kernels: workers that share the modules' memory and take
// tasks (tasks.ts: a `gemm_f64` / `gemm_f32` call on a block of rows or columns of C, a
// `pack_b_*` call on a block of op(B)'s columns, an exp / tanh / sigmoid over a chunk, a
// softmax over a block of rows) from a queue in that memory, while the main thread takes
// tasks too and then blocks until all are done.
//
// Synchronisation is Atomics only, no messages, so nothing is pending on the main thread's
// event loop. The queue is one Int32 "ticket" word: job generation (bits 24–31), task count
// (12–23) and next unclaimed task (0–11). A thread claims task `next` with one
// compare-and-swap on the whole word, so a claim for an old job can never succeed on a new
// one, and a worker that has not started yet (or is slow) simply leaves its share to the
// others: the main thread never waits for a worker to pick a task up, only for tasks that
// were claimed to finish. Each output element is computed by one task in the same order as
// with one thread, so the result is bit-identical whoever runs which task.
//
// A worker that fails must fail the operation quickly and visibly, never hang it. Each
// worker carries a watch (workers.ts): an error while it starts or runs a task, or an exit,
// is written into the control block (which worker, which task, the error's text) and wakes
// the calling thread, which stops waiting at once. A worker terminated from outside or
// stuck in a loop cannot say so: the calling thread never waits without a bound, sleeping
// in short slices, and when no task has finished for a while (STALL_MIN_MS, or
// STALL_FACTOR times what one of its own tasks took, whichever is longer) it gives up. The
// runtime's own events (a worker's `error`, `messageerror`, `exit`) arrive between
// operations, and the next `run` fails before it starts. Every case throws a
// `WorkerStallError` that names the operation, the worker, its task and what happened; the
// caller computes the operation on its own thread (same bits) and retires the pool, so a
// dead worker is never used again (see gemm.ts and policy.ts). Workers live in workers.ts.

import { MAX_THREADS, threadsFromEnv } from "./env.ts";
import { claimTasks, type ModuleCalls, type PoolWorker, type WorkerFactory } from "./workers.ts";
import { type PoolTask, PROTOCOL, SLOT } from "./tasks.ts";
import { describeJob, readFault } from "./_job.ts";
import { workersDidNotStart } from "./policy.ts";

export type { ModuleCalls, WorkerFactory } from "./workers.ts";
export { defaultWorkerFactory } from "./workers.ts";

const { ticket: TICKET, done: DONE, failed: FAILED, scratch: SCRATCH, stride: STRIDE } = SLOT;
const { pbOffset: PB_OFFSET, alive: ALIVE, workerTasks: WORKER_TASKS, stop: STOP } = SLOT;
const { tasks: TASKS, dead: DEAD, holding: HOLDING } = SLOT;
const { taskInts: TASK_INTS, ticketBits: TICKET_BITS } = PROTOCOL;

/** Most tasks in one job (the control block, 64 KiB, has room for 1024 after its slots). */
export const MAX_TASKS = 1024;
/** Bytes at the start of memory that belong to the control block and task list. */
export const CONTROL_BYTES = PROTOCOL.controlInts * 4;
export { MAX_THREADS } from "./env.ts";
/** How long the calling thread spins for the other threads' last tasks before it sleeps. */
const SPIN_MS = 0.25;
/** How long the calling thread sleeps at a time while it waits for the others' tasks. */
const WAIT_SLICE_MS = 20;
/** No task finished for this long (at least) means a worker died or hangs. */
const STALL_MIN_MS = 2000;
/** ... or for this many times the calling thread's own time per task, when that is longer. */
const STALL_FACTOR = 50;
/** STALL_MIN_MS and STALL_FACTOR, unless a test changed them (setWorkerDeadline). */
let stallMinMs = STALL_MIN_MS, stallFactor = STALL_FACTOR;
/** Threads used when neither GLASSBOX_THREADS nor setMatmulThreads() says otherwise, at most. */
const DEFAULT_CAP = 8;

/**
 * The worker threads of one shared memory. `run` is the only entry: it publishes a job,
 * takes tasks on the calling thread as thread 0, and returns when every task is done.
 */
export class WorkerPool {
  /** Threads this pool was made for, the calling thread included. */
  readonly threads: number;
  #ctl: Int32Array;
  #workers: PoolWorker[] = [];
  #generation = 0;
  #canWait = true;
  /** What the runtime reported first about a worker (an error or exit event), if anything. */
  #lost: string | undefined;
  #closed = false;

  /**
   * Starts `threads - 1` workers on `memory` (a shared WebAssembly memory whose first
   * CONTROL_BYTES the pool owns) running the module `bytes`; workers the factory cannot
   * start are left out (with a one-time warning).
   */
  constructor(
    memory: WebAssembly.Memory,
    bytes: Uint8Array<ArrayBuffer>,
    { threads, factory, elementwise, small }: {
      threads: number;
      factory: WorkerFactory | undefined;
      elementwise?: Uint8Array<ArrayBuffer>;
      small?: Uint8Array<ArrayBuffer>;
    },
  ) {
    this.threads = threads;
    this.#ctl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
    if (factory === undefined) return;
    for (let id = 1; id < threads; id++) {
      const lost = (what: string) => {
        if (!this.#closed) this.#lost ??= `worker ${id} ${what}`;
      };
      try {
        this.#workers.push(
          factory({ memory, bytes, elementwise, small, protocol: PROTOCOL, id }, lost),
        );
      } catch (error) {
        // One worker fewer, or none: the calling thread takes their tasks.
        workersDidNotStart(threads, id, error);
        break;
      }
    }
  }

  /** Workers started (they may still be loading). */
  get workers(): number {
    return this.#workers.length;
  }

  /** Tasks that workers (not the calling thread) have run so far. */
  get workerTasks(): number {
    return Atomics.load(this.#ctl, WORKER_TASKS);
  }

  /** A worker ended (or the runtime reported an error or exit): `run` would fail at once. */
  get ended(): boolean {
    return this.#lost !== undefined || Atomics.load(this.#ctl, DEAD) !== 0;
  }

  /** Workers that have instantiated the module and are taking tasks. */
  get alive(): number {
    return Atomics.load(this.#ctl, ALIVE);
  }

  /**
   * Runs every task, each on some thread with its own scratch at
   * `scratch + id·stride` (packed A) and `+ pbOffset` (packed B). False if a task threw on
   * the calling thread itself: the caller then runs the operation again on its own thread.
   *
   * @throws {WorkerStallError} When a worker ended (threw, exited, failed to start) before
   * or during the job, or a task it claimed stayed undone for too long (it hangs or was
   * terminated). The pool must then be closed and its memory abandoned: a worker may still
   * write into it.
   */
  run(
    calls: ModuleCalls,
    tasks: readonly PoolTask[],
    { scratch, stride, pbOffset }: { scratch: number; stride: number; pbOffset: number },
  ): boolean {
    const ctl = this.#ctl;
    if (tasks.length > MAX_TASKS) {
      throw new RangeError(
        `Cannot run ${tasks.length} tasks on the worker pool, expected at most ${MAX_TASKS}`,
      );
    }
    if (this.ended) throw this.#failure(tasks, "before the operation started");
    tasks.forEach((task, i) => ctl.set(task, TASKS + i * TASK_INTS));
    ctl[DONE] = 0;
    ctl[FAILED] = 0;
    ctl[SCRATCH] = scratch;
    ctl[STRIDE] = stride;
    ctl[PB_OFFSET] = pbOffset;
    this.#publish(tasks.length);
    const ran = { tasks: 0 };
    const started = performance.now();
    claimTasks(ctl, calls, PROTOCOL, 0, ran);
    const own = performance.now() - started;
    // The last tasks usually end within microseconds of each other: spinning a moment
    // first saves the wake-up of a sleep (20–30% at 128 × 128 × 128 in float64, measured).
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, DONE) < tasks.length && performance.now() < spinUntil);
    if (Atomics.load(ctl, DONE) < tasks.length) {
      const limit = Math.max(stallMinMs, stallFactor * own / Math.max(ran.tasks, 1));
      this.#waitAll(ctl, tasks, limit);
    }
    return ctl[FAILED] === 0;
  }

  /** The error for a worker that ended: the operation, the worker, its task, what it said. */
  #failure(tasks: readonly PoolTask[], when: string): WorkerStallError {
    const fault = readFault(this.#ctl);
    const what = fault === undefined
      ? this.#lost ?? "a worker ended"
      : `worker ${fault.worker} ${fault.what}`;
    const held = fault !== undefined && fault.task >= 0 && when === "mid-operation"
      ? ` while it ran task ${fault.task + 1} of ${tasks.length}`
      : ` ${when}`;
    return new WorkerStallError(
      `Cannot ${describeJob(tasks)} on ${this.#workers.length + 1} threads: ${what}${held}`,
    );
  }

  /** Asks every worker to stop, and terminates them (a stuck one included). */
  close(): void {
    for (let id = 1; id <= this.#workers.length; id++) Atomics.store(this.#ctl, STOP + id, 1);
    this.#publish(0);
    this.#closed = true;
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }

  /** Stores a new ticket word (new generation, `count` tasks, none claimed) and wakes workers. */
  #publish(count: number): void {
    this.#generation = (this.#generation + 1) & 255;
    Atomics.store(this.#ctl, TICKET, (this.#generation << 24) | (count << TICKET_BITS));
    if (this.#workers.length > 0) Atomics.notify(this.#ctl, TICKET);
  }

  /**
   * Waits until DONE reaches the task count, in slices of WAIT_SLICE_MS (spinning where the
   * thread may not block: a browser's main thread); throws as soon as a worker ended, or
   * when no task finished for `limit` ms.
   */
  #waitAll(ctl: Int32Array, tasks: readonly PoolTask[], limit: number): void {
    const count = tasks.length;
    let done = Atomics.load(ctl, DONE);
    let since = performance.now();
    while (done < count) {
      if (this.#canWait) {
        try {
          Atomics.wait(ctl, DONE, done, WAIT_SLICE_MS);
        } catch {
          this.#canWait = false;
        }
      }
      const now = performance.now(), seen = Atomics.load(ctl, DONE);
      if (seen !== done) {
        done = seen;
        since = now;
      } else if (Atomics.load(ctl, DEAD) !== 0) {
        throw this.#failure(tasks, "mid-operation");
      } else if (now - since > limit) {
        throw new WorkerStallError(
          `Cannot ${describeJob(tasks)} on ${this.#workers.length + 1} threads: ` +
            `${this.#holders(tasks.length)} after ${Math.round(now - since)} ms with no task ` +
            `finishing (a worker hangs or was terminated), expected each within ` +
            `${Math.round(limit)} ms`,
        );
      }
    }
  }

  /** Which workers hold which undone tasks, as words. */
  #holders(count: number): string {
    const held: string[] = [];
    for (let id = 1; id <= this.#workers.length; id++) {
      const task = Atomics.load(this.#ctl, HOLDING + id);
      if (task !== 0) held.push(`worker ${id} still held task ${task} of ${count}`);
    }
    const undone = count - Atomics.load(this.#ctl, DONE);
    return held.length > 0
      ? held.join(", ")
      : `${undone} of ${count} tasks claimed by worker threads were not done`;
  }
}

/**
 * A worker thread failed an operation: it ended (threw, exited or failed to start) before or
 * during it, or left a task it claimed undone for too long (it hangs or was terminated).
 */
export class WorkerStallError extends Error {
  /** Always `"WorkerStallError"`. */
  override name = "WorkerStallError";
}

/**
 * Sets how long the calling thread waits for a worker's task before it gives up on the
 * worker: `ms`, or `factor` times its own time per task when that is longer (by default
 * 2000 ms and 50, restored with no arguments). Tests of hanging workers use a short one.
 */
export function setWorkerDeadline(ms: number = STALL_MIN_MS, factor: number = STALL_FACTOR): void {
  if (!(ms > 0 && Number.isFinite(ms)) || !(factor >= 0 && Number.isFinite(factor))) {
    throw new RangeError(
      `Cannot set the worker deadline: got ${ms} ms and factor ${factor}, expected a ` +
        `positive number of ms and a factor of 0 or more`,
    );
  }
  stallMinMs = ms;
  stallFactor = factor;
}

let threads: number | undefined;
/** `GLASSBOX_THREADS`, read (and checked: a bad value fails here) when this module loads. */
const ENV_THREADS = threadsFromEnv();

/**
 * Sets how many threads a large CPU matmul may use, the calling thread included. Products of
 * at least 2^21 multiply-adds (128 × 128 × 128) are split over that many threads, with the
 * same bits as on one; smaller ones stay on the calling thread. The default, `"auto"`, is
 * the environment variable `GLASSBOX_THREADS` when the process may read it (`--allow-env`
 * already granted: it is never asked for), else the number of cores
 * (`navigator.hardwareConcurrency`, or Node's `os`) up to 8. Workers start at the next
 * large matmul; if none can start (or there is no SharedArrayBuffer), matmul runs on one
 * thread. If a worker fails (throws, traps, exits, cannot start, or stops answering:
 * after 2 s without a finished task), the operation is computed again on the calling
 * thread (same bits), a console warning names the operation, the worker and what happened,
 * and new workers start at the next large operation; after three such failures every
 * operation stays on the calling thread. Once they run, `exp`, `tanh`, `sigmoid` and
 * `softmax` over at least 65,536 elements are split over the same threads too, again with
 * the same bits.
 *
 * @param count A whole number from 1 (every matmul on the calling thread) to 120, or `"auto"`.
 *
 * @example
 * ```ts
 * import { matmulThreads, setMatmulThreads } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * setMatmulThreads(1);
 * strictEqual(matmulThreads(), 1);
 * setMatmulThreads("auto");
 * ```
 */
export function setMatmulThreads(count: number | "auto"): void {
  if (count !== "auto" && !(Number.isInteger(count) && count >= 1 && count <= MAX_THREADS)) {
    throw new RangeError(
      `Cannot set matmul threads: got ${count}, expected "auto" or a whole number from 1 to ${MAX_THREADS}`,
    );
  }
  threads = count === "auto" ? undefined : count;
}

/**
 * Threads a large CPU matmul may use (see {@linkcode setMatmulThreads}).
 *
 * @returns The thread count, the calling thread included.
 *
 * @example
 * ```ts
 * import { matmulThreads, setMatmulThreads } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * setMatmulThreads(2);
 * strictEqual(matmulThreads(), 2);
 * setMatmulThreads("auto");
 * ```
 */
export function matmulThreads(): number {
  return threads ?? ENV_THREADS ?? defaultThreads();
}

/** The cores `navigator` reports (Deno, browsers) or Node's `os` (Node 20 has no navigator), up to 8. */
function defaultThreads(): number {
  let cores = typeof navigator === "object" ? navigator.hardwareConcurrency : undefined;
  if (cores === undefined) {
    try {
      const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } })
        .process;
      const os = process?.getBuiltinModule?.("node:os") as
        | { availableParallelism?(): number }
        | undefined;
      cores = os?.availableParallelism?.();
    } catch {
      // One thread.
    }
  }
  return Number.isInteger(cores) && cores! >= 1 ? Math.min(cores!, DEFAULT_CAP) : 1;
}
