// The activations added as fused backend ops (Softplus, ELU) against PyTorch
// 1.13 (tests/golden/<name>.json, written by tasks/golden/fused_activations.py):
// each layer on its own over its argument grid (Softplus on both sides of its
// threshold; ELU at x = 0, where PyTorch takes the negative branch), fused
// into Dense (as its `activation` option and as the layer after a Dense in a
// Sequential), and a float64 training run of a 3-8-1 MLP with SGD momentum —
// float64 within rtol 1e-12 for single passes and 1e-9 for the run, float32
// within rtol 1e-4 / atol 1e-5. One row of ACTIVATIONS per activation; each
// row registers the same three tests, named after it.

import {
  type ActivationName,
  Dense,
  ELU,
  type Layer,
  Sequential,
  Softplus,
} from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { assertClose, type DType, type NestedArray, type Tensor, tensor } from "@glassbox/tensor";
import { SGD } from "@glassbox/trainer";
import { strictEqual } from "node:assert/strict";

type Nested = NestedArray;
/** A case's layer arguments by their PyTorch names (`beta`, `alpha`, …). */
type Args = Record<string, number>;

/** One activation: its fixture, how to build it from a case's arguments, its labels. */
interface ActivationRow {
  /** The layer's name, as the test names say it. */
  name: string;
  /** The PyTorch module with the arguments the fixture varies. */
  torch: string;
  /** The fixture in tests/golden/. */
  fixture: string;
  /** The argument names a case may carry (none: the defaults). */
  args: readonly string[];
  /** The layer for a case's arguments. */
  layer: (args: Args) => Layer;
  /** Dense's `activation` option for a case's arguments. */
  option: (args: Args) => ActivationName | Layer;
}

const ACTIVATIONS: readonly ActivationRow[] = [
  {
    name: "Softplus",
    torch: "nn.Softplus(beta, threshold)",
    fixture: "softplus.json",
    args: ["beta", "threshold"],
    layer: (args) => new Softplus(args),
    option: () => "softplus",
  },
  {
    name: "ELU",
    torch: "nn.ELU(alpha)",
    fixture: "elu.json",
    args: ["alpha"],
    layer: (args) => new ELU(args),
    // The name for the default alpha, an ELU layer otherwise.
    option: (args) => (args.alpha ?? 1) === 1 ? "elu" : new ELU(args),
  },
];

interface ActivationCase {
  dtype: DType;
  x: Nested;
  g: Nested;
  y: Nested;
  dx: Nested;
}

interface DenseCase {
  dtype: DType;
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

interface Fixture {
  activation: ActivationCase[];
  dense: DenseCase[];
  training: Training;
}

const tol = (dtype: DType) =>
  dtype === "float64" ? { rtol: 1e-12, atol: 1e-300 } : { rtol: 1e-4, atol: 1e-5 };

/** The row's arguments a case carries, checked to be numbers. */
function argsOf(row: ActivationRow, c: object): Args {
  const args: Args = {};
  for (const name of row.args) {
    if (!(name in c)) continue;
    const value = (c as Record<string, unknown>)[name];
    strictEqual(typeof value, "number", `${row.fixture}: ${name} is not a number`);
    args[name] = value as number;
  }
  return args;
}

/** "float64 beta 2 threshold 5": the case's dtype and arguments. */
function caseLabel(c: { dtype: DType }, args: Args): string {
  return [c.dtype, ...Object.entries(args).map(([k, v]) => `${k} ${v}`)].join(" ");
}

/** A Dense(5, 4) with the fixture's parameters, the activation fused in one of two ways. */
function fusedDense(
  row: ActivationRow,
  c: DenseCase,
  way: "option" | "sequential",
): Layer & { dense: Dense } {
  const args = argsOf(row, c);
  const dense = new Dense(5, 4, {
    dtype: c.dtype,
    activation: way === "option" ? row.option(args) : undefined,
  });
  dense.loadStateDict({
    weight: tensor(c.weight, { dtype: c.dtype }),
    bias: tensor(c.bias, { dtype: c.dtype }),
  });
  const layer = way === "option" ? dense : new Sequential([dense, row.layer(args)]);
  return Object.assign(layer, { dense });
}

for (const row of ACTIVATIONS) {
  const fixture: Fixture = JSON.parse(
    await Deno.readTextFile(new URL(`./golden/${row.fixture}`, import.meta.url)),
  );

  Deno.test(`${row.name} forward and backward match ${row.torch}`, () => {
    for (const c of fixture.activation) {
      const args = argsOf(row, c);
      const label = caseLabel(c, args);
      const layer = row.layer(args);
      const x = tensor(c.x, { dtype: c.dtype });
      assertClose(layer.forward(x), c.y, { ...tol(c.dtype), message: `${label}: y` });
      const dx = layer.backward(tensor(c.g, { dtype: c.dtype }));
      assertClose(dx, c.dx, { ...tol(c.dtype), message: `${label}: dx` });
    }
  });

  Deno.test(
    `Dense with ${row.name}, as its activation option or the next layer, matches nn.Linear + nn.${row.name}`,
    () => {
      for (const c of fixture.dense) {
        for (const way of ["option", "sequential"] as const) {
          const label = `${caseLabel(c, argsOf(row, c))} ${way}`;
          const layer = fusedDense(row, c, way);
          const y = layer.forward(tensor(c.x, { dtype: c.dtype }));
          assertClose(y, c.y, { ...tol(c.dtype), message: `${label}: y` });
          const dx = layer.backward(tensor(c.g, { dtype: c.dtype }));
          assertClose(dx, c.dx, { ...tol(c.dtype), message: `${label}: dx` });
          const t = tol(c.dtype);
          assertClose(layer.dense.weight.grad, c.dWeight, { ...t, message: `${label}: dW` });
          assertClose(layer.dense.bias!.grad, c.dBias, { ...t, message: `${label}: db` });
        }
      }
    },
  );

  Deno.test(
    `a float64 3-8-1 ${row.name} MLP trained with SGD momentum follows PyTorch step by step`,
    () => {
      const t = fixture.training;
      const x = tensor(t.x), y = tensor(t.y);
      const models = {
        // Pair-fused: the Sequential runs Dense + the activation as one backend call.
        [`separate ${row.name} layer`]: new Sequential([
          new Dense(3, 8),
          row.layer({}),
          new Dense(8, 1),
        ]),
        // The Dense option: PyTorch's "2.*" keys become "1.*".
        "Dense activation option": new Sequential([
          new Dense(3, 8, { activation: row.option({}) }),
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
            losses.push(
              loss.forward(model.forward(x.slice(start, end)), y.slice(start, end)).item(),
            );
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
    },
  );
}
