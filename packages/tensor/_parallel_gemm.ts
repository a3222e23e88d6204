// Threads for the WebAssembly GEMM: workers that share the module's memory and take tasks
// (one `gemm_f64` / `gemm_f32` call each, on a block of rows or columns of C, or one
// `pack_b_*` call on a block of op(B)'s columns) from a queue
// in that memory, while the main thread takes tasks too and then blocks until all are done.
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
// Workers: in Deno (and Node) `node:worker_threads`, reached synchronously through
// `process.getBuiltinModule`, because only its workers can be unref'd — a web Worker keeps
// `deno run` alive after the script ends. Elsewhere (browsers) a module Worker from a blob
// URL. Either way the worker's code is built from the functions below as a string, so no
// module URL has to resolve (from a checkout, from JSR or from a bundle alike) and no read,
// net or import permission is needed. If no worker can be created, matmul runs on one thread.

/** Int32 slots of the control block at the start of the shared memory. */
const TICKET = 0, DONE = 1, FAILED = 2, SCRATCH = 3, STRIDE = 4, PB_OFFSET = 5, ALIVE = 6;
/** Tasks run by workers so far (a diagnostic: the main thread's are not counted). */
const WORKER_TASKS = 7;
/** Worker `id` stops when slot STOP + id is non-zero. */
const STOP = 8;
/** Int32 slot of the first task; each task is TASK_INTS slots. */
const TASKS = 128;
const TASK_INTS = 13;

/** Most tasks in one job (the ticket word has 12 bits; the control block, 64 KiB). */
export const MAX_TASKS = 1024;
/** Bytes at the start of memory that belong to the control block and task list. */
export const CONTROL_BYTES = 65536;
/** Most threads, the main thread included (one STOP slot per worker below TASKS). */
export const MAX_THREADS = TASKS - STOP;
/** How long the calling thread spins for the other threads' last tasks before it sleeps. */
const SPIN_MS = 0.25;
/** Threads used when neither GLASSBOX_THREADS nor setMatmulThreads() says otherwise, at most. */
const DEFAULT_CAP = 8;

/**
 * One task, 13 Int32s. A GEMM call: [f64 ? 1 : 0, a, ars, aks, b, bks, bcs, c, ldc, m, n,
 * k, packedB] (see wasm/gemm.wat), where packedB is the address of all of op(B) already
 * packed, or 0 for the task to pack B itself in its thread's scratch. A packing call:
 * [f64 ? 3 : 2, b, bks, bcs, ldc, n, k, pb] (`pack_b_f64` / `pack_b_f32`, the rest unused),
 * so that threads pack op(B) together before they share it. Elementwise calls (the
 * elementwise module on the same memory): [4, f, src, dst, n] with f 0 exp, 1 tanh,
 * 2 sigmoid; [5, x, e, rows, len, sums]: softmax of `rows` rows into e.
 */
export type GemmTask = readonly number[];

/** The exported functions of the GEMM module, as the threads call them. */
type Gemm = (...args: number[]) => void;

/** What a thread calls: the GEMM module's exports, and the elementwise module's where loaded. */
export interface GemmCalls {
  gemm_f64: Gemm;
  gemm_f32: Gemm;
  pack_b_f64: Gemm;
  pack_b_f32: Gemm;
  exp_f64?: Gemm;
  tanh_f64?: Gemm;
  sigmoid_f64?: Gemm;
  softmax_rows_f64?: Gemm;
  rows_apply_f64?: Gemm;
}

/**
 * Claims and runs tasks of the current job until none is left; returns the ticket word seen
 * last. Runs on the main thread and, as source text, in every worker: it must not refer to
 * anything outside itself, so the slots above appear as numbers.
 */
function claimTasks(ctl: Int32Array, gemm: GemmCalls, id: number): number {
  for (;;) {
    const v = Atomics.load(ctl, 0);
    const next = v & 4095, count = (v >>> 12) & 4095;
    if (next >= count) return v;
    if (Atomics.compareExchange(ctl, 0, v, v + 1) !== v) continue;
    const t = 128 + next * 13, kind = ctl[t];
    try {
      if (kind === 4) {
        const f = ctl[t + 1] === 0
          ? gemm.exp_f64
          : ctl[t + 1] === 1
          ? gemm.tanh_f64
          : gemm.sigmoid_f64;
        f!(ctl[t + 2], ctl[t + 3], ctl[t + 4]);
      } else if (kind === 5) {
        gemm.softmax_rows_f64!(ctl[t + 1], ctl[t + 2], ctl[t + 3], ctl[t + 4], ctl[t + 5]);
        gemm.rows_apply_f64!(ctl[t + 2], ctl[t + 3], ctl[t + 4], ctl[t + 5], 0);
      } else if (kind >= 2) {
        (kind === 3 ? gemm.pack_b_f64 : gemm.pack_b_f32)(...ctl.subarray(t + 1, t + 8));
      } else {
        const pa = ctl[3] + id * ctl[4], packed = ctl[t + 12];
        (kind ? gemm.gemm_f64 : gemm.gemm_f32)(
          ...ctl.subarray(t + 1, t + 12),
          pa,
          packed || pa + ctl[5],
          packed ? 1 : 0,
        );
      }
    } catch {
      Atomics.add(ctl, 2, 1);
    }
    if (id !== 0) Atomics.add(ctl, 7, 1);
    if (Atomics.add(ctl, 1, 1) + 1 === count) Atomics.notify(ctl, 1);
  }
}

/** A worker's life: instantiate the modules on the shared memory, then claim, sleep, repeat. */
function workerMain(data: WorkerData, claim: typeof claimTasks): void {
  const { memory, bytes, elementwise, id } = data;
  const ctl = new Int32Array(memory.buffer, 0, 16384); // the control block (CONTROL_BYTES)
  const imports = { env: { memory } };
  const instance = (code: Uint8Array<ArrayBuffer>) =>
    new WebAssembly.Instance(new WebAssembly.Module(code), imports).exports;
  const gemm = {
    ...instance(bytes),
    ...(elementwise === undefined ? {} : instance(elementwise)),
  } as unknown as GemmCalls;
  Atomics.add(ctl, 6, 1);
  while (Atomics.load(ctl, 8 + id) === 0) {
    Atomics.wait(ctl, 0, claim(ctl, gemm, id));
  }
  Atomics.sub(ctl, 6, 1);
}

const NODE_SOURCE = `"use strict";
const { workerData } = require("node:worker_threads");
(${workerMain})(workerData, ${claimTasks});
`;

const WEB_SOURCE = `self.onmessage = (event) => {
  self.onmessage = null;
  (${workerMain})(event.data, ${claimTasks});
};
`;

/** What the pool needs of a started worker. */
export interface GemmWorker {
  /** Ends the worker from outside (only where that leaves nothing pending). */
  terminate?(): void;
}

/** What a worker is started with: the shared memory, the modules' bytes and its id. */
export interface WorkerData {
  memory: WebAssembly.Memory;
  /** The GEMM module (shared-memory build). */
  bytes: Uint8Array<ArrayBuffer>;
  /** The elementwise module (shared-memory build), when the runtime accepted it. */
  elementwise?: Uint8Array<ArrayBuffer>;
  id: number;
}

/** Starts worker `id` on the memory and module bytes; throws if it cannot. */
export type WorkerFactory = (data: WorkerData) => GemmWorker;

interface NodeWorker {
  on(event: "error", listener: (error: unknown) => void): void;
  unref(): void;
}
interface NodeWorkerThreads {
  Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/** `node:worker_threads` where the runtime has it (Deno, Node), else undefined. */
function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } })
      .process;
    const module = process?.getBuiltinModule?.("node:worker_threads") as NodeWorkerThreads;
    return typeof module?.Worker === "function" ? module : undefined;
  } catch {
    return undefined;
  }
}

/** An unref'd `node:worker_threads` worker: it never keeps the process alive. */
export const nodeWorkerFactory: WorkerFactory = (data) => {
  const threads = nodeWorkerThreads();
  if (threads === undefined) throw new Error("node:worker_threads is not available");
  const worker = new threads.Worker(NODE_SOURCE, { eval: true, workerData: data });
  // A worker that fails only loses its share; the listener stops the error becoming fatal.
  worker.on("error", () => {});
  worker.unref();
  return {};
};

/** A module web Worker from a blob URL (keeps a Deno process alive until terminated). */
export const webWorkerFactory: WorkerFactory = (data) => {
  const url = URL.createObjectURL(new Blob([WEB_SOURCE], { type: "text/javascript" }));
  try {
    const worker = new Worker(url, { type: "module" });
    worker.postMessage(data);
    return { terminate: () => worker.terminate() };
  } finally {
    URL.revokeObjectURL(url);
  }
};

/** The factory for this runtime: node workers where available, else web Workers. */
export function defaultWorkerFactory(): WorkerFactory | undefined {
  if (nodeWorkerThreads() !== undefined) return nodeWorkerFactory;
  return typeof Worker === "function" ? webWorkerFactory : undefined;
}

/**
 * The worker threads of one shared memory. `run` is the only entry: it publishes a job,
 * takes tasks on the calling thread as thread 0, and returns when every task is done.
 */
export class GemmPool {
  /** Threads this pool was made for, the calling thread included. */
  readonly threads: number;
  #ctl: Int32Array;
  #workers: GemmWorker[] = [];
  #generation = 0;
  #canWait = true;

  /**
   * Starts `threads - 1` workers on `memory` (a shared WebAssembly memory whose first
   * CONTROL_BYTES the pool owns) running the module `bytes`; workers that fail to start
   * are left out.
   */
  constructor(
    memory: WebAssembly.Memory,
    bytes: Uint8Array<ArrayBuffer>,
    { threads, factory, elementwise }: {
      threads: number;
      factory: WorkerFactory | undefined;
      elementwise?: Uint8Array<ArrayBuffer>;
    },
  ) {
    this.threads = threads;
    this.#ctl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
    if (factory === undefined) return;
    for (let id = 1; id < threads; id++) {
      try {
        this.#workers.push(factory({ memory, bytes, elementwise, id }));
      } catch {
        break; // One worker fewer, or none: the calling thread takes their tasks.
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

  /** Workers that have instantiated the module and are taking tasks. */
  get alive(): number {
    return Atomics.load(this.#ctl, ALIVE);
  }

  /**
   * Runs every task, each on some thread with its own scratch at
   * `scratch + id·stride` (packed A) and `+ pbOffset` (packed B); false if a task threw.
   */
  run(
    gemm: GemmCalls,
    tasks: readonly GemmTask[],
    { scratch, stride, pbOffset }: { scratch: number; stride: number; pbOffset: number },
  ): boolean {
    const ctl = this.#ctl;
    if (tasks.length > MAX_TASKS) throw new RangeError(`Cannot run ${tasks.length} GEMM tasks`);
    tasks.forEach((task, i) => ctl.set(task, TASKS + i * TASK_INTS));
    ctl[DONE] = 0;
    ctl[FAILED] = 0;
    ctl[SCRATCH] = scratch;
    ctl[STRIDE] = stride;
    ctl[PB_OFFSET] = pbOffset;
    this.#publish(tasks.length);
    claimTasks(ctl, gemm, 0);
    // The last tasks usually end within microseconds of each other: spinning a moment
    // first saves the wake-up of a sleep (20–30% at 128 × 128 × 128 in float64, measured).
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, DONE) < tasks.length && performance.now() < spinUntil);
    for (let done; (done = Atomics.load(ctl, DONE)) < tasks.length;) this.#wait(ctl, done);
    return ctl[FAILED] === 0;
  }

  /** Asks every worker to stop (web Workers are also terminated). */
  close(): void {
    for (let id = 1; id <= this.#workers.length; id++) Atomics.store(this.#ctl, STOP + id, 1);
    this.#publish(0);
    for (const worker of this.#workers) worker.terminate?.();
    this.#workers = [];
  }

  /** Stores a new ticket word (new generation, `count` tasks, none claimed) and wakes workers. */
  #publish(count: number): void {
    this.#generation = (this.#generation + 1) & 255;
    Atomics.store(this.#ctl, TICKET, (this.#generation << 24) | (count << 12));
    if (this.#workers.length > 0) Atomics.notify(this.#ctl, TICKET);
  }

  /** Blocks while DONE is `done`; spins where the thread may not block (a browser's main thread). */
  #wait(ctl: Int32Array, done: number): void {
    if (this.#canWait) {
      try {
        Atomics.wait(ctl, DONE, done);
        return;
      } catch {
        this.#canWait = false;
      }
    }
  }
}

let threads: number | undefined;

/**
 * Sets how many threads a large CPU matmul may use, the calling thread included. Products of
 * at least 2^21 multiply-adds (128 × 128 × 128) are split over that many threads, with the
 * same bits as on one; smaller ones stay on the calling thread. The default, `"auto"`, is
 * the environment variable `GLASSBOX_THREADS` when the process may read it (`--allow-env`),
 * else `navigator.hardwareConcurrency` up to 8. Workers start at the next large matmul; if
 * none can start (or there is no SharedArrayBuffer), matmul runs on one thread. Once they
 * run, `exp`, `tanh`, `sigmoid` and `softmax` over at least 65,536 elements are split over
 * the same threads too, again with the same bits.
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
  return threads ?? threadsFromEnv() ?? defaultThreads();
}

function defaultThreads(): number {
  const cores = typeof navigator === "object" ? navigator.hardwareConcurrency : undefined;
  return Number.isInteger(cores) && cores! >= 1 ? Math.min(cores!, DEFAULT_CAP) : 1;
}

/** `GLASSBOX_THREADS` if the environment may be read without a prompt, else undefined. */
function threadsFromEnv(): number | undefined {
  let value: string | undefined;
  try {
    if (typeof Deno === "undefined") return undefined;
    const query = { name: "env", variable: "GLASSBOX_THREADS" } as const;
    if (Deno.permissions.querySync(query).state !== "granted") return undefined;
    value = Deno.env.get("GLASSBOX_THREADS");
  } catch {
    return undefined;
  }
  if (value === undefined || value === "" || value === "auto") return undefined;
  const count = Number(value);
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_THREADS)) {
    throw new RangeError(
      `Cannot read GLASSBOX_THREADS: got "${value}", expected "auto" or a whole number from 1 to ${MAX_THREADS}`,
    );
  }
  return count;
}
