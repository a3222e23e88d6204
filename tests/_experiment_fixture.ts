// Runs fixture cases of tasks/golden/experiments*.py through the CLI's own
// functions (parseTrainFlags → the experiment's data → runExperiment → fit) and
// compares with PyTorch: same data (exact checksums), same initial weights (bit
// for bit), per-epoch training and validation losses, the winning restart, final
// weights and validation predictions within a tolerance — or, for float32
// L-BFGS, within twice PyTorch's own one-ulp sensitivity (Architecture.spread):
// 20 L-BFGS iterations amplify last-bit differences far past 1e-3 there.

import { fsum } from "./_fsum.ts";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { Sequential, StateDict } from "@glassbox/layers";
import { assertClose, cpu, type Device, type DType, type Tensor } from "@glassbox/tensor";
import type { Callback, History, TrainContext } from "@glassbox/trainer";
import type { Dataset } from "../tasks/experiments/config.ts";
import { parseTrainFlags } from "../tasks/experiments/flags.ts";
import { findExperiment } from "../tasks/experiments/registry.ts";
import { runExperiment } from "../tasks/experiments/run_experiment.ts";

type Nested = number | Nested[];
interface Sums {
  sum: number;
  sumAbs: number;
}
interface Epoch {
  epoch: number;
  loss: number;
  validLoss: number;
}
interface Architecture {
  label: string;
  restarts: { initial: Record<string, Nested>; history: Epoch[]; score: number }[];
  best: number;
  final: Record<string, Nested>;
  validLoss: number;
  predictionRows: number[];
  predictions: Nested;
  predictionSums: Sums;
  /**
   * Float32 L-BFGS cases only: how far PyTorch's own final weights,
   * predictions (absolute) and per-epoch losses (relative) move when one
   * initial weight moves by one ulp, over every restart (measured by the
   * generator). They are checked within twice this.
   */
  spread?: { params: number; predictions: number; losses: number };
}
export interface Case {
  args: string[];
  config: Record<string, unknown>;
  data: Record<"xTrain" | "yTrain" | "xValid" | "yValid", Sums>;
  architectures: Architecture[];
}

/** Tolerance of a fixture's comparison, and where to train. */
export interface Tolerance {
  rtol: number;
  /** Absolute slack for final weights near zero. */
  atol: number;
  /** Train on this device (WebGPU); the CPU when absent. */
  device?: Device;
}

/** The data cast to the run's dtype, as `deno task train` does. */
function castDataset(d: Dataset, dtype: DType): Dataset {
  if (dtype === "float64") return d;
  const cast = (t: Tensor): Tensor => t.to(dtype);
  return {
    ...d,
    xTrain: cast(d.xTrain),
    yTrain: cast(d.yTrain),
    xValid: cast(d.xValid),
    yValid: cast(d.yValid),
  };
}

function sums(t: Tensor): Sums {
  const v = Array.from(t.toTypedArray());
  return { sum: fsum(v), sumAbs: fsum(v.map(Math.abs)) };
}

/** Largest |a − e| / |e| (elements with e = 0 count |a|). */
function maxRel(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    worst = Math.max(worst, e === 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e));
  }
  return worst;
}

const flat = (n: Nested): number[] => Array.isArray(n) ? n.flatMap(flat) : [n];

/** Records each restart's initial state dict. */
class InitialWeights implements Callback {
  readonly states: StateDict[] = [];
  async onTrainBegin(ctx: TrainContext): Promise<void> {
    const dict = (ctx.model as Sequential).stateDict();
    const entries = await Promise.all(
      Object.entries(dict).map(async ([k, v]) => [k, await v.clone().toAsync(cpu)] as const),
    );
    this.states.push(Object.fromEntries(entries));
  }
}

/** One test step per case: the CLI's run against the fixture, within `tol`. */
export async function checkExperimentCases(
  t: Deno.TestContext,
  cases: readonly Case[],
  tol: Tolerance,
): Promise<void> {
  for (const c of cases) {
    await t.step(`deno task train ${c.args.join(" ")}`.trim(), async () => {
      const { config } = parseTrainFlags(c.args);
      // The fixture was generated for the settings the CLI resolves today.
      deepStrictEqual(JSON.parse(JSON.stringify(config)), c.config);
      const raw = findExperiment(config.experiment)!.data(config.seed, config.trainRows!);
      for (const part of ["xTrain", "yTrain", "xValid", "yValid"] as const) {
        deepStrictEqual(sums(raw[part]), c.data[part], `${part} checksums`);
      }
      const dataset = castDataset(raw, config.dtype);
      const recorders = new Map<string, InitialWeights>();
      const result = await runExperiment(config, dataset, {
        device: tol.device,
        callbacks: (label) => {
          const r = new InitialWeights();
          recorders.set(label, r);
          return [r];
        },
      });
      strictEqual(result.runs.length, c.architectures.length);
      const worst = { losses: 0, params: 0, predictions: 0 };
      c.architectures.forEach((expected, a) => {
        const run = result.runs[a];
        strictEqual(run.label, expected.label);
        const initials = recorders.get(run.label)!.states;
        strictEqual(initials.length, expected.restarts.length);
        const histories: History[] = run.history.runs.length > 0 ? run.history.runs : [run.history];
        expected.restarts.forEach((r, i) => {
          for (const [name, value] of Object.entries(r.initial)) {
            assertClose(initials[i][name].flatten(), flat(value), {
              rtol: 0,
              atol: 0,
              message: `${run.label} restart ${i} initial ${name}`,
            });
          }
          const h = histories[i].epochs;
          const got = h.flatMap((e) => [e.loss, e.validLoss!]);
          const want = r.history.flatMap((e) => [e.loss, e.validLoss]);
          strictEqual(got.length, want.length, `${run.label} restart ${i} epochs`);
          assertClose(got, want, {
            rtol: Math.max(tol.rtol, 2 * (expected.spread?.losses ?? 0)),
            atol: 0,
            message: `${run.label} restart ${i} losses`,
          });
          worst.losses = Math.max(worst.losses, maxRel(got, want));
        });
        strictEqual(run.history.restart, expected.best, `${run.label} best restart`);
        const final = run.model.stateDict();
        const slack = {
          params: Math.max(tol.atol, 2 * (expected.spread?.params ?? 0)),
          predictions: 2 * (expected.spread?.predictions ?? 0),
        };
        for (const [name, value] of Object.entries(expected.final)) {
          const want = flat(value);
          assertClose(final[name].flatten(), want, {
            rtol: tol.rtol,
            atol: slack.params,
            message: `${run.label} final ${name}`,
          });
          worst.params = Math.max(worst.params, maxRel(final[name].toTypedArray(), want));
        }
        assertClose(run.summary.validLoss, expected.validLoss, {
          rtol: Math.max(tol.rtol, 2 * (expected.spread?.losses ?? 0)),
          atol: 0,
        });
        const pred = run.predictions.gather(expected.predictionRows);
        const want = flat(expected.predictions);
        assertClose(pred.flatten(), want, {
          rtol: tol.rtol,
          atol: slack.predictions,
          message: `${run.label} validation predictions`,
        });
        worst.predictions = Math.max(worst.predictions, maxRel(pred.toTypedArray(), want));
        const s = sums(run.predictions);
        const rows = run.predictions.size;
        assertClose(s.sumAbs, expected.predictionSums.sumAbs, {
          rtol: tol.rtol,
          atol: rows * slack.predictions,
        });
        assertClose(s.sum, expected.predictionSums.sum, {
          rtol: 0,
          atol: tol.rtol * expected.predictionSums.sumAbs + rows * slack.predictions,
        });
      });
      console.log(
        `    max rel error: losses ${worst.losses.toExponential(1)}, final params ${
          worst.params.toExponential(1)
        }, predictions ${worst.predictions.toExponential(1)}`,
      );
    });
  }
}
