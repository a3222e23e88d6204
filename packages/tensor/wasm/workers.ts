// The GEMM pool's worker threads: what each runs (`claimTasks`, `workerMain`) and how they
// are started in each runtime.
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
 * last, and counts the tasks it ran in `ran.tasks` when given (the calling thread does, to
 * time its share). Runs on the main thread and, as source text, in every worker: it must
 * not refer to anything outside itself, so the control block's slots appear as numbers
 * (see _parallel_gemm.ts: 0 ticket, 1 done, 2 failed, 3 scratch, 4 stride, 5 packed-B
 * offset, 7 worker tasks; tasks from slot 128, 13 slots each).
 */
export function claimTasks(
  ctl: Int32Array,
  gemm: GemmCalls,
  id: number,
  ran?: { tasks: number },
): number {
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
    if (ran !== undefined) ran.tasks++;
    if (Atomics.add(ctl, 1, 1) + 1 === count) Atomics.notify(ctl, 1);
  }
}

/** The signature of `claimTasks`, as `workerMain` calls it. */
type ClaimTasks = (ctl: Int32Array, gemm: GemmCalls, id: number) => number;

/** The source of `claimTasks`, which workers run (tests start workers with a faulty one). */
export const CLAIM_TASKS_SOURCE: string = String(claimTasks);

/** What a worker is started with: the shared memory, the modules' bytes and its id. */
export interface WorkerData {
  memory: WebAssembly.Memory;
  /** The GEMM module (shared-memory build). */
  bytes: Uint8Array<ArrayBuffer>;
  /** The elementwise module (shared-memory build), when the runtime accepted it. */
  elementwise?: Uint8Array<ArrayBuffer>;
  id: number;
}

/** A worker's life: instantiate the modules on the shared memory, then claim, sleep, repeat. */
function workerMain(data: WorkerData, claim: ClaimTasks): void {
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
`;
}

/** What the pool needs of a started worker. */
export interface GemmWorker {
  /** Ends the worker from outside, even one stuck in a task. */
  terminate(): void;
}

/** Starts worker `id` on the memory and module bytes; throws if it cannot. */
export type WorkerFactory = (data: WorkerData) => GemmWorker;

interface NodeWorker {
  on(event: "error", listener: (error: unknown) => void): void;
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
  return (data) => {
    const threads = nodeWorkerThreads();
    if (threads === undefined) throw new Error("node:worker_threads is not available");
    const worker = new threads.Worker(source, {
      eval: true,
      workerData: data,
      env: threads.SHARE_ENV,
    });
    // A worker that fails only loses its share (the pool notices a claimed task left
    // undone); the listener stops the error becoming fatal to the process.
    worker.on("error", () => {});
    worker.unref();
    return { terminate: () => void worker.terminate().catch(() => {}) };
  };
}

/** A factory of module web Workers from a blob URL (each keeps a Deno process alive until terminated). */
export function webWorkerFactory(claim: string = CLAIM_TASKS_SOURCE): WorkerFactory {
  const source = workerSource("web", claim);
  return (data) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    try {
      const worker = new Worker(url, { type: "module" });
      // An error in the worker is the pool's to notice; it must not end the page or process.
      worker.onerror = (event) => event.preventDefault();
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
