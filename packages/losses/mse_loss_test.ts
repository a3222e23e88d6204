import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { assertClose, gradcheck, type Tensor, tensor } from "@glassbox/tensor";
import { MSELoss } from "./mse_loss.ts";
import type { Loss, Reduction } from "./loss.ts";

const REDUCTIONS: Reduction[] = ["mean", "sum", "none"];

function check(loss: Loss, pred: Tensor, target: Tensor, gradOutput?: Tensor): void {
  gradcheck(
    { forward: (p) => loss.forward(p, target), backward: (g) => loss.backward(g) },
    [pred],
    { gradOutput },
  );
}

const PRED = tensor([[0.5, -1.5, 2], [3, 0.25, -0.75]]);
const TARGET = tensor([[1, -1, 0], [2.5, 0, 1]]);

Deno.test("MSELoss backward() matches finite differences for every reduction", () => {
  for (const reduction of REDUCTIONS) check(new MSELoss({ reduction }), PRED, TARGET);
  check(new MSELoss(), PRED, TARGET, tensor(-0.7));
  check(new MSELoss({ reduction: "sum" }), tensor([1, 2, 3]), tensor([3, 2, 1]), tensor(2.5));
});

Deno.test("MSELoss forward() gives mean, sum and elementwise squared errors", () => {
  const p = tensor([1, 2, 4]), t = tensor([1, 0, 1]);
  strictEqual(new MSELoss().forward(p, t).item(), 13 / 3);
  strictEqual(new MSELoss({ reduction: "sum" }).forward(p, t).item(), 13);
  deepStrictEqual(new MSELoss({ reduction: "none" }).forward(p, t).toArray(), [0, 4, 9]);
  deepStrictEqual(new MSELoss().forward(p, t).shape, []);
});

Deno.test("MSELoss backward() without gradOutput for reduction none is the gradient of the sum", () => {
  const loss = new MSELoss({ reduction: "none" });
  loss.forward(PRED, TARGET);
  assertClose(loss.backward(), loss.backward(tensor([[1, 1, 1], [1, 1, 1]])));
  const sum = new MSELoss({ reduction: "sum" });
  sum.forward(PRED, TARGET);
  assertClose(loss.backward(), sum.backward());
});

Deno.test("MSELoss works in float32", () => {
  const loss = new MSELoss();
  const value = loss.forward(PRED.to("float32"), TARGET.to("float32"));
  strictEqual(value.dtype, "float32");
  assertClose(value, new MSELoss().forward(PRED, TARGET).item(), { rtol: 1e-6 });
  strictEqual(loss.backward().dtype, "float32");
});

Deno.test("MSELoss throws clear errors for bad shapes, dtypes, order of calls and options", () => {
  throws(() => new MSELoss().forward(PRED, tensor([1, 2])), {
    name: "TypeError",
    message:
      "Cannot compute MSELoss: pred has shape [2, 3] but target has shape [2], expected the same shape",
  });
  throws(() => new MSELoss().forward(PRED, TARGET.to("float32")), {
    name: "TypeError",
    message: /pred is float64 but target is float32, expected the same dtype/,
  });
  throws(() => new MSELoss().backward(), {
    message:
      "Cannot run MSELoss.backward: no forward pass is stored, call forward(pred, target) first",
  });
  throws(() => new MSELoss({ reduction: "avg" as Reduction }), {
    name: "RangeError",
    message: /reduction "avg" is not supported, expected "mean", "sum" or "none"/,
  });
  throws(() => new MSELoss().forward([1, 2] as unknown as Tensor, TARGET), {
    name: "TypeError",
    message: "Cannot compute MSELoss: pred must be a Tensor, got [1, 2]",
  });
  const none = new MSELoss({ reduction: "none" });
  none.forward(PRED, TARGET);
  throws(() => none.backward(tensor(1)), {
    name: "TypeError",
    message: /gradOutput has shape \[\], expected the loss's shape \[2, 3\] \(reduction "none"\)/,
  });
  const mean = new MSELoss();
  mean.forward(PRED, TARGET);
  throws(() => mean.backward(tensor([1, 2])), {
    message: /expected a scalar \(reduction "mean"\)/,
  });
  throws(() => mean.backward(tensor(1, { dtype: "float32" })), {
    message: /gradOutput is float32 on cpu/,
  });
});
