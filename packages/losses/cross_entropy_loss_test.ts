import { ok, strictEqual, throws } from "node:assert/strict";
import { assertClose, gradcheck, type Tensor, tensor } from "@glassbox/tensor";
import { CrossEntropyLoss, type CrossEntropyLossOptions } from "./cross_entropy_loss.ts";
import type { Reduction } from "./loss.ts";

const REDUCTIONS: Reduction[] = ["mean", "sum", "none"];
const LOGITS = tensor([[1.5, -0.5, 0.25, 2], [0, 0.5, -1, 0.1], [3, -2, 0.7, -0.3]]);
const LABELS = tensor([3, 1, 0]);
const PROBS = tensor([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.7, 0, 0.3, 0]]);
const WEIGHT = tensor([0.5, 2, 1.25, 0.8]);

function check(
  options: CrossEntropyLossOptions,
  pred: Tensor,
  target: Tensor,
  gradOutput?: Tensor,
): void {
  const loss = new CrossEntropyLoss(options);
  gradcheck(
    { forward: (p) => loss.forward(p, target), backward: (g) => loss.backward(g) },
    [pred],
    { gradOutput },
  );
}

Deno.test("CrossEntropyLoss backward() matches finite differences with class-index targets", () => {
  const variants: CrossEntropyLossOptions[] = [
    {},
    { weight: WEIGHT },
    { labelSmoothing: 0.1 },
    { labelSmoothing: 0.3, weight: WEIGHT },
    { ignoreIndex: 1 },
    { ignoreIndex: 0, labelSmoothing: 0.2, weight: WEIGHT },
  ];
  for (const reduction of REDUCTIONS) {
    for (const v of variants) check({ ...v, reduction }, LOGITS, LABELS);
  }
  check({ labelSmoothing: 0.1 }, LOGITS, LABELS, tensor(1.7));
});

Deno.test("CrossEntropyLoss backward() matches finite differences with probability targets", () => {
  for (const reduction of REDUCTIONS) {
    for (
      const v of [{}, { labelSmoothing: 0.25 }, { weight: WEIGHT }, {
        weight: WEIGHT,
        labelSmoothing: 0.1,
      }]
    ) {
      check({ ...v, reduction }, LOGITS, PROBS);
    }
  }
});

Deno.test("CrossEntropyLoss is stable on logits of ±1000", () => {
  const logits = tensor([[1000, -1000, 0], [-1000, -1000, -999]]);
  const loss = new CrossEntropyLoss({ reduction: "none" });
  assertClose(loss.forward(logits, tensor([0, 2])), [0, Math.log1p(2 * Math.exp(-1))]);
  const grad = loss.backward();
  ok(grad.toTypedArray().every(Number.isFinite));
  check({ labelSmoothing: 0.1 }, logits, tensor([1, 2]));
});

Deno.test("CrossEntropyLoss with class indices equals probability targets given one-hot rows", () => {
  const oneHot = tensor([[0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0]]);
  for (const options of [{}, { labelSmoothing: 0.2 }, { reduction: "sum" as const }]) {
    const a = new CrossEntropyLoss(options), b = new CrossEntropyLoss(options);
    assertClose(a.forward(LOGITS, LABELS), b.forward(LOGITS, oneHot));
    assertClose(a.backward(), b.backward());
  }
});

Deno.test("CrossEntropyLoss ignores rows whose target is ignoreIndex", () => {
  const all = new CrossEntropyLoss();
  const some = new CrossEntropyLoss();
  assertClose(
    some.forward(LOGITS, tensor([3, -100, 0])),
    all.forward(LOGITS.gather([0, 2]), tensor([3, 0])),
  );
  const grad = some.backward();
  assertClose(grad.gather([1]), [[0, 0, 0, 0]]);
  assertClose(grad.gather([0, 2]), all.backward());
});

Deno.test("CrossEntropyLoss with every row ignored has loss NaN and gradient 0, as PyTorch", () => {
  const loss = new CrossEntropyLoss({ labelSmoothing: 0.1 });
  ok(Number.isNaN(loss.forward(LOGITS, tensor([-100, -100, -100])).item()));
  assertClose(loss.backward(), LOGITS.mul(0));
});

Deno.test("CrossEntropyLoss accepts float32 logits with float64 class indices", () => {
  const loss = new CrossEntropyLoss();
  const value = loss.forward(LOGITS.to("float32"), LABELS);
  strictEqual(value.dtype, "float32");
  assertClose(value.item(), new CrossEntropyLoss().forward(LOGITS, LABELS).item(), { rtol: 1e-6 });
});

Deno.test("CrossEntropyLoss throws clear errors for bad targets, shapes and options", () => {
  const loss = new CrossEntropyLoss();
  throws(() => loss.forward(LOGITS, tensor([3, 1.5, 0])), {
    name: "RangeError",
    message:
      "Cannot compute CrossEntropyLoss: target[1] = 1.5 is not an integer class index, expected an integer in [0, 4) or ignoreIndex -100",
  });
  throws(() => loss.forward(LOGITS, tensor([3, 4, 0])), {
    name: "RangeError",
    message: /target\[1\] = 4 is out of range for 4 classes, expected an integer in \[0, 4\)/,
  });
  throws(() => loss.forward(LOGITS, tensor([-1, 0, 0])), {
    message: /target\[0\] = -1 is out of range/,
  });
  throws(() => loss.forward(LOGITS, tensor([1, 2])), {
    name: "TypeError",
    message:
      "Cannot compute CrossEntropyLoss: pred has shape [3, 4] but target has shape [2], expected class indices of shape [3] or probabilities of shape [3, 4]",
  });
  throws(() => loss.forward(LOGITS, tensor([[0.5, 0.5], [0.5, 0.5], [1, 0]])), {
    message: /pred has shape \[3, 4\] but target has shape \[3, 2\], expected the same shape/,
  });
  throws(() => loss.forward(LOGITS, PROBS.to("float32")), {
    message: /pred is float64 but target is float32/,
  });
  throws(() => loss.forward(tensor([1, 2]), tensor([0])), {
    message: /pred has shape \[2\], expected logits of shape \[N, C\]/,
  });
  throws(() => new CrossEntropyLoss({ weight: tensor([1, 2]) }).forward(LOGITS, LABELS), {
    message: /weight has shape \[2\], expected one weight per class, \[4\]/,
  });
  throws(() => new CrossEntropyLoss({ labelSmoothing: 1.5 }), {
    name: "RangeError",
    message: /labelSmoothing 1.5 is out of range, expected a number in \[0, 1\]/,
  });
  throws(() => new CrossEntropyLoss().backward(), {
    message: /CrossEntropyLoss.backward: no forward pass is stored/,
  });
});
