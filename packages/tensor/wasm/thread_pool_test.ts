// The multi-threaded WebAssembly matmul against the one-thread WebAssembly path: bit for bit,
// every transpose variant, both dtypes, batches, odd sizes and splits that leave threads
// without work; and the fallbacks (no shared memory, workers that cannot start or never
// run, one thread), the thread settings, and that workers never keep a process alive.

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { DType, Tensor } from "../mod.ts";
import {
  loadWasmGemm,
  packTasks,
  setGemmWorkerFactory,
  split,
  wasmGemmKind,
  wasmGemmThreads,
} from "./gemm.ts";
import { matmulThreads, setMatmulThreads } from "./thread_pool.ts";
import { setWasmMode } from "../cpu/kernel_choice.ts";
import { webWorkerFactory } from "./workers.ts";
import {
  captureWarnings,
  lcgTensor as values,
  throwsWith,
  workersAlive,
  WORKSPACE_CONFIG,
} from "../_test_util.ts";
import { resetWorkerFailures } from "./policy.ts";
import { GEMM_PORTABLE_WASM } from "./gemm_bytes.ts";
import { TASK } from "./tasks.ts";

/** Runs `fn` with `threads` matmul threads and the WebAssembly path forced on. */
function withThreads<T>(threads: number, fn: () => T): T {
  setWasmMode("always");
  setMatmulThreads(threads);
  try {
    return fn();
  } finally {
    setMatmulThreads("auto");
    setWasmMode("auto");
  }
}

/** Asserts two tensors hold the same bits (NaN payloads and signed zeros included). */
function assertSameBits(actual: Tensor, expected: Tensor, what: string): void {
  deepStrictEqual(actual.shape, expected.shape, `${what}: shape`);
  const x = actual.toTypedArray(), y = expected.toTypedArray();
  const xb = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const yb = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  const at = xb.findIndex((v, i) => v !== yb[i]);
  if (at >= 0) {
    const i = Math.floor(at / x.BYTES_PER_ELEMENT);
    throw new Error(`${what}: element ${i} is ${x[i]} with threads, ${y[i]} with one thread`);
  }
}

// [m, n, k], each above 3·2^20 multiply-adds (the parallel threshold for float32): square-ish odd sizes
// split by rows, a short wide C split by columns, a tall narrow C whose column panels are
// too few to split by, and k across several 256-deep slices.
const SHAPES: [number, number, number][] = [
  [131, 129, 257],
  [7, 1031, 450],
  [1029, 3, 1100],
  [64, 72, 720],
  [97, 101, 513],
];
const VARIANTS = [[false, false], [true, false], [false, true], [true, true]] as const;

/** op(A) · op(B) with one thread and with `threads`. */
function bothPaths(
  [m, n, k]: [number, number, number],
  { dtype, ta, tb, threads = 2, batch = [] }: {
    dtype: DType;
    ta: boolean;
    tb: boolean;
    threads?: number;
    batch?: number[];
  },
): { parallel: Tensor; single: Tensor } {
  const a = values([...batch, ...(ta ? [k, m] : [m, k])], m * 31 + k, dtype);
  const b = values([...batch, ...(tb ? [n, k] : [k, n])], n * 17 + k + 1, dtype);
  const options = { transposeA: ta, transposeB: tb };
  const single = withThreads(1, () => a.matmul(b, options));
  const parallel = withThreads(threads, () => a.matmul(b, options));
  return { parallel, single };
}

Deno.test("parallel matmul matches the one-thread WebAssembly path bit for bit", async (t) => {
  if (wasmGemmKind() === "none" || !wasmGemmThreads().shared) {
    console.warn("%cskipped: no WebAssembly SIMD on a shared memory here", "color: yellow");
    return;
  }
  withThreads(2, () => values([128, 128], 1, "float64").matmul(values([128, 128], 2, "float64")));
  strictEqual(wasmGemmThreads().workers, 1, "one worker for two threads");
  const retried = wasmGemmThreads().retried;
  for (const dtype of ["float64", "float32"] as const) {
    for (const shape of SHAPES) {
      for (const [ta, tb] of VARIANTS) {
        await t.step(`${dtype} ${shape.join("×")} ta=${ta} tb=${tb}`, () => {
          const { parallel, single } = bothPaths(shape, { dtype, ta, tb });
          strictEqual(parallel.dtype, dtype);
          assertSameBits(parallel, single, `${dtype} ${shape.join("×")}`);
        });
      }
    }
  }
  strictEqual(wasmGemmThreads().retried, retried, "no task failed (and was run again)");
});

Deno.test("parallel matmul: workers really take tasks, and batches and 7 workers stay exact", async () => {
  if (wasmGemmKind() === "none" || !wasmGemmThreads().shared) {
    console.warn("%cskipped: no WebAssembly SIMD on a shared memory here", "color: yellow");
    return;
  }
  for (const threads of [2, 8]) {
    withThreads(threads, () => values([2, 2], 1, "float64").matmul(values([2, 2], 1, "float64")));
    // Started at the first product that is large enough, then left to load.
    const a = values([256, 256], 3, "float64");
    withThreads(threads, () => a.matmul(a));
    strictEqual(wasmGemmThreads().workers, threads - 1);
    strictEqual(await workersAlive(), true, "a worker instantiated the module");
    const before = wasmGemmThreads().workerTasks;
    for (let i = 0; i < 50 && wasmGemmThreads().workerTasks === before; i++) {
      withThreads(threads, () => a.matmul(a));
    }
    strictEqual(wasmGemmThreads().workerTasks > before, true, "a worker ran a task");
    for (const dtype of ["float64", "float32"] as const) {
      for (const [ta, tb] of VARIANTS) {
        // 4 batches, each above the threshold; with 8 threads C's 3 column panels leave
        // most threads nothing to do.
        for (const shape of [[130, 140, 180], [5, 9, 80000]] as [number, number, number][]) {
          const { parallel, single } = bothPaths(shape, { dtype, ta, tb, threads, batch: [4] });
          assertSameBits(parallel, single, `${threads} threads ${dtype} ${shape.join("×")}`);
        }
      }
    }
  }
});

Deno.test("parallel matmul is exact on the first product after the thread count changes", async () => {
  if (wasmGemmKind() === "none" || !wasmGemmThreads().shared) {
    console.warn("%cskipped: no WebAssembly SIMD on a shared memory here", "color: yellow");
    return;
  }
  // Large enough (about 50 ms on one thread) for new workers to come up and take tasks.
  const a = values([700, 690], 5, "float64"), b = values([690, 710], 6, "float64");
  const single = withThreads(1, () => a.matmul(b));
  // Another product of the same shape, so that memory left over from before holds other values.
  const c = values([700, 690], 7, "float64"), d = values([690, 710], 8, "float64");
  let previous = 1;
  for (const threads of [2, 3, 2]) {
    withThreads(previous, () => c.matmul(d));
    // A new count starts new workers on a new memory, inside this very product.
    const retried = wasmGemmThreads().retried;
    assertSameBits(withThreads(threads, () => a.matmul(b)), single, `first with ${threads}`);
    strictEqual(wasmGemmThreads().retried, retried, "no task failed (and was run again)");
    strictEqual(wasmGemmThreads().workers, threads - 1);
    strictEqual(await workersAlive(), true);
    assertSameBits(withThreads(threads, () => a.matmul(b)), single, `then with ${threads}`);
    previous = threads;
  }
});

Deno.test("split() covers C with disjoint blocks of whole tiles and keeps every element's k", () => {
  // float64 (4 × 4 tiles), m = 70, n = 3: 18 row panels against 1 column panel → rows, in at
  // most 70 / 32 = 2 tasks (MIN_TASK_LINES) of whole panels; B (3 × 10) is small, so each
  // packs its own; the epilogue's bias (at 7000) and activation (2) go with every block.
  const task = [TASK.gemmF64, 64, 80, 8, 1000, 24, 8, 5000, 32, 70, 3, 10, 0, 7000, 2];
  const byRows = split(task, 8, 9000);
  deepStrictEqual(byRows.map((t) => t[9]), [36, 34]);
  deepStrictEqual(byRows.map((t) => t[1]), [64, 64 + 36 * 80]);
  deepStrictEqual(byRows.map((t) => t[7]), [5000, 5000 + 36 * 32]);
  deepStrictEqual(byRows.map((t) => t[12]), [0, 0]);
  deepStrictEqual(byRows.map((t) => [t[13], t[14]]), [[7000, 2], [7000, 2]]);
  // A B of more than 16,384 elements (3 × 6000) is packed once, at 9000, and shared.
  const deep = [TASK.gemmF64, 64, 48000, 8, 1000, 24, 8, 5000, 32, 70, 3, 6000, 0, 0, 0];
  deepStrictEqual(split(deep, 8, 9000).map((t) => t[12]), [9000, 9000]);
  // m = 3, n = 70: 18 column panels against 1 row panel → columns, each packing its own B
  // and adding its own columns' bias.
  const wide = [TASK.gemmF64, 64, 80, 8, 1000, 560, 8, 5000, 576, 3, 70, 10, 0, 7000, 1];
  const byColumns = split(wide, 8, 9000);
  deepStrictEqual(byColumns.map((t) => t[10]), [36, 34]);
  deepStrictEqual(byColumns.map((t) => t[4]), [1000, 1000 + 36 * 8]);
  deepStrictEqual(byColumns.map((t) => t[7]), [5000, 5000 + 36 * 8]);
  deepStrictEqual(byColumns.map((t) => t[12]), [0, 0]);
  deepStrictEqual(byColumns.map((t) => [t[13], t[14]]), [[7000, 1], [7000 + 36 * 8, 1]]);
  // float32 (4 × 8 tiles), m = 3, n = 70: 9 column panels of 8; 70 columns → 2 tasks.
  const f32 = [TASK.gemmF32, 64, 40, 4, 1000, 280, 4, 5000, 288, 3, 70, 10, 0, 0, 0];
  deepStrictEqual(split(f32, 8, 9000).map((t) => t[10]), [32, 38]);
  for (const t of [...byRows, ...byColumns]) strictEqual(t[11], 10);
  // Too little to split: the whole product as one task, packing its own B.
  const small = [TASK.gemmF32, 64, 4, 4, 0, 4, 4, 0, 32, 4, 1, 1, 0, 0, 0];
  deepStrictEqual(split(small, 8, 9000), [small]);
});

Deno.test("packTasks() packs op(B) in column blocks to the same bytes as one pack_b call", () => {
  const module = new WebAssembly.Module(
    Uint8Array.from(atob(GEMM_PORTABLE_WASM), (c) => c.charCodeAt(0)),
  );
  const gemm = new WebAssembly.Instance(module).exports as unknown as {
    memory: WebAssembly.Memory;
    pack_b_f64(...args: number[]): void;
    pack_b_f32(...args: number[]): void;
  };
  gemm.memory.grow(64);
  const bytes = new Uint8Array(gemm.memory.buffer);
  // k spans two KC slices (the second partial) and n ends in a partial panel; transposed or not.
  for (
    const [double, n, k, transposed, parts] of [
      [true, 37, 300, false, 2],
      [false, 45, 257, true, 3],
      [false, 5, 40, false, 8], // fewer panels than parts: one block per panel
    ] as [boolean, number, number, boolean, number][]
  ) {
    const es = double ? 8 : 4, nr = double ? 4 : 8;
    const ldc = Math.ceil(n / nr) * nr * es;
    const b = 1024, whole = 400_000, blocks = 1_200_000;
    const view = double
      ? new Float64Array(gemm.memory.buffer)
      : new Float32Array(gemm.memory.buffer);
    for (let i = 0; i < k * n; i++) view[b / es + i] = (i * 7919) % 1013 - 500;
    bytes.fill(0xee, whole, blocks + 800_000); // packing must write every byte it owns
    const bks = transposed ? es : n * es, bcs = transposed ? k * es : es;
    (double ? gemm.pack_b_f64 : gemm.pack_b_f32)(b, bks, bcs, ldc, n, k, whole);
    const tasks = packTasks(double, b, bks, bcs, ldc, n, k, blocks, parts);
    strictEqual(tasks.length, Math.ceil(k / 256) * Math.min(parts, Math.ceil(n / nr)));
    for (const t of tasks) {
      strictEqual(t[0], double ? 3 : 2);
      (double ? gemm.pack_b_f64 : gemm.pack_b_f32)(...t.slice(1, 8));
    }
    const size = k * ldc;
    deepStrictEqual(bytes.slice(blocks, blocks + size), bytes.slice(whole, whole + size));
  }
});

Deno.test("parallel matmul falls back to one thread, with the same bits, when threads cannot help", async (t) => {
  if (wasmGemmKind() === "none") {
    console.warn("%cskipped: no WebAssembly SIMD here", "color: yellow");
    return;
  }
  const shape: [number, number, number] = [131, 129, 257];
  const reference = bothPaths(shape, { dtype: "float64", ta: false, tb: true }).single;
  const check = (what: string, workers: number) => {
    const { parallel } = bothPaths(shape, { dtype: "float64", ta: false, tb: true });
    strictEqual(wasmGemmThreads().workers, workers, `${what}: workers`);
    assertSameBits(parallel, reference, what);
  };
  const kind = wasmGemmKind() as "relaxed" | "portable";
  try {
    await t.step("no shared memory (a memory of its own, as without SharedArrayBuffer)", () => {
      loadWasmGemm(kind, { shared: false });
      strictEqual(wasmGemmThreads().shared, false);
      check("unshared", 0);
    });
    await t.step("no worker can start", () => {
      loadWasmGemm(kind);
      setGemmWorkerFactory(() => {
        throw new Error("no workers here");
      });
      resetWorkerFailures();
      const { warnings } = captureWarnings(() => check("failing factory", 0));
      deepStrictEqual(warnings.map((w) => w.slice(0, 71)), [
        "glassbox: could not start worker thread 1 of 1 (Error: no workers here)",
      ]);
    });
    await t.step("no way to start workers in this runtime", () => {
      setGemmWorkerFactory(undefined);
      check("no factory", 0);
    });
    await t.step("a worker that never takes a task", () => {
      setGemmWorkerFactory(() => ({ terminate() {} }));
      check("idle worker", 1);
      strictEqual(wasmGemmThreads().workerTasks, 0);
    });
    await t.step("one thread asked for", () => {
      setGemmWorkerFactory("default");
      loadWasmGemm(kind);
      const { parallel } = bothPaths(shape, { dtype: "float64", ta: false, tb: true, threads: 1 });
      strictEqual(wasmGemmThreads().workers, 0);
      assertSameBits(parallel, reference, "one thread");
    });
    await t.step("web Workers from a blob URL (the browser path) give the same bits", async () => {
      setGemmWorkerFactory(webWorkerFactory());
      withThreads(
        2,
        () => values([256, 256], 1, "float32").matmul(values([256, 256], 2, "float32")),
      );
      strictEqual(await workersAlive(), true, "the web Worker instantiated the module");
      check("web Worker", 1);
      loadWasmGemm(kind); // closes (terminates) the web Worker
    });
  } finally {
    setGemmWorkerFactory("default");
    loadWasmGemm(kind);
  }
});

Deno.test("setMatmulThreads() rejects counts that are not whole numbers from 1 to 120", () => {
  for (const bad of [0, -1, 1.5, NaN, 121]) {
    throwsWith(() => setMatmulThreads(bad), RangeError, "Cannot set matmul threads", `got ${bad}`);
  }
  setMatmulThreads(3);
  strictEqual(matmulThreads(), 3);
  setMatmulThreads("auto");
  strictEqual(matmulThreads() >= 1, true);
});

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted" &&
  Deno.permissions.querySync({ name: "read" }).state === "granted";

/** Runs a script that does one large matmul in a fresh `deno run` with `flags`. */
async function runScript(
  flags: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const script = `
    import { tensor } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    import { wasmGemmThreads } from ${JSON.stringify(new URL("./gemm.ts", import.meta.url).href)};
    const a = tensor(new Float64Array(300 * 300).fill(0.5), { shape: [300, 300] });
    const c = a.matmul(a);
    console.log(JSON.stringify({ c00: c.toTypedArray()[0], workers: wasmGemmThreads().workers }));
  `;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      "--quiet",
      "--config",
      WORKSPACE_CONFIG,
      ...flags,
      `data:application/typescript,${encodeURIComponent(script)}`,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const { code, stdout, stderr } = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr), ms: performance.now() - started };
}

Deno.test({
  name: "deno run of one large matmul starts workers and exits, with no permissions or train's",
  ignore: !canRun,
  fn: async (t) => {
    for (const flags of [[], ["--allow-read=.", "--allow-write=runs"]]) {
      await t.step(flags.join(" ") || "no permissions", async () => {
        const { code, stdout, stderr } = await runScript(flags);
        strictEqual(code, 0, stderr);
        const result = JSON.parse(stdout);
        strictEqual(result.c00, 300 * 0.25);
        strictEqual(result.workers, matmulThreads() > 1 ? matmulThreads() - 1 : 0);
      });
    }
    await t.step("GLASSBOX_THREADS=1 keeps one thread", async () => {
      const { code, stdout, stderr } = await runScript(["--allow-env=GLASSBOX_THREADS"], {
        GLASSBOX_THREADS: "1",
      });
      strictEqual(code, 0, stderr);
      strictEqual(JSON.parse(stdout).workers, 0);
    });
    await t.step("GLASSBOX_THREADS=3 starts two workers", async () => {
      const { code, stdout, stderr } = await runScript(["--allow-env=GLASSBOX_THREADS"], {
        GLASSBOX_THREADS: "3",
      });
      strictEqual(code, 0, stderr);
      strictEqual(JSON.parse(stdout).workers, 2);
    });
    await t.step("a bad GLASSBOX_THREADS is an error that names it", async () => {
      const { code, stderr } = await runScript(["--allow-env=GLASSBOX_THREADS"], {
        GLASSBOX_THREADS: "lots",
      });
      strictEqual(code, 1);
      strictEqual(stderr.includes(`Cannot read GLASSBOX_THREADS: got "lots"`), true, stderr);
    });
  },
});

Deno.test("large exp / tanh / sigmoid / softmax split over the worker pool keep the one-thread bits", async () => {
  if (wasmGemmKind() === "none" || !wasmGemmThreads().shared) {
    console.warn("%cskipped: no WebAssembly SIMD on a shared memory here", "color: yellow");
    return;
  }
  const a = values([256, 256], 3, "float64");
  withThreads(2, () => a.matmul(a)); // starts the worker
  strictEqual(await workersAlive(), true, "a worker instantiated the modules");
  // Sizes from the split's threshold (4 chunks of 16,384) up, odd ones included (the last
  // chunk maps one element past its end); softmax rows of odd length, also longer than a
  // chunk (one row per block would be odd: blocks take two).
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    ["exp", [65536], (x) => x.exp()],
    ["tanh", [65537], (x) => x.tanh()],
    ["sigmoid", [3, 66667], (x) => x.sigmoid()],
    ["softmax", [4000, 33], (x) => x.softmax(-1)],
    ["softmax", [5, 16385], (x) => x.softmax(-1)],
    ["softmax", [2048, 64], (x) => x.softmax(-1)],
  ];
  const before = wasmGemmThreads().workerTasks;
  for (const dtype of ["float64", "float32"] as const) {
    for (const [name, shape, f] of cases) {
      const x = values(shape, 5, dtype).mul(8); // exp over about [−8, 8]
      const single = withThreads(1, () => f(x));
      const split = withThreads(2, () => f(x));
      assertSameBits(split, single, `${dtype} ${name} ${shape.join("×")}`);
    }
  }
  strictEqual(wasmGemmThreads().workerTasks > before, true, "the worker ran elementwise tasks");
});
