// Fault injection into the GEMM threads: a worker that exits, throws, spins or blocks
// after it has claimed a task of a matmul. The design under test: the calling thread never
// waits without a bound; within a few seconds the wait fails with a WorkerStallError, the
// matmul is computed again on the calling thread (so the caller gets the right result, bit
// for bit, and a console warning naming what happened), the pool is retired (its workers
// terminated, its memory abandoned) and new workers start at the next large product; after
// three such failures the process stays on one thread.

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import type { Tensor } from "../mod.ts";
import { loadWasmGemm, setGemmWorkerFactory, wasmGemmKind, wasmGemmThreads } from "./gemm.ts";
import { setWasmMode } from "../cpu/kernel_choice.ts";
import { resetWorkerFailures } from "./policy.ts";
import { setMatmulThreads } from "./thread_pool.ts";
import { CLAIM_TASKS_SOURCE, nodeWorkerFactory, webWorkerFactory } from "./workers.ts";
import { captureWarnings, lcgTensor as values } from "../_test_util.ts";

/** The depth of the products a faulty worker fails on (others it runs as usual). */
const FAULT_K = 777;

/**
 * The source of a `claimTasks` that runs every job as usual except a matmul of depth
 * FAULT_K, where it claims a task and then runs `fault` instead of it.
 */
function faultyClaim(fault: string): string {
  return `((claim) => (ctl, calls, p, id) => {
    const mask = (1 << p.ticketBits) - 1;
    for (;;) {
      const v = Atomics.load(ctl, p.slot.ticket);
      const next = v & mask, count = (v >>> p.ticketBits) & mask;
      if (next >= count) return v;
      const t = p.slot.tasks + next * p.taskInts;
      const gemm = ctl[t] === p.task.gemmF64 || ctl[t] === p.task.gemmF32;
      if (!gemm || ctl[t + 11] !== ${FAULT_K}) return claim(ctl, calls, p, id);
      if (Atomics.compareExchange(ctl, p.slot.ticket, v, v + 1) !== v) continue;
      ${fault}
    }
  })(${CLAIM_TASKS_SOURCE})`;
}

const FAULTS: Record<string, string> = {
  exits: "process.exit(1);",
  throws: 'throw new Error("injected fault");',
  spins: "for (;;);",
  blocks: "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);",
};

/** Asserts two tensors hold the same bits. */
function sameBits(actual: Tensor, expected: Tensor, what: string): void {
  const x = actual.toTypedArray(), y = expected.toTypedArray();
  deepStrictEqual(actual.shape, expected.shape, `${what}: shape`);
  const xb = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const yb = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  strictEqual(xb.every((v, i) => v === yb[i]), true, `${what}: bits`);
}

/** Polls (yielding to the event loop) until a worker has instantiated the module. */
async function workersAlive(timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (wasmGemmThreads().alive === 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return wasmGemmThreads().alive > 0;
}

// Four tasks of about 5 ms each: long enough for the worker to wake and claim one.
const a = values([1024, FAULT_K], 11, "float64"), b = values([FAULT_K, 240], 12, "float64");
const warm = values([256, 256], 13, "float64");

/** The product on one thread, computed once. */
function reference(): Tensor {
  setMatmulThreads(1);
  try {
    return a.matmul(b);
  } finally {
    setMatmulThreads(2);
  }
}

/** Starts a pool from `factory` (a product of another depth) and waits for its worker. */
async function startPool(): Promise<void> {
  warm.matmul(warm);
  strictEqual(wasmGemmThreads().workers, 1, "one worker for two threads");
  strictEqual(await workersAlive(), true, "the worker instantiated the module");
}

/**
 * Runs the faulty product until the worker has claimed one of its tasks (on a busy machine
 * the calling thread may take them all first), checking every result; returns how long the
 * failing run took and what it warned.
 */
function faultyProduct(expected: Tensor, what: string): { ms: number; warnings: string[] } {
  const restarts = wasmGemmThreads().restarts;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const { value, warnings } = captureWarnings(() => a.matmul(b));
    const ms = performance.now() - started;
    sameBits(value, expected, what);
    if (wasmGemmThreads().restarts !== restarts) {
      strictEqual(wasmGemmThreads().restarts, restarts + 1, "the pool was retired once");
      return { ms, warnings };
    }
    strictEqual(warnings.length, 0, warnings.join("\n"));
  }
  throw new Error(`${what}: the worker never claimed a task in 20 products`);
}

const usable = wasmGemmKind() !== "none" && wasmGemmThreads().shared;

Deno.test({
  name:
    "a GEMM worker that exits, throws, spins or blocks mid-matmul: the right result within 5 s, a warning, new workers",
  ignore: !usable,
  fn: async (t) => {
    const kind = wasmGemmKind() as "relaxed" | "portable";
    setWasmMode("always");
    const expected = reference();
    setMatmulThreads(2);
    try {
      for (
        const [runtime, make] of [["node", nodeWorkerFactory], ["web", webWorkerFactory]] as const
      ) {
        for (const [name, fault] of Object.entries(FAULTS)) {
          if (runtime === "web" && name === "exits") continue; // a web Worker has no exit
          await t.step(`${runtime} worker ${name}`, async () => {
            resetWorkerFailures();
            setGemmWorkerFactory(make(faultyClaim(fault)));
            loadWasmGemm(kind);
            await startPool();
            const { ms, warnings } = faultyProduct(expected, `${runtime} ${name}`);
            strictEqual(ms < 5000, true, `took ${ms.toFixed(0)} ms, expected under 5000`);
            strictEqual(warnings.length, 1, warnings.join("\n"));
            match(warnings[0], /Cannot finish a parallel CPU operation: 1 of \d+ tasks/);
            match(warnings[0], /computed again on the calling thread/);
            // New workers (a healthy factory now) on a new memory take tasks again.
            setGemmWorkerFactory("default");
            await startPool();
            const before = wasmGemmThreads().workerTasks;
            for (let i = 0; i < 50 && wasmGemmThreads().workerTasks === before; i++) {
              sameBits(a.matmul(b), expected, `${runtime} ${name}, after the restart`);
            }
            strictEqual(wasmGemmThreads().workerTasks > before, true, "the new worker ran tasks");
          });
        }
      }
    } finally {
      resetWorkerFailures();
      setGemmWorkerFactory("default");
      loadWasmGemm(kind);
      setMatmulThreads("auto");
      setWasmMode("auto");
    }
  },
});

Deno.test({
  name:
    "after three stalled workers, CPU operations stay on the calling thread, with the same bits",
  ignore: !usable,
  fn: async () => {
    const kind = wasmGemmKind() as "relaxed" | "portable";
    setWasmMode("always");
    const expected = reference();
    setMatmulThreads(2);
    try {
      resetWorkerFailures();
      setGemmWorkerFactory(nodeWorkerFactory(faultyClaim(FAULTS.throws)));
      const warnings: string[] = [];
      for (let i = 0; i < 3; i++) {
        loadWasmGemm(kind);
        await startPool();
        warnings.push(...faultyProduct(expected, `failure ${i + 1}`).warnings);
      }
      strictEqual(wasmGemmThreads().restarts, 3);
      match(warnings[2], /after 3 such failures, CPU operations stay on one thread/);
      setGemmWorkerFactory("default");
      sameBits(a.matmul(b), expected, "one thread");
      strictEqual(wasmGemmThreads().workers, 0, "no workers started again");
    } finally {
      resetWorkerFailures();
      setGemmWorkerFactory("default");
      loadWasmGemm(kind);
      setMatmulThreads("auto");
      setWasmMode("auto");
    }
  },
});
