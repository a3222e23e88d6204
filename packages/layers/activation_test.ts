import { assertClose, cpuMemory, manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import {
  ACTIVATION_NAMES,
  createActivation,
  Dense,
  Identity,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  Softmax,
} from "./mod.ts";

Deno.test("activation backward() fails clearly before a forward pass and on a wrong shape", () => {
  const relu = new ReLU();
  throws(
    () => relu.backward(tensor([1])),
    /Cannot backward ReLU\(\): there is no forward pass to differentiate/,
  );
  relu.forward(tensor([[1, 2]]));
  throws(
    () => relu.backward(tensor([1, 2])),
    /gradOut has shape \[2\], expected \[1, 2\] \(the shape of the last output\)/,
  );
  throws(
    () => relu.forward("x" as never),
    /Cannot forward ReLU\(\): the input is a string, expected a Tensor/,
  );
});

Deno.test("Softmax and LogSoftmax normalise the given axis", () => {
  const x = tensor([[0, 0], [Math.LN2, 0]]);
  deepStrictEqual(new Softmax({ axis: 0 }).forward(x).toArray(), [[1 / 3, 0.5], [2 / 3, 0.5]]);
  const ls = new LogSoftmax({ axis: 0 });
  ls.forward(x);
  // ∂L/∂x = Δ − softmax ⊙ Σ_axis Δ.
  assertClose(ls.backward(tensor([[1, 0], [0, 0]])), [[2 / 3, 0], [-2 / 3, 0]], {
    rtol: 1e-15,
    atol: 1e-16,
  });
  throws(
    () => new Softmax({ axis: 0.5 }),
    /Cannot create Softmax: axis must be an integer, got 0.5/,
  );
});

Deno.test("LeakyReLU is exactly x or slope·x, and its gradient exactly Δ or slope·Δ", () => {
  const f = new LeakyReLU();
  deepStrictEqual(f.forward(tensor([-3, 0, 2])).toArray(), [-3 * 0.01, 0, 2]);
  deepStrictEqual(f.backward(tensor([7, 7, 7])).toArray(), [7 * 0.01, 7 * 0.01, 7]);
  throws(
    () => new LeakyReLU({ negativeSlope: NaN }),
    /negativeSlope must be finite, got NaN/,
  );
});

Deno.test("createActivation() makes a fresh layer for each name", () => {
  for (const name of ACTIVATION_NAMES) {
    const a = createActivation(name), b = createActivation(name);
    strictEqual(a === b, false, name);
    deepStrictEqual(a.parameters(), []);
  }
  strictEqual(String(createActivation("identity")), "Identity()");
  const id = new Identity();
  strictEqual(createActivation(id), id);
});

Deno.test("Softmax backward in one backend call gives the composed operations' values, bit for bit", () => {
  manualSeed(4);
  const bits = (t: Tensor) => (t.toArray() as number[][]).flat(3).map(String);
  for (const dtype of ["float64", "float32"] as const) {
    for (
      const [shape, axis] of [[[33, 3], -1], [[4, 5, 6], 1], [[4, 5, 6], 0], [[7, 32], 1]] as const
    ) {
      const layer = new Softmax({ axis });
      const x = randn([...shape], { dtype }).mul(3), g = randn([...shape], { dtype });
      const y = layer.forward(x);
      const composed = y.mul(g.sub(g.mul(y).sum(axis, { keepDims: true })));
      const got = layer.backward(g);
      deepStrictEqual(bits(got), bits(composed), `${dtype} ${shape} axis ${axis}`);
    }
  }
  // NaN and infinities go through as in the composed operations.
  const layer = new Softmax();
  const y = layer.forward(tensor([[0, 1, 2], [3, 4, 5]], { dtype: "float64" }));
  const g = tensor([[NaN, 1, 2], [Infinity, 0, 1]], { dtype: "float64" });
  deepStrictEqual(
    bits(layer.backward(g)),
    bits(y.mul(g.sub(g.mul(y).sum(-1, { keepDims: true })))),
  );
});

Deno.test("a Dense's own activation keeps one view of the output for its backward, and releases it", () => {
  const dense = new Dense(2, 3, { activation: "relu", dtype: "float64" });
  dense.loadStateDict({
    weight: tensor([[1, 0], [0, 1], [-1, -1]], { dtype: "float64" }),
    bias: tensor([0, 0, 0], { dtype: "float64" }),
  });
  const x = tensor([[1, -2]], { dtype: "float64" });
  const out = dense.forward(x);
  deepStrictEqual(out.toArray(), [[1, 0, 1]]);
  out.dispose(); // the layers keep their own views
  const g = tensor([[5, 6, 7]], { dtype: "float64" });
  deepStrictEqual(dense.activation.backward(g).toArray(), [[5, 0, 7]]);
  // The output's storage goes back to the pool once both layers let go of it (once, even
  // though the activation's input and output are one view).
  const pooled = cpuMemory().pooledArrays;
  dense.release();
  strictEqual(cpuMemory().pooledArrays > pooled, true);
  const again = cpuMemory().pooledArrays;
  dense.release();
  dense.activation.release?.();
  strictEqual(cpuMemory().pooledArrays, again);
  throws(() => dense.activation.backward(g), /call forward\(x\) first/);
});
