// ResidentTrainer on layers given as plain tensors: one SGD step against the
// hand-computed update, the parameters' names, and the refusals of bad layer
// descriptions. (Training models against the CPU path, the step budget and the
// bench are cross-package: tests/resident_trainer_test.ts and its neighbours.)

import { assertClose, randn, tensor, zeros } from "@glassbox/tensor";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { setupWebGPUTests } from "./testing.ts";
import { type DenseLayerSpec, ResidentTrainer } from "./resident_trainer.ts";

const { device, ignore } = await setupWebGPUTests("resident_trainer_test.ts");

const sgd = { name: "SGD", lr: 0.1 } as const;

Deno.test({
  name: "step() on { weight, bias } tensors gives the hand-computed SGD update and MSE loss",
  ignore,
  async fn() {
    const gpu = device!;
    const f32 = { dtype: "float32", device: gpu } as const;
    const weight = tensor([[2]], f32), bias = tensor([0], f32);
    const t = new ResidentTrainer(gpu, { layers: [{ weight, bias }], loss: "mse", optimizer: sgd });
    const x = tensor([[1], [2]], f32), y = tensor([[1], [1]], f32);
    t.step(x, y);
    // pred = [2, 4], loss = (1² + 3²) / 2 = 5; ∂L/∂w = (2·1·1 + 2·3·2) / 2 = 7, ∂L/∂b = (2 + 6) / 2 = 4.
    const [w, b] = t.parameters();
    assertClose(await w.readTypedArray(), [2 - 0.1 * 7], { rtol: 1e-6 });
    assertClose(await b.readTypedArray(), [-0.1 * 4], { rtol: 1e-6 });
    strictEqual((await t.readLoss()).sum, 5);
    deepStrictEqual(await weight.readTypedArray(), Float32Array.from([2]), "the input is copied");
    for (const v of [w, b, x, y, weight, bias]) v.dispose();
    t.dispose();
  },
});

Deno.test({
  name: "parameterNames name the parameters and the optimizer state's buffers",
  ignore,
  fn() {
    const gpu = device!;
    const f32 = { dtype: "float32", device: gpu } as const;
    const layers: DenseLayerSpec[] = [
      { weight: randn([4, 3], f32), bias: zeros([4], f32), activation: "relu" },
      { weight: randn([2, 4], f32) },
    ];
    const optimizer = { name: "SGD", lr: 0.1, momentum: 0.9 } as const;
    using plain = new ResidentTrainer(gpu, { layers, loss: "mse", optimizer });
    deepStrictEqual(plain.parameterNames, ["0.weight", "0.bias", "1.weight"]);
    const parameterNames = ["0.weight", "0.bias", "2.weight"];
    using named = new ResidentTrainer(gpu, { layers, parameterNames, loss: "mse", optimizer });
    deepStrictEqual(named.parameterNames, parameterNames);
    named.step(randn([5, 3], f32), randn([5, 2], f32));
    const state = named.optimizerState();
    deepStrictEqual(Object.keys(state.tensors), parameterNames.map((n) => `${n}.momentum_buffer`));
    for (const v of Object.values(state.tensors)) v.dispose();
  },
});

Deno.test({
  name: "bad layer descriptions are refused with errors naming layers or parameterNames",
  ignore,
  fn() {
    const gpu = device!;
    const f32 = { dtype: "float32", device: gpu } as const;
    const w = randn([2, 3], f32);
    const make = (options: object) => () =>
      new ResidentTrainer(gpu, { loss: "mse", optimizer: sgd, ...options } as never);
    const cases: [() => unknown, ErrorConstructor, RegExp][] = [
      [make({ layers: w }), TypeError, /layers is a Tensor, expected an array of \{ weight/],
      [make({}), TypeError, /layers is undefined, expected an array/],
      [make({ layers: [] }), RangeError, /layers is empty, expected at least one dense layer/],
      [make({ layers: [null] }), TypeError, /layers\[0\] is null, expected an object/],
      [
        make({ layers: [{ weight: w, activation: "gelu" }] }),
        RangeError,
        /layers\[0\]\.activation is "gelu", expected one of identity, relu, tanh, sigmoid, softmax/,
      ],
      [
        make({ layers: [{ weight: w, bias: zeros([3], f32) }] }),
        TypeError,
        /layers\[0\]\.bias has shape \[3\], expected \[2\]/,
      ],
      [
        make({ layers: [{ weight: w }], parameterNames: ["a", "b"] }),
        TypeError,
        /parameterNames is an array of length 2, expected 1 distinct strings/,
      ],
      [
        make({
          layers: [{ weight: w }, { weight: randn([1, 2], f32) }],
          parameterNames: ["a", "a"],
        }),
        TypeError,
        /parameterNames is an array of length 2, expected 2 distinct strings/,
      ],
    ];
    for (const [fn, kind, message] of cases) {
      let caught: Error | null = null;
      try {
        fn();
      } catch (e) {
        caught = e as Error;
      }
      ok(caught instanceof kind, `${caught} is not a ${kind.name}`);
      ok(message.test(caught.message), `${caught.message} !~ ${message}`);
      ok(caught.message.startsWith("Cannot create ResidentTrainer: "), caught.message);
    }
  },
});
