/**
 * How `deno task train` starts and ends a run, the same for every kind of
 * run (the notebooks' experiments, `--data`): the WebGPU device `--device
 * webgpu` asks for, and how it stops on a signal, the same for every kind of run
 * (the notebooks' experiments, `--data`): SIGINT (Ctrl-C) and SIGTERM (kill,
 * a service manager) abort training after the current batch, and the run
 * still saves what it trained; a second signal leaves at once with code 130.
 *
 * @module
 */

import { requestWebGPU, type WebGPUDevice, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";

/**
 * The device for `--device`: undefined for the CPU, the first WebGPU adapter for webgpu
 * (its name printed unless `quiet`), or null after printing why none is available.
 *
 * @param device `--device`.
 * @param quiet Print nothing on success (`--json`).
 * @returns The WebGPU device, undefined (CPU), or null (unavailable: exit 1).
 */
export async function openDevice(
  device: "cpu" | "webgpu",
  quiet: boolean,
): Promise<WebGPUDevice | undefined | null> {
  if (device !== "webgpu") return undefined;
  try {
    const gpu = await requestWebGPU();
    if (!quiet) console.log(`device: ${gpu.name}\n`);
    return gpu;
  } catch (error) {
    if (!(error instanceof WebGPUUnavailableError)) throw error;
    console.error(`train: --device webgpu: ${error.message}`);
    return null;
  }
}

/**
 * Installs the SIGINT and SIGTERM handlers that abort `controller`.
 *
 * @param controller Aborted by the first signal, with the reason "Ctrl-C" or the signal's name.
 * @returns A function that removes the handlers.
 */
export function abortOnSignals(controller: AbortController): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const handlers = signals.map((signal) => {
    const handler = (): void => {
      if (controller.signal.aborted) Deno.exit(130); // a second signal: leave now
      console.error(
        `\ntrain: ${signal}: stopping after this batch and saving (Ctrl-C again to quit)`,
      );
      controller.abort(signal === "SIGINT" ? "Ctrl-C" : signal);
    };
    Deno.addSignalListener(signal, handler);
    return { signal, handler };
  });
  return () => {
    for (const { signal, handler } of handlers) Deno.removeSignalListener(signal, handler);
  };
}

/** The exit code of a finished run: 130 when a signal cut it short, 3 when it stopped on a NaN or infinite loss, else 0. */
export function runExitCode(
  interrupted: boolean,
  stops: readonly ({ kind: string } | null)[],
): number {
  if (interrupted) return 130;
  return stops.some((s) => s?.kind === "nonFinite") ? 3 : 0;
}
