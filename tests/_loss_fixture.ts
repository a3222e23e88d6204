// tests/golden/losses.json (written by tasks/golden/losses.py): its schema, and
// how a case becomes tensors and a loss object. Shared by the CPU golden test
// and the WebGPU conformance test.

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
import { type Device, type DType, type Tensor, tensor } from "@glassbox/tensor";

/** A stored tensor; non-finite floats are written as strings ("NaN", "Infinity"). */
export interface Stored {
  shape: number[];
  data: (number | string)[];
}

/** One loss case: options, inputs and PyTorch's value and gradient. */
export interface LossCase {
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

/** The parsed fixture. */
export const lossFixture: { torch: string; cases: LossCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/losses.json", import.meta.url)),
);

/** The stored values as numbers. */
export function decodeStored(stored: Stored): number[] {
  return stored.data.map((v) => typeof v === "number" ? v : Number(v));
}

/** The stored values as a tensor of `dtype` on `device` (default: the CPU). */
export function storedTensor(stored: Stored, options: { dtype: DType; device?: Device }): Tensor {
  return tensor(decodeStored(stored), { shape: stored.shape, ...options });
}

/** The loss a case names, with its options; class weights are made with `options`. */
export function makeLoss(c: LossCase, options: { dtype: DType; device?: Device }): Loss {
  const { reduction, weight, posWeight, ignoreIndex, labelSmoothing } = c.options;
  const w = weight && tensor(weight, options);
  const pw = posWeight && tensor(posWeight, options);
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
