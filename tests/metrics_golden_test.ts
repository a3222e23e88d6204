// Every metric of @glassbox/metrics against scikit-learn (and the notebooks'
// MAPE against NumPy): tests/golden/metrics.json, written by
// tasks/golden/metrics.py. Float64 within rtol 1e-12; counts and labels exactly.

import {
  accuracy,
  confusionMatrix,
  mae,
  mape,
  mse,
  precisionRecallF1,
  type PrecisionRecallF1Options,
  r2Score,
  type R2ScoreOptions,
  type R2ScoreRawOptions,
  type RawValuesOptions,
  type RegressionOptions,
  rmse,
} from "@glassbox/metrics";
import { assertClose, type Tensor, tensor } from "@glassbox/tensor";
import { deepStrictEqual } from "node:assert/strict";

interface Stored {
  shape: number[];
  data: number[];
}

type Value = number | string | Value[] | { [key: string]: Value };

interface Case {
  name: string;
  metric: string;
  pred: Stored;
  truth: Stored;
  options: Record<string, unknown>;
  expected: Value;
}

const fixture: { sklearn: string; numpy: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/metrics.json", import.meta.url)),
);

/** The fixture writes non-finite floats as strings. */
function decode(value: Value): number | number[] {
  if (Array.isArray(value)) return value.map((v) => decode(v) as number);
  return typeof value === "number" ? value : Number(value);
}

function load(stored: Stored): Tensor {
  return tensor(stored.data, { shape: stored.shape });
}

const CLOSE = { rtol: 1e-12, atol: 0, equalNan: true };

function regression(c: Case, pred: Tensor, truth: Tensor): number | number[] {
  const options = c.options as RegressionOptions | RawValuesOptions;
  switch (c.metric) {
    case "mse":
      return mse(truth, pred, options);
    case "rmse":
      return rmse(truth, pred, options);
    case "mae":
      return mae(truth, pred, options);
    case "r2Score":
      return r2Score(truth, pred, c.options as R2ScoreOptions | R2ScoreRawOptions);
    case "mape":
      return mape(truth, pred);
  }
  throw new Error(`unknown metric ${c.metric} in the fixture`);
}

Deno.test(
  `metrics match scikit-learn ${fixture.sklearn} and NumPy ${fixture.numpy} (${fixture.cases.length} cases)`,
  async (t) => {
    for (const c of fixture.cases) {
      await t.step(c.name, () => {
        const pred = load(c.pred), truth = load(c.truth);
        switch (c.metric) {
          case "accuracy":
            assertClose(accuracy(truth, pred, c.options), decode(c.expected), {
              ...CLOSE,
              message: c.name,
            });
            return;
          case "confusionMatrix":
            deepStrictEqual(confusionMatrix(truth, pred, c.options), c.expected);
            return;
          case "precisionRecallF1": {
            const got = precisionRecallF1(truth, pred, c.options as PrecisionRecallF1Options);
            const want = c.expected as Record<string, Value>;
            for (const key of ["precision", "recall", "f1"] as const) {
              assertClose(got[key], decode(want[key]), { ...CLOSE, message: `${c.name}: ${key}` });
            }
            deepStrictEqual(got.labels, want.labels);
            const per = want.perClass as Record<string, Value>;
            for (const key of ["precision", "recall", "f1", "support"] as const) {
              assertClose(got.perClass[key], decode(per[key]), {
                ...CLOSE,
                message: `${c.name}: per-class ${key}`,
              });
            }
            return;
          }
          default:
            assertClose(regression(c, pred, truth), decode(c.expected), {
              ...CLOSE,
              message: c.name,
            });
        }
      });
    }
  },
);
