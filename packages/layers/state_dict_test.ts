import { manualSeed, tensor, zeros } from "@glassbox/tensor";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Dense, type Layer, loadStateDict, mlp, Parameter, ReLU, stateDict } from "./mod.ts";

Deno.test("loadStateDict() reports a wrong shape as 'name has shape [got], expected [want]'", () => {
  const model = mlp([3, 2, 1]);
  throws(() => model.loadStateDict({ ...model.stateDict(), "0.weight": zeros([3, 2]) }), {
    name: "TypeError",
    message: "Cannot load state dict: 0.weight has shape [3, 2], expected [2, 3]",
  });
});

Deno.test("loadStateDict() in strict mode lists missing and unexpected keys", () => {
  const model = mlp([2, 2, 1]);
  const dict = model.stateDict();
  delete dict["2.bias"];
  throws(
    () => model.loadStateDict({ ...dict, "1.weight": zeros([2, 2]) }),
    /Cannot load state dict: missing keys 2.bias; unexpected keys 1.weight for Sequential\(Dense\(2, 2\), ReLU\(\), Dense\(2, 1\)\), whose parameters are 0.weight, 0.bias, 2.weight, 2.bias \(pass \{ strict: false \}/,
  );
  deepStrictEqual(model.loadStateDict({ ...dict, "1.weight": zeros([2, 2]) }, { strict: false }), {
    missingKeys: ["2.bias"],
    unexpectedKeys: ["1.weight"],
  });
});

Deno.test("loadStateDict() checks everything before it assigns anything", () => {
  manualSeed(0);
  const model = mlp([2, 2, 1]);
  const before = model.stateDict();
  throws(
    () => model.loadStateDict({ ...before, "0.weight": zeros([2, 2]), "2.weight": zeros([2]) }),
    /2.weight has shape/,
  );
  deepStrictEqual(model.stateDict(), before);
});

Deno.test("loadStateDict() checks dtypes unless convertDtype, and values", () => {
  const layer = new Dense(1, 1);
  const f32 = {
    weight: tensor([[2]], { dtype: "float32" }),
    bias: tensor([1], { dtype: "float32" }),
  };
  throws(
    () => layer.loadStateDict(f32),
    /Cannot load state dict: weight is float32, expected float64 \(convert the model with \.to\("float32"\) or pass \{ convertDtype: true \}\)/,
  );
  layer.loadStateDict(f32, { convertDtype: true });
  strictEqual(layer.weight.value.dtype, "float64");
  strictEqual(layer.forward(tensor([[3]])).item(), 7);
  throws(
    () => layer.loadStateDict({ weight: [[1]], bias: tensor([0]) } as never),
    /weight is an array, expected a Tensor/,
  );
  throws(
    () => layer.loadStateDict(null as never),
    /expected an object of tensors by name, got null/,
  );
  throws(() => loadStateDict({} as Layer, {}), /Cannot load state dict: an object is not a Layer/);
});

Deno.test("loadStateDict() copies: later changes to the dict's tensors do not reach the model", () => {
  const layer = new Dense(1, 1, { bias: false });
  const w = tensor([[5]]);
  layer.loadStateDict({ weight: w });
  w.dispose();
  strictEqual(layer.forward(tensor([[1]])).item(), 5);
});

Deno.test("stateDict() rejects a model with two parameters of one name", () => {
  const twice: Layer = {
    forward: (x) => x,
    backward: (g) => g,
    parameters: () => [new Parameter("w", zeros([1])), new Parameter("w", zeros([1]))],
    zeroGrad: () => {},
  };
  throws(() => stateDict(twice), /Cannot get state dict: Object\(\) has two parameters named w/);
  deepStrictEqual(stateDict(new ReLU()), {});
  ok(Object.keys(stateDict(new Dense(2, 2))).length === 2);
});
