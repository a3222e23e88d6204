/**
 * The `Backend` interface: the primitive kernels a device implements. Every
 * Tensor operation is composed from these; layers and losses never see them.
 *
 * The operation names are string unions, and a backend's kernel tables are
 * typed as `{ [K in UnaryOp]: ... }`, so adding an operation here without a
 * kernel in every backend is a compile error.
 *
 * @module
 */

import type { DType, TypedArray } from "./dtype.ts";

/** Elementwise functions of one argument. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "square"
  | "sqrt"
  | "reciprocal"
  | "exp"
  | "log"
  | "tanh"
  | "sigmoid"
  | "relu";

/** Elementwise functions of two broadcast arguments; comparisons give 1 or 0. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "equal"
  | "greater"
  | "greaterEqual"
  | "less"
  | "lessEqual";

/** Reductions along one axis. `argmax`/`argmin` give the first index of the extreme. */
export type ReduceOp = "sum" | "max" | "min" | "argmax" | "argmin";

/** Row-wise normalisations, numerically stable (the row maximum is subtracted first). */
export type SoftmaxOp = "softmax" | "logSoftmax";

/**
 * The pointwise activations a backend fuses into `denseForward` and
 * `denseBackward`, each with the value its derivative reads: `"output"`
 * y = f(z) (ReLU, sigmoid, tanh, identity, as their layers compute it) or
 * `"input"` z, the pre-activation (leaky ReLU, softplus, ELU). `denseForward`
 * returns z as `pre` when it is `"input"`; `denseBackward` takes that value
 * as `saved`.
 *
 * This object declares the set: `ActivationOp` is its keys, and each backend
 * keeps one kernel table typed `{ [K in ActivationOp]: ... }` (forward f and
 * derivative), so an activation declared here without a kernel in every
 * backend is a compile error. Adding one is this line, one entry per
 * backend's table (the CPU's `CPU_ACTIVATIONS` in `cpu/activations.ts`,
 * WebGPU's in `@glassbox/webgpu-kernels`' `_wgsl_activation.ts`) and the
 * layer that uses it.
 *
 * @example
 * ```ts
 * import { ACTIVATION_SAVES } from "@glassbox/tensor/backend";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(ACTIVATION_SAVES.tanh, "output"); // 1 − y²
 * strictEqual(ACTIVATION_SAVES.softplus, "input"); // σ(βz)
 * ```
 */
export const ACTIVATION_SAVES = {
  identity: "output",
  relu: "output",
  sigmoid: "output",
  tanh: "output",
  leakyRelu: "input",
  softplus: "input",
  elu: "input",
} as const;

/** The pointwise activations a backend fuses: the keys of `ACTIVATION_SAVES`. */
export type ActivationOp = keyof typeof ACTIVATION_SAVES;

/**
 * One activation with its arguments: leaky ReLU `args = [negativeSlope]`,
 * softplus `args = [beta, threshold]`, ELU `args = [alpha]`; the others take
 * none.
 */
export interface ActivationSpec {
  /** The activation. */
  readonly op: ActivationOp;
  /** Its numeric arguments, in the order documented for the op (default none). */
  readonly args?: readonly number[];
}

/** Geometry of a dense layer's pass: `out = f(x·Wᵀ + b)`, W stored `[outFeatures, inFeatures]`. */
export interface DenseInfo {
  /** Element type of every operand. */
  readonly dtype: DType;
  /** Rows of x (the batch). */
  readonly rows: number;
  /** Columns of x, columns of W. */
  readonly inFeatures: number;
  /** Rows of W, columns of the output. */
  readonly outFeatures: number;
  /** The activation f applied after the bias. */
  readonly activation: ActivationSpec;
  /**
   * A number naming W's tensor, for a backend that keeps a copy of W between calls (the CPU's
   * small kernel keeps W and Wᵀ in its WebAssembly memory): the same key always comes with the
   * same storage, as long as a tensor of that storage is alive (views of one tensor may share
   * its key). The values are not promised: a backend that keeps a copy drops it when its
   * storage is written in place (`optimizerUpdate`). Omitted: nothing is kept.
   */
  readonly weightKey?: number;
}

/**
 * One layer of a dense chain (`Backend.denseChain`): `h ← f(h·Wᵀ + b)` with W
 * `[outFeatures, inFeatures]`, b `[outFeatures]` or null, and f an activation
 * or softmax over each row.
 */
export interface DenseChainLayer {
  /** W, `[outFeatures, inFeatures]`. */
  readonly w: Storage;
  /** b, `[outFeatures]`, or null. */
  readonly b: Storage | null;
  /** Input features (the previous layer's output features). */
  readonly inFeatures: number;
  /** Output features. */
  readonly outFeatures: number;
  /** What follows the bias. */
  readonly activation: "identity" | "relu" | "tanh" | "sigmoid" | "softmax";
}

/** What `denseForward` returns. */
export interface DenseForward {
  /** y = f(x·Wᵀ + b), `[rows, outFeatures]`. */
  readonly out: Storage;
  /** z = x·Wᵀ + b when `ACTIVATION_SAVES[op]` is `"input"`, else null. */
  readonly pre: Storage | null;
}

/** What `denseBackward` returns (new storages the caller owns). */
export interface DenseGrads {
  /** ∂L/∂W = δᵀ·x, `[outFeatures, inFeatures]`. */
  readonly dw: Storage;
  /** ∂L/∂b = 1ᵀ·δ, `[outFeatures]`, or null when asked without bias. */
  readonly db: Storage | null;
  /** ∂L/∂x = δ·W, `[rows, inFeatures]`, or null when not asked for (the first layer). */
  readonly dx: Storage | null;
}

/** Options of `denseBackward` beyond the geometry. */
export interface DenseBackwardInfo extends DenseInfo {
  /** Whether to compute ∂L/∂b. */
  readonly bias: boolean;
  /** Whether to compute ∂L/∂x. */
  readonly inputGrad: boolean;
}

/**
 * The losses `lossValueGrad` fuses: `"mse"`; `"softmaxCrossEntropy"` (logits against class
 * indices); `"categoricalCrossEntropy"` (probabilities against a target distribution of
 * pred's shape: per row −Σ y·log max(p, [y = 0]), gradient −y / max(p, [y = 0]) scaled
 * like the reduction). A backend without a kernel for a kind throws a TypeError for it
 * (the WebGPU backend has none for `"categoricalCrossEntropy"`).
 */
export type LossKind = "mse" | "softmaxCrossEntropy" | "categoricalCrossEntropy";

/** Geometry and reduction of `lossValueGrad`. */
export interface LossInfo {
  /** Element type of pred, target and the results. */
  readonly dtype: DType;
  /** Rows of pred (samples). */
  readonly rows: number;
  /** Columns of pred (outputs, or classes for cross-entropy). */
  readonly cols: number;
  /** `"mean"` (over elements for MSE, over rows for cross-entropy) or `"sum"`. */
  readonly reduction: "mean" | "sum";
  /**
   * A one-element storage of `dtype` the loss value is added into, in place
   * (`acc[0] = acc[0] + value`), so a device can sum an epoch's losses without
   * reading each one back. Optional.
   */
  readonly accumulator?: Storage;
}

/** What `lossValueGrad` returns (new storages the caller owns). */
export interface LossValueGrad {
  /** The reduced loss, one element. */
  readonly value: Storage;
  /** ∂L/∂pred for an upstream gradient of 1, shaped like pred. */
  readonly grad: Storage;
}

/**
 * `torch.optim.SGD`'s update. `states[i]` is `[momentumBuffer]` when
 * momentum ≠ 0, else `[]`.
 */
export interface SgdRule {
  /** `"sgd"`. */
  readonly kind: "sgd";
  /** Learning rate γ. */
  readonly lr: number;
  /** Momentum μ (0: none). */
  readonly momentum: number;
  /** Dampening τ. */
  readonly dampening: number;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
  /** L2 penalty λ added to the gradient. */
  readonly weightDecay: number;
  /** Ascend instead of descend. */
  readonly maximize: boolean;
  /**
   * Per parameter: its momentum buffer has no history yet (the first step), so
   * the buffer becomes the gradient instead of μ·b + (1 − τ)·g.
   */
  readonly fresh: readonly boolean[];
}

/**
 * `torch.optim.Adam` / `AdamW`'s update. `states[i]` is `[expAvg, expAvgSq]`,
 * plus `maxExpAvgSq` with AMSGrad.
 */
export interface AdamRule {
  /** `"adam"`. */
  readonly kind: "adam";
  /** Learning rate γ. */
  readonly lr: number;
  /** β₁. */
  readonly beta1: number;
  /** β₂. */
  readonly beta2: number;
  /** ε. */
  readonly eps: number;
  /** λ: added to the gradient (Adam) or decoupled (AdamW). */
  readonly weightDecay: number;
  /** AMSGrad: divide by the running maximum of the second moment. */
  readonly amsgrad: boolean;
  /** Ascend instead of descend. */
  readonly maximize: boolean;
  /** AdamW: θ ← θ·(1 − γλ) before the step. */
  readonly decoupled: boolean;
  /** The step number t, 1 at the first update (bias corrections 1 − βᵗ). */
  readonly step: number;
}

/**
 * θ ← v: writes values computed on the host into the parameters, in place —
 * how the host-side optimizers (L-BFGS, BFGS) publish their points through
 * the same primitive as SGD and Adam. `values[i]` holds `sizes[i]` numbers
 * for `params[i]`, rounded to the dtype as a typed-array store rounds (to
 * nearest, ties to even). `grads` and `states` are not read: pass `[]`.
 */
export interface AssignRule {
  /** `"assign"`. */
  readonly kind: "assign";
  /** One array of new values per parameter. */
  readonly values: readonly ArrayLike<number>[];
}

/**
 * The arrays of an assign rule, checked against the parameters' sizes: one
 * array per parameter, `sizes[i]` numbers each — the errors every backend's
 * `optimizerUpdate` gives for a bad assign rule.
 *
 * @param rule The rule.
 * @param sizes The parameters' element counts.
 * @returns `rule.values`.
 *
 * @example
 * ```ts
 * import { checkAssignRule } from "@glassbox/tensor/backend";
 * import { throws } from "node:assert/strict";
 *
 * checkAssignRule({ kind: "assign", values: [[1, 2]] }, [2]);
 * throws(
 *   () => checkAssignRule({ kind: "assign", values: [[1, 2, 3]] }, [2]),
 *   /values\[0\] has 3 elements, expected 2/,
 * );
 * ```
 */
export function checkAssignRule(
  rule: AssignRule,
  sizes: readonly number[],
): readonly ArrayLike<number>[] {
  const { values } = rule;
  if (!Array.isArray(values) || values.length !== sizes.length) {
    throw new TypeError(
      `Cannot update parameters: the assign rule has ${
        Array.isArray(values) ? values.length : "no list of"
      } values, expected one array per parameter (${sizes.length})`,
    );
  }
  values.forEach((v: unknown, i) => {
    const length = v !== null && typeof v === "object" && "length" in v ? v.length : null;
    if (length !== sizes[i]) {
      throw new TypeError(
        `Cannot update parameters: values[${i}] has ${length ?? "no"} elements, expected ${
          sizes[i]
        }`,
      );
    }
  });
  return values;
}

/** The rules that step parameters from their gradients (and keep state). */
export type GradientRule = SgdRule | AdamRule;

/** An optimizer update rule with its hyper-parameters (plain numbers, validated by the optimizer). */
export type OptimizerRule = GradientRule | AssignRule;

/**
 * A backend's handle to the elements of one tensor. Opaque to everything but
 * the backend that made it; a CPU storage is a typed array.
 */
export type Storage = object;

/** Shapes of a broadcasting binary operation: both operands and the result. */
export interface BinaryShapes {
  /** Shape of the left operand. */
  readonly a: readonly number[];
  /** Shape of the right operand. */
  readonly b: readonly number[];
  /** The broadcast shape of the result. */
  readonly out: readonly number[];
}

/** Geometry of a (batched) matrix product `C[b] = op(A[b]) · op(B[b])`. */
export interface MatmulInfo {
  /** Element type of A, B and C. */
  readonly dtype: DType;
  /** Rows of op(A) and C. */
  readonly m: number;
  /** Columns of op(B) and C. */
  readonly n: number;
  /** Columns of op(A), rows of op(B). */
  readonly k: number;
  /** A is stored as [k, m] and read transposed, with no transposed copy. */
  readonly transposeA: boolean;
  /** B is stored as [n, k] and read transposed, with no transposed copy. */
  readonly transposeB: boolean;
  /** Element offset of each batch's A matrix (length = number of batches). */
  readonly aOffsets: readonly number[];
  /** Element offset of each batch's B matrix (same length as `aOffsets`). */
  readonly bOffsets: readonly number[];
  /**
   * A row of `n` values added to every row of C after the product, given only to a
   * backend whose `matmulBias` is true (others get the product, and the tensor adds).
   */
  readonly bias?: Storage;
}

/**
 * The kernels a device implements. Shapes are row-major and contiguous; every
 * kernel returns a new storage and never mutates its inputs, except
 * `optimizerUpdate` (and the accumulator of `lossValueGrad` and `lossValue`), which update in
 * place.
 */
export interface Backend {
  /** Short name shown in `Tensor.device` and error messages, e.g. `"cpu"`. */
  readonly name: string;
  /** Copies host values into a new storage of `dtype`. */
  upload(values: ArrayLike<number>, dtype: DType): Storage;
  /** A storage of `size` elements all equal to `value`. */
  fill(size: number, value: number, dtype: DType): Storage;
  /** Copies a storage back to the host (always a fresh array). */
  read(storage: Storage, dtype: DType): Promise<TypedArray>;
  /** Synchronous read, for backends whose memory the host can see; otherwise undefined. */
  readSync(storage: Storage, dtype: DType): TypedArray | undefined;
  /** Releases a storage; using it afterwards is an error. */
  dispose(storage: Storage): void;
  /** Converts elements to another dtype. */
  cast(x: Storage, size: number, from: DType, to: DType): Storage;
  /** `out[i] = f(x[i])`. */
  unary(op: UnaryOp, x: Storage, size: number, dtype: DType): Storage;
  /** `out[i] = f(a[i'], b[i''])` with NumPy broadcasting to `outShape`. */
  binary(
    op: BinaryOp,
    a: Storage,
    b: Storage,
    shapes: BinaryShapes,
    dtype: DType,
  ): Storage;
  /** Reduces the middle axis of a tensor viewed as [outer, length, inner] to [outer, inner]. */
  reduce(op: ReduceOp, x: Storage, dims: readonly [number, number, number], dtype: DType): Storage;
  /**
   * Optional: softmax's backward along the middle axis of [outer, length, inner],
   * `y ⊙ (gradOut − Σ gradOut ⊙ y)` from its output y, with the values (float64
   * and float32) of those composed operations: the product, the sum along the
   * axis from +0 in order, the difference, the product. Absent: the caller
   * composes them.
   */
  softmaxBackward?(
    gradOut: Storage,
    y: Storage,
    dims: readonly [number, number, number],
    dtype: DType,
  ): Storage;
  /** Softmax or log-softmax along the middle axis of [outer, length, inner]. */
  softmax(
    op: SoftmaxOp,
    x: Storage,
    dims: readonly [number, number, number],
    dtype: DType,
  ): Storage;
  /** Batched matrix product with optional transposed reads of A and B. */
  matmul(a: Storage, b: Storage, info: MatmulInfo): Storage;
  /**
   * Whether `matmul` adds `info.bias` itself (in the same pass that writes C), with the
   * values a separate broadcast add would give.
   */
  readonly matmulBias?: boolean;
  /** y = f(z) for one activation, elementwise over `size` values (a new storage). */
  activationForward(spec: ActivationSpec, z: Storage, size: number, dtype: DType): Storage;
  /**
   * ∂L/∂z = gradOut ⊙ f′, elementwise over `size` values; `saved` is y or z as
   * `ACTIVATION_SAVES` says (a new storage).
   */
  activationBackward(
    spec: ActivationSpec,
    gradOut: Storage,
    saved: Storage,
    size: number,
    dtype: DType,
  ): Storage;
  /**
   * A dense layer's forward pass: `out = f(x·Wᵀ + b)` with x `[rows, in]`, W
   * `[out, in]`, b `[out]` or null. The CPU runs the same GEMM, bias and
   * activation as the composed Tensor operations (identical values).
   */
  denseForward(x: Storage, w: Storage, b: Storage | null, info: DenseInfo): DenseForward;
  /**
   * Optional: a chain of dense layers' forward passes for inference, x `[rows,
   * layers[0].inFeatures]` → the last layer's output `[rows, outFeatures]`,
   * keeping nothing for backward. Null when this backend does not take the chain
   * (the caller then runs the layers one by one); when it does, the values are
   * those of the layers' own forward passes, bit for bit.
   */
  denseChain?(
    x: Storage,
    layers: readonly DenseChainLayer[],
    info: { readonly dtype: DType; readonly rows: number },
  ): Storage | null;
  /**
   * A dense layer's backward pass from ∂L/∂out: δ = gradOut ⊙ f'(saved), then
   * dW = δᵀ·x, db = 1ᵀ·δ, dx = δ·W. `saved` is the forward's `out` or `pre`
   * as `ACTIVATION_SAVES` says.
   */
  denseBackward(
    gradOut: Storage,
    x: Storage,
    w: Storage,
    saved: Storage,
    info: DenseBackwardInfo,
  ): DenseGrads;
  /**
   * A loss's value and gradient in one call. `"mse"`: mean or sum of (pred − target)².
   * `"softmaxCrossEntropy"`: pred are logits `[rows, cols]`, target the class
   * indices as `rows` numbers of `dtype`. Adds the value into `info.accumulator` when given.
   */
  lossValueGrad(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): LossValueGrad;
  /**
   * `lossValueGrad`'s value alone (a new one-element storage, the same bits), without
   * computing or storing the gradient: for validation, which never runs a backward pass.
   * Adds the value into `info.accumulator` when given.
   */
  lossValue(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): Storage;
  /**
   * One optimizer step of every parameter: `params[i]` (`sizes[i]` elements)
   * from `grads[i]`, with the rule's state `states[i]` (an `"assign"` rule
   * writes its own values instead and reads neither). Updates `params` and
   * `states` IN PLACE — the one kernel that mutates its inputs; the caller
   * makes sure nobody else reads those storages.
   */
  optimizerUpdate(
    rule: OptimizerRule,
    params: readonly Storage[],
    grads: readonly Storage[],
    states: readonly (readonly Storage[])[],
    info: { readonly dtype: DType; readonly sizes: readonly number[] },
  ): void;
  /**
   * Optional: announces the parameters that later `optimizerUpdate` calls
   * update together (the same storages, in this order), before the first of
   * them — e.g. when a training run starts on a device — so the backend can
   * lay them out for the update now, and the first step's kernels already
   * find them where every later step does. Values are unchanged; a backend
   * without it simply arranges things at the first update.
   */
  prepareUpdate?(
    params: readonly Storage[],
    info: { readonly dtype: DType; readonly sizes: readonly number[] },
  ): void;
  /** Reorders axes: `out` has shape `shape[perm[i]]`. */
  permute(x: Storage, shape: readonly number[], perm: readonly number[], dtype: DType): Storage;
  /**
   * Gathers rows of a tensor viewed as [rows, rowLength]: `out[r] = x[index[r]]`.
   * Row slicing and shuffled mini-batches are both this kernel.
   */
  gatherRows(x: Storage, index: readonly number[], rowLength: number, dtype: DType): Storage;
  /**
   * Concatenates tensors viewed as [outer, chunk_i] along the second axis;
   * `chunks[i]` is the inner length each input contributes per outer row.
   */
  concat(
    parts: readonly Storage[],
    outer: number,
    chunks: readonly number[],
    dtype: DType,
  ): Storage;
}

/**
 * Where a tensor's elements live: a named backend instance. `cpu` is built
 * in; `@glassbox/webgpu-kernels` makes WebGPU devices.
 */
export interface Device {
  /** Name shown in messages, e.g. `"cpu"` or `"webgpu:llvmpipe"`. */
  readonly name: string;
  /** The kernels that run on this device. */
  readonly backend: Backend;
  /** The dtypes this device can hold (WebGPU has no float64). */
  readonly dtypes: readonly DType[];
}
