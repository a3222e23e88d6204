// Fault injection into the worker threads. Each kind of failure, for the matmul and the
// elementwise (tanh, softmax) jobs: a task that throws in the worker's JavaScript, a
// WebAssembly trap in a task, a worker that exits (`process.exit`, `self.close`), one
// terminated from outside, one that never answers (spins or blocks), and workers that fail
// to start. The design under test: no operation hangs or gives a wrong result; the
// operation is computed again on the calling thread (same bits) and the failure is shown
// (a console warning naming the operation, the worker, its task and the error; the
// `retried` / `restarts` counters); the pool is retired and new workers start at the next
// large operation; after three failures the process stays on one thread. Failures a worker
// can report (an error, an exit) end the wait at once; the others end at the deadline,
// shortened here (setWorkerDeadline) so that a test that would hang fails quickly.

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import type { Tensor } from "../mod.ts";
import { storageOf, tensorFromStorage } from "../seam.ts";
import { loadWasmGemm, setGemmWorkerFactory, wasmGemmKind, wasmGemmThreads } from "./gemm.ts";
import { setWasmMode } from "../cpu/kernel_choice.ts";
import { resetWorkerFailures } from "./policy.ts";
import { setMatmulThreads, setWorkerDeadline } from "./thread_pool.ts";
import {
  CLAIM_TASKS_SOURCE,
  nodeWorkerFactory,
  type PoolWorker,
  webWorkerFactory,
  type WorkerFactory,
} from "./workers.ts";
import { captureWarnings, lcgTensor as values, runChild, workersAlive } from "../_test_util.ts";

/** The depth of the products a faulty worker fails on (others it runs as usual). */
const FAULT_K = 777;
/**
 * The deadline for a worker's task in these tests, whatever the calling thread's own time
 * per task (by default 2000 ms, or 50 times that time when longer).
 */
const DEADLINE_MS = 1000;
/** What the warning says when only the deadline caught the failure. */
const AT_DEADLINE = /with no task finishing \(a worker hangs or was terminated\)/;

type Target = "gemm" | "tanh" | "softmax" | "chain";

/** The condition, in a worker's claim loop, that task `t` of the control block is a target. */
function isTarget(target: Target): string {
  return target === "gemm"
    ? `(ctl[t] === p.task.gemmF64 || ctl[t] === p.task.gemmF32) && ctl[t + 11] === ${FAULT_K}`
    : target === "tanh"
    ? "ctl[t] === p.task.unary"
    : target === "chain"
    ? "ctl[t] === p.task.denseChain"
    : "ctl[t] === p.task.softmaxRows";
}

/**
 * The source of a `claimTasks` that runs every job as usual except `target`'s, where it
 * claims a task and then runs `fault` instead of it (outside the real claim's task).
 */
function faultyClaim(target: Target, fault: string): string {
  return `((claim) => (ctl, calls, p, id) => {
    const mask = (1 << p.ticketBits) - 1;
    for (;;) {
      const v = Atomics.load(ctl, p.slot.ticket);
      const next = v & mask, count = (v >>> p.ticketBits) & mask;
      if (next >= count) return v;
      const t = p.slot.tasks + next * p.taskInts;
      if (!(${isTarget(target)})) return claim(ctl, calls, p, id);
      if (Atomics.compareExchange(ctl, p.slot.ticket, v, v + 1) !== v) continue;
      ${fault}
    }
  })(${CLAIM_TASKS_SOURCE})`;
}

/**
 * The source of a `claimTasks` whose kernels, for `target`'s tasks, run `fault` (with the
 * real kernel as `kernel` and its arguments as `args`): a failure inside the task itself.
 */
function faultyKernels(target: Target, fault: string): string {
  return `((claim) => (ctl, calls, p, id) => {
    const bad = { ...calls };
    for (const name of ["gemm_f64", "gemm_f32", "small_gemm_f64", "tanh_f64", "softmax_rows_f64"]) {
      const kernel = calls[name];
      bad[name] = (...args) => { ${fault} };
    }
    const t = p.slot.tasks + (Atomics.load(ctl, p.slot.ticket) & ((1 << p.ticketBits) - 1)) * p.taskInts;
    return claim(ctl, (${isTarget(target)}) ? bad : calls, p, id);
  })(${CLAIM_TASKS_SOURCE})`;
}

/** Each failure: how a worker fails, whether it can report it, and what the warning says. */
const FAULTS: {
  name: string;
  claim: (target: Target) => string;
  runtimes: ("node" | "web")[];
  says: RegExp;
}[] = [
  {
    name: "throws in a task",
    claim: (target) => faultyKernels(target, 'throw new Error("injected fault");'),
    runtimes: ["node", "web"],
    says: /worker 1 threw \(Error: injected fault\) while it ran task \d+ of \d+/,
  },
  {
    name: "traps in a task (memory access out of bounds)",
    claim: (target) => faultyKernels(target, "kernel(0x7ffffff0, ...args.slice(1));"),
    runtimes: ["node", "web"],
    says: /worker 1 threw \(RuntimeError: memory access out of bounds\) while it ran task \d+/,
  },
  {
    name: "throws after claiming a task",
    claim: (target) => faultyClaim(target, 'throw new Error("injected fault");'),
    runtimes: ["node", "web"],
    says: /worker 1 threw \(Error: injected fault\) mid-operation/,
  },
  {
    name: "exits mid-task (process.exit)",
    claim: (target) => faultyClaim(target, "process.exit(7);"),
    runtimes: ["node"],
    says: /worker 1 exited \(code 7\) mid-operation/,
  },
  {
    name: "closes itself mid-task (self.close)",
    claim: (target) => faultyClaim(target, "self.close(); for (;;);"),
    runtimes: ["web"],
    says: AT_DEADLINE,
  },
  {
    name: "spins",
    claim: (target) => faultyClaim(target, "for (;;);"),
    runtimes: ["node", "web"],
    says: AT_DEADLINE,
  },
  {
    name: "blocks",
    claim: (target) =>
      faultyClaim(target, "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);"),
    runtimes: ["node"],
    says: AT_DEADLINE,
  },
];

/** Asserts two tensors hold the same bits. */
function sameBits(actual: Tensor, expected: Tensor, what: string): void {
  const x = actual.toTypedArray(), y = expected.toTypedArray();
  deepStrictEqual(actual.shape, expected.shape, `${what}: shape`);
  const xb = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const yb = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  strictEqual(xb.every((v, i) => v === yb[i]), true, `${what}: bits`);
}

// Four tasks of about 5 ms each: long enough for the worker to wake and claim one.
const a = values([1024, FAULT_K], 11, "float64"), b = values([FAULT_K, 240], 12, "float64");
const x = values([200_000], 5, "float64").mul(4);
const rows = values([4000, 33], 6, "float64").mul(4);
const warm = values([256, 256], 13, "float64");

// A dense chain: three tanh layers of 48 on 3000 rows (its caller runs the layers one by one
// when the chain cannot run, as Sequential.predict does).
const chainX = values([3000, 48], 7, "float64");
const chainW = [14, 15, 16].map((seed) => values([48, 48], seed, "float64").mul(0.2));
const chainB = values([48], 17, "float64");

function chain(): Tensor {
  const backend = chainX.device.backend;
  const layers = chainW.map((w) => ({
    w: storageOf(w),
    b: storageOf(chainB),
    inFeatures: 48,
    outFeatures: 48,
    activation: "tanh" as const,
  }));
  const out = backend.denseChain!(storageOf(chainX), layers, { dtype: "float64", rows: 3000 });
  const like = { shape: [3000, 48], dtype: "float64" as const, device: chainX.device };
  if (out !== null) return tensorFromStorage(out, like);
  let h = chainX;
  for (const w of chainW) h = h.matmul(w, { transposeB: true, bias: chainB }).tanh();
  return h;
}

const OPERATIONS: Record<Target, { run: () => Tensor; named: string }> = {
  gemm: { run: () => a.matmul(b), named: `multiply [1024, ${FAULT_K}] by [${FAULT_K}, 240]` },
  tanh: { run: () => x.tanh(), named: "compute tanh of 200000 elements" },
  softmax: { run: () => rows.softmax(-1), named: "compute softmax of 4000 rows of 33" },
  chain: { run: chain, named: "run a dense chain on 3000 rows (float64)" },
};

/** Each operation on one thread, computed once. */
function references(): Record<Target, Tensor> {
  setMatmulThreads(1);
  try {
    return {
      gemm: OPERATIONS.gemm.run(),
      tanh: OPERATIONS.tanh.run(),
      softmax: OPERATIONS.softmax.run(),
      chain: OPERATIONS.chain.run(),
    };
  } finally {
    setMatmulThreads(2);
  }
}

/** Starts a pool from the current factory (a product of another depth), waits for its worker. */
async function startPool(): Promise<void> {
  warm.matmul(warm);
  strictEqual(wasmGemmThreads().workers, 1, "one worker for two threads");
  strictEqual(await workersAlive(), true, "the worker instantiated the module");
}

/**
 * Runs `target` until the pool was retired once (on a busy machine the calling thread may
 * take every task before the worker wakes), checking every result; returns how long the
 * failing run took and what it warned.
 */
function failingRun(
  target: Target,
  expected: Tensor,
  what: string,
): { ms: number; warnings: string[] } {
  const restarts = wasmGemmThreads().restarts;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const { value, warnings } = captureWarnings(OPERATIONS[target].run);
    const ms = performance.now() - started;
    sameBits(value, expected, what);
    if (wasmGemmThreads().restarts !== restarts) {
      strictEqual(wasmGemmThreads().restarts, restarts + 1, "the pool was retired once");
      return { ms, warnings };
    }
    strictEqual(warnings.length, 0, warnings.join("\n"));
  }
  throw new Error(`${what}: the worker never claimed a task in 20 runs`);
}

/** Sets up the pool's fault tests and puts everything back after `fn`. */
async function withFaults(fn: (expected: Record<Target, Tensor>) => Promise<void>): Promise<void> {
  const kind = wasmGemmKind() as "relaxed" | "portable";
  setWasmMode("always");
  const expected = references();
  setMatmulThreads(2);
  setWorkerDeadline(DEADLINE_MS, 0);
  try {
    await fn(expected);
  } finally {
    resetWorkerFailures();
    setWorkerDeadline();
    setGemmWorkerFactory("default");
    loadWasmGemm(kind);
    setMatmulThreads("auto");
    setWasmMode("auto");
  }
}

const usable = wasmGemmKind() !== "none" && wasmGemmThreads().shared;
const MAKERS = { node: nodeWorkerFactory, web: webWorkerFactory };

for (const target of ["gemm", "tanh", "softmax", "chain"] as const) {
  Deno.test({
    name:
      `a worker that fails mid-${target}: same bits, a warning naming the operation, worker and error, new workers`,
    ignore: !usable,
    fn: (t) =>
      withFaults(async (expected) => {
        const kind = wasmGemmKind() as "relaxed" | "portable";
        for (const fault of FAULTS) {
          for (const runtime of fault.runtimes) {
            await t.step(`${runtime} worker ${fault.name}`, async () => {
              resetWorkerFailures();
              setGemmWorkerFactory(MAKERS[runtime](fault.claim(target)));
              loadWasmGemm(kind);
              await startPool();
              const retried = wasmGemmThreads().retried;
              const what = `${runtime} ${fault.name}`;
              // A failure the worker reports must end the wait long before a 6 s deadline (the
              // run stays under 4 s); the others end at a short one.
              setWorkerDeadline(fault.says === AT_DEADLINE ? DEADLINE_MS : 6000, 0);
              const { ms, warnings } = failingRun(target, expected[target], what);
              strictEqual(warnings.length, 1, warnings.join("\n"));
              const named = `Cannot ${OPERATIONS[target].named}`;
              strictEqual(warnings[0].includes(named), true, `${warnings[0]}: ${named}`);
              strictEqual(warnings[0].includes(" on 2 threads: "), true, warnings[0]);
              match(warnings[0], fault.says);
              match(warnings[0], /computed again on the calling thread \(same result\)/);
              strictEqual(ms < 4000, true, `took ${ms.toFixed(0)} ms, expected under 4000`);
              if (target === "gemm") strictEqual(wasmGemmThreads().retried, retried + 1);
              // New workers (a healthy factory now) on a new memory take tasks again.
              setGemmWorkerFactory("default");
              await startPool();
              const before = wasmGemmThreads().workerTasks;
              for (let i = 0; i < 50 && wasmGemmThreads().workerTasks === before; i++) {
                sameBits(OPERATIONS[target].run(), expected[target], `${what}, after`);
              }
              strictEqual(wasmGemmThreads().workerTasks > before, true, "new worker ran tasks");
            });
          }
        }
      }),
  });
}

/** A factory from `make` that hands each started worker to `started` too. */
function watched(make: WorkerFactory, started: PoolWorker[]): WorkerFactory {
  return (data, lost) => {
    const worker = make(data, lost);
    started.push(worker);
    return worker;
  };
}

Deno.test({
  name:
    "a worker terminated or failing to start between operations: the next one says so, same bits",
  ignore: !usable,
  fn: (t) =>
    withFaults(async (expected) => {
      const kind = wasmGemmKind() as "relaxed" | "portable";
      setWorkerDeadline(6000, 0);
      /** Starts a pool from `make`, lets `between` happen, and runs a product. */
      const next = async (make: WorkerFactory, between: (started: PoolWorker[]) => void) => {
        resetWorkerFailures();
        const started: PoolWorker[] = [];
        setGemmWorkerFactory(watched(make, started));
        loadWasmGemm(kind);
        warm.matmul(warm);
        between(started);
        // The worker starts (and fails) in its own time, and the runtime's error / exit
        // event arrives on the event loop, between operations: until then products run
        // as usual (the calling thread takes every task), with the same bits.
        const restarts = wasmGemmThreads().restarts;
        for (let i = 0; i < 100; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const started_ = performance.now();
          const { value, warnings } = captureWarnings(() => a.matmul(b));
          const ms = performance.now() - started_;
          sameBits(value, expected.gemm, "after");
          if (wasmGemmThreads().restarts === restarts) {
            strictEqual(warnings.length, 0, warnings.join("\n"));
            continue;
          }
          strictEqual(ms < 4000, true, `took ${ms.toFixed(0)} ms: it waited for the deadline`);
          strictEqual(wasmGemmThreads().restarts, restarts + 1, "the pool was retired once");
          strictEqual(warnings.length, 1, warnings.join("\n"));
          match(warnings[0], /: worker 1 .* before the operation started/);
          return warnings[0];
        }
        throw new Error("the failed worker was never noticed in 100 products over 5 s");
      };
      await t.step("node worker terminated from outside while idle", async () => {
        const said = await next(nodeWorkerFactory(), (started) => started[0].terminate());
        match(said, /worker 1 exited \(code 1\)/);
      });
      for (const [runtime, make] of Object.entries(MAKERS)) {
        await t.step(`${runtime} worker whose module fails to compile`, async () => {
          const factory: WorkerFactory = (data, lost) =>
            make()({ ...data, bytes: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }, lost);
          const said = await next(factory, () => {});
          match(said, /worker 1 failed to start \(CompileError: /);
        });
        await t.step(`${runtime} worker whose code does not parse`, async () => {
          const said = await next(make("}{"), () => {});
          match(said, /worker 1 threw \(.*SyntaxError/);
        });
      }
    }),
});

Deno.test({
  name: "a worker factory that throws: one warning, then one thread with the same bits",
  ignore: !usable,
  fn: () =>
    withFaults(async (expected) => {
      resetWorkerFailures();
      setGemmWorkerFactory(() => {
        throw new Error("no workers here");
      });
      loadWasmGemm(wasmGemmKind() as "relaxed" | "portable");
      const first = captureWarnings(() => a.matmul(b));
      sameBits(first.value, expected.gemm, "first");
      deepStrictEqual(first.warnings.length, 1, first.warnings.join("\n"));
      match(first.warnings[0], /could not start worker thread 1 of 1 \(Error: no workers here\)/);
      strictEqual(wasmGemmThreads().workers, 0);
      const again = captureWarnings(() => a.matmul(b));
      sameBits(again.value, expected.gemm, "again");
      deepStrictEqual(again.warnings, [], "shown once");
      await Promise.resolve();
    }),
});

Deno.test({
  name: "after three failed workers, CPU operations stay on the calling thread, with the same bits",
  ignore: !usable,
  fn: () =>
    withFaults(async (expected) => {
      const kind = wasmGemmKind() as "relaxed" | "portable";
      resetWorkerFailures();
      setGemmWorkerFactory(nodeWorkerFactory(FAULTS[0].claim("gemm")));
      const warnings: string[] = [];
      for (let i = 0; i < 3; i++) {
        loadWasmGemm(kind);
        await startPool();
        warnings.push(...failingRun("gemm", expected.gemm, `failure ${i + 1}`).warnings);
      }
      strictEqual(wasmGemmThreads().restarts, 3);
      match(warnings[2], /after 3 such failures, CPU operations stay on one thread/);
      setGemmWorkerFactory("default");
      sameBits(a.matmul(b), expected.gemm, "one thread");
      strictEqual(wasmGemmThreads().workers, 0, "no workers started again");
    }),
});

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted" &&
  Deno.permissions.querySync({ name: "read" }).state === "granted";

Deno.test({
  name: "a worker that never answers cannot hang the process: a child deno run ends within 30 s",
  ignore: !usable || !canRun,
  fn: async () => {
    // In a child process, so that a wait without a deadline fails this test instead of
    // hanging it: the calling thread blocks, and nothing in this process could stop it.
    const url = (file: string) => JSON.stringify(new URL(file, import.meta.url).href);
    const script = `
      import { lcgTensor as values } from ${url("../_test_util.ts")};
      import { setGemmWorkerFactory, wasmGemmThreads } from ${url("./gemm.ts")};
      import { setWasmMode } from ${url("../cpu/kernel_choice.ts")};
      import { setMatmulThreads, setWorkerDeadline } from ${url("./thread_pool.ts")};
      import { nodeWorkerFactory } from ${url("./workers.ts")};
      setWasmMode("always");
      setMatmulThreads(2);
      setWorkerDeadline(${DEADLINE_MS}, 0);
      setGemmWorkerFactory(nodeWorkerFactory(${JSON.stringify(FAULTS[5].claim("gemm"))}));
      const warm = values([256, 256], 13);
      warm.matmul(warm);
      while (wasmGemmThreads().alive === 0) await new Promise((r) => setTimeout(r, 5));
      const a = values([1024, ${FAULT_K}], 11), b = values([${FAULT_K}, 240], 12);
      for (let i = 0; i < 20 && wasmGemmThreads().restarts === 0; i++) a.matmul(b);
      console.log(JSON.stringify({ restarts: wasmGemmThreads().restarts }));
    `;
    const { code, stdout, stderr: text } = await runChild(script);
    strictEqual(code, 0, `the child hung (killed after 30 s) or failed: ${text}`);
    deepStrictEqual(JSON.parse(stdout), { restarts: 1 }, text);
    match(text, AT_DEADLINE);
  },
});
