import { Dense, type Layer, mlp, type Parameter } from "@glassbox/layers";
import { manualSeed, randn, type Tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { evaluate, predict } from "./mod.ts";

/** A layer that counts its `forward` and `predict` calls (a stand-in for a model). */
class Counting implements Layer {
  calls: string[] = [];
  constructor(readonly inner: Dense, readonly withPredict: boolean) {
    if (withPredict) {
      this.predict = (x: Tensor) => {
        this.calls.push(`predict ${x.shape[0]}`);
        return inner.forward(x);
      };
    }
  }
  predict?: (x: Tensor) => Tensor;
  forward(x: Tensor): Tensor {
    this.calls.push(`forward ${x.shape[0]}`);
    return this.inner.forward(x);
  }
  backward(g: Tensor): Tensor {
    return this.inner.backward(g);
  }
  parameters(): Parameter[] {
    return this.inner.parameters();
  }
  zeroGrad(): void {
    this.inner.zeroGrad();
  }
}

Deno.test("predict and evaluate run a model's predict when it has one, else forward, batch by batch", () => {
  manualSeed(0);
  const x = randn([10, 3]), y = randn([10, 2]);
  const own = new Counting(new Dense(3, 2), true);
  predict(own, x, { batchSize: 4 });
  deepStrictEqual(own.calls, ["predict 4", "predict 4", "predict 2"]);
  evaluate(own, x, y);
  deepStrictEqual(own.calls.slice(3), ["predict 10"]);
  const plain = new Counting(new Dense(3, 2), false);
  predict(plain, x);
  deepStrictEqual(plain.calls, ["forward 10"]);
});

Deno.test("predict of a float64 MLP gives forward's values, bit for bit, in one batch or several", () => {
  manualSeed(1);
  const model = mlp([6, 32, 32, 3], { activation: ["tanh", "sigmoid"], dtype: "float64" });
  const x = randn([700, 6], { dtype: "float64" });
  const want = (model.forward(x).toArray() as number[][]).flat().map(String);
  for (const batchSize of [undefined, 256]) {
    const got = (predict(model, x, { batchSize }).toArray() as number[][]).flat().map(String);
    strictEqual(got.length, want.length);
    deepStrictEqual(got, want);
  }
});
