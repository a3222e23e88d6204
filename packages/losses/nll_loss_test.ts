import { ok, throws } from "node:assert/strict";
import { assertClose, gradcheck, type Tensor, tensor } from "@glassbox/tensor";
import { NLLLoss, type NLLLossOptions } from "./nll_loss.ts";
import { CrossEntropyLoss } from "./cross_entropy_loss.ts";
import type { Reduction } from "./loss.ts";

const LOGP = tensor([[0.5, -1, 2], [0, 3, -2], [1, 1, 1], [-0.5, 0.25, 0]]).logSoftmax();
const LABELS = tensor([2, 0, 1, 1]);

function check(options: NLLLossOptions, pred: Tensor, target: Tensor): void {
  const loss = new NLLLoss(options);
  gradcheck({ forward: (p) => loss.forward(p, target), backward: (g) => loss.backward(g) }, [pred]);
}

Deno.test("NLLLoss backward() matches finite differences for every reduction, weight and ignoreIndex", () => {
  const weight = tensor([0.3, 1.5, 2]);
  for (const reduction of ["mean", "sum", "none"] as Reduction[]) {
    for (const v of [{}, { weight }, { ignoreIndex: 1 }, { ignoreIndex: 0, weight }]) {
      check({ ...v, reduction }, LOGP, LABELS);
    }
  }
});

Deno.test("NLLLoss after logSoftmax equals CrossEntropyLoss on the logits", () => {
  const logits = tensor([[0.5, -1, 2], [0, 3, -2]]);
  const nll = new NLLLoss(), ce = new CrossEntropyLoss();
  assertClose(nll.forward(logits.logSoftmax(), tensor([1, 2])), ce.forward(logits, tensor([1, 2])));
});

Deno.test("NLLLoss reads only the target element, so -Infinity elsewhere is fine", () => {
  const loss = new NLLLoss({ reduction: "none" });
  const logp = tensor([[0, -Infinity], [-Infinity, -0.5]]);
  assertClose(loss.forward(logp, tensor([0, 1])), [0, 0.5]);
  assertClose(loss.backward(), [[-1, 0], [0, -1]]);
});

Deno.test("NLLLoss mean divides by the total weight of the kept rows", () => {
  const loss = new NLLLoss({ weight: tensor([1, 3, 1]), ignoreIndex: 0 });
  const logp = tensor([[-1, -2, -3], [-1, -2, -3], [-1, -2, -3]]);
  assertClose(loss.forward(logp, tensor([1, 2, 0])), (3 * 2 + 1 * 3) / 4);
  ok(Number.isNaN(new NLLLoss().forward(logp, tensor([-100, -100, -100])).item()));
});

Deno.test("NLLLoss throws clear errors for bad targets and shapes", () => {
  throws(() => new NLLLoss().forward(LOGP, tensor([2, 0, 1, 3])), {
    name: "RangeError",
    message:
      "Cannot compute NLLLoss: target[3] = 3 is out of range for 3 classes, expected an integer in [0, 3) or ignoreIndex -100",
  });
  throws(() => new NLLLoss().forward(LOGP, tensor([2, 0, NaN, 1])), {
    message: /target\[2\] = NaN is not an integer/,
  });
  throws(() => new NLLLoss().forward(LOGP, tensor([[2], [0], [1], [1]])), {
    message: /target has shape \[4, 1\], expected class indices of shape \[4\]/,
  });
  throws(
    () => new NLLLoss({ weight: tensor([1, 2, 3], { dtype: "float32" }) }).forward(LOGP, LABELS),
    {
      message: /pred is float64 but weight is float32/,
    },
  );
  throws(() => new NLLLoss({ ignoreIndex: 0.5 }), {
    message: /ignoreIndex must be an integer, got 0.5/,
  });
  throws(() => new NLLLoss().backward(), {
    message: /NLLLoss.backward: no forward pass is stored/,
  });
});
