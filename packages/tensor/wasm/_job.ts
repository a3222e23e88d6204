// Words for the pool's errors (thread_pool.ts): what a job of tasks computes, and what the
// first worker that ended left in the control block. Only read when something failed.

import { type PoolTask, PROTOCOL, SLOT, TASK, WASM_UNARY_OPS } from "./tasks.ts";

/**
 * What `tasks` compute together, as "multiply [m, k] by [k, n] (float64)", "compute tanh
 * of 200000 elements" and the like (split() in gemm.ts: row blocks read a packed B, column
 * blocks do not).
 */
export function describeJob(tasks: readonly PoolTask[]): string {
  const first = tasks[0];
  if (first === undefined) return "run an empty job";
  const kind = first[0];
  const sum = (at: number) => tasks.reduce((total, task) => total + task[at], 0);
  if (kind === TASK.gemmF64 || kind === TASK.gemmF32) {
    const byRows = first[12] !== 0 || tasks.length === 1;
    const m = byRows ? sum(9) : first[9], n = byRows ? first[10] : sum(10), k = first[11];
    const dtype = kind === TASK.gemmF64 ? "float64" : "float32";
    return `multiply [${m}, ${k}] by [${k}, ${n}] (${dtype})`;
  }
  if (kind === TASK.packBF64 || kind === TASK.packBF32) {
    // packTasks() in gemm.ts: slices of KC rows, each in the same number of column blocks
    // at pb = packed + pc·ldc + from·kc·es, so the first slice's blocks lie below kc·ldc.
    const slice = tasks.filter((task) => task[7] - first[7] < first[6] * first[4]);
    const k = sum(6) / slice.length, n = slice.reduce((total, task) => total + task[5], 0);
    const dtype = kind === TASK.packBF64 ? "float64" : "float32";
    return `multiply by a [${k}, ${n}] right operand (${dtype}; packing it)`;
  }
  if (kind === TASK.unary) {
    return `compute ${WASM_UNARY_OPS[first[1]] ?? "an elementwise op"} of ${sum(4)} elements`;
  }
  if (kind === TASK.softmaxRows) return `compute softmax of ${sum(3)} rows of ${first[4]}`;
  if (kind === TASK.denseChain) return `run a dense chain on ${sum(2)} rows (float64)`;
  return `run ${tasks.length} tasks of kind ${kind}`;
}

/** The first worker that ended, as the control block `ctl` records it; undefined if none. */
export function readFault(
  ctl: Int32Array,
): { worker: number; task: number; what: string } | undefined {
  const worker = Atomics.load(ctl, SLOT.fault) - 1;
  if (worker < 0) return undefined;
  const length = Math.min(Atomics.load(ctl, SLOT.faultLength), PROTOCOL.faultChars);
  const what = String.fromCharCode(...ctl.subarray(SLOT.faultText, SLOT.faultText + length));
  return { worker, task: Atomics.load(ctl, SLOT.faultTask) - 1, what: what || "ended" };
}
