/**
 * How every TypeScript engine of `deno task bench` times a workload (the
 * PyTorch script implements the same steps in Python):
 *
 * 1. warm-up: run untimed at least once and until `warmupMs` has passed
 *    (no warm-up at all when `warmupMs` is negative: runs of minutes);
 * 2. calibrate: from the warm-up's time per run, pick `inner`, the number of
 *    back-to-back runs one sample times, so a sample lasts ≥ `minSampleMs`;
 * 3. sample: time `inner` runs (and a final `sync`, for devices that queue
 *    work) per sample, `samples` times, stopping early once `budgetMs` is
 *    spent and `minSamples` were taken;
 * 4. report the median sample ÷ `inner` as ms per run, with min and max.
 *
 * A runner whose `run` returns no promise is called in a plain loop, not
 * awaited: an `await` per run would add a microtask turn to µs-scale work.
 *
 * @module
 */

import type { Timing } from "./suite.ts";

/** What one workload measured. */
export interface Measurement {
  /** Median ms per run. */
  ms: number;
  /** Fastest sample, ms per run. */
  minMs: number;
  /** Slowest sample, ms per run. */
  maxMs: number;
  /** Samples taken. */
  samples: number;
  /** Runs per sample. */
  inner: number;
  /** Per-run counts an engine adds (WebGPU: dispatches, submits, read-backs, buffers made). */
  perRun?: Record<string, number>;
}

/** A workload body: one run; `sync` waits for queued device work (WebGPU). */
export interface Runner {
  run: () => void | Promise<void>;
  sync?: () => Promise<void>;
}

/**
 * Times `runner` as the module doc describes.
 *
 * @param runner The run (and optional sync).
 * @param timing Warm-up, sample length, sample count and budget.
 * @returns The median and spread, in ms per run.
 */
export async function measure(runner: Runner, timing: Timing): Promise<Measurement> {
  const { run, sync } = runner;
  let isAsync = false;
  let inner = 1;
  if (timing.warmupMs >= 0) {
    const warmStart = performance.now();
    let warmRuns = 0;
    do {
      const done = run();
      if (done instanceof Promise) {
        isAsync = true;
        await done;
      }
      warmRuns++;
      if (sync !== undefined) await sync();
    } while (performance.now() - warmStart < timing.warmupMs);
    const perRun = (performance.now() - warmStart) / warmRuns;
    inner = Math.max(1, Math.ceil(timing.minSampleMs / Math.max(perRun, 1e-3)));
  } else {
    isAsync = true; // not known without a run: await each (one microtask turn per run of minutes)
  }
  const figures: number[] = [];
  const started = performance.now();
  while (figures.length < timing.samples) {
    const t0 = performance.now();
    if (isAsync) { for (let i = 0; i < inner; i++) await run(); }
    else for (let i = 0; i < inner; i++) run();
    if (sync !== undefined) await sync();
    figures.push((performance.now() - t0) / inner);
    const spent = performance.now() - started;
    if (figures.length >= timing.minSamples && spent >= timing.budgetMs) break;
  }
  return {
    ms: median(figures),
    minMs: Math.min(...figures),
    maxMs: Math.max(...figures),
    samples: figures.length,
    inner,
  };
}

/**
 * The median (mean of the middle two for an even count).
 *
 * @param values At least one number.
 * @returns The median.
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
