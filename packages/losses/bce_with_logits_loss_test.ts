import { ok, throws } from "node:assert/strict";
import { assertClose, gradcheck, type Tensor, tensor } from "@glassbox/tensor";
import { BCEWithLogitsLoss, type BCEWithLogitsLossOptions } from "./bce_with_logits_loss.ts";
import { BCELoss } from "./bce_loss.ts";
import type { Reduction } from "./loss.ts";

const X = tensor([[-2, 0.5, 3], [1.25, -0.75, 0]]);
const T = tensor([[0, 1, 0.3], [1, 0, 1]]);

function check(options: BCEWithLogitsLossOptions, pred: Tensor, target: Tensor): void {
  const loss = new BCEWithLogitsLoss(options);
  gradcheck({ forward: (p) => loss.forward(p, target), backward: (g) => loss.backward(g) }, [pred]);
}

Deno.test("BCEWithLogitsLoss backward() matches finite differences with weight and posWeight", () => {
  const weight = tensor([0.5, 2, 1]), posWeight = tensor([3, 0.5, 1.5]);
  for (const reduction of ["mean", "sum", "none"] as Reduction[]) {
    for (const v of [{}, { weight }, { posWeight }, { weight, posWeight }]) {
      check({ ...v, reduction }, X, T);
    }
  }
  check({}, tensor([60, -60, 700, -700]), tensor([1, 0.5, 0, 1]));
});

Deno.test("BCEWithLogitsLoss equals BCELoss after a sigmoid", () => {
  const a = new BCEWithLogitsLoss(), b = new BCELoss();
  assertClose(a.forward(X, T), b.forward(X.sigmoid(), T));
});

Deno.test("BCEWithLogitsLoss never overflows on large logits", () => {
  const loss = new BCEWithLogitsLoss({ reduction: "none" });
  const out = loss.forward(tensor([1000, -1000, 1000, -1000]), tensor([1, 0, 0, 1]));
  assertClose(out, [0, 0, 1000, 1000]);
  ok(loss.backward().toTypedArray().every(Number.isFinite));
});

Deno.test("BCEWithLogitsLoss throws clear errors for bad shapes and weights", () => {
  throws(() => new BCEWithLogitsLoss().forward(X, T.to("float32")), {
    message: /pred is float64 but target is float32/,
  });
  throws(() => new BCEWithLogitsLoss({ posWeight: tensor([1, 2]) }).forward(X, T), {
    name: "TypeError",
    message: /posWeight has shape \[2\], expected a shape that broadcasts to \[2, 3\]/,
  });
  throws(() => new BCEWithLogitsLoss().backward(), {
    message: /BCEWithLogitsLoss.backward: no forward pass is stored/,
  });
});
