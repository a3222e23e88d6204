// The notebooks' models against PyTorch 1.13 autograd (tests/golden/notebook_models.json,
// written by tasks/golden/notebook_models.py), each built both notebook ways —
// the activation as a `Dense` option and as its own layer (Sequential / mlp):
// initial parameters bit for bit after the same manualSeed, then the forward
// output, the loss and every gradient, float64 within rtol 1e-12 (with an
// absolute floor of 2⁻⁵² × the largest element of the compared tensor: see
// `close`) and float32 within rtol 1e-4 / atol 1e-5 (docs/numerics.md).

import {
  Dense,
  type Layer,
  LogSoftmax,
  mlp,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from "@glassbox/layers";
import {
  CategoricalCrossEntropy,
  CrossEntropyLoss,
  type Loss,
  MSELoss,
  NLLLoss,
} from "@glassbox/losses";
import {
  assertClose,
  type CloseOptions,
  type Comparable,
  type DType,
  manualSeed,
  type NestedArray,
  Tensor,
  tensor,
} from "@glassbox/tensor";
import { deepStrictEqual, strictEqual } from "node:assert/strict";

type Nested = NestedArray;
type Dict = Record<string, Nested>;

interface RegressionCase {
  label: string;
  seed: number;
  sizes: number[];
  activations: ("tanh" | "softmax" | "sigmoid" | "relu")[];
  dtype: DType;
  stateDict: Dict;
  x: Nested;
  y: Nested;
  out: Nested;
  loss: number;
  grads: Dict;
  gradX: Nested;
  gradOut: Nested;
}

/** Loss, parameter gradients and the gradients at the input and the logits for one loss. */
interface Backprop {
  loss: number;
  grads: Dict;
  gradX: Nested;
  gradLogits: Nested;
}

interface ClassifierCase {
  label: string;
  seed: number;
  sizes: number[];
  dtype: DType;
  stateDict: Dict;
  x: Nested;
  labels: number[];
  oneHot: Nested;
  logits: Nested;
  softmaxCE: Backprop & { probs: Nested; gradProbs: Nested };
  crossEntropy: Backprop;
}

interface LogisticCase {
  label: string;
  seed: number;
  inFeatures: number;
  classes: number;
  dtype: DType;
  stateDict: Dict;
  x: Nested;
  labels: number[];
  logits: Nested;
  logProbs: Nested;
  logSoftmaxNLL: Backprop & { gradLogProbs: Nested };
  crossEntropy: Backprop;
}

interface BackpropCase {
  label: string;
  seed: number;
  dtype: DType;
  stateDict: Dict;
  x: Nested;
  y: Nested;
  z1: Nested;
  z2: Nested;
  z3: Nested;
  z4: Nested;
  yHat: Nested;
  loss: number;
  deltas: Record<"yHat" | "z4" | "z3" | "z2" | "z1" | "b2" | "W2" | "b1" | "W1" | "x", Nested>;
}

const fixture: {
  torch: string;
  regression: RegressionCase[];
  classifier: ClassifierCase[];
  logistic: LogisticCase[];
  backprop: BackpropCase[];
} = JSON.parse(await Deno.readTextFile(new URL("./golden/notebook_models.json", import.meta.url)));

const EXACT: CloseOptions = { rtol: 0, atol: 0 };

/**
 * Compares one quantity under the numerics contract (docs/numerics.md) for its dtype. float32:
 * rtol 1e-4, atol 1e-5. float64: rtol 1e-12, with an absolute floor of
 * 2⁻⁵² × the quantity's largest |element| — below one or two units in the
 * last place of that element, where a difference is rounding noise. The floor
 * matters only for elements that are tiny next to the rest of their tensor:
 * e.g. a weight gradient Δ·a where the hidden unit's activation a = 3.1e-5 is
 * a ReLU barely on, itself the sum of terms of size ~0.1 that cancel, so its
 * last digits (and the gradient's, 3e-12 relative) depend on the summation
 * order of the matmul. All other elements agree within rtol 1e-12 alone.
 */
function close(
  actual: Comparable,
  expected: Comparable,
  dtype: DType,
  message: string,
  { floor = true } = {},
): void {
  if (dtype === "float32") {
    return assertClose(actual, expected, { rtol: 1e-4, atol: 1e-5, message });
  }
  const values = expected instanceof Tensor ? expected : tensor(expected as Nested);
  let largest = 0;
  for (const v of values.toTypedArray()) largest = Math.max(largest, Math.abs(v));
  const atol = floor ? Number.EPSILON * largest : 0;
  assertClose(actual, expected, { rtol: 1e-12, atol, message });
}
/** No absolute floor: float64 within rtol 1e-12 element by element. */
const STRICT = { floor: false };
const t = (data: Nested, dtype: DType): Tensor => tensor(data, { dtype });

/**
 * A model built one way, and how its parameter names map to the fixture's
 * nn.Sequential names: with the activations as their own layers the names are
 * PyTorch's ("0.weight", "2.weight", …); with the activations inside `Dense`
 * PyTorch's "2k.weight" is "k.weight".
 */
interface Way {
  name: string;
  build: () => Sequential;
  key: (torchName: string) => string;
}

const SAME = (name: string): string => name;
const FUSED = (name: string): string => name.replace(/^(\d+)\./, (_, i) => `${Number(i) / 2}.`);

/** Initial parameters equal PyTorch's exactly, under the mapped names and nothing else. */
function checkInitial(model: Sequential, expected: Dict, key: (name: string) => string): void {
  const dict = model.stateDict();
  deepStrictEqual(Object.keys(dict), Object.keys(expected).map(key));
  for (const [name, value] of Object.entries(expected)) {
    assertClose(dict[key(name)], value, { ...EXACT, message: `initial ${name}` });
  }
}

/** Every parameter gradient against PyTorch's, by the fixture's names. */
function checkGrads(
  model: Sequential,
  expected: Dict,
  key: (name: string) => string,
  dtype: DType,
  what = "",
): void {
  const params = new Map(model.parameters().map((p) => [p.name, p]));
  strictEqual(params.size, Object.keys(expected).length);
  for (const [name, grad] of Object.entries(expected)) {
    close(params.get(key(name))!.grad, grad, dtype, `${what}∂L/∂${name}`);
  }
}

/** Forward, loss and backward through a whole model; returns ∂L/∂pred and ∂L/∂x. */
function train(
  model: Layer,
  loss: Loss,
  x: Tensor,
  target: Tensor,
): { pred: Tensor; value: Tensor; gradPred: Tensor; gradX: Tensor } {
  const pred = model.forward(x);
  const value = loss.forward(pred, target);
  const gradPred = loss.backward();
  model.zeroGrad();
  const gradX = model.backward(gradPred);
  return { pred, value, gradPred, gradX };
}

// --- The 6-32(Tanh)-32(Softmax)-32(Sigmoid)-32(ReLU)-3 regression MLP with MSE ---------------

function regressionWays(c: RegressionCase): Way[] {
  const [input, h1, h2, h3, h4, output] = c.sizes;
  const [a1, a2, a3, a4] = c.activations;
  const dtype = c.dtype;
  return [
    {
      name: "activations as layers: Sequential by hand",
      build: () =>
        new Sequential([
          new Dense(input, h1, { dtype }),
          new Tanh(),
          new Dense(h1, h2, { dtype }),
          new Softmax(),
          new Dense(h2, h3, { dtype }),
          new Sigmoid(),
          new Dense(h3, h4, { dtype }),
          new ReLU(),
          new Dense(h4, output, { dtype }),
        ]),
      key: SAME,
    },
    {
      name: "activations as layers: mlp(sizes, { activation: [...] })",
      build: () => mlp(c.sizes, { activation: c.activations, dtype }),
      key: SAME,
    },
    {
      name: "activations as Dense options: Sequential by hand",
      build: () =>
        new Sequential([
          new Dense(input, h1, { activation: a1, dtype }),
          new Dense(h1, h2, { activation: a2, dtype }),
          new Dense(h2, h3, { activation: a3, dtype }),
          new Dense(h3, h4, { activation: a4, dtype }),
          new Dense(h4, output, { dtype }),
        ]),
      key: FUSED,
    },
    {
      name: "activations as Dense options: mlp(…, { separateActivations: false })",
      build: () => mlp(c.sizes, { activation: c.activations, dtype, separateActivations: false }),
      key: FUSED,
    },
  ];
}

Deno.test("6-32(Tanh)-32(Softmax)-32(Sigmoid)-32(ReLU)-3 regression MLP with MSELoss matches PyTorch", async (ctx) => {
  for (const c of fixture.regression) {
    for (const way of regressionWays(c)) {
      await ctx.step(`${c.label} ${c.dtype}, ${way.name}`, () => {
        manualSeed(c.seed);
        const model = way.build();
        checkInitial(model, c.stateDict, way.key);
        const x = t(c.x, c.dtype);
        const run = train(model, new MSELoss(), x, t(c.y, c.dtype));
        strictEqual(run.pred.dtype, c.dtype);
        close(run.pred, c.out, c.dtype, "output");
        close(run.value, c.loss, c.dtype, "MSE");
        close(run.gradPred, c.gradOut, c.dtype, "∂L/∂output");
        close(run.gradX, c.gradX, c.dtype, "∂L/∂x");
        checkGrads(model, c.grads, way.key, c.dtype);
      });
    }
  }
});

// --- The 5-32-32-32-3 ReLU classifier: softmax + CE, and CrossEntropyLoss on logits ------------

/**
 * The classifier built one way, with or without a softmax after the last
 * `Dense`; `logitsGrad` turns ∂L/∂output into ∂L/∂logits by running the
 * output softmax's backward on its own (an activation has no parameters, so
 * this accumulates nothing).
 */
function classifierWays(
  c: ClassifierCase,
  softmax: boolean,
): (Way & { logitsGrad: (model: Sequential, g: Tensor) => Tensor })[] {
  const [input, h1, h2, h3, classes] = c.sizes;
  const dtype = c.dtype;
  const last = (model: Sequential): Layer => model.layers[model.layers.length - 1];
  const separateGrad = (model: Sequential, g: Tensor): Tensor =>
    softmax ? last(model).backward(g) : g;
  const fusedGrad = (model: Sequential, g: Tensor): Tensor =>
    softmax ? (last(model) as Dense).activation.backward(g) : g;
  const output = softmax ? "softmax" : "identity";
  return [
    {
      name: "activations as layers: Sequential by hand",
      build: () =>
        new Sequential([
          new Dense(input, h1, { dtype }),
          new ReLU(),
          new Dense(h1, h2, { dtype }),
          new ReLU(),
          new Dense(h2, h3, { dtype }),
          new ReLU(),
          new Dense(h3, classes, { dtype }),
          ...(softmax ? [new Softmax()] : []),
        ]),
      key: SAME,
      logitsGrad: separateGrad,
    },
    {
      name: "activations as layers: mlp",
      build: () => mlp(c.sizes, { activation: "relu", outputActivation: output, dtype }),
      key: SAME,
      logitsGrad: separateGrad,
    },
    {
      name: "activations as Dense options: Sequential by hand",
      build: () =>
        new Sequential([
          new Dense(input, h1, { activation: "relu", dtype }),
          new Dense(h1, h2, { activation: "relu", dtype }),
          new Dense(h2, h3, { activation: "relu", dtype }),
          new Dense(h3, classes, { activation: output, dtype }),
        ]),
      key: FUSED,
      logitsGrad: fusedGrad,
    },
    {
      name: "activations as Dense options: mlp",
      build: () =>
        mlp(c.sizes, {
          activation: "relu",
          outputActivation: output,
          dtype,
          separateActivations: false,
        }),
      key: FUSED,
      logitsGrad: fusedGrad,
    },
  ];
}

Deno.test("5-32-32-32-3 ReLU classifier: Softmax + CategoricalCrossEntropy and CrossEntropyLoss on logits match PyTorch and each other", async (ctx) => {
  for (const c of fixture.classifier) {
    const x = t(c.x, c.dtype), oneHot = t(c.oneHot, c.dtype), labels = t(c.labels, c.dtype);
    const softmaxWays = classifierWays(c, true), logitWays = classifierWays(c, false);
    for (let w = 0; w < softmaxWays.length; w++) {
      const a = softmaxWays[w], b = logitWays[w];
      await ctx.step(`${c.label} ${c.dtype}, ${a.name}`, () => {
        // (a) Softmax output, the notebooks' CE on probabilities with one-hot targets.
        manualSeed(c.seed);
        const withSoftmax = a.build();
        checkInitial(withSoftmax, c.stateDict, a.key);
        const runA = train(withSoftmax, new CategoricalCrossEntropy(), x, oneHot);
        const expA = c.softmaxCE;
        close(runA.pred, expA.probs, c.dtype, "softmax output");
        close(runA.value, expA.loss, c.dtype, "CE");
        close(runA.gradPred, expA.gradProbs, c.dtype, "CE: ∂L/∂p");
        const logitsGradA = a.logitsGrad(withSoftmax, runA.gradPred);
        close(logitsGradA, expA.gradLogits, c.dtype, "CE: ∂L/∂logits");
        close(runA.gradX, expA.gradX, c.dtype, "CE: ∂L/∂x");
        checkGrads(withSoftmax, expA.grads, a.key, c.dtype, "CE: ");

        // (b) Logits into CrossEntropyLoss with class indices.
        manualSeed(c.seed);
        const logitModel = b.build();
        checkInitial(logitModel, c.stateDict, b.key);
        const runB = train(logitModel, new CrossEntropyLoss(), x, labels);
        const expB = c.crossEntropy;
        close(runB.pred, c.logits, c.dtype, "logits");
        close(runB.value, expB.loss, c.dtype, "CrossEntropyLoss");
        close(runB.gradPred, expB.gradLogits, c.dtype, "xent: ∂L/∂logits");
        close(runB.gradX, expB.gradX, c.dtype, "xent: ∂L/∂x");
        checkGrads(logitModel, expB.grads, b.key, c.dtype, "xent: ");

        // The notebook's point: both losses are the same function of the logits,
        // with the same gradient there, (softmax − one-hot) / m, and so the same
        // gradient for every parameter.
        close(runA.value, runB.value, c.dtype, "CE = CrossEntropyLoss", STRICT);
        close(logitsGradA, runB.gradPred, c.dtype, "∂L/∂logits, (a) vs (b)", STRICT);
        const m = c.labels.length;
        close(
          runB.gradPred,
          t(c.logits, c.dtype).softmax().sub(oneHot).div(m),
          c.dtype,
          "(softmax − one-hot) / m",
          STRICT,
        );
        const gradsB = new Map(logitModel.parameters().map((p) => [p.name, p.grad]));
        for (const p of withSoftmax.parameters()) {
          close(p.grad, gradsB.get(p.name)!, c.dtype, `∂L/∂${p.name}, (a) vs (b)`, STRICT);
        }
        close(runA.gradX, runB.gradX, c.dtype, "∂L/∂x, (a) vs (b)", STRICT);
      });
    }
  }
});

// --- Logistic regression: Dense → LogSoftmax → NLLLoss, and CrossEntropyLoss on logits ---------

Deno.test("logistic regression: LogSoftmax + NLLLoss and CrossEntropyLoss on logits match PyTorch and each other", async (ctx) => {
  for (const c of fixture.logistic) {
    const { inFeatures: n, classes, dtype } = c;
    const x = t(c.x, dtype), labels = t(c.labels, dtype);
    const ways: {
      name: string;
      build: () => Sequential;
      logitsGrad: (m: Sequential, g: Tensor) => Tensor;
    }[] = [
      {
        name: "LogSoftmax as a layer",
        build: () => new Sequential([new Dense(n, classes, { dtype }), new LogSoftmax()]),
        logitsGrad: (m, g) => m.layers[1].backward(g),
      },
      {
        name: "LogSoftmax as a Dense option",
        build: () => new Sequential([new Dense(n, classes, { activation: "logSoftmax", dtype })]),
        logitsGrad: (m, g) => (m.layers[0] as Dense).activation.backward(g),
      },
      {
        name: "LogSoftmax through mlp",
        build: () => mlp([n, classes], { outputActivation: "logSoftmax", dtype }),
        logitsGrad: (m, g) => m.layers[1].backward(g),
      },
    ];
    for (const way of ways) {
      await ctx.step(`${c.label} ${dtype}, ${way.name}`, () => {
        manualSeed(c.seed);
        const model = way.build();
        checkInitial(model, c.stateDict, SAME);
        const run = train(model, new NLLLoss(), x, labels);
        const exp = c.logSoftmaxNLL;
        close(run.pred, c.logProbs, c.dtype, "log-probabilities");
        close(run.value, exp.loss, c.dtype, "NLL");
        close(run.gradPred, exp.gradLogProbs, c.dtype, "∂L/∂logp");
        const logitsGrad = way.logitsGrad(model, run.gradPred);
        close(logitsGrad, exp.gradLogits, c.dtype, "NLL: ∂L/∂logits");
        close(run.gradX, exp.gradX, c.dtype, "NLL: ∂L/∂x");
        checkGrads(model, exp.grads, SAME, c.dtype, "NLL: ");
      });
    }
    await ctx.step(
      `${c.label} ${dtype}, Dense logits + CrossEntropyLoss, and NLL(LogSoftmax) = CrossEntropyLoss`,
      () => {
        manualSeed(c.seed);
        const linear = new Dense(n, classes, { dtype });
        const model = new Sequential([linear]);
        checkInitial(model, c.stateDict, SAME);
        const run = train(model, new CrossEntropyLoss(), x, labels);
        const exp = c.crossEntropy;
        close(run.pred, c.logits, c.dtype, "logits");
        close(run.value, exp.loss, c.dtype, "CrossEntropyLoss");
        close(run.gradPred, exp.gradLogits, c.dtype, "xent: ∂L/∂logits");
        close(run.gradX, exp.gradX, c.dtype, "xent: ∂L/∂x");
        checkGrads(model, exp.grads, SAME, c.dtype, "xent: ");
        // The same function of the logits, hence the same gradients.
        manualSeed(c.seed);
        const nllModel = new Sequential([new Dense(n, classes, { dtype }), new LogSoftmax()]);
        const nll = train(nllModel, new NLLLoss(), x, labels);
        close(nll.value, run.value, c.dtype, "NLL(LogSoftmax) = CrossEntropyLoss", STRICT);
        close(
          nllModel.layers[1].backward(nll.gradPred),
          run.gradPred,
          c.dtype,
          "∂L/∂logits, NLL vs CrossEntropyLoss",
          STRICT,
        );
        close(nllModel.parameters()[0].grad, linear.weight.grad, c.dtype, "∂L/∂W", STRICT);
        close(nllModel.parameters()[1].grad, linear.bias!.grad, c.dtype, "∂L/∂b", STRICT);
      },
    );
  }
});

// --- The 1-50-1 sigmoid network of the backprop exercise, delta by delta -----------------------
//
// The fixture's graph, one elementary operation per step (see notebook_models.py):
//   z1 = x·W1ᵀ, z2 = z1 + b1, z3 = σ(z2), z4 = z3·W2ᵀ, ŷ = z4 + b2, L = mean((ŷ − y)²).
// A Dense layer is two of these steps (z2 = Dense1(x), ŷ = Dense2(z3)), so its
// backward passes Δ through its bias add unchanged: Δz1 = Δz2 and Δz4 = Δŷ.

function backpropWays(dtype: DType): Way[] {
  return [
    {
      name: "Sigmoid as a layer: Sequential by hand",
      build: () =>
        new Sequential([new Dense(1, 50, { dtype }), new Sigmoid(), new Dense(50, 1, { dtype })]),
      key: SAME,
    },
    {
      name: "Sigmoid as a layer: mlp([1, 50, 1])",
      build: () => mlp([1, 50, 1], { activation: "sigmoid", dtype }),
      key: SAME,
    },
    {
      name: "Sigmoid as a Dense option: Sequential by hand",
      build: () =>
        new Sequential([
          new Dense(1, 50, { activation: "sigmoid", dtype }),
          new Dense(50, 1, { dtype }),
        ]),
      key: FUSED,
    },
    {
      name: "Sigmoid as a Dense option: mlp([1, 50, 1], { separateActivations: false })",
      build: () => mlp([1, 50, 1], { activation: "sigmoid", dtype, separateActivations: false }),
      key: FUSED,
    },
  ];
}

Deno.test("1-50-1 sigmoid network: every intermediate value and every delta, layer by layer, matches PyTorch autograd", async (ctx) => {
  for (const c of fixture.backprop) {
    const x = t(c.x, c.dtype), y = t(c.y, c.dtype);
    for (const way of backpropWays(c.dtype)) {
      await ctx.step(`${c.label} ${c.dtype}, ${way.name}`, () => {
        manualSeed(c.seed);
        const model = way.build();
        checkInitial(model, c.stateDict, way.key);
        const separate = model.layers.length === 3;
        const dense1 = model.layers[0] as Dense;
        const dense2 = model.layers[separate ? 2 : 1] as Dense;
        // Sigmoid: its own layer, or the first Dense's activation.
        const sigmoid = separate ? model.layers[1] : dense1.activation;

        // Forward, one layer at a time.
        const z1 = x.matmul(dense1.weight.value, { transposeB: true });
        close(z1, c.z1, c.dtype, "z1 = x·W1ᵀ");
        const h = dense1.forward(x); // z2, or z3 = σ(z2) when the sigmoid is inside Dense
        const z2 = separate ? h : z1.add(dense1.bias!.value);
        close(z2, c.z2, c.dtype, "z2 = z1 + b1");
        const z3 = separate ? sigmoid.forward(z2) : h;
        close(z3, c.z3, c.dtype, "z3 = σ(z2)");
        const z4 = z3.matmul(dense2.weight.value, { transposeB: true });
        close(z4, c.z4, c.dtype, "z4 = z3·W2ᵀ");
        const yHat = dense2.forward(z3);
        close(yHat, c.yHat, c.dtype, "ŷ = z4 + b2");
        const mse = new MSELoss();
        close(mse.forward(yHat, y), c.loss, c.dtype, "loss");

        // Backward, one layer at a time: each layer's backward, compared delta by delta.
        const d = c.deltas;
        model.zeroGrad();
        const dYHat = mse.backward(); // 2 (ŷ − y) / N
        close(dYHat, d.yHat, c.dtype, "Δŷ");
        close(dYHat, d.z4, c.dtype, "Δz4 = Δŷ");
        const dZ3 = dense2.backward(dYHat); // Δŷ·W2
        close(dZ3, d.z3, c.dtype, "Δz3");
        close(dense2.bias!.grad, d.b2, c.dtype, "Δb2");
        close(dense2.weight.grad, d.W2, c.dtype, "ΔW2");
        // The sigmoid's backward on its own (inside Dense too: it has no parameters).
        const dZ2 = sigmoid.backward(dZ3); // Δz3 ⊙ z3 ⊙ (1 − z3)
        close(dZ2, d.z2, c.dtype, "Δz2");
        close(dZ2, d.z1, c.dtype, "Δz1 = Δz2");
        // A Dense with the sigmoid inside takes Δz3 and applies the sigmoid's backward itself.
        const dX = dense1.backward(separate ? dZ2 : dZ3); // Δz1·W1
        close(dense1.bias!.grad, d.b1, c.dtype, "Δb1");
        close(dense1.weight.grad, d.W1, c.dtype, "ΔW1");
        close(dX, d.x, c.dtype, "Δx");

        // The same deltas through the model's own backward.
        model.zeroGrad();
        close(model.forward(x), c.yHat, c.dtype, "model forward");
        close(model.backward(dYHat), d.x, c.dtype, "model Δx");
        const byName: Dict = {
          "0.weight": d.W1,
          "0.bias": d.b1,
          "2.weight": d.W2,
          "2.bias": d.b2,
        };
        checkGrads(model, byName, way.key, c.dtype, "model ");
      });
    }
  }
});

Deno.test("the fixture comes from PyTorch 1.13 and covers both dtypes of every model", () => {
  strictEqual(fixture.torch.startsWith("1.13"), true);
  for (
    const cases of [fixture.regression, fixture.classifier, fixture.logistic, fixture.backprop]
  ) {
    deepStrictEqual([...new Set(cases.map((c) => c.dtype))].sort(), ["float32", "float64"]);
  }
});
