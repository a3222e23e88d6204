import { ok, throws } from "node:assert/strict";
import { assertClose, gradcheck, type Tensor, tensor } from "@glassbox/tensor";
import { BCELoss, type BCELossOptions } from "./bce_loss.ts";
import type { Reduction } from "./loss.ts";

const P = tensor([[0.1, 0.6, 0.35], [0.9, 0.5, 0.05]]);
const T = tensor([[0, 1, 0.3], [1, 0, 1]]);

function check(options: BCELossOptions, pred: Tensor, target: Tensor): void {
  const loss = new BCELoss(options);
  gradcheck({ forward: (p) => loss.forward(p, target), backward: (g) => loss.backward(g) }, [pred]);
}

Deno.test("BCELoss backward() matches finite differences for every reduction, with and without weight", () => {
  for (const reduction of ["mean", "sum", "none"] as Reduction[]) {
    check({ reduction }, P, T);
    check({ reduction, weight: tensor([0.5, 2, 1]) }, P, T);
  }
});

Deno.test("BCELoss clamps each log at -100 and keeps the gradient finite at 0 and 1", () => {
  const loss = new BCELoss({ reduction: "none" });
  assertClose(loss.forward(tensor([0, 1, 0, 1]), tensor([1, 0, 0, 1])), [100, 100, 0, 0]);
  const grad = loss.backward().toTypedArray();
  ok(grad.every(Number.isFinite));
  assertClose(grad[0], -1 / Math.fround(1e-12));
});

Deno.test("BCELoss throws clear errors for values outside [0, 1] and bad shapes", () => {
  throws(() => new BCELoss().forward(tensor([[0.5, 1.5]]), tensor([[1, 0]])), {
    name: "RangeError",
    message:
      "Cannot compute BCELoss: pred[0, 1] = 1.5 is not a probability, expected values in [0, 1] (apply sigmoid first, or use BCEWithLogitsLoss on logits)",
  });
  throws(() => new BCELoss().forward(P, tensor([1, 0])), {
    message: /pred has shape \[2, 3\] but target has shape \[2\]/,
  });
  throws(() => new BCELoss({ weight: tensor([1, 2]) }).forward(P, T), {
    message: /weight has shape \[2\], expected a shape that broadcasts to \[2, 3\]/,
  });
  throws(() => new BCELoss().backward(), {
    message: /BCELoss.backward: no forward pass is stored/,
  });
});
