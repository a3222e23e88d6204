// ELU against PyTorch 1.13 (tests/golden/elu.json, written by
// tasks/golden/elu.py): the layer on its own for four alphas (x = 0 included,
// where PyTorch takes the negative branch), fused into Dense (as its
// `activation` option and as the layer after a Dense in a Sequential) for
// alpha 1 and 0.5, and a float64 training run of a 3-8-1 MLP with SGD
// momentum — float64 within rtol 1e-12 for single passes and 1e-9 for the
// run, float32 within rtol 1e-4 / atol 1e-5.

import { Dense, ELU, type Layer, Sequential } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { assertClose, type DType, type NestedArray, type Tensor, tensor } from "@glassbox/tensor";
import { SGD } from "@glassbox/trainer";
import { strictEqual } from "node:assert/strict";

type Nested = NestedArray;

interface ActivationCase {
  dtype: DType;
  alpha: number;
  x: Nested;
  g: Nested;
  y: Nested;
  dx: Nested;
}

interface DenseCase {
  dtype: DType;
  alpha: number;
  x: Nested;
  g: Nested;
  weight: Nested;
  bias: Nested;
  y: Nested;
  dWeight: Nested;
  dBias: Nested;
  dx: Nested;
}

interface Training {
  initial: Record<string, Nested>;
  x: Nested;
  y: Nested;
  batchSize: number;
  epochs: number;
  lr: number;
  momentum: number;
  losses: number[];
  final: Record<string, Nested>;
}

const fixture: { activation: ActivationCase[]; dense: DenseCase[]; training: Training } = JSON
  .parse(await Deno.readTextFile(new URL("./golden/elu.json", import.meta.url)));

const tol = (dtype: DType) =>
  dtype === "float64" ? { rtol: 1e-12, atol: 1e-300 } : { rtol: 1e-4, atol: 1e-5 };

/** A Dense(5, 4) with the fixture's parameters, ELU fused in one of two ways. */
function eluDense(c: DenseCase, way: "option" | "sequential"): Layer & { dense: Dense } {
  // The option takes the name for the default alpha and an ELU layer otherwise.
  const option = c.alpha === 1 ? "elu" : new ELU({ alpha: c.alpha });
  const dense = new Dense(5, 4, {
    dtype: c.dtype,
    activation: way === "option" ? option : undefined,
  });
  dense.loadStateDict({
    weight: tensor(c.weight, { dtype: c.dtype }),
    bias: tensor(c.bias, { dtype: c.dtype }),
  });
  const layer = way === "option" ? dense : new Sequential([dense, new ELU({ alpha: c.alpha })]);
  return Object.assign(layer, { dense });
}

Deno.test("ELU forward and backward match nn.ELU(alpha)", () => {
  for (const c of fixture.activation) {
    const label = `${c.dtype} alpha ${c.alpha}`;
    const layer = new ELU({ alpha: c.alpha });
    const x = tensor(c.x, { dtype: c.dtype });
    assertClose(layer.forward(x), c.y, { ...tol(c.dtype), message: `${label}: y` });
    const dx = layer.backward(tensor(c.g, { dtype: c.dtype }));
    assertClose(dx, c.dx, { ...tol(c.dtype), message: `${label}: dx` });
  }
});

Deno.test("Dense with ELU, as its activation option or the next layer, matches nn.Linear + nn.ELU", () => {
  for (const c of fixture.dense) {
    for (const way of ["option", "sequential"] as const) {
      const label = `${c.dtype} alpha ${c.alpha} ${way}`;
      const layer = eluDense(c, way);
      const y = layer.forward(tensor(c.x, { dtype: c.dtype }));
      assertClose(y, c.y, { ...tol(c.dtype), message: `${label}: y` });
      const dx = layer.backward(tensor(c.g, { dtype: c.dtype }));
      assertClose(dx, c.dx, { ...tol(c.dtype), message: `${label}: dx` });
      assertClose(layer.dense.weight.grad, c.dWeight, { ...tol(c.dtype), message: `${label}: dW` });
      assertClose(layer.dense.bias!.grad, c.dBias, { ...tol(c.dtype), message: `${label}: db` });
    }
  }
});

Deno.test("a float64 3-8-1 ELU MLP trained with SGD momentum follows PyTorch step by step", () => {
  const t = fixture.training;
  const x = tensor(t.x), y = tensor(t.y);
  const models = {
    // Pair-fused: the Sequential runs Dense + ELU as one backend call.
    "separate ELU layer": new Sequential([new Dense(3, 8), new ELU(), new Dense(8, 1)]),
    // The Dense option: PyTorch's "2.*" keys become "1.*".
    "Dense activation option": new Sequential([
      new Dense(3, 8, { activation: "elu" }),
      new Dense(8, 1),
    ]),
  };
  for (const [label, model] of Object.entries(models)) {
    const rename = (key: string) => label.startsWith("Dense") ? key.replace(/^2\./, "1.") : key;
    const initial: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(t.initial)) initial[rename(k)] = tensor(v);
    model.loadStateDict(initial);
    const opt = new SGD({ lr: t.lr, momentum: t.momentum, params: model.parameters() });
    const loss = new MSELoss();
    const losses: number[] = [];
    for (let epoch = 0; epoch < t.epochs; epoch++) {
      for (let start = 0; start < x.shape[0]; start += t.batchSize) {
        opt.zeroGrad();
        const end = start + t.batchSize;
        losses.push(loss.forward(model.forward(x.slice(start, end)), y.slice(start, end)).item());
        model.backward(loss.backward());
        opt.step();
      }
    }
    strictEqual(losses.length, t.losses.length);
    assertClose(losses, t.losses, { rtol: 1e-9, message: `${label}: losses` });
    const final = model.stateDict();
    for (const [k, v] of Object.entries(t.final)) {
      assertClose(final[rename(k)], v, { rtol: 1e-9, atol: 1e-12, message: `${label}: ${k}` });
    }
  }
});
