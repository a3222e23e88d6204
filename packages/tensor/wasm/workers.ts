// The worker pool's threads: what each runs (`claimTasks`, `workerMain`) and how they are
// started in each runtime.
//
// Node and Deno: `node:worker_threads`, reached synchronously through
// `process.getBuiltinModule` (or, in a Node without it, a dynamic import started when this
// module loads), because only its workers can be unref'd: a web Worker keeps `deno run`
// alive after the script ends (Deno's web Worker has no `unref`). The worker is started with
// `env: SHARE_ENV`: by default `new Worker` copies `process.env` for the worker, which in
// Deno reads the whole environment and so asks for `--allow-env` in a terminal; sharing
// reads nothing. Browsers (and any runtime with `Worker` but no `worker_threads`): a module
// Worker from a blob URL. Either way the worker's code is built from the functions below as
// a string, so no module URL has to resolve (from a checkout, from JSR or from a bundle
// alike) and no read, net, env or import permission is needed.

import type { Protocol } from "./tasks.ts";

/** An exported function of a module, as the threads call it. */
type Export = (...args: number[]) => void;

/**
 * What a thread calls: the GEMM module's exports, and the elementwise and small-product
 * modules' where loaded.
 */
export interface ModuleCalls {
  gemm_f64: Export;
  gemm_f32: Export;
  pack_b_f64: Export;
  pack_b_f32: Export;
  exp_f64?: Export;
  tanh_f64?: Export;
  sigmoid_f64?: Export;
  relu_f64?: Export;
  dense_epilogue_f64?: Export;
  softmax_rows_f64?: Export;
  rows_apply_f64?: Export;
  exp_table?: Export;
  small_gemm_f64?: Export;
}

/**
 * Claims and runs tasks of the current job until none is left; returns the ticket word seen
 * last, and counts the tasks it ran in `ran.tasks` when given (the calling thread does, to
 * time its share). Runs on the main thread and, as source text, in every worker: it must
 * not refer to anything outside itself, so the slots, task kinds and op codes come in `p`
 * (tasks.ts's PROTOCOL).
 */
export function claimTasks(
  ctl: Int32Array,
  calls: ModuleCalls,
  p: Protocol,
  id: number,
  ran?: { tasks: number },
): number {
  const { slot, task } = p, mask = (1 << p.ticketBits) - 1;
  for (;;) {
    const v = Atomics.load(ctl, slot.ticket);
    const next = v & mask, count = (v >>> p.ticketBits) & mask;
    if (next >= count) return v;
    if (Atomics.compareExchange(ctl, slot.ticket, v, v + 1) !== v) continue;
    const t = slot.tasks + next * p.taskInts, kind = ctl[t];
    if (id !== 0) Atomics.store(ctl, slot.holding + id, next + 1);
    try {
      if (kind === task.unary) {
        const f = calls[`${p.unaryOps[ctl[t + 1]]}_f64`];
        f!(ctl[t + 2], ctl[t + 3], ctl[t + 4]);
      } else if (kind === task.softmaxRows) {
        calls.softmax_rows_f64!(ctl[t + 1], ctl[t + 2], ctl[t + 3], ctl[t + 4], ctl[t + 5]);
        calls.rows_apply_f64!(ctl[t + 2], ctl[t + 3], ctl[t + 4], ctl[t + 5], 0);
      } else if (kind === task.denseChain) {
        // Each layer on rows [from, from + rows): the GEMM (packing W in this thread's
        // scratch), the bias and activation in place, and softmax rows into their own array;
        // the next layer reads this one's output (its address is in its description).
        const from = ctl[t + 1], rows = ctl[t + 2], d = slot.chain;
        const pa = ctl[slot.scratch] + id * ctl[slot.stride], pb = pa + ctl[slot.pbOffset];
        for (let l = 0, q = d + 1; l < ctl[d]; l++, q += p.chainInts) {
          const inLd = ctl[q + 1], outLd = ctl[q + 4], n = ctl[q + 5], k = ctl[q + 6];
          const bias = ctl[q + 7], act = ctl[q + 8], a = ctl[q] + from * inLd;
          const c = ctl[q + 3] + from * outLd, wt = ctl[q + 11];
          const pointwise = act === 4 ? 0 : act;
          if (wt !== 0) {
            // Wᵀ as stored (k × n), no packing: the small product with the bias (and relu)
            // in its tiles' epilogue; tanh and sigmoid after it, as the epilogue applies them.
            calls.small_gemm_f64!(a, inLd, 8, wt, n * 8, 8, c, rows, n, k, bias, 0, +(act === 1));
            if (pointwise > 1) calls.dense_epilogue_f64!(c, outLd, rows, n, 0, pointwise);
          } else {
            calls.gemm_f64(a, inLd, 8, ctl[q + 2], 8, k * 8, c, outLd, rows, n, k, pa, pb, 0);
            if (bias !== 0 || pointwise !== 0) {
              calls.dense_epilogue_f64!(c, outLd, rows, (n + 3) & ~3, bias, pointwise);
            }
          }
          if (act === 4) {
            const e = ctl[q + 9] + from * outLd, sums = ctl[q + 10] + from * 8;
            calls.softmax_rows_f64!(c, e, rows, n, sums);
            calls.rows_apply_f64!(e, rows, n, sums, 0);
          }
        }
      } else if (kind === task.packBF64 || kind === task.packBF32) {
        (kind === task.packBF64 ? calls.pack_b_f64 : calls.pack_b_f32)(
          ...ctl.subarray(t + 1, t + 8),
        );
      } else {
        const pa = ctl[slot.scratch] + id * ctl[slot.stride], packed = ctl[t + 12];
        (kind === task.gemmF64 ? calls.gemm_f64 : calls.gemm_f32)(
          ...ctl.subarray(t + 1, t + 12),
          pa,
          packed || pa + ctl[slot.pbOffset],
          packed ? 1 : 0,
        );
        // The dense epilogue (bias, activation) on this task's block: rows m, its whole tiles.
        if (ctl[t + 13] !== 0 || ctl[t + 14] !== 0) {
          const cols = (ctl[t + 10] + 3) & ~3;
          calls.dense_epilogue_f64!(
            ctl[t + 7],
            ctl[t + 8],
            ctl[t + 9],
            cols,
            ctl[t + 13],
            ctl[t + 14],
          );
        }
      }
    } catch (error) {
      // A worker that fails a task is not trusted with another: it ends, and its watch
      // (workerMain) reports the error and the task it held. The calling thread's own
      // failure is counted, and the caller computes the operation again on its thread.
      if (id !== 0) throw error;
      Atomics.add(ctl, slot.failed, 1);
    }
    if (id !== 0) {
      Atomics.store(ctl, slot.holding + id, 0);
      Atomics.add(ctl, slot.workerTasks, 1);
    }
    if (ran !== undefined) ran.tasks++;
    if (Atomics.add(ctl, slot.done, 1) + 1 === count) Atomics.notify(ctl, slot.done);
  }
}

/** The signature of `claimTasks`, as `workerMain` calls it. */
type ClaimTasks = (ctl: Int32Array, calls: ModuleCalls, p: Protocol, id: number) => number;

/** The source of `claimTasks`, which workers run (tests start workers with a faulty one). */
export const CLAIM_TASKS_SOURCE: string = String(claimTasks);

/** What a worker is started with: the shared memory, the modules' bytes, the protocol, its id. */
export interface WorkerData {
  memory: WebAssembly.Memory;
  /** tasks.ts's PROTOCOL (workers cannot import it). */
  protocol: Protocol;
  /** The GEMM module (shared-memory build). */
  bytes: Uint8Array<ArrayBuffer>;
  /** The elementwise module (shared-memory build), when the runtime accepted it. */
  elementwise?: Uint8Array<ArrayBuffer>;
  /** The small product's float64 module (shared-memory build), when the runtime accepted it. */
  small?: Uint8Array<ArrayBuffer>;
  id: number;
}

/**
 * A worker's life: instantiate the modules on the shared memory, then claim, sleep, repeat.
 * Its watch: whatever ends it early (an error while it starts or runs a task, an error in
 * `claim`, `process.exit` in Node) is written into the control block — the `dead` count, its
 * id, the task it held and the error's text — and wakes the calling thread, which then fails
 * the operation with that message instead of waiting for the task (thread_pool.ts). Only a
 * worker stopped from outside (`terminate`) or stuck in a loop says nothing: the calling
 * thread's deadline covers those.
 */
function workerMain(data: WorkerData, claim: ClaimTasks): void {
  const { memory, bytes, elementwise, small, protocol: p, id } = data;
  const { slot } = p;
  const ctl = new Int32Array(memory.buffer, 0, p.controlInts);
  let alive = false, ended = false;
  const end = (what: string): void => {
    if (ended) return;
    ended = true;
    if (alive) Atomics.sub(ctl, slot.alive, 1);
    if (Atomics.compareExchange(ctl, slot.fault, 0, id + 1) === 0) {
      const text = what.slice(0, p.faultChars);
      for (let i = 0; i < text.length; i++) ctl[slot.faultText + i] = text.charCodeAt(i);
      Atomics.store(ctl, slot.faultTask, Atomics.load(ctl, slot.holding + id));
      Atomics.store(ctl, slot.faultLength, text.length);
    }
    Atomics.add(ctl, slot.dead, 1);
    Atomics.notify(ctl, slot.done);
  };
  const host = (globalThis as { process?: { on?(event: string, f: (code: number) => void): void } })
    .process;
  if (typeof host?.on === "function") host.on("exit", (code) => end(`exited (code ${code})`));
  try {
    const imports = { env: { memory } };
    const instance = (code: Uint8Array<ArrayBuffer>) =>
      new WebAssembly.Instance(new WebAssembly.Module(code), imports).exports;
    const calls = {
      ...instance(bytes),
      ...(elementwise === undefined ? {} : instance(elementwise)),
      ...(small === undefined ? {} : instance(small)),
    } as unknown as ModuleCalls;
    // The elementwise kernels read the exponential's table from the control block.
    if (elementwise !== undefined) calls.exp_table!(slot.expTable * 4);
    alive = true;
    Atomics.add(ctl, slot.alive, 1);
    while (Atomics.load(ctl, slot.stop + id) === 0) {
      Atomics.wait(ctl, slot.ticket, claim(ctl, calls, p, id));
    }
  } catch (error) {
    let text = "an error that cannot be shown";
    try {
      text = String(error);
    } catch {
      // Keep the placeholder.
    }
    end(`${alive ? "threw" : "failed to start"} (${text})`);
    return;
  }
  ended = true; // asked to stop: not a failure
  Atomics.sub(ctl, slot.alive, 1);
}

/**
 * The worker's source for `node:worker_threads` (eval) or a web Worker (blob URL), with
 * `claim`, the source of a function like `claimTasks`.
 */
function workerSource(kind: "node" | "web", claim: string): string {
  return kind === "node"
    ? `"use strict";
const { workerData } = require("node:worker_threads");
(${workerMain})(workerData, ${claim});
`
    : `self.onmessage = (event) => {
  self.onmessage = null;
  (${workerMain})(event.data, ${claim});
};
self.onmessageerror = () => {
  throw new Error("could not read the data it was started with (messageerror)");
};
`;
}

/** What the pool needs of a started worker. */
export interface PoolWorker {
  /** Ends the worker from outside, even one stuck in a task. */
  terminate(): void;
}

/**
 * Starts worker `id` on the memory and module bytes; throws if it cannot. Calls `lost`
 * (when given) with what happened if the worker later reports an error or ends: the pool
 * does not use it again.
 */
export type WorkerFactory = (data: WorkerData, lost?: (what: string) => void) => PoolWorker;

interface NodeWorker {
  on(event: "error" | "exit" | "messageerror", listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads {
  Worker: new (
    code: string,
    options: { eval: true; workerData: unknown; env: unknown },
  ) => NodeWorker;
  SHARE_ENV: symbol;
}

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
  versions?: { node?: string };
}

/** `node:worker_threads` once found (or loaded, in a Node without `getBuiltinModule`). */
let nodeThreads: NodeWorkerThreads | undefined;

function asWorkerThreads(module: unknown): NodeWorkerThreads | undefined {
  const threads = module as NodeWorkerThreads | undefined;
  return typeof threads?.Worker === "function" && typeof threads.SHARE_ENV === "symbol"
    ? threads
    : undefined;
}

/** `node:worker_threads` where the runtime has it (Deno, Node, Bun), else undefined. */
function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  if (nodeThreads !== undefined) return nodeThreads;
  try {
    const process = (globalThis as { process?: NodeProcess }).process;
    nodeThreads = asWorkerThreads(process?.getBuiltinModule?.("node:worker_threads"));
  } catch {
    // No worker_threads here.
  }
  return nodeThreads;
}

// A Node older than 20.16 has no getBuiltinModule: load the module in the background (the
// specifier is not a literal, so bundlers for the browser leave it alone); until it has
// loaded, large products run on one thread.
{
  const process = (globalThis as { process?: NodeProcess }).process;
  if (
    typeof process?.versions?.node === "string" && typeof Deno === "undefined" &&
    typeof process.getBuiltinModule !== "function"
  ) {
    const specifier = ["node:worker", "threads"].join("_");
    import(specifier).then((module) => {
      nodeThreads ??= asWorkerThreads(module);
    }, () => {});
  }
}

/**
 * A factory of unref'd `node:worker_threads` workers (they never keep the process alive)
 * that share the environment instead of copying it (no env access), running `claim` (the
 * source of a function like `claimTasks`).
 */
export function nodeWorkerFactory(claim: string = CLAIM_TASKS_SOURCE): WorkerFactory {
  const source = workerSource("node", claim);
  return (data, lost) => {
    const threads = nodeWorkerThreads();
    if (threads === undefined) throw new Error("node:worker_threads is not available");
    const worker = new threads.Worker(source, {
      eval: true,
      workerData: data,
      env: threads.SHARE_ENV,
    });
    // The pool is told (it stops using the worker); the "error" listener also stops the
    // error becoming fatal to the process.
    worker.on("error", (error) => lost?.(`threw (${error})`));
    worker.on("messageerror", (error) => lost?.(`could not read a message (${error})`));
    worker.on("exit", (code) => lost?.(`exited (code ${code})`));
    worker.unref();
    return { terminate: () => void worker.terminate().catch(() => {}) };
  };
}

/** A factory of module web Workers from a blob URL (each keeps a Deno process alive until terminated). */
export function webWorkerFactory(claim: string = CLAIM_TASKS_SOURCE): WorkerFactory {
  const source = workerSource("web", claim);
  return (data, lost) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    try {
      const worker = new Worker(url, { type: "module" });
      // An error in the worker is the pool's to handle; it must not end the page or process.
      worker.onerror = (event) => {
        event.preventDefault();
        lost?.(`threw (${String(event.message).split("\n")[0]})`);
      };
      worker.onmessageerror = () => lost?.("could not read a message (messageerror)");
      worker.postMessage(data);
      return { terminate: () => worker.terminate() };
    } finally {
      URL.revokeObjectURL(url);
    }
  };
}

const NODE_FACTORY = nodeWorkerFactory();
let webFactory: WorkerFactory | undefined;

/** The factory for this runtime: `node:worker_threads` where available, else web Workers. */
export function defaultWorkerFactory(): WorkerFactory | undefined {
  if (nodeWorkerThreads() !== undefined) return NODE_FACTORY;
  if (typeof Worker !== "function") return undefined;
  return webFactory ??= webWorkerFactory();
}
