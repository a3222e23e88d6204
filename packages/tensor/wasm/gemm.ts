// The WebAssembly SIMD GEMM (wasm/gemm.wat, embedded as base64 by `deno task build:wasm`):
// lazy instantiation, one growable memory, the copy in / copy out around a call, and the
// split of a large product into row or column blocks for threads (thread_pool.ts).
//
// The relaxed-SIMD build (fused multiply-add) is used where the runtime validates it, the
// portable build (multiply then add) elsewhere; without WebAssembly at all `wasmGemm` reports
// that it cannot run and the caller keeps the TypeScript path. Where SharedArrayBuffer exists
// the module runs on a shared memory (its "shared" build), so workers can run it on the same
// operands; elsewhere on a memory of its own, on one thread.

import type { TypedArray } from "../dtype.ts";
import type { MatmulInfo } from "../backend.ts";
import { align64, MemoryViews } from "./memory.ts";
import { decodeBase64, instantiate } from "./loader.ts";
import {
  GEMM_PORTABLE_SHARED_WASM,
  GEMM_PORTABLE_WASM,
  GEMM_RELAXED_SHARED_WASM,
  GEMM_RELAXED_WASM,
} from "./gemm_bytes.ts";
import { ELEMENTWISE_SHARED_WASM } from "./elementwise_bytes.ts";
import {
  SMALL_GEMM_PORTABLE_SHARED_WASM,
  SMALL_GEMM_RELAXED_SHARED_WASM,
} from "./small_gemm_bytes.ts";
import {
  CONTROL_BYTES,
  defaultWorkerFactory,
  matmulThreads,
  MAX_TASKS,
  type ModuleCalls,
  type WorkerFactory,
  WorkerPool,
  WorkerStallError,
} from "./thread_pool.ts";
import { EPILOGUE, type EpilogueOp, type PoolTask, PROTOCOL, TASK } from "./tasks.ts";
import {
  mayGrow,
  releaseLater,
  threadsOff,
  warnTooLarge,
  workerRestarts,
  workerStalled,
} from "./policy.ts";

/** Which build was instantiated, or `"none"` when WebAssembly SIMD is not available. */
export type WasmGemmKind = "relaxed" | "portable" | "none";

// Must match wasm/gemm.wat.
const MC = 128;
const KC = 256;
const MR = 4;

/**
 * From this many multiply-adds on, a product is split across threads: below, waking a
 * worker costs more than its share saves. Measured on 2 cores (square products, threads
 * against one thread, min of alternating runs): float64 breaks even near 112³ (1.1–1.15×
 * at 112, 1.2× at 128), float32 near 128³–144³ (1.0–1.08× at 128, 1.06× at 144, 1.3× at
 * 160) — about 0.2 ms of one thread's work either way.
 */
const PARALLEL_MIN_F64 = 3 * 2 ** 19;
const PARALLEL_MIN_F32 = 3 * 2 ** 20;
/**
 * Below this many columns, C's padded rows are copied out element by element rather than as
 * one `subarray` + `set` per row: [9100, 32]·[32, 3] in float64 took 1.28 ms, now 0.77.
 */
const NARROW = 16;
/**
 * Up to this many elements of op(B), each row-block task packs B itself rather than all
 * threads packing it together first: a second job (one more wake-up and wait) costs more
 * than packing a small B again ([32, 32] is 1,024 copies).
 */
const OWN_PACK_MAX = 16384;
/** Tasks per thread: more than one lets a thread whose core is busy take fewer. */
const TASKS_PER_THREAD = 2;
/** A task covers at least this many rows (or columns) of C, to amortise its packing. */
const MIN_TASK_LINES = 32;

/** One instantiated build: its memory, and its threads once a product was large enough. */
interface Engine {
  kind: "relaxed" | "portable";
  /** The module bytes (for workers) when the memory is shared, else undefined. */
  sharedBytes?: Uint8Array<ArrayBuffer>;
  /** The elementwise module's shared build, when it runs on this memory too (threads). */
  elementwiseBytes?: Uint8Array<ArrayBuffer>;
  /** The small product's shared float64 build of the same kind (dense chains' layers). */
  smallBytes?: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
  /** Typed views of `memory`, made again after it grows. */
  views: MemoryViews;
  gemm: ModuleCalls;
  pool?: WorkerPool;
  /** `matmulThreads()` and the worker factory the pool was started with. */
  poolFor?: [number, WorkerFactory | undefined];
}

let engine: Engine | null | undefined;
let factory: WorkerFactory | undefined | "default" = "default";
/** Products run again on one thread because a task failed (a diagnostic; 0 when all is well). */
let retried = 0;

/** Instantiates the module on first use and says which build runs. */
export function wasmGemmKind(): WasmGemmKind {
  if (engine === undefined) load(["relaxed", "portable"], true);
  return engine?.kind ?? "none";
}

/**
 * Instantiates one build in place of the current one (tests run both), on a shared memory
 * unless `shared` is false; returns false and leaves WebAssembly off when the runtime
 * rejects it.
 */
export function loadWasmGemm(
  build: "relaxed" | "portable",
  { shared = true }: { shared?: boolean } = {},
): boolean {
  load([build], shared);
  return engine?.kind === build;
}

/**
 * Sets how threads are started (tests: a factory that fails, or web Workers); `"default"`
 * restores the runtime's own. Takes effect at the next product large enough for threads.
 */
export function setGemmWorkerFactory(next: WorkerFactory | undefined | "default"): void {
  factory = next;
}

/** What the current build's threads are doing (see {@linkcode wasmGemmThreads}). */
export interface WasmGemmThreads {
  /** The module runs on a shared memory, so workers can join. */
  shared: boolean;
  /** Workers started (0 until a product is large enough, or when none could start). */
  workers: number;
  /** Workers that have instantiated the module and take tasks. */
  alive: number;
  /** Tasks that workers have run so far. */
  workerTasks: number;
  /** Products run again on one thread after a task failed, since the process started. */
  retried: number;
  /** Pools closed (and started again at the next large product) because a worker failed. */
  restarts: number;
  /** Bytes of the current WebAssembly memory (it grows with the largest operation). */
  memoryBytes: number;
}

/** The current build's threads: whether its memory is shared, workers started and running. */
export function wasmGemmThreads(): WasmGemmThreads {
  wasmGemmKind();
  const pool = engine?.pool;
  return {
    shared: engine?.sharedBytes !== undefined,
    workers: pool?.workers ?? 0,
    alive: pool?.alive ?? 0,
    workerTasks: pool?.workerTasks ?? 0,
    retried,
    restarts: workerRestarts(),
    memoryBytes: engine?.memory.buffer.byteLength ?? 0,
  };
}

/**
 * Whether {@linkcode wasmGemm} can apply a dense epilogue (an activation after the bias, in
 * WebAssembly memory before the copy out): float64 on a shared memory that holds the
 * elementwise module too. Instantiates the module on first use.
 */
export function wasmEpilogueAvailable(): boolean {
  return wasmGemmKind() !== "none" && engine!.gemm.dense_epilogue_f64 !== undefined;
}

/**
 * Computes one batch of `out[co…] = op(A) · op(B)` (+ `info.bias`) with WebAssembly, on
 * several threads when the product is large enough, then (float64) `act` in place on each
 * thread's block of C before the copy out. Returns false (and writes nothing) when no
 * WebAssembly SIMD module could be instantiated, or `act` is not `"none"` and no epilogue
 * can run ({@linkcode wasmEpilogueAvailable}).
 */
export function wasmGemm(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  info: MatmulInfo,
  act: EpilogueOp = "none",
): boolean {
  if (wasmGemmKind() === "none") return false;
  const { m, n, k, transposeA, transposeB } = info;
  const double = info.dtype === "float64";
  const bias = info.bias as TypedArray | undefined;
  if (act !== "none" && !(double && wasmEpilogueAvailable())) return false;
  const es = double ? 8 : 4;
  const nr = double ? 4 : 8;
  const nPad = Math.ceil(n / nr) * nr;
  const mPad = Math.ceil(m / MR) * MR;
  const pool = m * n * k >= (double ? PARALLEL_MIN_F64 : PARALLEL_MIN_F32)
    ? poolOf(engine!)
    : undefined;
  // Read after poolOf, which starts a new engine (memory) when the thread count changed.
  const run = engine;
  if (!run) return false;
  // The bias and activation in WebAssembly (float64): the same adds and kernels, so the
  // same bits, as the copy out's + b and a separate exp / tanh / sigmoid / relu call.
  const epilogue = double && (bias !== undefined || act !== "none") &&
    run.gemm.dense_epilogue_f64 !== undefined;
  if (act !== "none" && !epilogue) return false;
  const threads = pool === undefined ? 1 : pool.workers + 1;
  // Byte layout: the pool's control block (or 64 unused bytes), A, B, C (padded), all of B
  // packed (for threads that split C by rows), then for each thread a packed A block and a
  // packed B slice.
  const ldc = nPad * es;
  const aAt = run.sharedBytes === undefined ? 64 : CONTROL_BYTES;
  const bAt = align64(aAt + m * k * es);
  // The bias, zero-padded to nPad, when the epilogue adds it.
  const biasAt = align64(bAt + k * n * es);
  const cAt = epilogue && bias !== undefined ? align64(biasAt + nPad * es) : biasAt;
  const packedAt = align64(cAt + mPad * ldc);
  const scratch = threads > 1 ? align64(packedAt + k * ldc) : packedAt;
  const pbOffset = align64(MC * KC * es);
  const stride = pbOffset + align64(KC * ldc);
  // Too large for a 32-bit memory (or the grow failed): the caller keeps TypeScript.
  if (!reserve(run, scratch + threads * stride)) {
    warnTooLarge(info.dtype, info.m, info.k, info.n, scratch + threads * stride);
    return false;
  }
  const view = double ? run.views.f64 : run.views.f32;
  view.set(a.subarray(ao, ao + m * k), aAt / es);
  view.set(b.subarray(bo, bo + k * n), bAt / es);
  const wasmBias = epilogue && bias !== undefined ? biasAt : 0;
  if (wasmBias !== 0) {
    view.set(bias!.subarray(0, n), biasAt / es);
    view.fill(0, biasAt / es + n, biasAt / es + nPad);
  }
  const ars = transposeA ? es : k * es, aks = transposeA ? m * es : es;
  const bks = transposeB ? es : n * es, bcs = transposeB ? k * es : es;
  const kind = double ? TASK.gemmF64 : TASK.gemmF32;
  const code = epilogue ? EPILOGUE[act] : 0;
  const whole: PoolTask = [
    kind,
    aAt,
    ars,
    aks,
    bAt,
    bks,
    bcs,
    cAt,
    ldc,
    m,
    n,
    k,
    0,
    wasmBias,
    code,
  ];
  const tasks = threads > 1 ? split(whole, threads * TASKS_PER_THREAD, packedAt) : [whole];
  const layout = { scratch, stride, pbOffset };
  // Row blocks share all of op(B), packed first by every thread together.
  const packs = tasks[0][12] !== 0
    ? packTasks(double, bAt, bks, bcs, ldc, n, k, packedAt, threads)
    : [];
  let ran = false;
  let stalled: WorkerStallError | undefined;
  if (tasks.length > 1) {
    try {
      ran = (packs.length === 0 || pool!.run(run.gemm, packs, layout)) &&
        pool!.run(run.gemm, tasks, layout);
    } catch (error) {
      if (!(error instanceof WorkerStallError)) throw error;
      stalled = error;
    }
    if (!ran) retried++;
  }
  if (!ran) {
    // One thread (or a task failed or a worker stalled: every task writes its block whole,
    // so running the product again on this thread gives the same result as if nothing had
    // failed; a stalled worker uses its own scratch, never thread 0's, and writes into C
    // only the values this run writes).
    const fn = double ? run.gemm.gemm_f64 : run.gemm.gemm_f32;
    fn(...whole.slice(1, 12), scratch, scratch + pbOffset, 0);
    if (epilogue) run.gemm.dense_epilogue_f64!(cAt, ldc, m, nPad, wasmBias, code);
  }
  copyRowsOut(view, cAt / es, nPad, m, n, out, co);
  if (bias !== undefined && !epilogue) {
    // A dense layer's + b (float32, or no epilogue), added in `out` after the block copy (the same one addition per
    // element): a loop reads the shared memory's view about 2.5× slower than `out`.
    for (let i = 0, to = co; i < m; i++, to += n) {
      for (let j = 0; j < n; j++) out[to + j] += bias[j];
    }
  }
  if (stalled !== undefined) workerStalled(stalled, () => replace(run));
  else releaseLater(run.memory, () => replace(run));
  return true;
}

/**
 * Copies `rows` rows of `n` elements, `ld` elements apart in `view` from element `from`, to
 * `out` from `co` with no gap: one copy when the rows are adjacent, else row by row.
 */
export function copyRowsOut(
  view: TypedArray | Float64Array<ArrayBufferLike> | Float32Array<ArrayBufferLike>,
  from: number,
  ld: number,
  rows: number,
  n: number,
  out: TypedArray,
  co: number,
): void {
  if (n === ld) {
    out.set(view.subarray(from, from + rows * n), co);
  } else if (n >= NARROW) {
    for (let i = 0; i < rows; i++) {
      out.set(view.subarray(from + i * ld, from + i * ld + n), co + i * n);
    }
  } else {
    // Narrow rows (an output layer's few columns): a subarray per row costs more than its copy.
    for (let i = 0, at = from, to = co; i < rows; i++, at += ld, to += n) {
      for (let j = 0; j < n; j++) out[to + j] = view[at + j];
    }
  }
}

/**
 * The tasks that pack all of op(B) (`k` × `n`, read at `b` with strides `bks`, `bcs`) at
 * `packed` as `pack_b_*` would in one call: for each KC-deep slice, `parts` blocks of whole
 * NR-column panels. A slice is laid out as consecutive kc × NR panels, so the block from
 * column j0 starts j0·kc elements into it.
 */
export function packTasks(
  double: boolean,
  b: number,
  bks: number,
  bcs: number,
  ldc: number,
  n: number,
  k: number,
  packed: number,
  parts: number,
): PoolTask[] {
  const es = double ? 8 : 4, nr = double ? 4 : 8;
  const panels = Math.ceil(n / nr);
  const count = Math.max(1, Math.min(parts, panels));
  const tasks: PoolTask[] = [];
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let t = 0; t < count; t++) {
      const from = Math.floor(t * panels / count) * nr;
      const to = Math.min(Math.floor((t + 1) * panels / count) * nr, n);
      tasks.push([
        double ? TASK.packBF64 : TASK.packBF32,
        b + pc * bks + from * bcs,
        bks,
        bcs,
        ldc,
        to - from,
        kc,
        packed + pc * ldc + from * kc * es,
        0,
        0,
        0,
        0,
        0,
      ]);
    }
  }
  return tasks;
}

/**
 * Splits a product into at most `parts` tasks over blocks of rows of C (multiples of MR) or,
 * when C has more column panels than row panels, of columns (multiples of NR). Each task's
 * block is disjoint from the others' (padding included) and every element keeps the
 * summation order of the whole product. Row blocks read op(B) packed once at `packedAt`
 * (the caller packs it when the first task says so) unless B is small (OWN_PACK_MAX: each
 * packs its own); column blocks pack their own columns. The dense epilogue's bias and
 * activation (the task's last two ints) follow each task's block.
 */
export function split(task: PoolTask, parts: number, packedAt: number): PoolTask[] {
  const [kind, a, ars, aks, b, bks, bcs, c, ldc, m, n, k, , bias, act] = task;
  const double = kind === TASK.gemmF64;
  const es = double ? 8 : 4, nr = double ? 4 : 8;
  const byRows = Math.ceil(m / MR) >= Math.ceil(n / nr);
  const unit = byRows ? MR : nr;
  const panels = Math.ceil((byRows ? m : n) / unit);
  const count = Math.max(
    1,
    Math.min(parts, MAX_TASKS, Math.floor(panels * unit / MIN_TASK_LINES), panels),
  );
  if (count === 1) return [task];
  const tasks: PoolTask[] = [];
  for (let t = 0; t < count; t++) {
    const from = Math.floor(t * panels / count) * unit;
    const to = Math.min(Math.floor((t + 1) * panels / count) * unit, byRows ? m : n);
    tasks.push(
      byRows
        ? [
          kind,
          a + from * ars,
          ars,
          aks,
          b,
          bks,
          bcs,
          c + from * ldc,
          ldc,
          to - from,
          n,
          k,
          k * n <= OWN_PACK_MAX ? 0 : packedAt,
          bias,
          act,
        ]
        : [
          kind,
          a,
          ars,
          aks,
          b + from * bcs,
          bks,
          bcs,
          c + from * es,
          ldc,
          m,
          to - from,
          k,
          0,
          bias === 0 ? 0 : bias + from * es,
          act,
        ],
    );
  }
  return tasks;
}

/**
 * The engine's pool for the current thread setting, started (or restarted, on a fresh
 * memory) when the setting changed; undefined when one thread is all there is.
 */
function poolOf(run: Engine): WorkerPool | undefined {
  const threads = matmulThreads();
  const make = factory === "default" ? defaultWorkerFactory() : factory;
  if (threads < 2 || threadsOff() || run.sharedBytes === undefined || make === undefined) {
    return undefined;
  }
  if (run.pool !== undefined && (run.poolFor![0] !== threads || run.poolFor![1] !== make)) {
    // New workers get a new memory: the old ones may still be starting on the old one.
    load([run.kind], true);
    return engine?.sharedBytes === undefined ? undefined : poolOf(engine);
  }
  if (run.pool === undefined) {
    run.pool = new WorkerPool(run.memory, run.sharedBytes, {
      threads,
      factory: make,
      elementwise: run.elementwiseBytes,
      small: run.smallBytes,
    });
    run.poolFor = [threads, make];
  }
  return run.pool.workers > 0 ? run.pool : undefined;
}

/**
 * Grows the engine's memory to at least `bytes` (it never shrinks: the largest product so
 * far sets its size) when the policy allows it; false if it cannot.
 */
function reserve(run: Engine, bytes: number): boolean {
  return mayGrow(run.memory, bytes) && run.views.reserve(bytes);
}

/**
 * Closes the engine `run` (its workers too) and puts a fresh one of the same build in its
 * place, if it is still the current one: a small memory that no old worker can write into.
 */
function replace(run: Engine): void {
  if (engine === run) load([run.kind], run.sharedBytes !== undefined);
}

/** Instantiates the first build the runtime accepts, on a shared memory where it can. */
function load(builds: ("relaxed" | "portable")[], shared: boolean): void {
  engine?.pool?.close();
  engine = null; // with its views: nothing here keeps the old memory alive
  if (typeof WebAssembly === "undefined") return;
  const sharings = shared && typeof SharedArrayBuffer === "function" ? [true, false] : [false];
  for (const kind of builds) {
    for (const share of sharings) {
      const bytes = decodeBase64(
        kind === "relaxed"
          ? (share ? GEMM_RELAXED_SHARED_WASM : GEMM_RELAXED_WASM)
          : (share ? GEMM_PORTABLE_SHARED_WASM : GEMM_PORTABLE_WASM),
      );
      let memory: WebAssembly.Memory | undefined;
      try {
        memory = share
          ? new WebAssembly.Memory({
            initial: Math.ceil(CONTROL_BYTES / 65536), // the pool's control block, at least
            maximum: 65536,
            shared: true,
          })
          : undefined;
      } catch {
        continue; // no shared memory here: the next try has a memory of its own
      }
      const exports = instantiate(bytes, memory ? { env: { memory } } : {}) as
        | (ModuleCalls & { memory?: WebAssembly.Memory })
        | null;
      // Rejected: try the next build; with none, matmul stays on the TypeScript path.
      if (exports === null) continue;
      const own = memory ?? exports.memory!;
      engine = {
        kind,
        sharedBytes: share ? bytes : undefined,
        memory: own,
        views: new MemoryViews(own),
        gemm: exports,
      };
      if (memory !== undefined) {
        addElementwise(engine, memory);
        addSmall(engine, memory);
      }
      return;
    }
  }
}

/**
 * Instantiates the elementwise module's shared build on the engine's memory, so that large
 * exp / tanh / sigmoid / softmax calls can be split over the worker pool
 * (`sharedElementwise`); without it they stay on one thread.
 */
function addElementwise(run: Engine, memory: WebAssembly.Memory): void {
  const bytes = decodeBase64(ELEMENTWISE_SHARED_WASM);
  const exports = instantiate(bytes, { env: { memory } });
  if (exports === null) return; // the GEMM alone: elementwise kernels stay on one thread
  (exports.exp_table as (at: number) => void)(PROTOCOL.slot.expTable * 4);
  run.gemm = { ...exports, ...run.gemm } as ModuleCalls;
  run.elementwiseBytes = bytes;
}

/**
 * Instantiates the small product's shared float64 build of the engine's kind on its memory
 * (wasm/small_gemm.ts: the same bits as this module's product for k ≤ 256), so that a dense
 * chain's tasks can run their layers without packing (`SharedElementwise.small`).
 */
function addSmall(run: Engine, memory: WebAssembly.Memory): void {
  const bytes = decodeBase64(
    run.kind === "relaxed" ? SMALL_GEMM_RELAXED_SHARED_WASM : SMALL_GEMM_PORTABLE_SHARED_WASM,
  );
  const exports = instantiate(bytes, { env: { memory } });
  if (exports === null) return; // the chains pack, as before
  run.gemm = { ...exports, ...run.gemm } as ModuleCalls;
  run.smallBytes = bytes;
}

/** The shared memory and threads, lent to the elementwise kernels for one large call. */
export interface SharedElementwise {
  /** A float64 view of the whole memory (refreshed after a grow). */
  f64: Float64Array<ArrayBufferLike>;
  /** The first byte the caller may use (after the threads' control block). */
  base: number;
  /** The number of threads that take tasks (the calling thread and the workers). */
  threads: number;
  /** Whether every thread has the small product (`small_gemm_f64`) for dense-chain tasks. */
  small: boolean;
  /**
   * Runs the tasks (see tasks.ts) on every thread; false if one failed or a worker stalled.
   * `layout` gives each thread its scratch (GEMM tasks pack there); by default none.
   */
  run(
    tasks: readonly PoolTask[],
    layout?: { scratch: number; stride: number; pbOffset: number },
  ): boolean;
}

/**
 * The scratch one thread needs to run float64 GEMM tasks whose C rows are `ldc` bytes apart,
 * laid out as the pool's `run` takes it: its distance from the next thread's (`stride`) and
 * where its packed B starts (`pbOffset`).
 */
export function gemmScratchF64(ldc: number): { stride: number; pbOffset: number } {
  const pbOffset = align64(MC * KC * 8);
  return { stride: pbOffset + align64(KC * ldc), pbOffset };
}

/**
 * The GEMM's shared memory, grown to `base + bytes`, and its threads, for a large
 * elementwise call; null when there are no threads to split it over (one thread set, no
 * shared memory or no workers) or no WebAssembly GEMM.
 */
export function sharedElementwise(bytes: number): SharedElementwise | null {
  if (wasmGemmKind() === "none") return null;
  const pool = poolOf(engine!);
  const run = engine;
  if (pool === undefined || run == null || run.elementwiseBytes === undefined) return null;
  // The memory first, so that it grows once, at the first such call, whoever runs it.
  if (!reserve(run, CONTROL_BYTES + bytes)) return null;
  // Workers still loading: the calling thread alone (but a pool whose worker ended fails
  // in run and is retired there).
  if (pool.alive === 0 && !pool.ended) return null;
  return {
    f64: run.views.f64,
    base: CONTROL_BYTES,
    threads: pool.workers + 1,
    small: run.smallBytes !== undefined,
    run: (tasks, layout = { scratch: CONTROL_BYTES, stride: 0, pbOffset: 0 }) => {
      let ran = false;
      try {
        ran = pool.run(run.gemm, tasks, layout);
      } catch (error) {
        if (!(error instanceof WorkerStallError)) throw error;
        workerStalled(error, () => replace(run));
        return false;
      }
      releaseLater(run.memory, () => replace(run));
      return ran;
    },
  };
}
