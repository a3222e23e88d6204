/**
 * The command line of `deno task train`: `USAGE`, and `parseTrainFlags`,
 * which turns arguments into a resolved `ExperimentConfig` or throws a
 * `UsageError` naming the offending flag.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ACTIVATION_NAMES, type ActivationName } from "@glassbox/layers";
import {
  type ExperimentConfig,
  LOSS_NAMES,
  type LossName,
  OPTIMIZER_NAMES,
  type OptimizerName,
} from "./config.ts";
import { CSV_VALID_FRACTION } from "./data.ts";
import { DEFAULT_EXPERIMENT, EXPERIMENTS, findExperiment } from "./registry.ts";
import { ASSIGNMENT_EXPERIMENTS, ASSIGNMENT_USAGE } from "./assignment_registry.ts";

/** A bad flag or value: `deno task train` prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  /** The flag at fault, e.g. `--lr` (empty when unknown). */
  readonly flag: string;
  /**
   * @param flag The flag at fault.
   * @param message What was wrong.
   */
  constructor(flag: string, message: string) {
    super(message);
    this.name = "UsageError";
    this.flag = flag;
  }
}

const experimentList = [...EXPERIMENTS, ...ASSIGNMENT_EXPERIMENTS].map((e) =>
  `      ${e.name}${e.name === DEFAULT_EXPERIMENT ? " (default)" : ""}\n          ${e.title}`
).join("\n");

/** The text of `--help`. */
export const USAGE = `Usage: deno task train [options]

Trains one of the notebooks' experiments from scratch in TypeScript (float64
by default), printing one line per epoch in the notebooks' format
  Epoch: 0 - L: <training loss> - L_v <validation loss>
(L = mean of the epoch's batch losses, L_v = loss on the validation rows after
the epoch), then a summary, and writes the history, the model and plots.

Experiment:
  --experiment <name>     which experiment (default ${DEFAULT_EXPERIMENT}):
${experimentList}

Data (default: the experiment's own data; on the notebooks' make_regression and
make_classification sets the first 1000 rows train and the rest validate):
  --data <file.csv>       train on a CSV file (header row, numeric columns);
                          ${(1 - CSV_VALID_FRACTION) * 100}% of rows train, ${
  CSV_VALID_FRACTION * 100
}% validate (trainTestSplit, randomState = --seed)
  --target <column>       the column to predict, by name or 0-based index (needed with --data);
                          the other columns are the features; with --loss cross-entropy it
                          must hold class indices 0, 1, …

Model (default: the experiment's):
  --layers <w,w,…>        hidden widths, e.g. 32,32; "none" for a linear model. Repeat the
                          flag to train several architectures (a study): --layers 4 --layers 8,8
  --activation <a[,a…]>   hidden activation, one for all or one per hidden layer:
                          ${ACTIVATION_NAMES.join(", ")}
                          (default: the experiment's; relu when --layers changes the depth
                          of a network with one activation per layer)

Training (default: the experiment's):
  --loss <name>           mse (regression) or cross-entropy (logits vs class indices)
  --optimizer <name>      sgd, adam, adamw or lbfgs (strong-Wolfe line search, 20 iterations
                          per epoch; full batch unless --batch-size is given)
  --lr <x>                learning rate (with an --optimizer other than the experiment's:
                          sgd 0.01, adam and adamw 0.001, lbfgs 1)
  --momentum <x>          SGD momentum (default 0)
  --weight-decay <x>      weight decay (default: the optimizer's, AdamW 0.01, others 0)
  --epochs <n>            passes over the training rows
  --batch-size <n>        rows per step, batches x[i : i + n] in order (the last may be short)
  --restarts <n>          fresh initialisations per architecture; the best validation loss wins
  --seed <n>              seed of the PyTorch-identical generator for the initial weights
                          (default: the experiment's: 0, or 2 for linear-regression, which
                          draws its data from this seed too)
  --dtype <name>          float64 (default) or float32
  --device <name>         cpu (default) or webgpu (float32; with sgd, adam or adamw the whole
                          training step stays on the GPU and the loss is read once per epoch;
                          lbfgs reads the loss and gradients back at every evaluation)

Output:
  --out <dir>             where to write history.json, model.safetensors and the plots
                          (Vega-Lite specs *.vl.json and *.svg); default runs/<experiment>
  --no-save               write nothing
  --json                  print one JSON object (the contents of history.json) instead of
                          the log and summary
  -h, --help              show this help

Permissions: \`deno task train\` may read files in this repository and write
under runs/ only (no network, no environment). For a CSV file elsewhere or
another output folder, grant exactly those paths yourself (the output folder
needs read and write: files are created new, then renamed), e.g.
  deno run --allow-read=.,/data/my.csv,/tmp/run --allow-write=/tmp/run tasks/train.ts \\
    --data /data/my.csv --target y --out /tmp/run

${ASSIGNMENT_USAGE}

Exit codes: 0 done; 1 training or I/O failed; 2 bad flags; 130 interrupted by
Ctrl-C (training stops after the current batch and the last weights are saved).
`;

/** Devices `--device` accepts. */
export const DEVICE_NAMES = ["cpu", "webgpu"] as const;
/** A device `--device` accepts. */
export type DeviceName = typeof DEVICE_NAMES[number];

/** What the command line asks for. */
export interface TrainFlags {
  /** The resolved settings. */
  config: ExperimentConfig;
  /** Where to train: the CPU, or the first WebGPU adapter. */
  device: DeviceName;
  /** Output folder, or null with `--no-save`. */
  out: string | null;
  /** Print JSON instead of text. */
  json: boolean;
  /** Print the usage and exit. */
  help: boolean;
}

function positiveInt(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(flag, `${flag} must be an integer >= ${min}, got "${text}"`);
  }
  return n;
}

function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new UsageError(flag, `${flag} must be a number >= 0, got "${text}"`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, text: string, names: readonly T[]): T {
  if (!(names as readonly string[]).includes(text)) {
    throw new UsageError(flag, `${flag} must be one of ${names.join(", ")}, got "${text}"`);
  }
  return text as T;
}

function parseLayers(text: string): number[] {
  if (text === "none") return [];
  return text.split(",").map((w) => positiveInt("--layers", w, 1));
}

/** The flags `parseArgs` accepts (the option table; `--help` documents each). */
export const TRAIN_OPTIONS = {
  experiment: { type: "string" },
  data: { type: "string" },
  target: { type: "string" },
  layers: { type: "string", multiple: true },
  activation: { type: "string" },
  loss: { type: "string" },
  optimizer: { type: "string" },
  lr: { type: "string" },
  momentum: { type: "string" },
  "weight-decay": { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  restarts: { type: "string" },
  seed: { type: "string" },
  dtype: { type: "string" },
  device: { type: "string" },
  out: { type: "string" },
  "no-save": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Learning rate when `--optimizer` replaces the experiment's optimizer and `--lr` is not given. */
const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.01,
  adam: 0.001,
  adamw: 0.001,
  lbfgs: 1,
};

/** The flag a `parseArgs` error message is about, e.g. `--lr` in "Option '--lr <value>' argument missing". */
function flagOf(message: string): string {
  return message.match(/'(-[-\w]+|-\w)/)?.[1] ?? message.match(/(--[\w-]+)/)?.[1] ?? "";
}

/**
 * Parses the command line.
 *
 * @param args The arguments (without the script).
 * @returns The resolved settings and output choices.
 * @throws UsageError naming the flag for an unknown flag, a missing value or a bad value.
 */
export function parseTrainFlags(args: readonly string[]): TrainFlags {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: TRAIN_OPTIONS, strict: true }));
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(flagOf(message), message);
  }
  const v = values;
  const name = v.experiment ?? DEFAULT_EXPERIMENT;
  const spec = findExperiment(name);
  if (spec === undefined) {
    throw new UsageError(
      "--experiment",
      `--experiment must be one of ${
        [...EXPERIMENTS, ...ASSIGNMENT_EXPERIMENTS].map((e) => e.name).join(", ")
      }, got "${name}"`,
    );
  }
  const d = spec.defaults;
  const device = v.device === undefined ? "cpu" : oneOf("--device", v.device, DEVICE_NAMES);
  if (v.data !== undefined && v.target === undefined) {
    throw new UsageError("--target", `--data needs --target <column> naming the column to predict`);
  }
  if (v.target !== undefined && v.data === undefined) {
    throw new UsageError("--target", `--target only applies with --data <file.csv>`);
  }
  const architectures = v.layers === undefined ? d.architectures : v.layers.map(parseLayers);
  let activation: ActivationName | ActivationName[] = d.activation;
  if (v.activation !== undefined) {
    const names = v.activation.split(",").map((a) => oneOf("--activation", a, ACTIVATION_NAMES));
    activation = names.length === 1 ? names[0] : names;
  } else if (Array.isArray(activation)) {
    const depth = activation.length;
    if (architectures.some((h) => h.length !== depth)) activation = "relu";
  }
  if (Array.isArray(activation)) {
    const bad = architectures.find((h) => h.length !== (activation as ActivationName[]).length);
    if (bad !== undefined) {
      throw new UsageError(
        "--activation",
        `--activation lists ${activation.length} activations but --layers ${
          bad.length === 0 ? "none" : bad.join(",")
        } has ${bad.length} hidden layers`,
      );
    }
  }
  const optimizer: OptimizerName = v.optimizer === undefined
    ? d.optimizer
    : oneOf("--optimizer", v.optimizer, OPTIMIZER_NAMES);
  const loss: LossName = v.loss === undefined ? d.loss : oneOf("--loss", v.loss, LOSS_NAMES);
  if (v.data === undefined && loss !== d.loss) {
    throw new UsageError(
      "--loss",
      `--loss ${loss} does not fit ${name}'s data (${
        d.loss === "mse" ? "continuous targets" : "class labels"
      }); use --loss ${d.loss}, or --data <file.csv> with a fitting --target`,
    );
  }
  const momentum = v.momentum === undefined ? d.momentum : nonNegative("--momentum", v.momentum);
  if (momentum !== 0 && optimizer !== "sgd") {
    throw new UsageError("--momentum", `--momentum applies to --optimizer sgd, not ${optimizer}`);
  }
  const weightDecay = v["weight-decay"] === undefined
    ? d.weightDecay
    : nonNegative("--weight-decay", v["weight-decay"]);
  if (weightDecay !== null && weightDecay !== 0 && optimizer === "lbfgs") {
    throw new UsageError("--weight-decay", `--weight-decay does not apply to --optimizer lbfgs`);
  }
  const lr = v.lr === undefined
    ? (optimizer === d.optimizer ? d.lr : DEFAULT_LR[optimizer])
    : nonNegative("--lr", v.lr);
  const batchSize = v["batch-size"] !== undefined
    ? positiveInt("--batch-size", v["batch-size"], 1)
    : optimizer === "lbfgs"
    ? null
    : d.batchSize ?? 32;
  const config: ExperimentConfig = {
    experiment: name,
    data: v.data === undefined
      ? { kind: "builtin" }
      : { kind: "csv", path: v.data, target: csvColumn(v.target!) },
    architectures,
    activation,
    loss,
    optimizer,
    lr,
    momentum,
    weightDecay,
    epochs: v.epochs === undefined ? d.epochs : positiveInt("--epochs", v.epochs, 1),
    batchSize,
    restarts: v.restarts === undefined ? d.restarts : positiveInt("--restarts", v.restarts, 1),
    seed: v.seed === undefined ? d.seed : positiveInt("--seed", v.seed, 0),
    // WebGPU holds float32 only: it is the default there, and float64 a usage error.
    dtype: v.dtype === undefined
      ? (device === "webgpu" ? "float32" : d.dtype)
      : oneOf("--dtype", v.dtype, ["float64", "float32"]),
  };
  if (device === "webgpu" && config.dtype === "float64") {
    throw new UsageError(
      "--dtype",
      `--device webgpu trains in float32 (WGSL has no float64), got --dtype float64`,
    );
  }
  if (v.out !== undefined && v["no-save"]) {
    throw new UsageError("--out", `--out and --no-save contradict each other`);
  }
  if (v.out !== undefined && v.out.trim() === "") {
    throw new UsageError("--out", `--out must name a folder, got ""`);
  }
  return {
    config,
    device,
    out: v["no-save"] ? null : v.out ?? `runs/${name}`,
    json: v.json ?? false,
    help: v.help ?? false,
  };
}

/** A CSV column: a 0-based index when the text is a whole number, else a name. */
function csvColumn(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}
