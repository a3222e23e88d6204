import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { gradcheck } from "./gradcheck.ts";
import { AssertionError } from "./assertion_error.ts";
import { tensor } from "./creation.ts";
import type { Tensor } from "./tensor.ts";

/** y = tanh(x·W + b), a small layer with three inputs and a correct backward. */
function denseTanh(): {
  forward(x: Tensor, w: Tensor, b: Tensor): Tensor;
  backward(g: Tensor): Tensor[];
  calls: Tensor[][];
} {
  let saved: { x: Tensor; w: Tensor; y: Tensor } | null = null;
  const calls: Tensor[][] = [];
  return {
    calls,
    forward(x, w, b) {
      calls.push([x, w, b]);
      const y = x.matmul(w).add(b).tanh();
      saved = { x, w, y };
      return y;
    },
    backward(g) {
      const { x, w, y } = saved!;
      // Δ = g ⊙ (1 − y²); ∂x = Δ·Wᵀ, ∂W = xᵀ·Δ, ∂b = 1ᵀ·Δ
      const delta = g.mul(y.square().neg().add(1));
      return [
        delta.matmul(w, { transposeB: true }),
        x.matmul(delta, { transposeA: true }),
        delta.sum(0),
      ];
    },
  };
}

const X = tensor([[0.5, -1.25], [2, 0.75], [-0.3, 0.1]]);
const W = tensor([[0.2, -0.4, 1.1], [0.7, 0.05, -0.6]]);
const B = tensor([0.1, -0.2, 0.3]);

Deno.test("gradcheck() passes a correct backward with a non-scalar output", () => {
  const report = gradcheck(denseTanh(), [X, W, B]);
  ok(report.ok, report.message);
  strictEqual(report.inputs.length, 3);
  deepStrictEqual(report.inputs.map((r) => r.failures), [0, 0, 0]);
  deepStrictEqual(report.gradOutput.shape, [3, 3]);
  ok(report.inputs.every((r) => r.maxAbsError < 1e-8), report.message);
});

Deno.test("gradcheck() accepts a single gradient tensor for a single input and a scalar output", () => {
  let saved = X;
  const report = gradcheck({
    forward: (x) => (saved = x).square().sum(),
    backward: (g) => saved.mul(2).mul(g),
  }, [X]);
  ok(report.ok);
  strictEqual(report.gradOutput.item(), 1);
});

Deno.test("gradcheck() counts 2 evaluations per element plus the first and the restoring one", () => {
  const fn = denseTanh();
  const report = gradcheck(fn, [X, W, B]);
  strictEqual(report.evaluations, 2 + 2 * (X.size + W.size + B.size));
  strictEqual(fn.calls.length, report.evaluations);
  // The last forward is at the unperturbed inputs, so cached state is as before.
  const last = fn.calls[fn.calls.length - 1];
  deepStrictEqual(last.map((t) => t.toArray()), [X.toArray(), W.toArray(), B.toArray()]);
});

Deno.test("gradcheck() throws an AssertionError naming the input and the worst element when a gradient is wrong", () => {
  const good = denseTanh();
  const wrongBias = {
    forward: good.forward,
    backward: (g: Tensor) => {
      const [dx, dw, db] = good.backward(g);
      return [dx, dw, db.add(tensor([0, 0, 0.5]))];
    },
  };
  throws(() => gradcheck(wrongBias, [X, W, B]), (e: unknown) => {
    ok(e instanceof AssertionError);
    ok(/the gradient of inputs\[2\] \(shape \[3\]\)/.test(e.message), e.message);
    ok(/at 1 of 3 elements/.test(e.message), e.message);
    ok(/worst at \[2\]: analytical/.test(e.message), e.message);
    ok(!/inputs\[0\]|inputs\[1\]/.test(e.message), e.message);
    return true;
  });
});

Deno.test("gradcheck() reports instead of throwing when throwOnFailure is false", () => {
  const good = denseTanh();
  const report = gradcheck({ forward: good.forward, backward: (g) => good.backward(g.mul(2)) }, [
    X,
    W,
    B,
  ], {
    throwOnFailure: false,
  });
  strictEqual(report.ok, false);
  deepStrictEqual(report.inputs.map((r) => r.failures), [X.size, W.size, B.size]);
  const worst = report.inputs[1].worst!;
  ok(Math.abs(worst.analytical - 2 * worst.numerical) < 1e-8);
  ok(report.message.startsWith("gradcheck failed:"));
});

Deno.test("gradcheck() catches a backward that ignores gradOutput on a non-scalar output", () => {
  const good = denseTanh();
  const ignoring = {
    forward: good.forward,
    backward: (g: Tensor) => good.backward(g.mul(0).add(1)),
  };
  throws(() => gradcheck(ignoring, [X, W, B]), AssertionError);
  // With ones as the upstream gradient the same mistake goes unnoticed: hence the random default.
  ok(gradcheck(ignoring, [X, W, B], { gradOutput: tensor([[1, 1, 1], [1, 1, 1], [1, 1, 1]]) }).ok);
});

Deno.test("gradcheck() uses the given gradOutput and seed", () => {
  const a = gradcheck(denseTanh(), [X, W, B], { seed: 1 });
  const b = gradcheck(denseTanh(), [X, W, B], { seed: 1 });
  const c = gradcheck(denseTanh(), [X, W, B]);
  deepStrictEqual(a.gradOutput.toArray(), b.gradOutput.toArray());
  ok(JSON.stringify(a.gradOutput.toArray()) !== JSON.stringify(c.gradOutput.toArray()));
  const values = a.gradOutput.toTypedArray();
  ok(values.every((v) => v >= -1 && v < 1));
});

Deno.test("gradcheck() flags NaN gradients", () => {
  let saved = X;
  const report = gradcheck(
    {
      forward: (x) => (saved = x).sum(),
      backward: () => saved.mul(NaN),
    },
    [X],
    { throwOnFailure: false },
  );
  strictEqual(report.inputs[0].failures, X.size);
});

Deno.test("gradcheck() rejects float32 inputs, bad gradients and bad options with clear errors", () => {
  const fn = denseTanh();
  throws(() => gradcheck(fn, [X.to("float32"), W, B]), {
    name: "TypeError",
    message: /inputs\[0\] is float32, finite differences need float64/,
  });
  throws(
    () =>
      gradcheck({ forward: fn.forward, backward: (g) => fn.backward(g).slice(0, 2) }, [X, W, B]),
    { name: "TypeError", message: /backward returned 2 gradient\(s\) for 3 input\(s\)/ },
  );
  throws(
    () =>
      gradcheck({ forward: fn.forward, backward: (g) => fn.backward(g).map((t) => t.flatten()) }, [
        X,
        W,
        B,
      ]),
    {
      name: "TypeError",
      message: /the gradient of inputs\[0\] has shape \[6\], expected \[3, 2\]/,
    },
  );
  throws(() => gradcheck(fn, [X, W, B], { gradOutput: tensor([1, 2, 3]) }), {
    name: "TypeError",
    message: /gradOutput has shape \[3\], expected \[3, 3\]/,
  });
  throws(() => gradcheck(fn, [X, W, B], { eps: 0 }), {
    name: "RangeError",
    message: /eps 0 is invalid/,
  });
  throws(() => gradcheck({} as never, [X]), {
    name: "TypeError",
    message: /forward\(\.\.\.inputs\) and backward/,
  });
});
