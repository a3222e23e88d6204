// Every loss of @glassbox/losses against PyTorch autograd (tests/golden/losses.json,
// written by tasks/golden/losses.py): the loss and ∂L/∂pred for every reduction,
// float64 and float32, including logits of ±1000, label smoothing, probability
// targets, ignored targets and probabilities at or near 0 and 1.
// Numerics contract: float64 within rtol 1e-12, float32 within rtol 1e-4, atol 1e-5.

import {
  BCELoss,
  BCEWithLogitsLoss,
  CategoricalCrossEntropy,
  CrossEntropyLoss,
  type Loss,
  MSELoss,
  NLLLoss,
  type Reduction,
} from "@glassbox/losses";
import { assertClose, type DType, type Tensor, tensor } from "@glassbox/tensor";

interface Stored {
  shape: number[];
  data: (number | string)[];
}

interface Case {
  name: string;
  loss: string;
  options: {
    reduction: Reduction;
    weight?: number[];
    posWeight?: number[];
    ignoreIndex?: number;
    labelSmoothing?: number;
  };
  dtype: DType;
  pred: Stored;
  target: Stored;
  gradOutput: Stored | null;
  value: Stored;
  grad: Stored;
}

const fixture: { torch: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/losses.json", import.meta.url)),
);

/** The fixture writes non-finite floats as strings. */
function decode(values: (number | string)[]): number[] {
  return values.map((v) => typeof v === "number" ? v : Number(v));
}

function load(stored: Stored, dtype: DType): Tensor {
  return tensor(decode(stored.data), { shape: stored.shape, dtype });
}

function makeLoss(c: Case): Loss {
  const { reduction, weight, posWeight, ignoreIndex, labelSmoothing } = c.options;
  const w = weight && tensor(weight, { dtype: c.dtype });
  const pw = posWeight && tensor(posWeight, { dtype: c.dtype });
  switch (c.loss) {
    case "MSELoss":
      return new MSELoss({ reduction });
    case "CrossEntropyLoss":
      return new CrossEntropyLoss({ reduction, weight: w, ignoreIndex, labelSmoothing });
    case "NLLLoss":
      return new NLLLoss({ reduction, weight: w, ignoreIndex });
    case "BCELoss":
      return new BCELoss({ reduction, weight: w });
    case "BCEWithLogitsLoss":
      return new BCEWithLogitsLoss({ reduction, weight: w, posWeight: pw });
    case "CategoricalCrossEntropy":
      return new CategoricalCrossEntropy({ reduction });
  }
  throw new Error(`unknown loss ${c.loss} in the fixture`);
}

const TOLERANCE = {
  float64: { rtol: 1e-12, atol: 0 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

Deno.test(`losses match PyTorch ${fixture.torch} autograd (${fixture.cases.length} cases)`, async (t) => {
  for (const c of fixture.cases) {
    await t.step(`${c.loss}: ${c.name}`, () => {
      const loss = makeLoss(c);
      const value = loss.forward(load(c.pred, c.dtype), load(c.target, c.dtype));
      const tol = TOLERANCE[c.dtype];
      assertClose(value, load(c.value, "float64").reshape(c.value.shape), {
        ...tol,
        equalNan: true,
        message: `${c.name}: loss`,
      });
      const grad = c.gradOutput === null
        ? loss.backward()
        : loss.backward(load(c.gradOutput, c.dtype));
      assertClose(grad, load(c.grad, "float64"), {
        ...tol,
        equalNan: true,
        message: `${c.name}: gradient`,
      });
    });
  }
});
