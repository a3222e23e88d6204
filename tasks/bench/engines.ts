/**
 * The engines `deno task bench` compares, each run as its own subprocess
 * with the least privilege it needs, and `runEngine`, which feeds one its
 * workloads and collects what it reports.
 *
 * - `ts`, `wasm`: glassbox on the CPU with `GLASSBOX_WASM=off` / `auto` (the
 *   TypeScript kernels alone, and the default: WebAssembly wherever
 *   packages/tensor/cpu/kernel_choice.ts picks it, which is every product of
 *   the matmul and mlp groups);
 * - `webgpu`: glassbox on `requestWebGPU()`'s device (float32);
 * - `torch-<threads>`: tasks/bench/torch_bench.py under `/usr/bin/python3`
 *   (or `--python`) with `torch.set_num_threads(threads)`;
 * - `tfjs`: TensorFlow.js with its wasm backend (float32).
 *
 * @module
 */

import type { Measurement } from "./measure.ts";
import type { EngineMessage } from "./protocol.ts";
import type { Workload } from "./suite.ts";

/** The engine choices `--engines` takes (`torch` stands for every thread count measured). */
export const ENGINE_CHOICES = ["ts", "wasm", "webgpu", "torch", "tfjs"] as const;
/** An engine choice. */
export type EngineChoice = typeof ENGINE_CHOICES[number];

/** What an engine said about one workload. */
export type Outcome = Measurement | { skip: string } | { error: string };

/** An engine's description and its outcomes so far. */
export interface EngineRun {
  /** `ts`, `wasm`, `webgpu`, `torch-1`, `torch-2`, `tfjs`. */
  id: string;
  /** Whether it started and reported itself usable. */
  available: boolean;
  /** Why not, when it is not. */
  reason?: string;
  /** What the engine reported about itself (versions, adapter, threads). */
  info: Record<string, string | number | boolean>;
  /** Outcome per workload id. */
  outcomes: Record<string, Outcome>;
}

/** How to start one engine. */
export interface EngineCommand {
  id: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The folder holding tfjs-backend-wasm's `.wasm` files (resolved from the import map; no I/O). */
export function tfjsWasmDir(): string {
  const main = new URL(import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm@4.22.0"));
  return decodeURIComponent(new URL(".", main).pathname).replace(/\/$/, "");
}

/**
 * The command lines of the chosen engines.
 *
 * @param choices Engines to run.
 * @param options `python` (the interpreter for PyTorch) and `torchThreads` (thread counts to measure).
 * @returns One command per engine process.
 */
export function engineCommands(
  choices: readonly EngineChoice[],
  options: { python: string; torchThreads: readonly number[] },
): EngineCommand[] {
  // --allow-run=deno grants the `deno` on PATH, which may be a symlink to Deno.execPath().
  const exec = Deno.execPath();
  const deno = Deno.permissions.querySync({ name: "run", command: exec }).state === "granted"
    ? exec
    : "deno";
  const glassbox = (path: string, env?: Record<string, string>): EngineCommand => ({
    id: path,
    command: deno,
    args: [
      "run",
      "--no-prompt",
      "--cached-only",
      `--lock=${ROOT}/tasks/dev.lock`,
      `--allow-read=${ROOT}`,
      "--allow-env=GLASSBOX_*",
      `${ROOT}/tasks/bench/glassbox_engine.ts`,
      path,
    ],
    env,
  });
  const out: EngineCommand[] = [];
  for (const choice of choices) {
    switch (choice) {
      case "ts":
        out.push(glassbox("ts", { GLASSBOX_WASM: "off" }));
        break;
      case "wasm":
        out.push(glassbox("wasm", { GLASSBOX_WASM: "auto" }));
        break;
      case "webgpu":
        out.push(glassbox("webgpu"));
        break;
      case "torch":
        for (const threads of options.torchThreads) {
          out.push({
            id: `torch-${threads}`,
            command: options.python,
            args: [`${ROOT}/tasks/bench/torch_bench.py`, "--threads", String(threads)],
          });
        }
        break;
      case "tfjs":
        out.push({
          id: "tfjs",
          command: deno,
          args: [
            "run",
            "--no-prompt",
            "--cached-only",
            `--lock=${ROOT}/tasks/dev.lock`,
            `--allow-read=${tfjsWasmDir()}`,
            `${ROOT}/tasks/bench/tfjs_engine.ts`,
          ],
        });
        break;
    }
  }
  return out;
}

/**
 * Starts an engine, writes it the workloads, and records what it reports into
 * `run` (created on first use). An engine that cannot start, or exits before
 * describing itself, is marked unavailable with the reason.
 *
 * @param cmd How to start it.
 * @param workloads What to run.
 * @param options `run` (the record to extend) and `onResult` (progress callback).
 * @returns The record.
 */
export async function runEngine(
  cmd: EngineCommand,
  workloads: readonly Workload[],
  options: { run?: EngineRun; onResult?: (id: string, outcome: Outcome) => void } = {},
): Promise<EngineRun> {
  const run: EngineRun = options.run ??
    { id: cmd.id, available: false, info: {}, outcomes: {} };
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd.command, {
      args: cmd.args,
      env: cmd.env,
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    run.available = false;
    run.reason = `cannot start ${cmd.command}: ${(error as Error).message}`;
    return run;
  }
  const stderr = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(workloads)));
  await writer.close();
  let described = false;
  const stray: string[] = [];
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines());
  for await (const line of lines) {
    let message: EngineMessage;
    try {
      message = JSON.parse(line);
    } catch {
      stray.push(line); // libraries that print to stdout (e.g. tfjs's hints)
      continue;
    }
    if (message.type === "engine") {
      described = true;
      run.info = message.info;
      run.available = message.info.available === true;
      if (!run.available) run.reason = String(message.info.reason ?? "unavailable");
      continue;
    }
    const outcome: Outcome = message.type === "result"
      ? {
        ms: message.ms,
        minMs: message.minMs,
        maxMs: message.maxMs,
        samples: message.samples,
        inner: message.inner,
        ...(message.perRun === undefined ? {} : { perRun: message.perRun }),
      }
      : message.type === "skip"
      ? { skip: message.reason }
      : { error: message.message };
    run.outcomes[message.id] = outcome;
    options.onResult?.(message.id, outcome);
  }
  const status = await child.status;
  const errText = (await stderr).trim();
  if (!described) {
    run.available = false;
    const last = lastMeaningfulLine(errText) ?? stray.at(-1) ?? "no output";
    run.reason = `${cmd.id} exited with code ${status.code} before starting: ${last}`;
    return run;
  }
  for (const w of workloads) {
    if (run.available && !(w.id in run.outcomes)) {
      const last = lastMeaningfulLine(errText) ?? `exit code ${status.code}`;
      run.outcomes[w.id] = { error: `engine stopped before this workload: ${last}` };
    }
  }
  return run;
}

/** The last stderr line that says something (not a stack frame or a blank). */
function lastMeaningfulLine(text: string): string | undefined {
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const lines = plain.split("\n").map((l) => l.trim()).filter((l) =>
    l !== "" && !l.startsWith("at ") && !l.startsWith("^") && !l.includes("XDG_RUNTIME_DIR")
  ); // lavapipe's XDG_RUNTIME_DIR complaint is harmless noise
  const error = lines.findLast((l) => /error|Error|denied|NotCapable/.test(l));
  return error ?? lines.at(-1);
}

function splitLines(): TransformStream<string, string> {
  let buffer = "";
  return new TransformStream({
    transform(chunk, controller) {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const p of parts) if (p.trim() !== "") controller.enqueue(p);
    },
    flush(controller) {
      if (buffer.trim() !== "") controller.enqueue(buffer);
    },
  });
}
