/**
 * `Parameter`: a named, trainable tensor and the gradient accumulated for it.
 *
 * @module
 */

import { type Device, type DType, keep, type Tensor, zeros } from "@glassbox/tensor";
import { fmtShape } from "@glassbox/internal";
import { checkTensor } from "./_util.ts";

/** The state a parameter and its renamed views share. */
interface Slot {
  value: Tensor;
  grad: Tensor | null;
  /** The value came from `replace()`: the parameter may release it. */
  owned: boolean;
  /** Someone read the value through the `value` getter: it must stay valid. */
  pinned: boolean;
  /** Writes so far (see `version`). */
  version: number;
}

/**
 * A trainable tensor with a PyTorch-style name (`"weight"`, `"0.bias"`) and
 * its gradient. Every `backward()` adds into `grad` (`+=`) until `zeroGrad()`.
 *
 * Writing and moving, one way each: optimizers update the value in place
 * through the backend's `optimizerUpdate` on `writableValue()`, which copies
 * first when someone holds the value (read through `value`), so tensors stay
 * immutable for their readers; devices and dtypes change with `to(target)`
 * (`toAsync` where the read-back must wait, as from a GPU). Assigning `value`
 * is for user code (a checkpoint, a hand-made weight); `replace` and
 * `restore` serve the host-side L-BFGS mirror and the WebGPU fit path.
 *
 * Containers hand out renamed views (`renamed("0.weight")`) that share the
 * value and gradient with the layer's own parameter, so an optimizer that
 * assigns `p.value` through `model.parameters()` updates the layer.
 *
 * @example Accumulate, read and reset a gradient
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const p = new Parameter("weight", tensor([[1, 2]]));
 * p.accumulate(tensor([[0.5, 0.5]]));
 * p.accumulate(tensor([[0.5, 1]]));
 * deepStrictEqual(p.grad.toArray(), [[1, 1.5]]);
 * p.zeroGrad();
 * deepStrictEqual(p.grad.toArray(), [[0, 0]]);
 * ```
 */
export class Parameter {
  /** The name, as in a PyTorch state dict: `"weight"`, or `"0.weight"` inside a Sequential. */
  readonly name: string;
  #slot: Slot;

  /**
   * Creates a parameter with a zero gradient.
   *
   * @param name The parameter's name (`"weight"`, `"bias"`).
   * @param value The initial value.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { zeros } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * deepStrictEqual(new Parameter("bias", zeros([3])).shape, [3]);
   * ```
   */
  constructor(name: string, value: Tensor) {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(
        `Cannot create parameter: name must be a non-empty string, got ${String(name)}`,
      );
    }
    this.name = name;
    this.#slot = {
      value: keep(checkTensor(value, `create parameter ${name}`, "value")),
      grad: null,
      owned: false,
      pinned: false,
      version: 0,
    };
  }

  /**
   * The current value. Assigning checks that shape, dtype and device stay the
   * same. A value read here keeps its numbers after later optimizer steps
   * (the next step updates a copy: copy-on-write).
   */
  get value(): Tensor {
    const slot = this.#slot;
    slot.pinned = true;
    return slot.value;
  }
  set value(value: Tensor) {
    // Kept: a value assigned inside a tidy() outlives it.
    const slot = this.#slot;
    slot.value = keep(this.#checkLike(value, "set value of"));
    slot.owned = slot.pinned = false;
    slot.version++;
  }

  /**
   * The value an optimizer overwrites in place — the one way optimizers write
   * values: pass `storageOf(writableValue())` to the backend's
   * `optimizerUpdate`. Copy-on-write keeps tensors immutable for readers:
   * when the value is not the parameter's own (it came from the constructor,
   * the `value` setter or `restore`) or was read through `value` since the
   * last update, it is first replaced by a copy, and the reader's tensor keeps
   * its numbers. Views taken through `borrow()` do see the update.
   *
   * @returns The parameter's own value, safe to update in place.
   *
   * @example The value read before an update keeps its numbers
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { storageOf } from "@glassbox/tensor/backend";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * const before = w.value;
   * const own = w.writableValue(); // a copy: `before` is the caller's
   * (storageOf(own) as Float64Array)[0] = 5; // what optimizerUpdate does
   * strictEqual(before.item(), 1);
   * strictEqual(w.value.item(), 5);
   * ```
   */
  writableValue(): Tensor {
    const slot = this.#slot;
    if (!slot.owned || slot.pinned) {
      // Kept: a copy made inside a tidy() outlives it.
      slot.value = keep(slot.value.clone());
      slot.owned = true;
      slot.pinned = false;
    }
    slot.version++; // the caller writes next
    return slot.value;
  }

  /**
   * The current value for code inside a training step (a layer's forward
   * pass, an optimizer): unlike `value`, reading it does not stop the next
   * `replace()` from releasing it, so it is valid only until then, and an
   * optimizer step updates its elements in place. Read `value` to keep the
   * numbers of this moment.
   *
   * @returns The current value.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * w.replace(tensor([2]));
   * const borrowed = w.borrow();
   * w.replace(tensor([3])); // releases [2]: nobody read it through `value`
   * strictEqual(borrowed.disposed, true);
   * strictEqual(w.value.item(), 3);
   * ```
   */
  borrow(): Tensor {
    return this.#slot.value;
  }

  /**
   * Sets the value the way an optimizer step does: like assigning `value`,
   * but the parameter owns the new tensor and releases it (its storage goes
   * back to the pool) when the next `replace()` supersedes it — unless it
   * was read through `value` in between, which keeps it valid for whoever
   * read it. A value set by assignment or at construction is never released.
   *
   * @param value The new value: same shape, dtype and device.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * w.replace(tensor([2]));
   * const before = w.value; // read through value: stays valid
   * w.replace(tensor([3]));
   * strictEqual(before.item(), 2);
   * ```
   */
  replace(value: Tensor): void {
    const slot = this.#slot;
    const next = keep(this.#checkLike(value, "replace value of"));
    const old = slot.value;
    slot.value = next;
    if (slot.owned && !slot.pinned && old !== next) old.dispose();
    slot.owned = true;
    slot.pinned = false;
    slot.version++;
  }

  /**
   * The gradient accumulated since the last `zeroGrad()` (zeros before any
   * backward pass). The parameter owns it: the next `accumulate()` or
   * `zeroGrad()` releases it, so take a `view()` or `clone()` to keep it.
   */
  get grad(): Tensor {
    const slot = this.#slot;
    slot.grad ??= keep(
      zeros(slot.value.shape, { dtype: slot.value.dtype, device: slot.value.device }),
    );
    return slot.grad;
  }
  set grad(grad: Tensor) {
    const own = keep(this.#checkLike(grad, "set gradient of").view());
    this.#slot.grad?.dispose();
    this.#slot.grad = own;
  }

  /** Shape of the value. */
  get shape(): readonly number[] {
    return this.#slot.value.shape;
  }

  /**
   * How many times the value has been written (an optimizer step, an
   * assignment, a move): compare two readings to tell whether it changed,
   * as PyTorch's tensor version counter. Renamed views share it.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1]));
   * const seen = w.version;
   * w.value = tensor([2]);
   * strictEqual(w.version, seen + 1);
   * ```
   */
  get version(): number {
    return this.#slot.version;
  }

  /**
   * Adds a gradient contribution: `grad += gradient`.
   *
   * @param gradient A tensor of the value's shape, dtype and device.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const p = new Parameter("bias", tensor([0, 0]));
   * p.accumulate(tensor([1, 2]));
   * deepStrictEqual(p.grad.toArray(), [1, 2]);
   * ```
   */
  accumulate(gradient: Tensor): void {
    const g = this.#checkLike(gradient, "accumulate gradient of");
    const slot = this.#slot;
    // The gradient is the parameter's own tensor (a view of g, or a new sum), released by
    // zeroGrad(): the caller may dispose g.
    const old = slot.grad;
    slot.grad = keep(old === null ? g.view() : old.add(g));
    old?.dispose();
  }

  /**
   * Resets the gradient to zeros.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const p = new Parameter("bias", tensor([0]));
   * p.accumulate(tensor([3]));
   * p.zeroGrad();
   * deepStrictEqual(p.grad.toArray(), [0]);
   * ```
   */
  zeroGrad(): void {
    this.#slot.grad?.dispose();
    this.#slot.grad = null;
  }

  /**
   * Converts the value and gradient to another dtype or moves them to another device.
   *
   * @param target A dtype or a device.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const p = new Parameter("weight", tensor([[0.1]]));
   * p.to("float32");
   * strictEqual(p.value.dtype, "float32");
   * ```
   */
  to(target: DType | Device): void {
    const slot = this.#slot;
    const old = slot.value;
    const next = old.to(target);
    if (next === old) return; // already there
    slot.value = keep(next);
    // The copy is the parameter's own: the next replace() (an optimizer step) releases it.
    if (slot.owned && !slot.pinned) old.dispose();
    slot.owned = true;
    slot.pinned = false;
    slot.version++;
    const grad = slot.grad;
    if (grad !== null) {
      slot.grad = keep(grad.to(target));
      if (slot.grad !== grad) grad.dispose();
    }
  }

  /**
   * Sets the value from a copy kept elsewhere: same shape and dtype, on any
   * device — e.g. the weights a trainer kept on the CPU when its GPU device
   * was lost, when the old value can no longer be read. The gradient is
   * dropped.
   *
   * @param value The value to restore.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1, 2]));
   * w.restore(tensor([3, 4]));
   * deepStrictEqual(w.value.toArray(), [3, 4]);
   * ```
   */
  restore(value: Tensor): void {
    const slot = this.#slot;
    checkTensor(value, `restore parameter ${this.name}`, "value");
    const v = slot.value;
    const sameShape = value.shape.length === v.shape.length &&
      value.shape.every((d, i) => d === v.shape[i]);
    if (!sameShape || value.dtype !== v.dtype) {
      throw new TypeError(
        `Cannot restore parameter ${this.name}: got ${fmtShape(value.shape)} ${value.dtype}, ` +
          `expected ${fmtShape(v.shape)} ${v.dtype}`,
      );
    }
    slot.grad?.dispose();
    slot.grad = null;
    slot.value = keep(value);
    slot.owned = slot.pinned = false;
    slot.version++;
  }

  /**
   * `to(target)` for any pair of devices: reads the value (and gradient) back
   * first where the source has no synchronous read, e.g. to bring a
   * parameter trained on WebGPU back to the CPU.
   *
   * @param target A dtype or a device.
   * @returns A promise that resolves once the parameter has moved.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { cpu, tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const w = new Parameter("w", tensor([1, 2]));
   * await w.toAsync(cpu);
   * strictEqual(w.value.device, cpu);
   * ```
   */
  async toAsync(target: DType | Device): Promise<void> {
    const slot = this.#slot;
    const value = keep(await slot.value.toAsync(target));
    const grad = slot.grad === null ? null : keep(await slot.grad.toAsync(target));
    if (grad !== slot.grad) slot.grad?.dispose();
    slot.value = value;
    slot.grad = grad;
    slot.owned = slot.pinned = false;
    slot.version++;
  }

  /**
   * A view of this parameter under another name, sharing value and gradient
   * — how containers prefix names (`"weight"` → `"0.weight"`).
   *
   * @param name The full name.
   * @returns A parameter that reads and writes the same state.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { tensor } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const p = new Parameter("weight", tensor([1]));
   * const view = p.renamed("0.weight");
   * view.value = tensor([2]);
   * strictEqual(p.value.item(), 2);
   * ```
   */
  renamed(name: string): Parameter {
    const view = new Parameter(name, this.#slot.value);
    view.#slot = this.#slot;
    return view;
  }

  #checkLike(t: Tensor, action: string): Tensor {
    checkTensor(t, `${action} parameter ${this.name}`, "the new tensor");
    const v = this.#slot.value;
    const sameShape = t.shape.length === v.shape.length &&
      t.shape.every((d, i) => d === v.shape[i]);
    if (!sameShape || t.dtype !== v.dtype || t.device !== v.device) {
      throw new TypeError(
        `Cannot ${action} parameter ${this.name}: got ${
          fmtShape(t.shape)
        } ${t.dtype} on ${t.device.name}, ` +
          `expected ${fmtShape(v.shape)} ${v.dtype} on ${v.device.name}`,
      );
    }
    return t;
  }
}
