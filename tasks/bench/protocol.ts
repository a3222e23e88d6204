/**
 * What the runner and an engine subprocess say to each other: the runner
 * writes the workload list as JSON on the engine's stdin; the engine writes
 * one JSON message per line on stdout — first an `engine` line describing
 * itself, then one line per workload, in order. tasks/bench/torch_bench.py
 * speaks the same protocol.
 *
 * @module
 */

import type { Measurement } from "./measure.ts";
import type { Workload } from "./suite.ts";

/** A line an engine writes. */
export type EngineMessage =
  | { type: "engine"; info: Record<string, string | number | boolean> }
  | ({ type: "result"; id: string } & Measurement)
  | { type: "skip"; id: string; reason: string }
  | { type: "error"; id: string; message: string };

/**
 * Reads the workload list an engine receives on stdin.
 *
 * @returns The workloads.
 */
export async function readWorkloads(): Promise<Workload[]> {
  const text = await new Response(Deno.stdin.readable).text();
  const parsed = JSON.parse(text);
  if (!Array.isArray(parsed)) {
    throw new TypeError(
      `Cannot read workloads: stdin held ${typeof parsed}, expected a JSON array`,
    );
  }
  return parsed as Workload[];
}

/**
 * Writes one message line to stdout.
 *
 * @param message The message.
 */
export function emit(message: EngineMessage): void {
  console.log(JSON.stringify(message));
}

/**
 * Runs every workload through `body` and reports each: a measurement, a skip
 * (when `body` returns a reason string) or the error it threw.
 *
 * @param workloads The list.
 * @param body Measures one workload, or returns why it does not apply.
 */
export async function runAll(
  workloads: readonly Workload[],
  body: (w: Workload) => Promise<Measurement | string>,
): Promise<void> {
  for (const w of workloads) {
    try {
      const out = await body(w);
      emit(
        typeof out === "string" ? { type: "skip", id: w.id, reason: out } : {
          type: "result",
          id: w.id,
          ...out,
        },
      );
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      emit({ type: "error", id: w.id, message });
    }
  }
}
