/**
 * The command line of `deno task train`: `USAGE`, and `parseTrainFlags`,
 * which turns arguments into a resolved `ExperimentConfig` or throws a
 * `UsageError` naming the offending flag.
 *
 * @module
 */

import { ACTIVATION_NAMES, type ActivationName } from "@glassbox/layers";
import {
  type ExperimentConfig,
  LOSS_NAMES,
  type LossName,
  OPTIMIZER_NAMES,
  type OptimizerName,
} from "./config.ts";
import {
  DEFAULT_MAX_DATA_MB,
  OWN_DATA_DEFAULTS,
  OWN_DATA_USAGE,
  OwnDataError,
} from "./own_data.ts";
import { csvRunName, type OwnDataFlags, ownDataFlags } from "./own_data_flags.ts";
import { DEFAULT_EXPERIMENT, EXPERIMENTS, findExperiment } from "./registry.ts";
import { ASSIGNMENT_EXPERIMENTS, ASSIGNMENT_USAGE } from "./assignment_registry.ts";
import { decimalInteger, decimalNumber, parseCommandLine } from "./flag_values.ts";

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

const ALL_EXPERIMENTS = [...EXPERIMENTS, ...ASSIGNMENT_EXPERIMENTS];
const nameWidth = Math.max(...ALL_EXPERIMENTS.map((e) => e.name.length)) + 2;
const experimentList = ALL_EXPERIMENTS.map((e) => `    ${e.name.padEnd(nameWidth)}${e.title}`)
  .join("\n");

/** The text of `--help`. */
export const USAGE = `Usage: deno task train [options]

Trains one of the notebooks' experiments from scratch in TypeScript (float64
by default) with the notebook's own data, model and settings, printing one
line per epoch in the notebook's format
  Epoch: 0 - L: <training loss> - L_v <validation loss>       (MLP notebooks)
  epoch: 0 - MSE: <training MSE> - MSE_v: <validation MSE>     (notebooks 1.1, 1.2)
(training = mean of the epoch's batch losses, validation = loss on the
validation rows after the epoch), then a summary, and writes the history, the
model and plots.

The notebooks are the five Jupyter notebooks (Python, PyTorch) glassbox grew
from, which this repository does not include; notebooks/ holds their
TypeScript versions. They are 1.1 simple linear regression, 1.2 multivariate
linear regression, 3.1 MLP, MLP for classification, and assignment 1
(logistic regression, an MLP, BFGS, widths and depths, Adam, backpropagation
by hand). Each experiment below names the notebook (and section) it runs.

Experiment (--experiment <name>, default ${DEFAULT_EXPERIMENT}):
${experimentList}

Data (default: the experiment's own data; its first rows train and the rest
validate: 100 rows for notebooks 1.1, 1.2 and MLP-for-classification, 1000 for
notebook 3.1 and logistic-regression):
  --train-rows <n>        train on the first n rows of the experiment's data instead,
                          validate on the rest
  --data <file.csv>       train on your own CSV file (header row; numeric feature columns;
                          inside this checkout, or run the \`deno run\` line train prints).
                          20% of rows are the test set (the figures reported), 20% of the
                          rest validate for early stopping, the others train (stratified by
                          class for classification; randomState = --seed). Defaults for
                          --data: ${OWN_DATA_USAGE}; any flag below overrides them
  --target <column>       the column to predict, by name or 0-based index (needed with --data);
                          the other columns are the features
  --task <name>           classification or regression (default: detected; labels that are
                          not numbers, or integers with few distinct values, mean
                          classification: cross-entropy, accuracy and a confusion matrix)
  --no-scale              keep features as they are (default: standardized with a
                          StandardScaler fitted on the training rows, saved with the model;
                          regression targets too)
  --max-data-mb <n>       largest --data file read, in MiB (default ${DEFAULT_MAX_DATA_MB}); only
                          regular files are read
  --predict <model>       predict with a model a --data run saved (runs/<name>/model.safetensors)
                          for the rows of --data <new.csv>; writes the predictions as CSV to
                          --out <file.csv> (default: predictions.csv beside the model)

Model (default: the experiment's):
  --layers <w,w,…>        hidden widths, e.g. 32,32; "none" for a linear model. Repeat the
                          flag to train several architectures (a study): --layers 4 --layers 8,8
  --activation <a[,a…]>   hidden activation, one for all or one per hidden layer:
                          ${ACTIVATION_NAMES.join(", ")}
                          (default: the experiment's; relu when --layers changes the depth
                          of a network with one activation per layer)

Training (default: the experiment's):
  --loss <name>           mse (regression), cross-entropy (logits vs class indices) or
                          categorical-cross-entropy (a Softmax output layer, −Σ y·log p / m
                          vs one-hot rows: the classification notebook's CE)
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
                          (default 0: torch.manual_seed(0), then nn.Linear's initialisation;
                          the data have their own fixed seeds, printed in the header)
  --dtype <name>          float64 (default) or float32
  --device <name>         cpu (default) or webgpu (float32; with sgd, adam or adamw the whole
                          training step stays on the GPU and the loss is read once per epoch;
                          lbfgs reads the loss and gradients back at every evaluation)

Comparison:
  --compare pytorch       also train the same experiment in PyTorch (float64 or float32,
                          through /usr/bin/python3 with torch, from the same data and initial
                          weights) and print the notebook's comparison: modified MAPE and
                          largest relative difference of the predictions before and after
                          copying the parameters, of the loss, of the predictions after
                          training and of each layer's bias and weight, and PyTorch's
                          epoch log beside ours (CPU; sgd, adam or adamw; one architecture)

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

Exit codes: 0 done; 1 training or I/O failed; 2 bad flags (or a bad GLASSBOX_THREADS /
GLASSBOX_WASM); 3 stopped on a NaN or
infinite loss (the weights saved are the last finite ones, as the log says);
130 interrupted by Ctrl-C or SIGTERM (training stops after the current batch and
the last weights are saved).
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
  /** `--compare pytorch`: also train the PyTorch twin and compare (null: no comparison). */
  compare: "pytorch" | null;
  /** With `--data`: the own-data settings; else null. */
  ownData: OwnDataFlags | null;
  /** `--predict <model>`: the model file, else null. */
  predict: string | null;
}

/** Throws the UsageError for `flag`. */
const fail = (flag: string, message: string): never => {
  throw new UsageError(flag, message);
};

function positiveInt(flag: string, text: string, min: number): number {
  return decimalInteger(flag, text, min, fail);
}

function nonNegative(flag: string, text: string): number {
  return decimalNumber(flag, text, fail);
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
  "train-rows": { type: "string" },
  compare: { type: "string" },
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
  task: { type: "string" },
  "no-scale": { type: "boolean" },
  "max-data-mb": { type: "string" },
  predict: { type: "string" },
} as const;

/** Learning rate when `--optimizer` replaces the experiment's optimizer and `--lr` is not given. */
const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.01,
  adam: 0.001,
  adamw: 0.001,
  lbfgs: 1,
};

/** Flags only the assignment experiments take (their parser reads them). */
const ASSIGNMENT_ONLY_FLAGS = [
  "--nreps",
  "--widths",
  "--gtol",
  "--maxiter",
  "--tol",
  "--data-seed",
];

/** `fail` for the command line: an assignment-only flag is named as such, not as unknown. */
const failCommandLine = (flag: string, message: string): never => {
  if (message.startsWith("Unknown option") && ASSIGNMENT_ONLY_FLAGS.includes(flag)) {
    return fail(
      flag,
      `Cannot use ${flag} here: it is a flag of the assignment experiments (--experiment assignment-<part>)`,
    );
  }
  return fail(flag, message);
};

/**
 * Parses the command line.
 *
 * @param args The arguments (without the script).
 * @returns The resolved settings and output choices.
 * @throws UsageError naming the flag for an unknown flag, a missing value or a bad value.
 */
export function parseTrainFlags(args: readonly string[]): TrainFlags {
  const values = parseCommandLine(args, TRAIN_OPTIONS, failCommandLine);
  const v = values;
  const spec = findExperiment(v.experiment ?? DEFAULT_EXPERIMENT);
  if (spec === undefined) {
    const name = v.experiment;
    throw new UsageError(
      "--experiment",
      `--experiment must be one of ${
        [...EXPERIMENTS, ...ASSIGNMENT_EXPERIMENTS].map((e) => e.name).join(", ")
      }, got "${name}"`,
    );
  }
  const name = spec.name;
  // Your own data: the --data defaults, unless an --experiment's are asked for.
  const d = v.data !== undefined && v.experiment === undefined ? OWN_DATA_DEFAULTS : spec.defaults;
  const device = v.device === undefined ? "cpu" : oneOf("--device", v.device, DEVICE_NAMES);
  let ownData: OwnDataFlags | null;
  try {
    ownData = ownDataFlags(v);
  } catch (error) {
    if (error instanceof OwnDataError) throw new UsageError(error.flag, error.message);
    throw error;
  }
  if (v.data !== undefined && v.target === undefined && v.predict === undefined) {
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
  if (v.data !== undefined && loss === "categorical-cross-entropy") {
    throw new UsageError(
      "--loss",
      `--loss categorical-cross-entropy needs one-hot targets, which a CSV file's class column is not; use --loss cross-entropy with --data`,
    );
  }
  if (v.data === undefined && loss !== d.loss) {
    throw new UsageError(
      "--loss",
      `--loss ${loss} does not fit ${name}'s data (${
        d.loss === "mse"
          ? "continuous targets"
          : d.loss === "cross-entropy"
          ? "class labels"
          : "one-hot class rows"
      }); use --loss ${d.loss}, or --data <file.csv> with a fitting --target`,
    );
  }
  const momentum = v.momentum === undefined ? d.momentum : nonNegative("--momentum", v.momentum);
  if (momentum !== 0 && optimizer !== "sgd") {
    throw new UsageError("--momentum", `--momentum applies to --optimizer sgd, not ${optimizer}`);
  }
  // Like the learning rate: the defaults' weight decay goes with their optimizer only.
  const weightDecay = v["weight-decay"] === undefined
    ? (optimizer === d.optimizer ? d.weightDecay : null)
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
  if (v["train-rows"] !== undefined && v.data !== undefined) {
    throw new UsageError(
      "--train-rows",
      `--train-rows applies to the experiments' own data; a CSV file is split 80/20`,
    );
  }
  const trainRows = v.data !== undefined
    ? null
    : v["train-rows"] === undefined
    ? d.trainRows
    : positiveInt("--train-rows", v["train-rows"], 1);
  if (trainRows !== null && trainRows >= spec.rows) {
    throw new UsageError(
      "--train-rows",
      `--train-rows must leave at least one validation row: ${name}'s data have ${spec.rows} rows, got ${trainRows}`,
    );
  }
  const config: ExperimentConfig = {
    experiment: name,
    data: v.data === undefined
      ? { kind: "builtin" }
      : { kind: "csv", path: v.data, target: v.target === undefined ? "" : csvColumn(v.target) },
    trainRows,
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
  const compare = v.compare === undefined ? null : oneOf("--compare", v.compare, ["pytorch"]);
  if (compare !== null) checkComparable(config, device);
  if (v.out !== undefined && v["no-save"]) {
    throw new UsageError("--out", `--out and --no-save contradict each other`);
  }
  if (v.out !== undefined && v.out.trim() === "") {
    throw new UsageError("--out", `--out must name a folder, got ""`);
  }
  return {
    config,
    device,
    out: v["no-save"] && v.predict === undefined
      ? null
      : v.out ?? (v.predict !== undefined
        ? null
        : `runs/${v.data !== undefined ? csvRunName(v.data) : name}`),
    json: v.json ?? false,
    help: v.help ?? false,
    compare,
    ownData,
    predict: v.predict ?? null,
  };
}

/** What `--compare pytorch` supports: one architecture, one start, a torch.optim optimizer, the CPU. */
function checkComparable(config: ExperimentConfig, device: DeviceName): void {
  const bad = (flag: string, what: string): never => {
    throw new UsageError(flag, `--compare pytorch ${what}`);
  };
  if (device !== "cpu") bad("--device", `runs on the CPU, got --device ${device}`);
  if (config.architectures.length !== 1) {
    bad("--layers", `compares one architecture, got ${config.architectures.length}`);
  }
  if (config.restarts !== 1) {
    bad("--restarts", `compares one start, got --restarts ${config.restarts}`);
  }
  if (config.optimizer === "lbfgs") {
    bad("--optimizer", `supports sgd, adam and adamw, got --optimizer lbfgs`);
  }
}

/** A CSV column: a 0-based index when the text is a whole number, else a name. */
function csvColumn(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}
