/**
 * The notebooks' "Scratch vs torch.nn" section for any `deno task train`
 * run: `prepareComparison` starts our model from its own notebook-style
 * random parameters, then copies in the initial parameters PyTorch's
 * `nn.Linear` layers draw (the same values glassbox's `mlp()` draws after
 * `manualSeed`); `compareRuns` measures, against the PyTorch twin's run,
 * the predictions before and after copying, the loss, the predictions after
 * training and each layer's bias and weight; `formatComparison` prints them
 * in the notebooks' words with both epoch logs side by side.
 *
 * @module
 */

import type { Sequential, StateDict } from "@glassbox/layers";
import { manualSeed, randn, type Tensor } from "@glassbox/tensor";
import { evaluate, predict } from "@glassbox/trainer";
import type { Dataset, ExperimentConfig } from "../experiments/config.ts";
import type { LogStyle } from "../experiments/epoch_log.ts";
import { pythonRepr } from "../experiments/python_float.ts";
import { makeLoss, makeModel } from "../experiments/run_experiment.ts";
import { type Figure, figure } from "./_figures.ts";
import { TWIN_PYTHON, type TwinRequest, twinRequest, type TwinResponse } from "./twin.ts";

/** One printed figure: what it compares, and the numbers. */
export interface Row extends Figure {
  /** e.g. `scratch layer #0 - torch layer #0`, or "" when there is one thing to compare. */
  label: string;
}

/** Everything `--compare pytorch` prints (and `--json` carries as `comparison`). */
export interface Comparison {
  /** PyTorch's version. */
  torch: string;
  /** The dtype both sides trained in. */
  dtype: ExperimentConfig["dtype"];
  /** Predictions with each model's own initial parameters. */
  predict: Row[];
  /** Predictions after copying PyTorch's initial parameters into ours. */
  afterCopy: Row[];
  /** Validation loss with the copied parameters, ours and PyTorch's. */
  loss: { mape: number; ours: number; torch: number };
  /** Our epoch log and PyTorch's. */
  log: { ours: string[]; torch: string[] };
  /** Predictions after training. */
  afterTraining: Row[];
  /** Each layer's bias after training. */
  bias: Row[];
  /** Each layer's weight after training. */
  weight: Row[];
}

/** What `prepareComparison` measured before training, and the twin's request. */
export interface PreparedComparison {
  /** For torch_twin.py. */
  request: TwinRequest;
  /** The initial parameters both sides start from (PyTorch's `nn.Linear` initialisation). */
  initial: StateDict;
  /** Our validation predictions with our own random initial parameters. */
  ownPredictions: Tensor;
  /** Our validation predictions after copying `initial` in. */
  copiedPredictions: Tensor;
  /** Our validation loss after copying `initial` in. */
  copiedLoss: number;
  /** Whether the model is a single linear layer (notebooks 1.1 and 1.2 print no layer numbers). */
  linear: boolean;
}

/**
 * The notebooks' own initial parameters, drawn after the torch model's (its
 * `nn.Linear` layers are created first): the MLP notebooks' `InputLayer`
 * draws `randn(10, n_in)` to build the layers, then each `Dense` draws `w =
 * randn(n_in, units)` and `b = randn(units)`; the linear notebooks draw `w`
 * and `b` alone. Returned in glassbox's layout (`weight` is `wᵀ`).
 */
function notebookParameters(model: Sequential, dtype: ExperimentConfig["dtype"]): StateDict {
  const dict = model.stateDict();
  const weights = Object.keys(dict).filter((k) => k.endsWith(".weight"));
  if (weights.length > 1) randn([10, dict[weights[0]].shape[1]], { dtype }); // InputLayer.construct
  const out: StateDict = {};
  for (const key of weights) {
    const [units, inputs] = dict[key].shape;
    out[key] = randn([inputs, units], { dtype }).transpose();
    const bias = key.replace(/weight$/, "bias");
    if (bias in dict) out[bias] = randn([units], { dtype });
  }
  return out;
}

/**
 * Before training: our model with its own random parameters, then with
 * PyTorch's initial parameters copied in (drawn as `runExperiment` draws
 * them: `manualSeed(seed)`, then the layers in order).
 *
 * @param config The resolved settings (one architecture, one restart).
 * @param dataset The data, in `config.dtype`.
 * @param log The epoch log format both sides print.
 * @returns The measurements and the twin's request.
 */
export function prepareComparison(
  config: ExperimentConfig,
  dataset: Dataset,
  log: LogStyle,
): PreparedComparison {
  const hidden = config.architectures[0];
  manualSeed(config.seed);
  const model = makeModel(config, [dataset.xTrain.shape[1], ...hidden, dataset.outputs]);
  const initial: StateDict = Object.fromEntries(
    Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]),
  );
  model.loadStateDict(notebookParameters(model, config.dtype));
  const ownPredictions = predict(model, dataset.xValid);
  model.loadStateDict(initial); // copy parameters
  const copied = evaluate(model, dataset.xValid, dataset.yValid, { loss: makeLoss(config.loss) });
  return {
    request: twinRequest(config, dataset, initial, log),
    initial,
    ownPredictions,
    copiedPredictions: copied.predictions,
    copiedLoss: copied.loss!,
    linear: hidden.length === 0,
  };
}

/**
 * Measures our run against the twin's.
 *
 * @param prepared What `prepareComparison` returned.
 * @param trained Our trained model and its validation predictions.
 * @param ourLog Our epoch log lines.
 * @param twin The twin's response.
 * @returns The comparison.
 */
export function compareRuns(
  prepared: PreparedComparison,
  trained: { model: Sequential; predictions: Tensor },
  ourLog: readonly string[],
  twin: TwinResponse,
): Comparison {
  const classifier = twin.before.softmax !== undefined;
  const values = (t: Tensor): Float64Array => Float64Array.from(t.toTypedArray());
  const rows = (
    outputs: TwinResponse["before"],
    ours: Tensor,
    withoutSoftmax: boolean,
  ): Row[] => {
    const mine = values(ours);
    if (!classifier) return [{ label: "", ...figure(outputs.predictions, mine, "predictions") }];
    const result: Row[] = [];
    if (withoutSoftmax) {
      result.push({
        label: "without softmax layer in torch_model",
        ...figure(outputs.predictions, mine, "predictions"),
      });
    }
    result.push({
      label: "with softmax layer in torch_model",
      ...figure(outputs.softmax!, mine, "predictions"),
    });
    return result;
  };
  const final = trained.model.stateDict();
  const layers = Object.keys(final).filter((k) => k.endsWith(".weight"));
  const layerRows = (suffix: "bias" | "weight"): Row[] =>
    layers.flatMap((key, i) => {
      const name = key.replace(/weight$/, suffix);
      if (!(name in final)) return [];
      const index = key.split(".")[0];
      const label = prepared.linear
        ? ""
        : classifier
        ? `layer #${index}`
        : `scratch layer #${i} - torch layer #${i}`;
      return [{ label, ...figure(twin.final[name], values(final[name]), name) }];
    });
  return {
    torch: twin.torch,
    dtype: prepared.request.dtype,
    predict: rows(twin.before, prepared.ownPredictions, true),
    afterCopy: rows(twin.before, prepared.copiedPredictions, true),
    loss: {
      mape: figure([twin.initialLoss], [prepared.copiedLoss], "loss").mape,
      ours: prepared.copiedLoss,
      torch: twin.initialLoss,
    },
    log: { ours: [...ourLog], torch: twin.log },
    afterTraining: rows(twin.after, trained.predictions, false),
    bias: layerRows("bias"),
    weight: layerRows("weight"),
  };
}

function figureText(row: Row): string {
  const rel = row.maxRel === 0 ? "0" : row.maxRel.toExponential(1);
  return `${row.label === "" ? "" : `${row.label}: `}MAPE ${
    pythonRepr(row.mape)
  } - max rel diff ${rel}`;
}

/**
 * The comparison as the notebooks word it, one section per step.
 *
 * @param c The comparison.
 * @returns The lines.
 */
export function formatComparison(c: Comparison): string[] {
  const rows = (rs: Row[]): string[] => rs.map((r) => `  ${figureText(r)}`);
  const width = Math.max(8, ...c.log.ours.map((l) => l.length));
  const log = [`  ${"glassbox".padEnd(width)} | PyTorch`];
  for (let i = 0; i < Math.max(c.log.ours.length, c.log.torch.length); i++) {
    log.push(`  ${(c.log.ours[i] ?? "").padEnd(width)} | ${c.log.torch[i] ?? ""}`);
  }
  return [
    `Scratch vs torch.nn: PyTorch ${c.torch} (${TWIN_PYTHON}), ${c.dtype}, same data, same initial parameters`,
    "  MAPE: the notebooks' modified MAPE in percent, the mean over the elements of |(t − p)/t|",
    "  (|p| where t = 0), t = PyTorch's value, p = glassbox's; max rel diff: the largest such term",
    ...(c.predict.length > 1
      ? [
        "  PyTorch's twin has the same layers without the final Softmax and trains with",
        "  nn.CrossEntropyLoss, which applies the softmax itself: its raw outputs are logits",
      ]
      : []),
    "predict (each model with its own random initial parameters)",
    ...rows(c.predict),
    "copy parameters (PyTorch's initial parameters into glassbox's model)",
    "predict after copy parameters",
    ...rows(c.afterCopy),
    "loss (validation, before training)",
    `  MAPE ${pythonRepr(c.loss.mape)} - glassbox ${pythonRepr(c.loss.ours)} - PyTorch ${
      pythonRepr(c.loss.torch)
    }`,
    "train",
    ...log,
    "predict after training",
    ...rows(c.afterTraining),
    "bias",
    ...rows(c.bias),
    "weight",
    ...rows(c.weight),
  ];
}
