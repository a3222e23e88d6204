import { cpu, tensor, zeros } from "@glassbox/tensor";
import { storageOf } from "@glassbox/tensor/backend";
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
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

Deno.test("writableValue() copies a value someone may hold, once, then writes in place", () => {
  const given = tensor([1, 2]);
  const p = new Parameter("w", given);
  const first = p.writableValue(); // the constructor's tensor is the caller's
  ok(first !== given);
  strictEqual(p.writableValue(), first); // its own now: no second copy
  const read = p.value;
  const second = p.writableValue(); // read through `value` since: copied again
  ok(second !== read);
  (storageOf(second) as Float64Array)[0] = 9;
  deepStrictEqual(read.toArray(), [1, 2]);
  deepStrictEqual(given.toArray(), [1, 2]);
  strictEqual(read.disposed, false); // a reader's tensor is never released
  deepStrictEqual(p.value.toArray(), [9, 2]);
  p.value = tensor([3, 4]); // the user's assignment: copied at the next write
  const third = p.writableValue();
  (storageOf(third) as Float64Array)[0] = 0;
  deepStrictEqual(p.value.toArray(), [0, 4]);
});

Deno.test("every write and move counts in version, shared by renamed views", () => {
  const p = new Parameter("w", tensor([1]));
  const view = p.renamed("0.w");
  p.writableValue();
  view.value = tensor([2]);
  p.to("float32");
  p.to(cpu, { value: tensor([3], { dtype: "float32" }) });
  strictEqual(view.version, 4);
  p.to("float32"); // already there: no write
  strictEqual(view.version, 4);
});

Deno.test("to() releases the old value only when the parameter alone held it", () => {
  const given = tensor([1, 2]);
  const p = new Parameter("w", given);
  p.to("float32");
  strictEqual(given.disposed, false); // the caller's
  const own = p.borrow();
  p.to("float64");
  strictEqual(own.disposed, true); // the parameter's own converted copy
  const read = p.value;
  p.to("float32");
  strictEqual(read.disposed, false); // read through `value`
  deepStrictEqual(p.value.toArray(), [1, 2]);
});

Deno.test("to(target, { value }) takes the given numbers, checks them and drops the gradient", () => {
  const p = new Parameter("w", tensor([1, 2]));
  p.accumulate(tensor([5, 5]));
  throws(
    () => p.to(cpu, { value: tensor([1, 2, 3]) }),
    /Cannot move parameter w: got \[3\] float64 on cpu, expected \[2\] float64 on cpu/,
  );
  throws(
    () => p.to("float32", { value: tensor([1, 2]) }),
    /Cannot move parameter w: got \[2\] float64 on cpu, expected \[2\] float32 on cpu/,
  );
  throws(
    () => p.to(cpu, { value: [1, 2] as never }),
    /Cannot move parameter w: the new tensor is an array, expected a Tensor/,
  );
  deepStrictEqual(p.grad.toArray(), [5, 5]); // nothing changed by a refused move
  const kept = tensor([7, 8], { dtype: "float32" });
  p.to("float32", { value: kept });
  strictEqual(p.value, kept);
  deepStrictEqual(p.grad.toArray(), [0, 0]);
  strictEqual(p.grad.dtype, "float32");
  // The given tensor is the caller's: the next optimizer write copies it.
  ok(p.writableValue() !== kept);
});

Deno.test("toAsync() moves value and gradient and releases what the parameter alone held", async () => {
  const p = new Parameter("w", tensor([1, 2]));
  p.accumulate(tensor([3, 4]));
  const own = p.writableValue();
  const grad = p.grad;
  await p.toAsync("float32");
  strictEqual(own.disposed, true);
  strictEqual(grad.disposed, true);
  deepStrictEqual(p.value.toArray(), [1, 2]);
  deepStrictEqual(p.grad.toArray(), [3, 4]);
  strictEqual(p.grad.dtype, "float32");
});

Deno.test("toAsync() refuses to finish a move when the value was written during the read-back", async () => {
  const p = new Parameter("w", tensor([1, 2]));
  const moving = p.toAsync("float32");
  p.value = tensor([5, 6]); // before the read-back resolves
  await rejects(
    moving,
    /Cannot move parameter w: it was written or moved while its value was read back/,
  );
  deepStrictEqual(p.value.toArray(), [5, 6]);
  strictEqual(p.value.dtype, "float64");
});

Deno.test("assigning value releases the replaced value only when the parameter alone held it", () => {
  const p = new Parameter("w", tensor([1, 2]));
  const own = p.writableValue();
  p.value = tensor([3, 4]);
  strictEqual(own.disposed, true); // the parameter's own copy, read by nobody
  const assigned = p.borrow();
  p.value = assigned; // the same tensor again: kept
  strictEqual(assigned.disposed, false);
  p.value = tensor([5, 6]);
  strictEqual(assigned.disposed, false); // the caller's tensor
  deepStrictEqual(p.value.toArray(), [5, 6]);
});
