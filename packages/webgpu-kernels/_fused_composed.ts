// The fused Backend primitives on WebGPU, first version: each composed from
// the backend's own elementwise, reduction and GEMM kernels (float32), with
// the activation table below. The results go through more dispatches than a
// fused kernel would; the values follow the same formulas as the CPU's.

import {
  ACTIVATION_SAVES,
  type ActivationOp,
  type ActivationSpec,
  type AdamRule,
  type Backend,
  type BinaryOp,
  type DenseBackwardInfo,
  type DenseForward,
  type DenseGrads,
  type DenseInfo,
  type LossInfo,
  type LossKind,
  type LossValueGrad,
  type MatmulInfo,
  type SgdRule,
  type Storage,
  type UnaryOp,
} from "@glassbox/tensor";

/** Copies `size` elements of `src` over `dst` (in place). */
export type CopyInto = (src: Storage, dst: Storage, size: number) => void;

/** Elementwise helpers over one size, releasing every temporary they made at `end()`. */
class Ops {
  readonly #temps: Storage[] = [];
  constructor(readonly b: Backend, readonly size: number) {}

  #keep(s: Storage): Storage {
    this.#temps.push(s);
    return s;
  }
  scalar(v: number): Storage {
    return this.#keep(this.b.upload([v], "float32"));
  }
  un(op: UnaryOp, x: Storage): Storage {
    return this.#keep(this.b.unary(op, x, this.size, "float32"));
  }
  /** `a ∘ b`; b a number is a broadcast scalar. */
  bin(op: BinaryOp, a: Storage, b: Storage | number): Storage {
    const n = this.size;
    const scalar = typeof b === "number";
    const rhs = scalar ? this.scalar(b) : b;
    const shapes = { a: [n], b: scalar ? [1] : [n], out: [n] };
    return this.#keep(this.b.binary(op, a, rhs, shapes, "float32"));
  }
  /** `s` as the result: not released by `end()`. */
  result(s: Storage): Storage {
    const i = this.#temps.indexOf(s);
    if (i >= 0) this.#temps.splice(i, 1);
    return s;
  }
  end(): void {
    for (const s of this.#temps) this.b.dispose(s);
    this.#temps.length = 0;
  }
}

interface ComposedActivation {
  /** f(z) (may return z itself for the identity). */
  forward(o: Ops, z: Storage, args: readonly number[]): Storage;
  /** g ⊙ f′ from the saved value. */
  backward(o: Ops, g: Storage, saved: Storage, args: readonly number[]): Storage;
}

/** WebGPU's activation table; a missing entry is a compile error. */
const ACTIVATIONS: { readonly [K in ActivationOp]: ComposedActivation } = {
  identity: { forward: (_o, z) => z, backward: (_o, g) => g },
  relu: {
    forward: (o, z) => o.un("relu", z),
    backward: (o, g, y) => o.bin("mul", g, o.bin("greater", y, 0)),
  },
  sigmoid: {
    forward: (o, z) => o.un("sigmoid", z),
    backward: (o, g, y) => o.bin("mul", o.bin("mul", g, o.bin("add", o.un("neg", y), 1)), y),
  },
  tanh: {
    forward: (o, z) => o.un("tanh", z),
    backward: (o, g, y) => o.bin("mul", g, o.bin("add", o.un("neg", o.un("square", y)), 1)),
  },
  leakyRelu: {
    forward: (o, z, [s]) =>
      o.bin("add", o.bin("maximum", z, 0), o.bin("mul", o.bin("minimum", z, 0), s)),
    backward: (o, g, z, [s]) => {
      const p = o.bin("greater", z, 0);
      return o.bin("mul", g, o.bin("add", p, o.bin("mul", o.bin("add", o.un("neg", p), 1), s)));
    },
  },
  softplus: {
    // z·β > threshold ? z : log(1 + exp(min(z·β, threshold))) / β (the min keeps exp finite).
    forward: (o, z, [beta, threshold]) => {
      const zb = o.bin("mul", z, beta);
      const above = o.bin("greater", zb, threshold);
      const soft = o.bin(
        "div",
        o.un("log", o.bin("add", o.un("exp", o.bin("minimum", zb, threshold)), 1)),
        beta,
      );
      return o.bin(
        "add",
        o.bin("mul", above, z),
        o.bin("mul", o.bin("add", o.un("neg", above), 1), soft),
      );
    },
    // z·β > threshold ? g : g·σ(z·β)
    backward: (o, g, z, [beta, threshold]) => {
      const zb = o.bin("mul", z, beta);
      const above = o.bin("greater", zb, threshold);
      const scale = o.bin(
        "add",
        above,
        o.bin("mul", o.bin("add", o.un("neg", above), 1), o.un("sigmoid", zb)),
      );
      return o.bin("mul", g, scale);
    },
  },
};

const NO_ARGS: readonly number[] = [];

/** y = f(z), a new storage. */
export function activationForward(
  b: Backend,
  spec: ActivationSpec,
  z: Storage,
  size: number,
): Storage {
  const o = new Ops(b, size);
  const y = ACTIVATIONS[spec.op].forward(o, z, spec.args ?? NO_ARGS);
  const out = y === z ? b.cast(z, size, "float32", "float32") : o.result(y);
  o.end();
  return out;
}

/** g ⊙ f′(saved), a new storage. */
export function activationBackward(
  b: Backend,
  spec: ActivationSpec,
  g: Storage,
  saved: Storage,
  size: number,
): Storage {
  const o = new Ops(b, size);
  const d = ACTIVATIONS[spec.op].backward(o, g, saved, spec.args ?? NO_ARGS);
  const out = d === g ? b.cast(g, size, "float32", "float32") : o.result(d);
  o.end();
  return out;
}

/** A GEMM that adds a bias row in its store: `op(A)·op(B) + bias`. */
export type GemmBias = (a: Storage, b: Storage, info: MatmulInfo, bias: Storage | null) => Storage;

/** f(x·Wᵀ + b): the GEMM with the bias in its store, then the activation. */
export function denseForward(
  b: Backend,
  gemm: GemmBias,
  x: Storage,
  w: Storage,
  bias: Storage | null,
  info: DenseInfo,
): DenseForward {
  const { rows, inFeatures, outFeatures, activation } = info;
  const z = gemm(x, w, {
    dtype: "float32",
    m: rows,
    n: outFeatures,
    k: inFeatures,
    transposeA: false,
    transposeB: true,
    aOffsets: [0],
    bOffsets: [0],
  }, bias);
  if (activation.op === "identity") return { out: z, pre: null };
  const out = activationForward(b, activation, z, rows * outFeatures);
  if (ACTIVATION_SAVES[activation.op] === "input") return { out, pre: z };
  b.dispose(z);
  return { out, pre: null };
}

/** δ = g ⊙ f′, dW = δᵀ·x, db = 1ᵀ·δ, dx = δ·W. */
export function denseBackward(
  b: Backend,
  g: Storage,
  x: Storage,
  w: Storage,
  saved: Storage,
  info: DenseBackwardInfo,
): DenseGrads {
  const { rows, inFeatures, outFeatures, activation } = info;
  const identity = activation.op === "identity";
  const delta = identity ? g : activationBackward(b, activation, g, saved, rows * outFeatures);
  const common = { dtype: "float32" as const, aOffsets: [0], bOffsets: [0], transposeB: false };
  const dw = b.matmul(delta, x, {
    ...common,
    m: outFeatures,
    n: inFeatures,
    k: rows,
    transposeA: true,
  });
  const db = info.bias ? b.reduce("sum", delta, [1, rows, outFeatures], "float32") : null;
  const dx = info.inputGrad
    ? b.matmul(delta, w, { ...common, m: rows, n: inFeatures, k: outFeatures, transposeA: false })
    : null;
  if (!identity) b.dispose(delta);
  return { dw, db, dx };
}

/** Loss value and gradient, composed; the value is added into `info.accumulator` when given. */
export function lossValueGrad(
  b: Backend,
  kind: LossKind,
  pred: Storage,
  target: Storage,
  info: LossInfo,
  copyInto: CopyInto,
): LossValueGrad {
  const { rows, cols } = info;
  const n = rows * cols;
  const o = new Ops(b, n);
  const denominator = info.reduction === "mean" ? (kind === "mse" ? n : rows) : 1;
  let perElement: Storage, grad: Storage;
  if (kind === "mse") {
    const diff = o.bin("sub", pred, target);
    perElement = o.un("square", diff);
    grad = o.bin("mul", o.bin("mul", diff, 2), 1 / denominator);
  } else {
    // One-hot of the targets: column index c equal to target[row].
    const idx = b.upload(Array.from({ length: n }, (_, i) => i % cols), "float32");
    const rowTargets = b.gatherRows(
      target,
      Array.from({ length: n }, (_, i) => Math.floor(i / cols)),
      1,
      "float32",
    );
    const oneHot = o.bin("equal", idx, rowTargets);
    b.dispose(idx);
    b.dispose(rowTargets);
    const logp = b.softmax("logSoftmax", pred, [rows, cols, 1], "float32");
    perElement = o.un("neg", o.bin("mul", oneHot, logp));
    const softmax = b.unary("exp", logp, n, "float32");
    grad = o.bin("mul", o.bin("sub", softmax, oneHot), 1 / denominator);
    b.dispose(logp);
    b.dispose(softmax);
  }
  const total = b.reduce("sum", perElement, [1, n, 1], "float32");
  const value = info.reduction === "mean"
    ? b.binary("div", total, o.scalar(denominator), { a: [1], b: [1], out: [1] }, "float32")
    : total;
  if (value !== total) b.dispose(total);
  if (info.accumulator !== undefined) {
    const sum = b.binary("add", info.accumulator, value, { a: [1], b: [1], out: [1] }, "float32");
    copyInto(sum, info.accumulator, 1);
    b.dispose(sum);
  }
  const out = o.result(grad);
  o.end();
  return { value, grad: out };
}

/** SGD over one parameter, composed; θ and the momentum buffer are overwritten in place. */
function sgdOne(
  o: Ops,
  rule: SgdRule,
  fresh: boolean,
  theta: Storage,
  grad: Storage,
  state: readonly Storage[],
  copyInto: CopyInto,
) {
  let g = rule.maximize ? o.un("neg", grad) : grad;
  if (rule.weightDecay !== 0) g = o.bin("add", g, o.bin("mul", theta, rule.weightDecay));
  if (rule.momentum !== 0) {
    const buf = fresh
      ? g
      : o.bin("add", o.bin("mul", state[0], rule.momentum), o.bin("mul", g, 1 - rule.dampening));
    copyInto(buf, state[0], o.size);
    g = rule.nesterov ? o.bin("add", g, o.bin("mul", buf, rule.momentum)) : buf;
  }
  copyInto(o.bin("add", theta, o.bin("mul", g, -rule.lr)), theta, o.size);
}

/** Adam/AdamW over one parameter, composed; θ and the moments are overwritten in place. */
function adamOne(
  o: Ops,
  rule: AdamRule,
  theta: Storage,
  grad: Storage,
  state: readonly Storage[],
  copyInto: CopyInto,
) {
  const c1 = 1 - rule.beta1 ** rule.step, c2 = 1 - rule.beta2 ** rule.step;
  let g = rule.maximize ? o.un("neg", grad) : grad;
  let t = theta;
  if (rule.decoupled) t = o.bin("mul", t, 1 - rule.lr * rule.weightDecay);
  else if (rule.weightDecay !== 0) g = o.bin("add", g, o.bin("mul", t, rule.weightDecay));
  const m = o.bin("add", o.bin("mul", state[0], rule.beta1), o.bin("mul", g, 1 - rule.beta1));
  const v = o.bin(
    "add",
    o.bin("mul", state[1], rule.beta2),
    o.bin("mul", o.bin("mul", g, 1 - rule.beta2), g),
  );
  let second = v;
  if (rule.amsgrad) {
    second = o.bin("maximum", state[2], v);
    copyInto(second, state[2], o.size);
  }
  const denom = o.bin("add", o.bin("div", o.un("sqrt", second), Math.sqrt(c2)), rule.eps);
  const next = o.bin("add", t, o.bin("div", o.bin("mul", m, -(rule.lr / c1)), denom));
  copyInto(m, state[0], o.size);
  copyInto(v, state[1], o.size);
  copyInto(next, theta, o.size);
}

/** Every parameter's update, composed, in place. */
export function optimizerUpdate(
  b: Backend,
  rule: SgdRule | AdamRule,
  params: readonly Storage[],
  grads: readonly Storage[],
  states: readonly (readonly Storage[])[],
  sizes: readonly number[],
  copyInto: CopyInto,
): void {
  params.forEach((theta, i) => {
    const o = new Ops(b, sizes[i]);
    if (rule.kind === "sgd") sgdOne(o, rule, rule.fresh[i], theta, grads[i], states[i], copyInto);
    else adamOne(o, rule, theta, grads[i], states[i], copyInto);
    o.end();
  });
}
