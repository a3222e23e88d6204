import { Parameter } from "@glassbox/layers";
import { tensor } from "@glassbox/tensor";
import { storageOf } from "@glassbox/tensor/backend";
import { BFGS } from "./bfgs.ts";
import { minimizeBfgs } from "./minimize_bfgs.ts";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";

/** f(W, b) = Σ (W − T)² + 3·Σ (b − u)² over a [2, 2] matrix and a [2] vector; returns f and ∇f. */
function objective(w: Float64Array, b: Float64Array) {
  const t = [1, 2, 3, 4];
  const u = [-1, 0.5];
  let value = 0;
  const gw = new Float64Array(4);
  const gb = new Float64Array(2);
  for (let i = 0; i < 4; i++) {
    value += (w[i] - t[i]) ** 2;
    gw[i] = 2 * (w[i] - t[i]);
  }
  for (let i = 0; i < 2; i++) {
    value += 3 * (b[i] - u[i]) ** 2;
    gb[i] = 6 * (b[i] - u[i]);
  }
  return { value, gw, gb };
}

function setup() {
  const w = new Parameter("0_weight", tensor([[0.5, -1], [2, 0]]));
  const b = new Parameter("0_bias", tensor([0, 1]));
  const bfgs = new BFGS([w, b]);
  const closure = () => {
    bfgs.zeroGrad();
    const { value, gw, gb } = objective(
      storageOf(w.value, "test") as Float64Array,
      storageOf(b.value, "test") as Float64Array,
    );
    w.accumulate(tensor([[gw[0], gw[1]], [gw[2], gw[3]]]));
    b.accumulate(tensor([gb[0], gb[1]]));
    return value;
  };
  return { w, b, bfgs, closure };
}

Deno.test("BFGS.minimize() is minimizeBfgs over the parameters flattened in order", () => {
  const { w, b, bfgs, closure } = setup();
  const x0 = bfgs.flatValues();
  deepStrictEqual([...x0], [0.5, -1, 2, 0, 0, 1]);
  const viaClass = bfgs.minimize(closure);
  const direct = minimizeBfgs((x) => {
    const { value, gw, gb } = objective(x.subarray(0, 4), x.subarray(4));
    const grad = new Float64Array(6);
    grad.set(gw);
    grad.set(gb, 4);
    return { value, grad };
  }, x0);
  deepStrictEqual([...viaClass.x], [...direct.x]);
  deepStrictEqual(
    [viaClass.nit, viaClass.nfev, viaClass.njev, viaClass.status],
    [direct.nit, direct.nfev, direct.njev, direct.status],
  );
  strictEqual(viaClass.fun, direct.fun);
  // The solution is left in the parameters.
  deepStrictEqual(w.value.toArray(), [[viaClass.x[0], viaClass.x[1]], [
    viaClass.x[2],
    viaClass.x[3],
  ]]);
  deepStrictEqual(b.value.toArray(), [viaClass.x[4], viaClass.x[5]]);
  ok(Math.abs(viaClass.x[0] - 1) < 1e-6 && Math.abs(viaClass.x[5] - 0.5) < 1e-6);
});

Deno.test("BFGS rounds float32 parameters when writing them", () => {
  const w = new Parameter("w", tensor([0.1], { dtype: "float32" }));
  const bfgs = new BFGS([w]);
  bfgs.setFlatValues(new Float64Array([0.1]));
  strictEqual(w.value.dtype, "float32");
  strictEqual(w.value.toArray()[0 as never], Math.fround(0.1));
});

Deno.test("BFGS rejects bad parameters, closures and vectors with clear errors", () => {
  throws(() => new BFGS([]), /Cannot create BFGS: params is empty/);
  throws(() => new BFGS("w" as never), /params must be an array of Parameters/);
  const { bfgs } = setup();
  throws(() => bfgs.minimize(undefined as never), /needs a closure/);
  throws(() => bfgs.minimize((() => "loss") as never), /closure must return the loss as a number/);
  throws(
    () => bfgs.setFlatValues(new Float64Array(3)),
    /expected a Float64Array of 6 values, got 3 values/,
  );
  throws(
    () => new BFGS(setup().bfgs.params, { maxiter: -1 }).minimize(setup().closure),
    RangeError,
  );
});
