import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { Dense, GELU, Identity, ReLU, Sequential, Softmax, Tanh } from "@glassbox/layers";
import { tensor } from "@glassbox/tensor";
import { residentModel, writeBack } from "./_resident_model.ts";

const ACTION = "fit on WebGPU";

Deno.test("residentModel() reads fused and separate activations out of nested Sequentials", () => {
  const model = new Sequential([
    new Dense(3, 4, { activation: "tanh" }),
    new Sequential([new Dense(4, 5, { bias: false }), new ReLU()]),
    new Dense(5, 2),
    new Identity(),
    new Softmax(),
  ]);
  const { layers, parameterNames } = residentModel(model, ACTION);
  deepStrictEqual(layers.map((l) => l.activation), ["tanh", "relu", "softmax"]);
  deepStrictEqual(layers.map((l) => [l.weight.shape, l.bias?.shape ?? null]), [
    [[4, 3], [4]],
    [[5, 4], null],
    [[2, 5], [2]],
  ]);
  deepStrictEqual(parameterNames, ["0.weight", "0.bias", "1.0.weight", "2.weight", "2.bias"]);
  const params = model.parameters();
  strictEqual(layers[1].weight, params[2].borrow(), "the current values, not copies");
});

Deno.test("residentModel() refuses what the resident trainer cannot run, naming the layer", () => {
  const cases: [unknown, ErrorConstructor, RegExp][] = [
    [3, TypeError, /model is 3, expected a Sequential of Dense layers or a Dense layer/],
    [new Sequential([]), RangeError, /model has no Dense layer/],
    [
      new Dense(2, 2, { activation: "gelu" }),
      TypeError,
      /the model \(.*\) has activation GELU\(\), expected one of identity, relu/,
    ],
    [
      new Sequential([new Dense(2, 2), new Sequential([new Tanh(), new GELU()])]),
      TypeError,
      /layer 1\.1 is GELU\(\), expected Dense or an activation \(identity, relu/,
    ],
    [
      new Sequential([new Dense(2, 2, { activation: "relu" }), new Tanh()]),
      TypeError,
      /layer 1 \(Tanh\(\)\) does not follow a Dense layer without activation/,
    ],
    [
      new Sequential([new ReLU(), new Dense(2, 2)]),
      TypeError,
      /layer 0 \(ReLU\(\)\) does not follow/,
    ],
  ];
  for (const [model, kind, message] of cases) {
    throws(() => residentModel(model as Dense, ACTION), (error: Error) => {
      strictEqual(error.constructor, kind, error.message);
      strictEqual(message.test(error.message), true, `${error.message} !~ ${message}`);
      strictEqual(error.message.startsWith(`Cannot ${ACTION}: `), true);
      return true;
    });
  }
});

Deno.test("writeBack() puts the trained values into the parameters, in order", () => {
  const layer = new Dense(2, 1);
  writeBack(layer.parameters(), [tensor([[5, 6]]), tensor([7])]);
  deepStrictEqual(layer.weight.value.toArray(), [[5, 6]]);
  deepStrictEqual(layer.bias!.value.toArray(), [7]);
});
