// Benchmarks of the CPU backend: matmul (GFLOP/s = the GFLOP count in each
// name ÷ the time per iteration in seconds) on the WebAssembly SIMD path with
// one thread and with every thread (`matmulThreads()`, the default: the
// machine's cores up to 8), every transpose variant, and the TypeScript path
// beside them; then elementwise, reduction and softmax kernels on [1024, 1024].
//
//   deno bench --allow-read packages/tensor/matmul_bench.ts
//
// Read thread speed-ups as ratios within one run: a core busy with another
// process takes its share from the threads.

import type { DType, MatmulOptions, Tensor } from "./mod.ts";
import { wasmGemmKind } from "./wasm/gemm.ts";
import { setWasmMode } from "./cpu/kernel_choice.ts";
import { matmulThreads, setMatmulThreads } from "./wasm/thread_pool.ts";
import { lcgTensor as values } from "./_test_util.ts";

/** A multiply and an add per term: 2·m·n·k floating-point operations, in GFLOP. */
function gflop(m: number, n: number, k: number): string {
  return (2 * m * n * k / 1e9).toPrecision(3);
}

const DTYPES: [DType, string][] = [["float64", "f64"], ["float32", "f32"]];

/**
 * The reference every matmul figure is read against: a plain i-k-j triple
 * loop over Float64Arrays (about 0.5 GFLOP/s on the project's machines, since
 * V8 does not vectorise it).
 */
function naiveMatmul(a: Float64Array, b: Float64Array, out: Float64Array, n: number): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
}

/** Threads of the multi-threaded path: the default for this machine (at least 2, to compare). */
const THREADS = Math.max(2, matmulThreads());

/** The CPU paths: WebAssembly SIMD (relaxed-SIMD FMA where the runtime has it) and TypeScript. */
const PATHS: [string, "always" | "off", number][] = [
  [`wasm-${wasmGemmKind()} 1 thread`, "always", 1],
  [`wasm-${wasmGemmKind()} ${THREADS} threads`, "always", THREADS],
  ["ts", "off", 1],
];

/** One bench per path for `a.matmul(b, options)`, in the same group. */
function benchPaths(
  label: string,
  group: string,
  [a, b, options]: [Tensor, Tensor, MatmulOptions],
  paths: [string, "always" | "off", number][] = PATHS,
): void {
  for (const [path, mode, threads] of paths) {
    Deno.bench({
      name: `${label} ${path}`,
      group,
      fn: () => {
        setWasmMode(mode);
        setMatmulThreads(threads);
        a.matmul(b, options).dispose();
      },
    });
  }
}

for (const size of [64, 128, 256, 512, 1024]) {
  for (const [dtype, short] of DTYPES) {
    const a = values([size, size], 1, dtype), b = values([size, size], 2, dtype);
    const label = `matmul ${short} ${size}x${size}x${size} (${gflop(size, size, size)} GFLOP)`;
    benchPaths(label, `matmul ${size}`, [a, b, {}]);
  }
  if (size <= 512) {
    const a = values([size, size], 1, "float64").toTypedArray() as Float64Array;
    const b = values([size, size], 2, "float64").toTypedArray() as Float64Array;
    const out = new Float64Array(size * size);
    Deno.bench({
      name: `naive triple loop f64 ${size}x${size}x${size} (${gflop(size, size, size)} GFLOP)`,
      group: `matmul ${size}`,
      baseline: true,
      fn: () => naiveMatmul(a, b, out, size),
    });
  }
}

const VARIANTS: [string, MatmulOptions][] = [
  ["transposeA", { transposeA: true }],
  ["transposeB", { transposeB: true }],
  ["transposeA+B", { transposeA: true, transposeB: true }],
];
// The transposed variants on the WebAssembly path only (the plain product above is their
// reference: the issue asks for them within 20% of it).
for (const size of [64, 128, 256, 512, 1024]) {
  for (const [dtype, short] of DTYPES) {
    const a = values([size, size], 3, dtype), b = values([size, size], 4, dtype);
    for (const [variant, options] of VARIANTS) {
      const label = `matmul ${short} ${variant} ${size}x${size}x${size} (${
        gflop(size, size, size)
      } GFLOP)`;
      benchPaths(label, `matmul ${size} transposed`, [a, b, options], PATHS.slice(0, 2));
    }
  }
}

for (const [dtype, short] of DTYPES) {
  const x = values([1024, 1024], 5, dtype), y = values([1024, 1024], 6, dtype);
  const row = values([1024], 7, dtype);
  const group = `[1024, 1024] ${short}`;
  const cases: [string, () => Tensor][] = [
    ["add", () => x.add(y)],
    ["add broadcast row", () => x.add(row)],
    ["mul number", () => x.mul(0.5)],
    ["exp", () => x.exp()],
    ["sigmoid", () => x.sigmoid()],
    ["sum axis 0", () => x.sum(0)],
    ["sum axis 1", () => x.sum(1)],
    ["max axis 1", () => x.max(1)],
    ["softmax axis 1", () => x.softmax(1)],
    ["logSoftmax axis 1", () => x.logSoftmax(1)],
    ["transpose", () => x.transpose()],
  ];
  for (const [label, run] of cases) {
    Deno.bench({
      name: `${label} ${short} [1024, 1024]`,
      group,
      fn: () => {
        run().dispose();
      },
    });
  }
}
