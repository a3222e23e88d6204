// The protocol between the calling thread and the pool's workers (thread_pool.ts,
// workers.ts), defined once: the Int32 slots of the control block at the start of the shared
// memory, the layout of a task, the kind of each task and the elementwise op codes. The
// workers' code is built from source text and cannot import this module, so they get
// PROTOCOL as data when they start (it is structured-cloneable), and `claimTasks` reads it
// from its argument on every thread alike.

/** The unary operations with a WebAssembly kernel; a task's op code is the index here. */
export const WASM_UNARY_OPS = ["exp", "tanh", "sigmoid", "relu"] as const;

/** An operation of WASM_UNARY_OPS; its kernel is the module's export `<op>_f64`. */
export type WasmUnaryOp = typeof WASM_UNARY_OPS[number];

/**
 * What a task runs (its first Int32), with the Int32s after it:
 * - `gemmF32` / `gemmF64`: [a, ars, aks, b, bks, bcs, c, ldc, m, n, k, packedB, bias, act]
 *   (see gemm.wat), where packedB is the address of all of op(B) already packed, or 0 for the
 *   task to pack B itself in its thread's scratch; then (float64 only, 0 and 0 for none) the
 *   dense epilogue on the task's block of C (elementwise.wat's `dense_epilogue_f64`): + the
 *   bias at that address, then the activation `act` (EPILOGUE);
 * - `packBF32` / `packBF64`: [b, bks, bcs, ldc, n, k, pb] (`pack_b_*`), so that threads pack
 *   op(B) together before they share it;
 * - `unary`: [op code, src, dst, n] (the elementwise module on the same memory);
 * - `softmaxRows`: [x, e, rows, len, sums]: softmax of `rows` rows of `len` into e;
 * - `denseChain`: [first row, rows]: every layer of the dense chain described at `SLOT.chain`
 *   (wasm/dense_chain.ts) on those rows, one layer after the other (float64).
 */
export const TASK = {
  gemmF32: 0,
  gemmF64: 1,
  packBF32: 2,
  packBF64: 3,
  unary: 4,
  softmaxRows: 5,
  denseChain: 6,
} as const;

/**
 * The activations the dense epilogue applies in place on C (elementwise.wat's `$activate`),
 * by the code a task or `dense_epilogue_f64` takes; `activation_backward_f64` and the small
 * module's `dense_delta_f64` take the same codes.
 */
export const EPILOGUE = { none: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;

/** An activation of EPILOGUE (`none`: the bias alone, or nothing). */
export type EpilogueOp = keyof typeof EPILOGUE;

/** Int32 slots of the control block. */
export const SLOT = {
  /** The ticket word: job generation (bits 24–31), task count (12–23), next task (0–11). */
  ticket: 0,
  /** Tasks finished in the current job. */
  done: 1,
  /** Tasks that threw in the current job. */
  failed: 2,
  /** Byte address of thread 0's scratch (packed A), and each thread's distance from it. */
  scratch: 3,
  stride: 4,
  /** Offset of the packed-B scratch inside a thread's scratch. */
  pbOffset: 5,
  /** Workers that have instantiated the modules and take tasks. */
  alive: 6,
  /** Tasks run by workers so far (a diagnostic: the calling thread's are not counted). */
  workerTasks: 7,
  /** Worker `id` stops when slot `stop + id` is non-zero. */
  stop: 8,
  /** The first task; each task is `taskInts` slots. */
  tasks: 128,
  /**
   * (After the tasks: 128 + MAX_TASKS · taskInts = 128 + 1024 · 15.)
   * Workers that ended (threw, exited, or never started): non-zero means the pool must not
   * be used again. The worker's watch (workers.ts) adds 1 and wakes the calling thread.
   */
  dead: 15488,
  /** What the first worker that ended left: its id + 1 (0: none yet), then ... */
  fault: 15489,
  /** ... the task it held (index + 1, 0 when it held none), ... */
  faultTask: 15490,
  /** ... and its error as UTF-16 code units (`faultLength` of them, at most `faultChars`). */
  faultLength: 15491,
  faultText: 15492,
  /** Worker `id` holds task `holding + id` − 1 while it runs it (0 between tasks). */
  holding: 16000,
  /**
   * A dense chain's description (wasm/dense_chain.ts), read by its tasks: the layer count,
   * then `chainInts` slots per layer (at most `chainLayers` layers).
   */
  chain: 16128,
  /**
   * The elementwise module's table of 2^(j/32) (512 bytes, 128 slots): every instance on the
   * shared memory copies it here when it starts (the same bytes each time) and reads it there.
   */
  expTable: 16384,
} as const;

/** Everything `claimTasks` and a worker need to agree on with the pool. */
export const PROTOCOL = {
  slot: SLOT,
  task: TASK,
  /** Int32 slots per task. */
  taskInts: 15,
  /** The next-task and task-count fields of the ticket word are this many bits. */
  ticketBits: 12,
  /** Most UTF-16 code units of a worker's error kept in the control block. */
  faultChars: 500,
  /** Int32 slots of the control block (64 KiB and the exponential's 512-byte table). */
  controlInts: 16512,
  unaryOps: WASM_UNARY_OPS,
  /**
   * Int32 slots per layer of a dense chain: input address and row stride (bytes), W, output
   * address and row stride, n, k, bias (0: none), activation (EPILOGUE's codes, or 4:
   * softmax over the row), then softmax's output and row-sum addresses, then Wᵀ's address
   * (k × n, for the small product; 0: the packed product runs, reading W).
   */
  chainInts: 12,
  /** Most layers in one dense chain (its description fits the control block's last slots). */
  chainLayers: 20,
} as const;

/** The type of PROTOCOL. */
export type Protocol = typeof PROTOCOL;

/** One task: its kind (TASK) and then its arguments, as listed there. */
export type PoolTask = readonly number[];
