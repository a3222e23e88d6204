/**
 * The threaded half of the smoke run: a float64 matmul large enough for the
 * CPU backend to split it across its worker threads, repeated until a worker
 * has taken a task (workers start asynchronously, and a product that
 * finishes before any is ready runs on the calling thread alone).
 *
 * @module
 */

import { manualSeed, randn } from "@glassbox/tensor";
// A diagnostic the package does not export; the bundle holds one copy of the module.
import { wasmGemmKind, wasmGemmThreads } from "../../packages/tensor/wasm/gemm.ts";

/** What `threadedMatmul` saw. */
export interface ThreadedMatmul {
  /** The sum of the product's elements, in row-major order (equal only if every bit is). */
  sum: number;
  /** A few of its elements. */
  corner: number[];
  /**
   * The WebAssembly build that ran: `"relaxed"` (relaxed SIMD, fused multiply-adds where
   * the hardware has them) or `"portable"`; runtimes on different builds differ in the
   * last bits.
   */
  kind: string;
  /** Whether the WebAssembly memory is shared, so workers can join. */
  shared: boolean;
  /** Workers running. */
  alive: number;
  /** Tasks the workers ran. */
  workerTasks: number;
  /** Products computed before a worker took a task (or the limit). */
  products: number;
}

/**
 * Multiplies two seeded 256×256 float64 matrices until a worker thread has
 * taken part, at most `tries` times, waiting 50 ms between products.
 *
 * @param tries The most products to compute (default 40).
 * @returns The product's checksum and the thread counters.
 */
export async function threadedMatmul(tries = 40): Promise<ThreadedMatmul> {
  manualSeed(3);
  const a = randn([256, 256]), b = randn([256, 256]);
  let values: ArrayLike<number> = [], products = 0;
  while (products < tries) {
    values = a.matmul(b).toTypedArray();
    products++;
    if (wasmGemmThreads().workerTasks > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const { shared, alive, workerTasks } = wasmGemmThreads();
  const corner = Array.from(values).slice(0, 4);
  return { sum, corner, kind: wasmGemmKind(), shared, alive, workerTasks, products };
}
