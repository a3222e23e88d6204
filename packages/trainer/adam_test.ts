import { Parameter } from "@glassbox/layers";
import { tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { Adam } from "./adam.ts";
import { AdamW } from "./adam_w.ts";

interface Hyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  decoupled: boolean;
}

/** PyTorch's single-tensor Adam/AdamW written out per element on f(w) = Σ c·w². */
function reference(h: Hyper, steps: number): number[][] {
  const w = [0.5, -1.5], c = [1, 4], m = [0, 0], v = [0, 0], vMax = [0, 0];
  const [b1, b2] = h.betas;
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
    const stepSize = h.lr / bc1, bc2Sqrt = Math.sqrt(bc2);
    for (let k = 0; k < 2; k++) {
      let g = 2 * c[k] * w[k];
      if (h.decoupled) w[k] = w[k] * (1 - h.lr * h.weightDecay);
      else g = g + h.weightDecay * w[k];
      m[k] = m[k] * b1 + (1 - b1) * g;
      v[k] = v[k] * b2 + (1 - b2) * g * g;
      vMax[k] = Math.max(vMax[k], v[k]);
      const denom = Math.sqrt(h.amsgrad ? vMax[k] : v[k]) / bc2Sqrt + h.eps;
      w[k] = w[k] + (-stepSize * m[k]) / denom;
    }
    out.push([...w]);
  }
  return out;
}

function run(opt: Adam, w: Parameter, steps: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    w.accumulate(w.value.mul(tensor([2, 8])));
    opt.step();
    out.push(Array.from(w.value.toTypedArray()));
  }
  return out;
}

Deno.test("Adam.step() and AdamW.step() follow PyTorch's update in its order", () => {
  const cases: Hyper[] = [
    { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, decoupled: false },
    { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: true, decoupled: false },
    { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, decoupled: true },
    { lr: 0.02, betas: [0.5, 0.9], eps: 1e-8, weightDecay: 0.3, amsgrad: true, decoupled: true },
  ];
  for (const h of cases) {
    const w = new Parameter("w", tensor([0.5, -1.5]));
    const Optim = h.decoupled ? AdamW : Adam;
    const opt = new Optim({
      lr: h.lr,
      betas: h.betas,
      eps: h.eps,
      weightDecay: h.weightDecay,
      amsgrad: h.amsgrad,
      params: [w],
    });
    deepStrictEqual(run(opt, w, 6), reference(h, 6), JSON.stringify(h));
  }
});

Deno.test("Adam keeps the AMSGrad maximum only with amsgrad", () => {
  const w = new Parameter("w", tensor([0.5, -1.5]));
  const plain = new Adam({ params: [w] });
  run(plain, w, 1);
  deepStrictEqual(Object.keys(plain.stateDict().tensors), ["w.exp_avg", "w.exp_avg_sq"]);
  const ams = new Adam({ amsgrad: true, params: [w] });
  run(ams, w, 1);
  deepStrictEqual(Object.keys(ams.stateDict().tensors), [
    "w.exp_avg",
    "w.exp_avg_sq",
    "w.max_exp_avg_sq",
  ]);
});

Deno.test("Adam.attach() resets the moments and the step count", () => {
  const w = new Parameter("w", tensor([0.5, -1.5]));
  const opt = new Adam({ lr: 0.1, params: [w] });
  const first = run(opt, w, 2);
  w.value = tensor([0.5, -1.5]);
  opt.attach([w]);
  strictEqual(opt.stepCount, 0);
  deepStrictEqual(run(opt, w, 2), first);
});

Deno.test("Adam and AdamW reject bad options, naming the option", () => {
  throws(() => new Adam({ lr: -1 }), /Cannot create Adam: lr must be finite and >= 0, got -1/);
  throws(() => new AdamW({ eps: -1 }), /Cannot create AdamW: eps must be finite and >= 0/);
  // @ts-expect-error: betas is a pair
  throws(() => new Adam({ betas: [0.9] }), /betas must be two numbers, got \[0\.9\]/);
  throws(() => new Adam({ betas: [-0.1, 0.9] }), /betas\[0\] must be finite and >= 0 and < 1/);
  throws(() => new Adam({ weightDecay: -0.1 }), /weightDecay must be finite and >= 0/);
  // @ts-expect-error: misspelt option
  throws(() => new Adam({ beta1: 0.9 }), /unknown option beta1/);
  strictEqual(new Adam().weightDecay, 0);
  strictEqual(new AdamW().weightDecay, 0.01);
});
