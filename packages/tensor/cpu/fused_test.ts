// The CPU's fused primitives give the same bits as the Tensor operations they
// replace (the formulas the activation layers, Dense, the losses and the
// optimizers composed before), in float64 and float32, special values included.

import { deepStrictEqual, throws } from "node:assert/strict";
import { cpu, type DType, manualSeed, randn, type Tensor, tensor } from "../mod.ts";
import { type ActivationSpec, storageOf } from "../seam.ts";

const backend = cpu.backend;
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-300, -1e-300, 30, -30, 1000, -1000];

function input(dtype: DType, seed: number): Tensor {
  manualSeed(seed);
  const r = Array.from(randn([40], { dtype }).mul(5).toTypedArray());
  return tensor([...r, ...SPECIALS], { dtype });
}

function wrap(s: object, like: Tensor): Tensor {
  return tensor(s as Float64Array, { dtype: like.dtype, shape: like.shape });
}

/** Each activation as the layers composed it: forward f(x), and Δ ⊙ f′ from x and y. */
const COMPOSED: Record<
  string,
  [(x: Tensor) => Tensor, (g: Tensor, x: Tensor, y: Tensor) => Tensor]
> = {
  relu: [(x) => x.relu(), (g, _x, y) => g.mul(y.greater(0))],
  sigmoid: [(x) => x.sigmoid(), (g, _x, y) => g.mul(y.neg().add(1)).mul(y)],
  tanh: [(x) => x.tanh(), (g, _x, y) => g.mul(y.square().neg().add(1))],
  leakyRelu: [
    (x) => x.maximum(0).add(x.minimum(0).mul(0.01)),
    (g, x) => {
      const p = x.greater(0);
      return g.mul(p.add(p.neg().add(1).mul(0.01)));
    },
  ],
};

Deno.test("activationForward and activationBackward give the composed operations' bits", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const [op, [f, df]] of Object.entries(COMPOSED)) {
      const spec = { op, args: op === "leakyRelu" ? [0.01] : undefined } as ActivationSpec;
      const x = input(dtype, 1), g = input(dtype, 2);
      const y = wrap(backend.activationForward(spec, storageOf(x), x.size, dtype), x);
      deepStrictEqual(y.toTypedArray(), f(x).toTypedArray(), `${dtype} ${op} forward`);
      const saved = op === "leakyRelu" ? x : y;
      const d = backend.activationBackward(spec, storageOf(g), storageOf(saved), x.size, dtype);
      deepStrictEqual(
        wrap(d, x).toTypedArray(),
        df(g, x, y).toTypedArray(),
        `${dtype} ${op} backward`,
      );
    }
  }
});

Deno.test("denseForward and denseBackward give Dense's composed GEMM, bias and activation bits", () => {
  for (const dtype of ["float64", "float32"] as const) {
    manualSeed(3);
    const x = randn([9, 5], { dtype }), w = randn([4, 5], { dtype }), b = randn([4], { dtype });
    const g = randn([9, 4], { dtype });
    const info = {
      dtype,
      rows: 9,
      inFeatures: 5,
      outFeatures: 4,
      activation: { op: "tanh" },
    } as const;
    const r = backend.denseForward(storageOf(x), storageOf(w), storageOf(b), info);
    const y = x.matmul(w, { transposeB: true, bias: b }).tanh();
    deepStrictEqual(wrap(r.out, y).toTypedArray(), y.toTypedArray(), `${dtype} forward`);
    const grads = backend.denseBackward(storageOf(g), storageOf(x), storageOf(w), r.out, {
      ...info,
      bias: true,
      inputGrad: true,
    });
    const delta = g.mul(y.square().neg().add(1));
    const dw = delta.matmul(x, { transposeA: true }), db = delta.sum(0), dx = delta.matmul(w);
    deepStrictEqual(wrap(grads.dw, dw).toTypedArray(), dw.toTypedArray(), `${dtype} dw`);
    deepStrictEqual(wrap(grads.db!, db).toTypedArray(), db.toTypedArray(), `${dtype} db`);
    deepStrictEqual(wrap(grads.dx!, dx).toTypedArray(), dx.toTypedArray(), `${dtype} dx`);
  }
});

Deno.test("lossValueGrad gives the composed MSE and cross-entropy bits and adds into the accumulator", () => {
  for (const dtype of ["float64", "float32"] as const) {
    manualSeed(4);
    const p = randn([7, 3], { dtype }).mul(4), t = randn([7, 3], { dtype });
    const acc = tensor([2], { dtype });
    const info = {
      dtype,
      rows: 7,
      cols: 3,
      reduction: "mean",
      accumulator: storageOf(acc),
    } as const;
    const mse = backend.lossValueGrad("mse", storageOf(p), storageOf(t), info);
    const diff = p.sub(t);
    const value = diff.square().sum().div(21);
    deepStrictEqual(wrap(mse.value, value).toTypedArray(), value.toTypedArray(), `${dtype} mse`);
    const grad = diff.mul(2).mul(tensor(1, { dtype }).div(21));
    deepStrictEqual(wrap(mse.grad, grad).toTypedArray(), grad.toTypedArray(), `${dtype} mse grad`);
    deepStrictEqual(acc.toTypedArray(), tensor([2], { dtype }).add(value).toTypedArray());
    const labels = tensor([0, 2, 1, 1, 0, 2, 2], { dtype });
    const ce = backend.lossValueGrad("softmaxCrossEntropy", storageOf(p), storageOf(labels), {
      dtype,
      rows: 7,
      cols: 3,
      reduction: "sum",
    });
    const logp = p.logSoftmax(1);
    const picked = Array.from(labels.toTypedArray(), (c, i) => logp.toTypedArray()[i * 3 + c]);
    const total = tensor(picked, { dtype }).neg().sum();
    deepStrictEqual(wrap(ce.value, total).toTypedArray(), total.toTypedArray(), `${dtype} ce`);
    const oneHot = tensor(
      Array.from(
        { length: 21 },
        (_, k) => (labels.toTypedArray()[Math.floor(k / 3)] === k % 3 ? 1 : 0),
      ),
      { dtype, shape: [7, 3] },
    );
    const g0 = oneHot.neg();
    const ceGrad = g0.sub(logp.exp().mul(g0.sum(1, { keepDims: true })));
    deepStrictEqual(
      wrap(ce.grad, ceGrad).toTypedArray(),
      ceGrad.toTypedArray(),
      `${dtype} ce grad`,
    );
  }
});

Deno.test("lossValueGrad rejects a class index out of range, naming it", () => {
  const p = tensor([[1, 2], [3, 4]]), labels = tensor([0, 2]);
  throws(
    () =>
      backend.lossValueGrad("softmaxCrossEntropy", storageOf(p), storageOf(labels), {
        dtype: "float64",
        rows: 2,
        cols: 2,
        reduction: "mean",
      }),
    /target\[1\] = 2 is not a class index in \[0, 2\)/,
  );
});

Deno.test("optimizerUpdate rejects storages of the wrong size, naming the index", () => {
  const rule = {
    kind: "sgd",
    lr: 0.1,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    weightDecay: 0,
    maximize: false,
    fresh: [true],
  } as const;
  throws(
    () =>
      backend.optimizerUpdate(rule, [storageOf(tensor([1, 2]))], [storageOf(tensor([1]))], [[]], {
        dtype: "float64",
        sizes: [2],
      }),
    /storage 0 has 1 elements, expected 2/,
  );
});

Deno.test("lossValueGrad gives the composed categorical cross-entropy bits, zeros, NaN and soft targets included", () => {
  for (const dtype of ["float64", "float32"] as const) {
    manualSeed(5);
    const logits = randn([9, 4], { dtype }).mul(3);
    const soft = randn([9, 4], { dtype }).softmax(1).toTypedArray();
    // Probabilities with exact zeros (under a zero and a non-zero target), a NaN row, a 1.
    const pv = Array.from(logits.softmax(1).toTypedArray());
    pv.splice(0, 4, 0, 1, 0, 0);
    pv.splice(4, 4, 0, 0.5, 0.5, 0);
    pv[8] = NaN;
    // One-hot rows, a soft row, a row whose target sits on a zero probability.
    const yv: number[] = Array.from(
      { length: 36 },
      (_, k) => (k % 4 === Math.floor(k / 4) % 4 ? 1 : 0),
    );
    yv.splice(12, 4, ...Array.from(soft.subarray(12, 16)));
    yv.splice(4, 4, 1, 0, 0, 0);
    // A probability above 1 and a −0 under zero targets (the kernel skips log 1 there only).
    pv[22] = 1.5;
    yv[23] = -0;
    const p = tensor(pv, { dtype, shape: [9, 4] });
    const y = tensor(yv, { dtype, shape: [9, 4] });
    for (const reduction of ["mean", "sum"] as const) {
      const r = backend.lossValueGrad("categoricalCrossEntropy", storageOf(p), storageOf(y), {
        dtype,
        rows: 9,
        cols: 4,
        reduction,
      });
      // CategoricalCrossEntropy's composed forward and backward.
      const safeP = p.maximum(y.equal(0));
      const total = y.mul(safeP.log()).sum(1).neg().sum();
      const value = reduction === "mean" ? total.div(9) : total;
      const g = reduction === "mean" ? tensor(1, { dtype }).div(9) : tensor(1, { dtype });
      const grad = y.neg().div(safeP).mul(g.reshape([-1, 1]));
      const what = `${dtype} ${reduction}`;
      deepStrictEqual(wrap(r.value, value).toTypedArray(), value.toTypedArray(), `${what} value`);
      deepStrictEqual(wrap(r.grad, grad).toTypedArray(), grad.toTypedArray(), `${what} grad`);
    }
  }
});

Deno.test("lossValue gives lossValueGrad's value bits for every kind and dtype, and accumulates", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (let seed = 0; seed < 8; seed++) {
      manualSeed(seed);
      const rows = 97 + seed * 31, cols = 3;
      const logits = randn([rows, cols], { dtype }).mul(4);
      const probs = logits.softmax(1), targets = randn([rows, cols], { dtype });
      const labels = tensor(Array.from({ length: rows }, (_, i) => (i * 7 + seed) % cols), {
        dtype,
      });
      const oneHot = tensor(
        Array.from(
          { length: rows * cols },
          (_, k) => ((k % cols) === (Math.floor(k / cols) * 7 + seed) % cols ? 1 : 0),
        ),
        { dtype, shape: [rows, cols] },
      );
      const kinds = [
        ["mse", logits, targets],
        ["softmaxCrossEntropy", logits, labels],
        ["categoricalCrossEntropy", probs, oneHot],
      ] as const;
      for (const [kind, p, t] of kinds) {
        for (const reduction of ["mean", "sum"] as const) {
          const what = `${dtype} ${kind} ${reduction} seed ${seed}`;
          const info = { dtype, rows, cols, reduction };
          const both = backend.lossValueGrad(kind, storageOf(p), storageOf(t), info);
          const scalar = tensor(0, { dtype });
          const value = backend.lossValue(kind, storageOf(p), storageOf(t), info);
          deepStrictEqual(
            wrap(value, scalar).toTypedArray(),
            wrap(both.value, scalar).toTypedArray(),
            what,
          );
          const accA = tensor([1.25], { dtype }), accB = tensor([1.25], { dtype });
          backend.lossValueGrad(kind, storageOf(p), storageOf(t), {
            ...info,
            accumulator: storageOf(accA),
          });
          backend.lossValue(kind, storageOf(p), storageOf(t), {
            ...info,
            accumulator: storageOf(accB),
          });
          deepStrictEqual(accB.toTypedArray(), accA.toTypedArray(), `${what} accumulator`);
        }
      }
    }
  }
});
