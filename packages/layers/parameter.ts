/**
 * `Parameter`: a named, trainable tensor and the gradient accumulated for it.
 *
 * @module
 */

import { type Device, type DType, keep, Tensor, zeros } from "@glassbox/tensor";
import { fmtShape } from "@glassbox/internal";
import { checkTensor } from "./_util.ts";

/** The state a parameter and its renamed views share. */
interface Slot {
  value: Tensor;
  grad: Tensor | null;
  /**
   * Someone else may hold the value: it came from the constructor or the
   * `value` setter, or was read through the `value` getter. The next write
   * copies it first, and a move does not release it.
   */
  shared: boolean;
  /** Writes so far (see `version`). */
  version: number;
}

/** Options of `Parameter.to`. */
export interface ParameterToOptions {
  /**
   * The value to take instead of converting the current one, a tensor of
   * the parameter's shape with the dtype and device `target` gives — for
   * when the current value cannot be read, as on a GPU device that was lost.
   * The gradient is dropped.
   */
  readonly value?: Tensor;
}

/**
 * A trainable tensor with a PyTorch-style name (`"weight"`, `"0.bias"`) and
 * its gradient. Every `backward()` adds into `grad` (`+=`) until `zeroGrad()`.
 *
 * One way to write, one way to move:
 *
 * - **Optimizers write in place through `writableValue()`**: every optimizer
 *   (SGD, Adam, AdamW, and L-BFGS and BFGS with an `"assign"` rule of values
 *   computed on the host) passes the storage of `writableValue()` to the
 *   backend's `optimizerUpdate`. Copy-on-write keeps tensors immutable for
 *   their readers: a value read through `value`, or one the parameter did
 *   not make (the constructor's, an assigned one), is copied before the first
 *   write, and the reader keeps its numbers; `borrow()` reads without that
 *   promise and sees the writes.
 * - **Devices and dtypes change with `to(target)`** (`toAsync(target)` where
 *   the read-back must wait, as from a GPU; `to(target, { value })` where the
 *   current value cannot be read at all, as on a lost GPU device): value and
 *   gradient move together, and a value only the parameter held is released.
 *
 * Assigning `value` is for user code — a state dict being loaded, a callback
 * restoring kept weights, a hand-made weight: it checks that shape, dtype
 * and device stay the same. Containers hand out renamed views
 * (`renamed("0.weight")`) that share the value, gradient and version with
 * the layer's own parameter, so writing through `model.parameters()`
 * updates the layer.
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
 *
 * @example The write path: an optimizer step in place through `writableValue()`
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { tensor } from "@glassbox/tensor";
 * import { storageOf } from "@glassbox/tensor/backend";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const w = new Parameter("w", tensor([1, 2]));
 * w.accumulate(tensor([10, 20]));
 * const before = w.value; // a reader's tensor
 * const step = () => {
 *   const own = w.writableValue();
 *   const sgd = {
 *     kind: "sgd", lr: 0.1, momentum: 0, dampening: 0, nesterov: false,
 *     weightDecay: 0, maximize: false, fresh: [true],
 *   } as const;
 *   own.device.backend.optimizerUpdate(sgd, [storageOf(own)], [storageOf(w.grad)], [[]], {
 *     dtype: own.dtype,
 *     sizes: [own.size],
 *   });
 * };
 * step(); // copies `before` first, then updates the copy
 * deepStrictEqual(before.toArray(), [1, 2]); // the reader's numbers stay
 * const borrowed = w.borrow(); // the parameter's own tensor, no such promise
 * step(); // in place: nobody read `value` since the last write
 * deepStrictEqual(borrowed.toArray(), [-1, -2]);
 * strictEqual(w.borrow(), borrowed);
 * ```
 *
 * @example The move path: `to` and `toAsync`
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { cpu, tensor } from "@glassbox/tensor";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const w = new Parameter("w", tensor([1.5, 2]));
 * w.accumulate(tensor([1, 1]));
 * w.to("float32"); // value and gradient
 * strictEqual(w.value.dtype, "float32");
 * strictEqual(w.grad.dtype, "float32");
 * await w.toAsync(cpu); // from a GPU this waits for the read-back
 * strictEqual(w.value.device, cpu);
 * // Taking numbers kept elsewhere when the current ones cannot be read:
 * w.to(cpu, { value: tensor([3, 4], { dtype: "float32" }) });
 * deepStrictEqual(w.value.toArray(), [3, 4]);
 * deepStrictEqual(w.grad.toArray(), [0, 0]); // the gradient was dropped
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
      shared: true, // the caller's tensor
      version: 0,
    };
  }

  /**
   * The current value. A value read here keeps its numbers after later
   * optimizer steps (the next step updates a copy: copy-on-write).
   *
   * Assigning is the user's write — a state dict, weights a callback kept, a
   * hand-made value: it checks that shape, dtype and device stay the same
   * (move with `to` first), and the parameter never releases the tensor
   * (it releases the value it replaces if only the parameter held it).
   * Optimizers write through `writableValue()` instead.
   */
  get value(): Tensor {
    const slot = this.#slot;
    slot.shared = true;
    return slot.value;
  }
  set value(value: Tensor) {
    // Kept: a value assigned inside a tidy() outlives it.
    this.#take(keep(this.#checkLike(value, "set value of")), true);
  }

  /**
   * The value an optimizer overwrites in place — the one way optimizers
   * write values: pass `storageOf(writableValue())` to the backend's
   * `optimizerUpdate` (SGD, Adam, AdamW with their rules; L-BFGS and BFGS
   * with an `"assign"` rule of values computed on the host). Copy-on-write
   * keeps tensors immutable for readers: when the value is not the
   * parameter's own (it came from the constructor or the `value` setter) or
   * was read through `value` since the last write, it is first replaced by a
   * copy, and the reader's tensor keeps its numbers. Views taken through
   * `borrow()` do see the update. Counts as a write (`version`).
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
   * own.device.backend.optimizerUpdate({ kind: "assign", values: [[5]] }, [storageOf(own)], [], [], {
   *   dtype: own.dtype,
   *   sizes: [1],
   * });
   * strictEqual(before.item(), 1);
   * strictEqual(w.value.item(), 5);
   * ```
   */
  writableValue(): Tensor {
    const slot = this.#slot;
    if (slot.shared) {
      // Kept: a copy made inside a tidy() outlives it. The old value is someone else's.
      slot.value = keep(slot.value.clone());
      slot.shared = false;
    }
    slot.version++; // the caller writes next
    return slot.value;
  }

  /**
   * The current value for code inside a training step (a layer's forward
   * pass, an optimizer reading its point): unlike `value`, reading it makes
   * no promise, so the next optimizer step writes it in place and the next
   * assignment or move may release it. Read `value` (or take a `clone()`)
   * to keep the numbers of this moment.
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
   * w.to("float32"); // a converted copy: the parameter's own
   * const borrowed = w.borrow();
   * w.to("float64"); // releases the float32 copy: nobody read it through `value`
   * strictEqual(borrowed.disposed, true);
   * strictEqual(w.value.item(), 1);
   * ```
   */
  borrow(): Tensor {
    return this.#slot.value;
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
   * Moves the value and gradient to another device, or converts them to
   * another dtype — the one way parameters move (`model.to(target)` calls it
   * for each). The converted value is the parameter's own; the old one is
   * released unless someone may hold it (it was read through `value`, or
   * the parameter did not make it). Moving from a device the host cannot
   * read synchronously (WebGPU) needs `toAsync`, or `options.value`.
   *
   * @param target A dtype or a device.
   * @param options `value`: numbers kept elsewhere to take instead of
   *   converting the current ones (same shape, the target's dtype and
   *   device), for when the current value cannot be read — a trainer's host
   *   copy of the weights after its GPU device was lost. The gradient is
   *   dropped then.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { Parameter } from "@glassbox/layers";
   * import { cpu, tensor } from "@glassbox/tensor";
   * import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
   *
   * const p = new Parameter("weight", tensor([[0.1]]));
   * p.to("float32");
   * strictEqual(p.value.dtype, "float32");
   * p.to(cpu, { value: tensor([[2]], { dtype: "float32" }) });
   * deepStrictEqual(p.value.toArray(), [[2]]);
   * throws(() => p.to(cpu, { value: tensor([[2]]) }), /got \[1, 1\] float64 on cpu, expected \[1, 1\] float32 on cpu/);
   * ```
   */
  to(target: DType | Device, options: ParameterToOptions = {}): void {
    const slot = this.#slot;
    const old = slot.value;
    const given = options.value;
    if (given !== undefined) {
      const dtype = typeof target === "string" ? target : old.dtype;
      const device = typeof target === "string" ? old.device : target;
      this.#checkLike(given, "move", { dtype, device });
      slot.grad?.dispose();
      slot.grad = null;
      this.#take(keep(given), true);
      return;
    }
    const next = old.to(target);
    if (next === old) return; // already there
    this.#take(keep(next), false);
    const grad = slot.grad;
    if (grad !== null) {
      slot.grad = keep(grad.to(target));
      if (slot.grad !== grad) grad.dispose();
    }
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
    const old = slot.value, oldGrad = slot.grad, version = slot.version;
    const value = await old.toAsync(target);
    const grad = oldGrad === null ? null : await oldGrad.toAsync(target);
    if (value === old) return; // already there
    if (slot.version !== version || slot.grad !== oldGrad) {
      for (const t of new Set([value, grad])) t?.dispose();
      throw new Error(
        `Cannot move parameter ${this.name}: it was written or moved while its value was read back`,
      );
    }
    this.#take(keep(value), false);
    slot.grad = grad === null ? null : keep(grad);
    if (grad !== oldGrad) oldGrad?.dispose();
  }

  /** Makes `next` the value (`shared`: the caller's tensor), releasing the old one if only the parameter held it. */
  #take(next: Tensor, shared: boolean): void {
    const slot = this.#slot;
    const old = slot.value;
    slot.value = next;
    if (!slot.shared && old !== next) old.dispose();
    slot.shared = shared;
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

  #checkLike(
    t: Tensor,
    action: string,
    like: { readonly dtype: DType; readonly device: Device } = this.#slot.value,
  ): Tensor {
    if (!(t instanceof Tensor)) {
      checkTensor(t, `${action} parameter ${this.name}`, "the new tensor");
    }
    const v = this.#slot.value;
    let sameShape = t.shape.length === v.shape.length;
    for (let i = 0; sameShape && i < t.shape.length; i++) sameShape = t.shape[i] === v.shape[i];
    if (!sameShape || t.dtype !== like.dtype || t.device !== like.device) {
      throw new TypeError(
        `Cannot ${action} parameter ${this.name}: got ${
          fmtShape(t.shape)
        } ${t.dtype} on ${t.device.name}, ` +
          `expected ${fmtShape(v.shape)} ${like.dtype} on ${like.device.name}`,
      );
    }
    return t;
  }
}
