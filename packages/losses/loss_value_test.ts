import { deepStrictEqual, throws } from "node:assert/strict";
import { type DType, manualSeed, rand, randn, type Tensor, tensor } from "@glassbox/tensor";
import { BCELoss } from "./bce_loss.ts";
import { BCEWithLogitsLoss } from "./bce_with_logits_loss.ts";
import { CategoricalCrossEntropy } from "./categorical_cross_entropy.ts";
import { CrossEntropyLoss } from "./cross_entropy_loss.ts";
import type { Loss, Reduction } from "./loss.ts";
import { MSELoss } from "./mse_loss.ts";
import { NLLLoss } from "./nll_loss.ts";

const REDUCTIONS: Reduction[] = ["mean", "sum", "none"];
const DTYPES: DType[] = ["float64", "float32"];

/** The bytes of a tensor's elements: equal bytes are equal bits (NaN payloads and −0 included). */
function bits(t: Tensor): Uint8Array {
  const values = t.toTypedArray();
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

/** Rows of probabilities (a softmax of random logits) and one-hot targets. */
function probabilities(rows: number, cols: number, dtype: DType): { p: Tensor; y: Tensor } {
  const p = randn([rows, cols], { dtype }).mul(3).softmax(1);
  const labels = Array.from(rand([rows]).toTypedArray(), (u) => Math.floor(u * cols));
  const y = tensor(labels.map((c) => Array.from({ length: cols }, (_, j) => (j === c ? 1 : 0))), {
    dtype,
  });
  return { p, y };
}

interface Case {
  name: string;
  make: (reduction: Reduction) => Loss;
  inputs: (dtype: DType) => [Tensor, Tensor];
}

/** Every loss, on inputs large enough for the validation-sized kernels (1,000+ elements). */
const CASES: Case[] = [
  {
    name: "MSELoss",
    make: (reduction) => new MSELoss({ reduction }),
    inputs: (dtype) => [randn([401, 3], { dtype }).mul(5), randn([401, 3], { dtype })],
  },
  {
    name: "CrossEntropyLoss (class indices)",
    make: (reduction) => new CrossEntropyLoss({ reduction }),
    inputs: (dtype) => [
      randn([333, 4], { dtype }).mul(4),
      tensor(Array.from(rand([333]).toTypedArray(), (u) => Math.floor(u * 4)), { dtype }),
    ],
  },
  {
    name: "CrossEntropyLoss (probabilities)",
    make: (reduction) => new CrossEntropyLoss({ reduction }),
    inputs: (dtype) => [randn([300, 4], { dtype }), probabilities(300, 4, dtype).p],
  },
  {
    name: "CategoricalCrossEntropy",
    make: (reduction) => new CategoricalCrossEntropy({ reduction }),
    inputs: (dtype) => {
      const { p, y } = probabilities(350, 3, dtype);
      return [p, y];
    },
  },
  {
    name: "NLLLoss",
    make: (reduction) => new NLLLoss({ reduction }),
    inputs: (dtype) => [
      randn([300, 5], { dtype }).logSoftmax(1),
      tensor(Array.from(rand([300]).toTypedArray(), (u) => Math.floor(u * 5)), { dtype }),
    ],
  },
  {
    name: "BCELoss",
    make: (reduction) => new BCELoss({ reduction }),
    inputs: (dtype) => [rand([500], { dtype }), rand([500], { dtype }).greater(0.5).to(dtype)],
  },
  {
    name: "BCEWithLogitsLoss",
    make: (reduction) => new BCEWithLogitsLoss({ reduction }),
    inputs: (
      dtype,
    ) => [randn([500], { dtype }).mul(4), rand([500], { dtype }).greater(0.5).to(dtype)],
  },
];

Deno.test("value() gives forward()'s bits for every loss, reduction and dtype", () => {
  // Several draws: a value computed another way (a reciprocal multiply, another summation
  // order) matches by chance on one draw, rarely on twelve.
  for (const c of CASES) {
    for (const dtype of DTYPES) {
      for (let seed = 0; seed < 12; seed++) {
        manualSeed(seed);
        const [pred, target] = c.inputs(dtype);
        for (const reduction of REDUCTIONS) {
          const loss = c.make(reduction);
          const value = loss.value!(pred, target), forward = loss.forward(pred, target);
          const what = `${c.name} ${dtype} ${reduction} seed ${seed}`;
          deepStrictEqual(value.shape, forward.shape, what);
          deepStrictEqual(value.dtype, forward.dtype, what);
          deepStrictEqual(bits(value), bits(forward), what);
        }
      }
    }
  }
});

Deno.test("value() of MSELoss keeps NaN and infinite predictions as forward() does", () => {
  for (const dtype of DTYPES) {
    const target = tensor([1, 2, 3, 4], { dtype });
    for (const bad of [NaN, Infinity, -Infinity]) {
      const pred = tensor([0.5, bad, 3, 1e200], { dtype });
      const loss = new MSELoss();
      deepStrictEqual(bits(loss.value(pred, target)), bits(loss.forward(pred, target)));
    }
  }
});

Deno.test("value() leaves what the last forward() kept for backward()", () => {
  for (const c of CASES) {
    manualSeed(3);
    const [pred, target] = c.inputs("float64");
    const [otherPred, otherTarget] = c.inputs("float64");
    const alone = c.make("mean");
    alone.forward(pred, target);
    const want = alone.backward();
    const loss = c.make("mean");
    loss.forward(pred, target);
    loss.value!(otherPred, otherTarget);
    deepStrictEqual(bits(loss.backward()), bits(want), c.name);
  }
});

Deno.test("value() keeps nothing for backward(): backward() after value() alone still throws", () => {
  for (const c of CASES) {
    manualSeed(5);
    const [pred, target] = c.inputs("float64");
    const loss = c.make("mean");
    loss.value!(pred, target);
    throws(() => loss.backward(), /no forward pass is stored/, c.name);
  }
});

Deno.test("value() checks its inputs as forward() does", () => {
  throws(() => new MSELoss().value(tensor([1, 2]), tensor([1, 2, 3])), {
    name: "TypeError",
    message: /Cannot compute MSELoss: pred has shape \[2\] but target has shape \[3\]/,
  });
  throws(() => new CategoricalCrossEntropy().value(tensor([[1.5, -0.5]]), tensor([[1, 0]])), {
    name: "RangeError",
    message: /is not a probability/,
  });
  throws(() => new CrossEntropyLoss().value(tensor([[1, 2]]), tensor([5])), RangeError);
});
