/**
 * The PyTorch twin of an experiment: the request glassbox sends to
 * tasks/compare/torch_twin.py (data, model sizes and activations, initial
 * weights, loss, optimizer, epochs, batch size, log format), running it
 * through `/usr/bin/python3`, and its response.
 *
 * @module
 */

import type { StateDict } from "@glassbox/layers";
import type { Tensor } from "@glassbox/tensor";
import { activationsFor, type Dataset, type ExperimentConfig } from "../experiments/config.ts";
import type { LogStyle } from "../experiments/epoch_log.ts";
import { decodeArray, encodeArray, type WireArray } from "./_wire.ts";

/** The Python that runs the twin (Debian's, where `apt-get install python3-torch` puts torch). */
export const TWIN_PYTHON = "/usr/bin/python3";

/** What to install when the twin cannot run. */
export const TWIN_INSTALL = "apt-get install python3-torch python3-sklearn";

/** The twin script, next to this file. */
const SCRIPT = new URL("./torch_twin.py", import.meta.url).pathname;

/** What torch_twin.py reads. */
export interface TwinRequest {
  dtype: ExperimentConfig["dtype"];
  sizes: number[];
  activations: string[];
  loss: ExperimentConfig["loss"];
  optimizer: {
    name: ExperimentConfig["optimizer"];
    lr: number;
    momentum: number;
    weightDecay: number | null;
  };
  epochs: number;
  batchSize: number;
  log: LogStyle;
  xTrain: WireArray;
  yTrain: WireArray;
  xValid: WireArray;
  yValid: WireArray;
  /** The initial state dict, glassbox's (= PyTorch's) keys and layouts. */
  initial: Record<string, WireArray>;
}

/** Validation outputs of the twin. */
export interface TwinOutputs {
  /** The model's outputs (logits for the classification twin). */
  predictions: Float64Array;
  /** Their softmax (classification twin only). */
  softmax?: Float64Array;
}

/** What torch_twin.py writes, decoded. */
export interface TwinResponse {
  /** `torch.__version__`. */
  torch: string;
  /** Validation outputs with the initial weights. */
  before: TwinOutputs;
  /** Validation loss with the initial weights. */
  initialLoss: number;
  /** Per epoch: mean training loss and validation loss. */
  history: { epoch: number; loss: number; validLoss: number }[];
  /** The epoch log the twin printed, in the notebook's format. */
  log: string[];
  /** Validation outputs after training. */
  after: TwinOutputs;
  /** Final parameters by state-dict key (values in the key's layout). */
  final: Record<string, Float64Array>;
}

/** The twin cannot run: no Python at `TWIN_PYTHON`, or no torch / NumPy there. */
export class TwinUnavailableError extends Error {
  /** @param message What is missing and how to install it. */
  constructor(message: string) {
    super(message);
    this.name = "TwinUnavailableError";
  }
}

/**
 * The request for a run.
 *
 * @param config The resolved settings (one architecture).
 * @param dataset The data, in `config.dtype`.
 * @param initial The initial weights both sides start from.
 * @param log The epoch log format.
 * @returns The request.
 */
export function twinRequest(
  config: ExperimentConfig,
  dataset: Dataset,
  initial: StateDict,
  log: LogStyle,
): TwinRequest {
  const hidden = config.architectures[0];
  const enc = (t: Tensor): WireArray => encodeArray(t);
  return {
    dtype: config.dtype,
    sizes: [dataset.xTrain.shape[1], ...hidden, dataset.outputs],
    activations: activationsFor(config.activation, hidden),
    loss: config.loss,
    optimizer: {
      name: config.optimizer,
      lr: config.lr,
      momentum: config.momentum,
      weightDecay: config.weightDecay,
    },
    epochs: config.epochs,
    batchSize: config.batchSize ?? dataset.xTrain.shape[0],
    log,
    xTrain: enc(dataset.xTrain),
    yTrain: enc(dataset.yTrain),
    xValid: enc(dataset.xValid),
    yValid: enc(dataset.yValid),
    initial: Object.fromEntries(Object.entries(initial).map(([k, v]) => [k, enc(v)])),
  };
}

/** JSON.parse reviver: the twin writes non-finite numbers as "NaN", "Infinity", "-Infinity". */
function nonFinite(_key: string, value: unknown): unknown {
  if (value === "NaN") return NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return value;
}

/**
 * Parses the text torch_twin.py writes: JSON whose non-finite numbers (a run
 * that diverged) are the strings "NaN", "Infinity" and "-Infinity".
 *
 * @param text The response file's text.
 * @returns The response.
 */
export function parseTwinResponse(text: string): TwinResponse {
  return decodeTwinResponse(JSON.parse(text, nonFinite));
}

/**
 * Decodes torch_twin.py's JSON output, checking its shape.
 *
 * @param raw The parsed JSON.
 * @returns The response.
 */
export function decodeTwinResponse(raw: unknown): TwinResponse {
  const r = raw as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new TypeError(`Cannot read the PyTorch twin's output: ${what}`);
  };
  if (typeof r !== "object" || r === null) bad(`expected an object, got ${typeof raw}`);
  const outputs = (o: unknown, what: string): TwinOutputs => {
    const x = o as Record<string, unknown>;
    if (typeof x !== "object" || x === null) bad(`${what} is missing`);
    return {
      predictions: decodeArray(x.predictions, `${what} predictions`),
      ...(x.softmax === undefined ? {} : { softmax: decodeArray(x.softmax, `${what} softmax`) }),
    };
  };
  if (typeof r.torch !== "string") bad("torch version is missing");
  if (typeof r.initialLoss !== "number") bad("initialLoss is not a number");
  if (!Array.isArray(r.history) || !Array.isArray(r.log)) bad("history or log is missing");
  const final = r.final as Record<string, unknown>;
  if (typeof final !== "object" || final === null) bad("final state dict is missing");
  return {
    torch: r.torch as string,
    before: outputs(r.before, "initial"),
    initialLoss: r.initialLoss as number,
    history: r.history as TwinResponse["history"],
    log: (r.log as unknown[]).map(String),
    after: outputs(r.after, "final"),
    final: Object.fromEntries(
      Object.entries(final).map(([k, v]) => [k, decodeArray(v, `final ${k}`)]),
    ),
  };
}

/**
 * Checks that `TWIN_PYTHON` runs and imports torch and NumPy.
 *
 * @param python The interpreter (default `TWIN_PYTHON`).
 * @throws TwinUnavailableError naming what to install.
 */
export async function probeTwin(python: string = TWIN_PYTHON): Promise<void> {
  const install = `install them with \`${TWIN_INSTALL}\``;
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(python, {
      args: ["-c", "import torch, numpy"],
      stdout: "null",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new TwinUnavailableError(
        `--compare pytorch starts ${python} (with PyTorch: ${TWIN_INSTALL}); run with --allow-run=${python} (deno task train grants it)`,
      );
    }
    throw new TwinUnavailableError(
      `--compare pytorch needs ${python} with PyTorch and NumPy, and ${python} is missing; ${install}`,
    );
  }
  if (result.code !== 0) {
    const why = new TextDecoder().decode(result.stderr).trim().split("\n").pop() ?? "";
    throw new TwinUnavailableError(
      `--compare pytorch needs PyTorch and NumPy in ${python} (${why}); ${install}`,
    );
  }
}

/**
 * Runs the twin: writes the request to a temporary folder under `dir`, runs
 * torch_twin.py on it, reads the response, and removes the folder.
 *
 * @param request The request.
 * @param options `python` (default `TWIN_PYTHON`), `dir` (default `runs`).
 * @returns The decoded response.
 */
export async function runTwin(
  request: TwinRequest,
  options: { python?: string; dir?: string } = {},
): Promise<TwinResponse> {
  const python = options.python ?? TWIN_PYTHON;
  const dir = options.dir ?? "runs";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir, prefix: ".compare-" });
  try {
    const requestPath = `${tmp}/request.json`, responsePath = `${tmp}/response.json`;
    await Deno.writeTextFile(requestPath, JSON.stringify(request));
    const result = await new Deno.Command(python, {
      args: [SCRIPT, requestPath, responsePath],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (result.code !== 0) {
      const text = new TextDecoder().decode(result.stderr).trim();
      throw new Error(`the PyTorch twin failed (exit ${result.code}):\n${text}`);
    }
    return parseTwinResponse(await Deno.readTextFile(responsePath));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}
