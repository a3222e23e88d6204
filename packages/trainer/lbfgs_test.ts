import { Parameter } from "@glassbox/layers";
import { assertClose, tensor } from "@glassbox/tensor";
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { LBFGS } from "./lbfgs.ts";

/** Rosenbrock's function f(a, b) = (1 − a)² + 100 (b − a²)² as a closure over w = [a, b]. */
function rosenbrock(opt: LBFGS, w: Parameter): () => number {
  return () => {
    opt.zeroGrad();
    const [a, b] = w.value.toTypedArray();
    const ga = -2 * (1 - a) - 400 * a * (b - a * a), gb = 200 * (b - a * a);
    w.accumulate(tensor([ga, gb]));
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
}

Deno.test("LBFGS.step() with strong Wolfe minimises Rosenbrock's function", () => {
  const w = new Parameter("w", tensor([-1.2, 1]));
  const opt = new LBFGS({ lineSearchFn: "strong_wolfe", maxIter: 100, params: [w] });
  const closure = rosenbrock(opt, w);
  const first = opt.step(closure);
  strictEqual(first, 24.199999999999996); // the loss before the step
  // PyTorch 1.13 from the same start: w = [0.9999814210791363, 0.9999619651810985],
  // 43 evaluations, 35 iterations.
  assertClose(w.value, [0.9999814210791363, 0.9999619651810985], { rtol: 1e-12 });
  strictEqual(opt.funcEvals, 43);
  strictEqual(opt.iterations, 35);
  ok(opt.funcEvals <= opt.maxEval);
});

Deno.test("LBFGS.stepAsync() with an async closure takes exactly step()'s path", async () => {
  for (const lineSearchFn of ["strong_wolfe", null] as const) {
    const ws = new Parameter("w", tensor([-1.2, 1]));
    const sync = new LBFGS({ lineSearchFn, maxIter: 7, lr: 0.1, params: [ws] });
    const wa = new Parameter("w", tensor([-1.2, 1]));
    const async = new LBFGS({ lineSearchFn, maxIter: 7, lr: 0.1, params: [wa] });
    const closure = rosenbrock(async, wa);
    for (let k = 0; k < 4; k++) {
      const a = sync.step(rosenbrock(sync, ws));
      const b = await async.stepAsync(async () => {
        await new Promise((resolve) => setTimeout(resolve, 0));
        return closure();
      });
      strictEqual(b, a, `step ${k} (${lineSearchFn}): the loss`);
      deepStrictEqual(wa.value.toTypedArray(), ws.value.toTypedArray(), `step ${k}: weights`);
    }
    strictEqual(async.funcEvals, sync.funcEvals);
    strictEqual(async.iterations, sync.iterations);
  }
});

Deno.test("LBFGS.stepAsync() takes the loss as a one-element tensor too", async () => {
  const quadratic = (opt: LBFGS, w: Parameter, asTensor: boolean) => () => {
    opt.zeroGrad();
    w.accumulate(w.value.mul(2));
    const loss = w.value.square().sum();
    return asTensor ? loss : loss.item();
  };
  const wn = new Parameter("w", tensor([3, -1]));
  const byNumber = new LBFGS({ lr: 0.3, maxIter: 5, params: [wn] });
  const wt = new Parameter("w", tensor([3, -1]));
  const byTensor = new LBFGS({ lr: 0.3, maxIter: 5, params: [wt] });
  strictEqual(
    await byTensor.stepAsync(quadratic(byTensor, wt, true)),
    await byNumber.stepAsync(quadratic(byNumber, wn, false)),
  );
  deepStrictEqual(wt.value.toTypedArray(), wn.value.toTypedArray());
});

Deno.test("LBFGS.stepAsync() rejects a closure that resolves to something other than a loss", async () => {
  const w = new Parameter("w", tensor([1]));
  const opt = new LBFGS({ params: [w] });
  await rejects(
    opt.stepAsync(async () => (await Promise.resolve("1")) as unknown as number),
    /the closure must return the loss as a number, got "1"/,
  );
  await rejects(
    opt.stepAsync(() => tensor([1, 2])),
    /the closure's loss tensor must hold one value, got shape \[2\]/,
  );
});

Deno.test("LBFGS.step() without a line search stops where PyTorch's does", () => {
  const w = new Parameter("w", tensor([4, -2]));
  const opt = new LBFGS({ lr: 0.5, maxIter: 3, params: [w] });
  opt.step(() => {
    opt.zeroGrad();
    w.accumulate(w.value.mul(2));
    return w.value.square().sum().item();
  });
  // PyTorch 1.13: 2 iterations, 3 evaluations (the loss change falls below toleranceChange).
  strictEqual(opt.iterations, 2);
  strictEqual(opt.funcEvals, 3);
});

Deno.test("LBFGS.step() returns at once when the gradient is already below toleranceGrad", () => {
  const w = new Parameter("w", tensor([0, 0]));
  const opt = new LBFGS({ params: [w] });
  const loss = opt.step(() => {
    opt.zeroGrad();
    return 0;
  });
  strictEqual(loss, 0);
  strictEqual(opt.iterations, 0);
  deepStrictEqual(w.value.toArray(), [0, 0]);
});

Deno.test("LBFGS state round-trips: a resumed optimizer takes the same next step", () => {
  const w = new Parameter("w", tensor([-1.2, 1]));
  const a = new LBFGS({ lineSearchFn: "strong_wolfe", maxIter: 4, historySize: 3, params: [w] });
  a.step(rosenbrock(a, w));
  const saved = a.stateDict(), start = w.value;
  a.step(rosenbrock(a, w));
  const expected = w.value.toArray();
  w.value = start;
  const b = new LBFGS({ lineSearchFn: "strong_wolfe", maxIter: 4, historySize: 3, params: [w] });
  b.loadStateDict(saved);
  b.step(rosenbrock(b, w));
  deepStrictEqual(w.value.toArray(), expected);
  strictEqual(b.funcEvals, a.funcEvals);
});

Deno.test("LBFGS rejects bad options and closures, naming them", () => {
  throws(() => new LBFGS({ maxIter: 0 }), /maxIter must be an integer >= 1, got 0/);
  throws(() => new LBFGS({ historySize: 1.5 }), /historySize must be an integer >= 1/);
  throws(() => new LBFGS({ toleranceGrad: -1 }), /toleranceGrad must be finite and >= 0/);
  const w = new Parameter("w", tensor([1]));
  const opt = new LBFGS({ params: [w] });
  throws(() => opt.step(), /Cannot step LBFGS: it needs a closure/);
  const returnsTensor = (() => tensor([1])) as unknown as () => number;
  throws(
    () => opt.step(returnsTensor),
    /the closure must return the loss as a number, got a Tensor/,
  );
});
