import { Parameter } from "@glassbox/layers";
import { assertClose, tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { SGD } from "./sgd.ts";

/** Runs `steps` SGD steps on f(w) = Σ c·w² (gradient 2c·w) and returns the trajectory. */
function run(opt: SGD, w: Parameter, steps: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    w.accumulate(w.value.mul(tensor([2, 6], { dtype: w.value.dtype })));
    opt.step();
    out.push(Array.from(w.value.toTypedArray()));
  }
  return out;
}

/** The same update written out per element, in PyTorch's order. */
function reference(
  o: { lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number },
  steps: number,
): number[][] {
  const w = [1, -2], c = [1, 3], buf = [0, 0];
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < 2; k++) {
      let g = 2 * c[k] * w[k];
      g = g + o.weightDecay * w[k];
      if (o.momentum !== 0) {
        buf[k] = s === 0 ? g : buf[k] * o.momentum + (1 - o.dampening) * g;
        g = o.nesterov ? g + o.momentum * buf[k] : buf[k];
      }
      w[k] = w[k] + -o.lr * g;
    }
    out.push([...w]);
  }
  return out;
}

Deno.test("SGD.step() follows PyTorch's update for every option combination", () => {
  const combos = [
    { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
    { lr: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01 },
    { lr: 0.02, momentum: 0.8, dampening: 0.3, nesterov: false, weightDecay: 0.1 },
  ];
  for (const o of combos) {
    const w = new Parameter("w", tensor([1, -2]));
    const ours = run(new SGD({ ...o, params: [w] }), w, 5);
    deepStrictEqual(ours, reference(o, 5), JSON.stringify(o));
  }
});

Deno.test("SGD.step() with maximize climbs the objective", () => {
  const w = new Parameter("w", tensor([1, -2]));
  const trajectory = run(new SGD({ lr: 0.1, maximize: true, params: [w] }), w, 1);
  deepStrictEqual(trajectory[0], [1 + 0.1 * 2, -2 + 0.1 * -12]);
});

Deno.test("SGD.step() rounds every operation to float32 for float32 parameters", () => {
  const w = new Parameter("w", tensor([0.1, -0.3], { dtype: "float32" }));
  const opt = new SGD({ lr: 0.01, momentum: 0.9, weightDecay: 0.001, params: [w] });
  const f = Math.fround;
  const expected = Array.from(w.value.toTypedArray());
  const buf = [0, 0];
  for (let s = 0; s < 3; s++) {
    const grad = expected.map((v) => f(v * 3));
    opt.zeroGrad();
    w.accumulate(w.value.mul(3));
    opt.step();
    for (let k = 0; k < 2; k++) {
      const g = f(grad[k] + f(0.001) * expected[k]);
      buf[k] = s === 0 ? g : f(f(buf[k] * f(0.9)) + 1 * g);
      expected[k] = f(expected[k] + f(-0.01) * buf[k]);
    }
    deepStrictEqual(Array.from(w.value.toTypedArray()), expected);
  }
  strictEqual(w.value.dtype, "float32");
});

Deno.test("SGD state round-trips through stateDict() and loadStateDict()", () => {
  const w = new Parameter("w", tensor([1, -2]));
  const a = new SGD({ lr: 0.05, momentum: 0.9, params: [w] });
  run(a, w, 2);
  const saved = a.stateDict(), start = w.value;
  const continued = run(a, w, 2);
  w.value = start;
  const b = new SGD({ lr: 0.05, momentum: 0.9, params: [w] });
  b.loadStateDict(saved);
  deepStrictEqual(run(b, w, 2), continued);
  throws(
    () => b.loadStateDict({ ...saved, type: "Adam" }),
    /Cannot load SGD state: the state is from Adam, not SGD/,
  );
  throws(
    () => b.loadStateDict({ ...saved, tensors: { "v.momentum_buffer": tensor([1, 2]) } }),
    /the state has a buffer v\.momentum_buffer no parameter owns/,
  );
  throws(
    () => b.loadStateDict({ ...saved, tensors: { "w.momentum_buffer": tensor([1, 2, 3]) } }),
    /w\.momentum_buffer is \[3\] float64, expected \[2\] float64/,
  );
});

Deno.test("SGD rejects bad options, naming the option", () => {
  // @ts-expect-error: lr is required
  throws(() => new SGD({}), /Cannot create SGD: lr is required/);
  throws(() => new SGD({ lr: NaN }), /lr must be finite and >= 0, got NaN/);
  throws(() => new SGD({ lr: 0.1, momentum: -0.5 }), /momentum must be finite and >= 0/);
  throws(() => new SGD({ lr: 0.1, weightDecay: -1 }), /weightDecay must be finite and >= 0/);
  // @ts-expect-error: a string is not a boolean
  throws(() => new SGD({ lr: 0.1, nesterov: "yes" }), /nesterov must be true or false, got "yes"/);
  throws(
    () => new SGD({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
    /nesterov needs momentum > 0 and dampening 0/,
  );
  // @ts-expect-error: misspelt option
  throws(() => new SGD({ lr: 0.1, weight_decay: 0.1 }), /unknown option weight_decay/);
  const notParameters = [tensor([1])] as unknown as Parameter[];
  throws(
    () => new SGD({ lr: 0.1, params: notParameters }),
    /params\[0\] is a Tensor of shape \[1\], expected a Parameter/,
  );
  const w = new Parameter("w", tensor([1]));
  throws(() => new SGD({ lr: 0.1, params: [w, w] }), /two parameters are named w/);
});

Deno.test("SGD.step() accepts a closure and returns its loss", () => {
  const w = new Parameter("w", tensor([3]));
  const opt = new SGD({ lr: 0.1, params: [w] });
  const loss = opt.step(() => {
    opt.zeroGrad();
    w.accumulate(w.value.mul(2));
    return w.value.square().item();
  });
  strictEqual(loss, 9);
  assertClose(w.value, [3 - 0.6], { rtol: 1e-15 });
});
