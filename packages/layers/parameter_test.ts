import { tensor, zeros } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { Parameter } from "./mod.ts";

Deno.test("Parameter.renamed() views share value and gradient with the original", () => {
  const p = new Parameter("weight", tensor([1, 2]));
  const view = p.renamed("0.weight");
  strictEqual(view.name, "0.weight");
  view.accumulate(tensor([1, 1]));
  deepStrictEqual(p.grad.toArray(), [1, 1]);
  p.zeroGrad();
  deepStrictEqual(view.grad.toArray(), [0, 0]);
  view.to("float32");
  strictEqual(p.value.dtype, "float32");
});

Deno.test("Parameter rejects values and gradients of another shape or dtype", () => {
  const p = new Parameter("bias", zeros([3]));
  throws(
    () => p.accumulate(zeros([2])),
    /Cannot accumulate gradient of parameter bias: got \[2\] float64 on cpu, expected \[3\] float64 on cpu/,
  );
  throws(() => {
    p.grad = zeros([3], { dtype: "float32" });
  }, /Cannot set gradient of parameter bias: got \[3\] float32/);
  throws(() => {
    p.value = 3 as never;
  }, /Cannot set value of parameter bias: the new tensor is a number, expected a Tensor/);
  throws(() => new Parameter("", zeros([1])), /name must be a non-empty string/);
  throws(
    () => new Parameter("w", [1] as never),
    /Cannot create parameter w: value is an array, expected a Tensor/,
  );
});
