/**
 * `ResidentTrainer`: training steps of a stack of dense layers that stay on
 * the GPU — one command encoder, one submit and no read-back per step. The
 * layers come as plain tensors (`{ weight, bias, activation }`), so the
 * trainer knows no layer classes: `@glassbox/trainer`'s `fit` describes a
 * model this way and writes the trained tensors back into it.
 *
 * @module
 */

import { Tensor } from "@glassbox/tensor";
import { storageOf, tensorFromStorage } from "@glassbox/tensor/backend";
import type { WebGPUDevice } from "./request_webgpu.ts";
import { type GpuRuntime, GpuStorage, type PassDispatch, runtimeOf } from "./_runtime.ts";
import { grid, MAX_GROUPS } from "./_wgsl_common.ts";
import {
  checkLoss,
  checkOptimizer,
  type DenseLayerSpec,
  describe,
  lossKernel,
  type Plan,
  planLayers,
  type ResidentLoss,
  type ResidentOptimizer,
} from "./_resident_plan.ts";
import {
  gemmGrid,
  gemmVariant,
  readsOutput,
  SP,
  type TrainGemm,
  trainGemmWgsl,
} from "./_wgsl_train_gemm.ts";
import { lossWgsl, softmaxBackwardRowsWgsl, softmaxRowsWgsl } from "./_wgsl_train_rows.ts";
import {
  optimizerScalars,
  type OptimizerSettings,
  optimizerWgsl,
  stateNames,
} from "./_wgsl_optimizer.ts";

export type {
  DenseLayerSpec,
  ResidentActivation,
  ResidentLoss,
  ResidentOptimizer,
} from "./_resident_plan.ts";

/**
 * The most rows one resident training step handles (one workgroup row per
 * row, and WebGPU allows 65,535 workgroups per dimension): `batchSize`
 * above it is refused when the trainer is made.
 *
 * @example
 * ```ts
 * import { MAX_STEP_ROWS } from "@glassbox/webgpu-kernels";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(MAX_STEP_ROWS, 65535);
 * ```
 */
export const MAX_STEP_ROWS: number = MAX_GROUPS;
/** Options of `ResidentTrainer`. */
export interface ResidentTrainerOptions {
  /**
   * The dense layers, input first, as `{ weight, bias, activation }`:
   * weights `[out, in]` as `nn.Linear`'s, float32 on the device. The trainer
   * copies them; they are not changed (read the trained values with
   * `parameters()`).
   */
  layers: readonly DenseLayerSpec[];
  /**
   * Names of the parameters, weight then bias of each layer (default
   * `"0.weight"`, `"0.bias"`, `"1.weight"`, …): the keys of `parameterNames`
   * and of the optimizer state's buffers (`"<name>.exp_avg"`, …).
   */
  parameterNames?: readonly string[];
  /** `"crossEntropy"` (on logits) or `"mse"`, mean-reduced; or an object with options. */
  loss: ResidentLoss;
  /** SGD or Adam/AdamW hyperparameters (the trainer's optimizer objects fit). */
  optimizer: ResidentOptimizer;
  /** Rows of the largest batch, to size the buffers (default: the first step's). */
  batchSize?: number;
}

/** Which rows of `x` and `y` a step trains on. */
export interface StepOptions {
  /** First row (default 0). */
  start?: number;
  /** Number of rows (default: all rows from `start`). */
  rows?: number;
}

/** The loss accumulated on the GPU since the last read. */
export interface LossReading {
  /** Sum of the mean batch losses. */
  readonly sum: number;
  /** Steps summed. */
  readonly batches: number;
  /** `sum / batches` (NaN without a step). */
  readonly mean: number;
}

/** The optimizer's state, in `@glassbox/trainer`'s `OptimizerState` layout, on the device. */
export interface ResidentOptimizerState {
  /** `"SGD"`, `"Adam"` or `"AdamW"`. */
  readonly type: string;
  /** The hyperparameters. */
  readonly options: Record<string, number | boolean | readonly number[]>;
  /** `{ step }` for Adam; `{}` for SGD. */
  readonly scalars: Record<string, number>;
  /** `"<parameter>.<buffer>"` → a new float32 tensor on the device. */
  readonly tensors: Record<string, Tensor>;
}

/** Everything made on the first step for a batch capacity; reused by every later step. */
interface Compiled {
  readonly capacity: number;
  readonly classIndices: boolean;
  readonly acts: GpuStorage[];
  readonly deltas: GpuStorage[];
  /** Builds the dispatch list of a step for x, y and the batch rows. */
  readonly dispatches: (x: GpuStorage, y: GpuStorage, rows: number) => PassDispatch[];
}

const ZERO = new Float32Array(1);

/**
 * Trains a stack of dense layers entirely on a WebGPU device. Parameters,
 * gradients and optimizer states live in one flat buffer each; activations
 * and their gradients in buffers sized for the largest batch. `step(x, y)`
 * records one command encoder and one submit: per layer a fused forward
 * GEMM f(x·Wᵀ + b) (a hidden softmax adds a row kernel), one kernel for
 * the loss value and gradient that adds the batch loss into an accumulator
 * on the GPU, per layer the weight-gradient GEMM with the bias gradient
 * fused and the input-gradient GEMM with the previous activation's
 * derivative applied in its store, and one optimizer kernel over all
 * parameters — 10 dispatches for a 784-512-512-10 MLP, no read-back, and
 * after the first step no buffer, pipeline or bind group created.
 * `readLoss()` reads the accumulated loss with one `mapAsync`.
 *
 * Semantics are those of `Dense`, `CrossEntropyLoss`/`MSELoss` (mean) and
 * the trainer's `SGD`/`Adam`/`AdamW`, in float32.
 *
 * @example Two steps of a small classifier on resident data
 * ```ts
 * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
 * import { manualSeed, randn, tensor, zeros } from "@glassbox/tensor";
 * import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
 *
 * try {
 *   const gpu = await requestWebGPU();
 *   manualSeed(0);
 *   const f32 = { dtype: "float32", device: gpu } as const;
 *   const layers = [ // 4 → 16 (relu) → 3, weights [out, in] as nn.Linear
 *     { weight: randn([16, 4], f32).mul(0.5), bias: zeros([16], f32), activation: "relu" },
 *     { weight: randn([3, 16], f32).mul(0.25), bias: zeros([3], f32) },
 *   ] as const;
 *   const x = randn([10, 4], f32); // uploaded once
 *   const y = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], f32);
 *   const trainer = new ResidentTrainer(gpu, {
 *     layers,
 *     loss: "crossEntropy",
 *     optimizer: { name: "SGD", lr: 0.1, momentum: 0.9 },
 *   });
 *   trainer.step(x, y, { start: 0, rows: 8 });
 *   trainer.step(x, y, { start: 8 }); // the shorter last batch
 *   const loss = await trainer.readLoss();
 *   strictEqual(loss.batches, 2);
 *   ok(loss.sum > 0);
 *   const trained = trainer.parameters(); // new tensors: the layers' own are left as they were
 *   deepStrictEqual(trained.map((t) => t.shape), [[16, 4], [16], [3, 16], [3]]);
 *   trainer.dispose();
 *   gpu.destroy();
 * } catch (error) {
 *   if (!(error instanceof WebGPUUnavailableError)) throw error;
 * }
 * ```
 */
export class ResidentTrainer {
  /** The device everything lives on. */
  readonly device: WebGPUDevice;
  /** Names of the parameters, in order (`"0.weight"`, `"0.bias"`, …). */
  readonly parameterNames: readonly string[];
  readonly #rt: GpuRuntime;
  readonly #plan: Plan;
  readonly #loss: ReturnType<typeof checkLoss>;
  #opt: OptimizerSettings;
  #params: GpuStorage;
  #grads: GpuStorage;
  #state: GpuStorage | null;
  #sp: GpuStorage;
  #acc: GpuStorage;
  readonly #spHost = new Uint32Array(SP.length);
  readonly #spFloats = new Float32Array(this.#spHost.buffer);
  readonly #batchSize: number | undefined;
  #compiled: Compiled | null = null;
  /** Bind groups that bind x or y, by their buffers. */
  readonly #groups = new Map<GPUBuffer, Map<GPUBuffer, GPUBindGroup[]>>();
  #steps = 0;
  /** Whether the state buffers hold a run's state (SGD's first step starts its momentum). */
  #started = false;
  #batches = 0;
  #disposed = false;

  /**
   * Width of the model's output: the number of classes that class-index
   * targets must lie below under cross-entropy. The GPU does not check the
   * targets (an index out of range gives a NaN loss), so a caller that
   * cannot vouch for them checks them on the host against this once.
   *
   * @example
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const f32 = { dtype: "float32", device: gpu } as const;
   *   const layers = [{ weight: randn([8, 4], f32), activation: "tanh" }, { weight: randn([3, 8], f32) }] as const;
   *   const t = new ResidentTrainer(gpu, { layers, loss: "crossEntropy", optimizer: { name: "SGD", lr: 0.1 } });
   *   strictEqual(t.outFeatures, 3);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  get outFeatures(): number {
    return this.#plan.layers[this.#plan.layers.length - 1].outFeatures;
  }

  /**
   * Copies the parameters into flat buffers and checks the options; the
   * kernels are compiled on the first step.
   *
   * @param device A device from `requestWebGPU()`.
   * @param options `layers`, `parameterNames`, `loss`, `optimizer`, `batchSize`.
   *
   * @example Bad options name the option
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const layers = [{ weight: randn([2, 2], { dtype: "float32" }) }]; // still on the CPU
   *   throws(
   *     () => new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "SGD", lr: 0.1 } }),
   *     /layers\[0\]\.weight lives on cpu/,
   *   );
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  constructor(device: WebGPUDevice, options: ResidentTrainerOptions) {
    const action = "create ResidentTrainer";
    const rt = runtimeOf(device);
    if (rt === undefined) {
      throw new TypeError(
        `Cannot ${action}: device is ${
          describe((device as { name?: unknown })?.name ?? device)
        }, expected a WebGPU device from requestWebGPU()`,
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Cannot ${action}: options is ${describe(options)}, expected an object`);
    }
    this.device = device;
    this.#rt = rt;
    this.#plan = planLayers(options.layers, options.parameterNames, device, action);
    this.#loss = checkLoss(options.loss, action);
    this.#opt = checkOptimizer(options.optimizer, action);
    if (options.batchSize !== undefined) {
      if (
        !Number.isInteger(options.batchSize) || options.batchSize < 1 ||
        options.batchSize > MAX_STEP_ROWS
      ) {
        throw new RangeError(
          `Cannot ${action}: batchSize is ${
            describe(options.batchSize)
          }, expected an integer from 1 to ${MAX_STEP_ROWS} (the rows one step handles)`,
        );
      }
    }
    this.#batchSize = options.batchSize;
    this.parameterNames = Object.freeze(this.#plan.parameters.map((p) => p.name));
    const size = this.#plan.size;
    this.#params = rt.alloc(size, action);
    for (const p of this.#plan.parameters) {
      const src = storageOf(p.value, action) as GpuStorage;
      rt.copy(src, this.#params, p.value.size * 4, action, { dst: p.offset * 4 });
    }
    this.#grads = rt.alloc(size, action);
    const states = stateNames(this.#opt).length;
    this.#state = states === 0 ? null : rt.alloc(size * states, action);
    this.#sp = rt.alloc(SP.length, action);
    this.#acc = rt.alloc(1, action);
    for (const s of [this.#grads, this.#state, this.#acc]) if (s !== null) rt.clear(s, action);
  }

  /** The learning rate of the next step; assign to schedule it. */
  get lr(): number {
    return this.#opt.lr;
  }
  set lr(value: number) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Cannot set ResidentTrainer lr: got ${describe(value)}, expected a finite number >= 0`,
      );
    }
    this.#opt = { ...this.#opt, lr: value };
  }

  /** Optimizer steps taken so far. */
  get stepCount(): number {
    return this.#steps;
  }

  #check(action: string): void {
    if (this.#disposed) {
      throw new ReferenceError(`Cannot ${action}: the ResidentTrainer was disposed`);
    }
  }

  /** Checks a batch tensor and returns its storage. */
  #batchStorage(
    t: unknown,
    name: "x" | "y",
    columns: number | null,
    action: string,
  ): { storage: GpuStorage; rows: number } {
    const tensor = t as Tensor;
    if (!(t instanceof Tensor)) {
      throw new TypeError(`Cannot ${action}: ${name} is ${describe(t)}, expected a Tensor`);
    }
    if (tensor.dtype !== "float32") {
      throw new TypeError(
        `Cannot ${action}: ${name} is ${tensor.dtype}, expected float32 (WGSL has no f64)`,
      );
    }
    if (tensor.device !== this.device) {
      throw new TypeError(
        `Cannot ${action}: ${name} lives on ${tensor.device.name}, expected ${this.device.name}; ` +
          `upload the data set once with .to(device) and pick batches with { start, rows }`,
      );
    }
    const shapeOk = columns === null
      ? tensor.rank === 1
      : tensor.rank === 2 && tensor.shape[1] === columns;
    if (!shapeOk) {
      throw new TypeError(
        `Cannot ${action}: ${name} has shape [${tensor.shape.join(", ")}], expected ${
          columns === null ? "[N] (class indices)" : `[N, ${columns}]`
        }`,
      );
    }
    return { storage: storageOf(tensor, action) as GpuStorage, rows: tensor.shape[0] };
  }

  /**
   * One training step on rows `[start, start + rows)` of `x` and `y`: forward,
   * loss, backward and the optimizer update, recorded in one command
   * encoder and submitted once. Nothing is read back: the batch's mean loss
   * is added to an accumulator on the GPU (see `readLoss`).
   *
   * @param x Inputs `[N, in]`, float32 on the device (upload the data set once).
   * @param y Targets: class indices `[N]` or probabilities `[N, C]` for
   *   cross entropy, `[N, C]` for MSE; float32 on the device.
   * @param options `start` (default 0), `rows` (default: the rest).
   * @returns Nothing.
   *
   * @example Bad batches name the argument
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn, zeros } from "@glassbox/tensor";
   * import { throws } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const layers = [{ weight: randn([2, 3], { dtype: "float32", device: gpu }) }];
   *   const t = new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "SGD", lr: 0.1 } });
   *   const x = zeros([4, 5], { dtype: "float32", device: gpu });
   *   const y = zeros([4, 2], { dtype: "float32", device: gpu });
   *   throws(() => t.step(x, y), /x has shape \[4, 5\], expected \[N, 3\]/);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  step(x: Tensor, y: Tensor, options: StepOptions = {}): void {
    const action = "step ResidentTrainer";
    this.#check(action);
    const layers = this.#plan.layers;
    const classes = layers[layers.length - 1].outFeatures;
    const xs = this.#batchStorage(x, "x", layers[0].inFeatures, action);
    const classIndices = this.#loss.kind === "crossEntropy" && y instanceof Tensor &&
      y.rank === 1;
    const ys = this.#batchStorage(y, "y", classIndices ? null : classes, action);
    if (ys.rows !== xs.rows) {
      throw new TypeError(
        `Cannot ${action}: y has ${ys.rows} rows, x has ${xs.rows}; they must have the same rows`,
      );
    }
    const start = options.start ?? 0;
    if (!Number.isInteger(start) || start < 0 || start >= xs.rows) {
      throw new RangeError(
        `Cannot ${action}: options.start is ${
          describe(start)
        }, expected an integer in [0, ${xs.rows})`,
      );
    }
    const rows = options.rows ?? xs.rows - start;
    if (!Number.isInteger(rows) || rows < 1 || start + rows > xs.rows) {
      throw new RangeError(
        `Cannot ${action}: options.rows is ${describe(rows)}, expected an integer in [1, ${
          xs.rows - start
        }] (x has ${xs.rows} rows, start ${start})`,
      );
    }
    if (rows > MAX_STEP_ROWS) {
      throw new RangeError(`Cannot ${action}: ${rows} rows, at most ${MAX_STEP_ROWS} per step`);
    }
    const compiled = this.#compile(rows, classIndices, action);
    const step = this.#steps + 1;
    const sp = this.#spHost;
    sp.fill(0);
    sp[SP.rows] = rows;
    sp[SP.xRow] = start;
    sp[SP.yRow] = start;
    sp[SP.first] = this.#started ? 0 : 1;
    this.#spFloats.set(optimizerScalars(this.#opt, step), SP.scalars);
    const dispatches = compiled.dispatches(xs.storage, ys.storage, rows);
    this.#rt.flush(); // earlier work first: writeBuffer goes ahead of unsubmitted commands
    this.#rt.device.queue.writeBuffer(this.#sp.buffer(action), 0, sp);
    this.#rt.submitPass(dispatches, action);
    this.#steps = step;
    this.#started = true;
    this.#batches++;
  }

  /** Buffers, pipelines and the dispatch builder for batches of up to `rows` rows. */
  #compile(rows: number, classIndices: boolean, action: string): Compiled {
    const current = this.#compiled;
    if (current !== null && current.capacity >= rows && current.classIndices === classIndices) {
      return current;
    }
    const rt = this.#rt;
    if (current !== null) { for (const s of [...current.acts, ...current.deltas]) s.release(); }
    this.#groups.clear();
    const capacity = Math.max(rows, this.#batchSize ?? 0, current?.capacity ?? 0);
    const layers = this.#plan.layers;
    const acts = layers.map((l) => rt.alloc(capacity * l.outFeatures, action));
    const deltas = layers.map((l) => rt.alloc(capacity * l.outFeatures, action));
    const params = this.#params, grads = this.#grads, sp = this.#sp;
    const last = layers.length - 1;

    // A pipeline and how to bind it: fixed storages, or "x"/"y" filled in per step.
    type Slot = GpuStorage | "x" | "y";
    interface Kernel {
      pipeline: GPUComputePipeline;
      slots: Slot[];
      groups: (rows: number) => [number, number, number];
      fixed: GPUBindGroup | null;
    }
    const kernels: Kernel[] = [];
    const add = (key: string, code: () => string, slots: Slot[], groups: Kernel["groups"]) => {
      const pipeline = rt.pipeline(key, code);
      const fixed = slots.every((s) => s instanceof GpuStorage)
        ? rt.bindGroup(pipeline, slots as GpuStorage[], action)
        : null;
      kernels.push({ pipeline, slots, groups, fixed });
    };
    const gemm = (g: TrainGemm, slots: Slot[]) => {
      const variant = gemmVariant(g, capacity);
      add(
        `train:gemm:${JSON.stringify(g)}:${variant.tm}x${variant.tn}`,
        () => trainGemmWgsl(g, variant),
        slots,
        (n) => gemmGrid(g, variant, n),
      );
    };
    const rowGrid = (n: number): [number, number, number] => [n, 1, 1];
    const input = (i: number): Slot => i === 0 ? "x" : acts[i - 1];
    const inputOffset = (i: number) => i === 0 ? { xRowTimes: layers[0].inFeatures } : 0;

    layers.forEach((l, i) => {
      const softmax = l.activation === "softmax";
      gemm({
        transposeA: false,
        transposeB: true,
        m: "rows",
        n: l.outFeatures,
        k: l.inFeatures,
        aOffset: inputOffset(i),
        bOffset: l.weightOffset,
        store: {
          kind: "forward",
          biasOffset: l.biasOffset,
          activation: softmax ? "identity" : l.activation,
        },
      }, [input(i), params, acts[i], sp]);
      if (softmax && i !== last) {
        add(
          `train:softmax:${l.outFeatures}`,
          () => softmaxRowsWgsl(l.outFeatures),
          [acts[i], sp],
          rowGrid,
        );
      }
    });
    const lastLayer = layers[last];
    const loss = lossKernel(this.#loss, classIndices);
    if (lastLayer.activation === "softmax") {
      // The output softmax runs in its own row kernel too; the loss sees probabilities.
      add(
        `train:softmax:${lastLayer.outFeatures}`,
        () => softmaxRowsWgsl(lastLayer.outFeatures),
        [acts[last], sp],
        rowGrid,
      );
    }
    add(
      `train:loss:${JSON.stringify(loss)}:${lastLayer.outFeatures}:${lastLayer.activation}`,
      () => lossWgsl(loss, lastLayer.outFeatures, lastLayer.activation),
      [acts[last], "y", deltas[last], this.#acc, sp],
      () => [1, 1, 1],
    );
    for (let i = last; i >= 0; i--) {
      const l = layers[i];
      gemm({
        transposeA: true,
        transposeB: false,
        m: l.outFeatures,
        n: l.inFeatures,
        k: "rows",
        aOffset: 0,
        bOffset: inputOffset(i),
        store: { kind: "weightGrad", gradOffset: l.weightOffset, biasGradOffset: l.biasOffset },
      }, [deltas[i], input(i), grads, sp]);
      if (i === 0) continue;
      const previous = layers[i - 1].activation;
      const store = { kind: "inputGrad", activation: previous } as const;
      gemm({
        transposeA: false,
        transposeB: false,
        m: "rows",
        n: l.inFeatures,
        k: l.outFeatures,
        aOffset: 0,
        bOffset: l.weightOffset,
        store,
      }, [deltas[i], params, deltas[i - 1], sp, ...(readsOutput(store) ? [acts[i - 1]] : [])]);
      if (previous === "softmax") {
        add(
          `train:softmaxBackward:${l.inFeatures}`,
          () => softmaxBackwardRowsWgsl(l.inFeatures),
          [deltas[i - 1], acts[i - 1], sp],
          rowGrid,
        );
      }
    }
    const size = this.#plan.size;
    const [gx, gy] = grid(size);
    add(
      `train:optimizer:${JSON.stringify({ ...this.#opt, lr: 0 })}:${size}`,
      () => optimizerWgsl(this.#opt, size),
      [params, grads, sp, ...(this.#state === null ? [] : [this.#state])],
      () => [gx, gy, 1],
    );

    const variable = kernels.filter((k) => k.fixed === null);
    const groupsFor = (x: GpuStorage, y: GpuStorage): GPUBindGroup[] => {
      const xBuffer = x.buffer(action), yBuffer = y.buffer(action);
      let byY = this.#groups.get(xBuffer);
      if (byY === undefined) {
        if (this.#groups.size >= 8) this.#groups.clear(); // a bounded cache
        this.#groups.set(xBuffer, byY = new Map());
      }
      let groups = byY.get(yBuffer);
      if (groups === undefined) {
        if (byY.size >= 8) byY.clear();
        groups = variable.map((k) =>
          rt.bindGroup(k.pipeline, k.slots.map((s) => s === "x" ? x : s === "y" ? y : s), action)
        );
        byY.set(yBuffer, groups);
      }
      return groups;
    };
    const compiled: Compiled = {
      capacity,
      classIndices,
      acts,
      deltas,
      dispatches: (x, y, n) => {
        const groups = groupsFor(x, y);
        let j = 0;
        return kernels.map((k) => ({
          pipeline: k.pipeline,
          bindGroup: k.fixed ?? groups[j++],
          groups: k.groups(n),
        }));
      },
    };
    this.#compiled = compiled;
    return compiled;
  }

  /**
   * Reads the loss accumulated since the last read (one `mapAsync`) and
   * resets it to zero: the sum of the steps' mean batch losses, so the mean
   * over an epoch's batches is `sum / batches`, as the notebooks report it.
   *
   * @returns The sum, the number of steps and their mean.
   *
   * @example
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { assertClose, tensor } from "@glassbox/tensor";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const layers = [{
   *     weight: tensor([[2]], { dtype: "float32", device: gpu }),
   *     bias: tensor([0], { dtype: "float32", device: gpu }),
   *   }];
   *   const t = new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "SGD", lr: 0 } });
   *   const x = tensor([[1], [2]], { dtype: "float32", device: gpu });
   *   const y = tensor([[1], [1]], { dtype: "float32", device: gpu });
   *   t.step(x, y);
   *   t.step(x, y);
   *   const { sum, batches } = await t.readLoss(); // ((2 − 1)² + (4 − 1)²) / 2 = 5 per step
   *   assertClose([sum, batches], [10, 2]);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  async readLoss(): Promise<LossReading> {
    const action = "read the ResidentTrainer loss";
    this.#check(action);
    const batches = this.#batches;
    this.#batches = 0;
    const pending = this.#rt.read(this.#acc, action);
    this.#rt.device.queue.writeBuffer(this.#acc.buffer(action), 0, ZERO);
    const [sum] = await pending;
    return { sum, batches, mean: batches === 0 ? NaN : sum / batches };
  }

  /** New device tensors holding the slices of a flat buffer, one per parameter. */
  #slices(source: GpuStorage, base: number, action: string): Tensor[] {
    return this.#plan.parameters.map((p) => {
      const out = this.#rt.alloc(p.value.size, action);
      this.#rt.copy(source, out, p.value.size * 4, action, { src: (base + p.offset) * 4 });
      return tensorFromStorage(out, { shape: p.shape, dtype: "float32", device: this.device });
    });
  }

  /**
   * The current parameters as new float32 tensors on the device, in the
   * order of `parameterNames` (the caller disposes them). Nothing is read back.
   *
   * @returns One tensor per parameter.
   *
   * @example
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn, zeros } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const f32 = { dtype: "float32", device: gpu } as const;
   *   const layers = [{ weight: randn([2, 3], f32), bias: zeros([2], f32) }];
   *   const t = new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "SGD", lr: 0.1 } });
   *   deepStrictEqual(t.parameterNames, ["0.weight", "0.bias"]);
   *   deepStrictEqual(t.parameters().map((p) => p.shape), [[2, 3], [2]]);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  parameters(): Tensor[] {
    const action = "read ResidentTrainer parameters";
    this.#check(action);
    return this.#slices(this.#params, 0, action);
  }

  /**
   * The optimizer's hyperparameters, step count and state buffers as new
   * device tensors, named and laid out as `@glassbox/trainer`'s
   * `stateDict()` (`"0.weight.momentum_buffer"`, `"0.weight.exp_avg"`, …),
   * so the trainer can continue on the CPU after `.to(cpu)`.
   *
   * @returns The state; its tensors belong to the caller.
   *
   * @example
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn, zeros } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const f32 = { dtype: "float32", device: gpu } as const;
   *   const layers = [{ weight: randn([2, 3], f32), bias: zeros([2], f32) }];
   *   const t = new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "Adam" } });
   *   const state = t.optimizerState();
   *   deepStrictEqual(state.scalars, { step: 0 });
   *   deepStrictEqual(Object.keys(state.tensors).slice(0, 2), ["0.weight.exp_avg", "0.weight.exp_avg_sq"]);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  optimizerState(): ResidentOptimizerState {
    const action = "read ResidentTrainer optimizer state";
    this.#check(action);
    const o = this.#opt;
    const tensors: Record<string, Tensor> = {};
    const names = stateNames(o);
    const slices = names.map((_, j) => this.#slices(this.#state!, j * this.#plan.size, action));
    this.#plan.parameters.forEach((p, i) => {
      names.forEach((name, j) => {
        tensors[`${p.name}.${name}`] = slices[j][i];
      });
    });
    if (o.name === "SGD") {
      const { lr, momentum, dampening, nesterov, weightDecay, maximize } = o;
      return {
        type: "SGD",
        options: { lr, momentum, dampening, nesterov, weightDecay, maximize },
        scalars: {},
        tensors: this.#started ? tensors : {},
      };
    }
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = o;
    return {
      type: o.name,
      options: { lr, betas: [...betas], eps, weightDecay, amsgrad, maximize },
      scalars: { step: this.#steps },
      tensors,
    };
  }

  /**
   * Continues from a saved optimizer state instead of fresh buffers: the
   * inverse of `optimizerState()`, and what `@glassbox/trainer`'s
   * `stateDict()` gives (tensors on the CPU or on this device). A state
   * without buffers (an optimizer that has not stepped) leaves the trainer
   * fresh.
   *
   * @param state `type` (the trainer's optimizer), `scalars.step` for Adam, and
   *   `"<parameter>.<buffer>"` float32 tensors shaped like the parameters.
   * @returns Nothing.
   *
   * @example Adam's step count and moments carry over
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn } from "@glassbox/tensor";
   * import { deepStrictEqual, throws } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const layers = [{ weight: randn([2, 3], { dtype: "float32", device: gpu }) }];
   *   const t = new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "Adam" } });
   *   const state = t.optimizerState();
   *   t.loadOptimizerState({ ...state, scalars: { step: 7 } });
   *   deepStrictEqual(t.optimizerState().scalars, { step: 7 });
   *   throws(() => t.loadOptimizerState({ ...state, type: "SGD" }), /state of SGD, expected Adam/);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  loadOptimizerState(
    state: Pick<ResidentOptimizerState, "type" | "scalars" | "tensors">,
  ): void {
    const action = "load ResidentTrainer optimizer state";
    this.#check(action);
    const o = this.#opt;
    if (state?.type !== o.name) {
      throw new TypeError(`Cannot ${action}: got a state of ${state?.type}, expected ${o.name}`);
    }
    let steps = 0;
    if (o.name !== "SGD") {
      const step = state.scalars?.step;
      if (typeof step !== "number" || !Number.isInteger(step) || step < 0) {
        throw new RangeError(`Cannot ${action}: scalars.step must be an integer >= 0, got ${step}`);
      }
      steps = step;
    }
    const names = stateNames(o);
    const tensors = state.tensors ?? {};
    const keys = this.#plan.parameters.flatMap((p) => names.map((n) => `${p.name}.${n}`));
    const given = keys.filter((key) => tensors[key] !== undefined);
    const unknown = Object.keys(tensors).filter((key) => !keys.includes(key));
    if (unknown.length > 0 || (given.length > 0 && given.length < keys.length)) {
      const what = unknown.length > 0
        ? `a buffer ${unknown[0]} no parameter owns`
        : `no ${keys.find((key) => tensors[key] === undefined)}`;
      throw new RangeError(`Cannot ${action}: the state has ${what}; expected ${keys.join(", ")}`);
    }
    const size = this.#plan.size;
    this.#plan.parameters.forEach((p) => {
      names.forEach((name, j) => {
        const t = tensors[`${p.name}.${name}`];
        if (t === undefined) return;
        const key = `${p.name}.${name}`;
        if (
          t.dtype !== "float32" || t.shape.length !== p.shape.length ||
          t.shape.some((d, i) => d !== p.shape[i])
        ) {
          throw new TypeError(
            `Cannot ${action}: ${key} is [${t.shape.join(", ")}] ${t.dtype}, expected [${
              p.shape.join(", ")
            }] float32`,
          );
        }
        const offset = (j * size + p.offset) * 4;
        const storage = storageOf(t, action);
        if (t.device === this.device) {
          this.#rt.copy(storage as GpuStorage, this.#state!, t.size * 4, action, { dst: offset });
        } else if (storage instanceof Float32Array) {
          this.#rt.flush(); // earlier work first: writeBuffer goes ahead of unsubmitted commands
          const values = storage as Float32Array<ArrayBuffer>; // the CPU backend's own arrays
          this.#rt.device.queue.writeBuffer(this.#state!.buffer(action), offset, values);
        } else {
          throw new TypeError(
            `Cannot ${action}: ${key} lives on ${t.device.name}, expected the CPU or this device`,
          );
        }
      });
    });
    this.#steps = steps;
    this.#started = given.length > 0 || steps > 0;
  }

  /**
   * Releases every buffer of the trainer; later calls throw a ReferenceError. Idempotent.
   *
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { requestWebGPU, ResidentTrainer, WebGPUUnavailableError } from "@glassbox/webgpu-kernels";
   * import { randn, zeros } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * try {
   *   const gpu = await requestWebGPU();
   *   const f32 = { dtype: "float32", device: gpu } as const;
   *   const layers = [{ weight: randn([2, 3], f32), bias: zeros([2], f32) }];
   *   const live = gpu.liveBuffers();
   *   new ResidentTrainer(gpu, { layers, loss: "mse", optimizer: { name: "SGD", lr: 1 } }).dispose();
   *   strictEqual(gpu.liveBuffers(), live);
   *   gpu.destroy();
   * } catch (error) {
   *   if (!(error instanceof WebGPUUnavailableError)) throw error;
   * }
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const compiled = this.#compiled;
    const storages = [this.#params, this.#grads, this.#state, this.#sp, this.#acc];
    if (compiled !== null) storages.push(...compiled.acts, ...compiled.deltas);
    for (const s of storages) s?.release();
    this.#groups.clear();
    this.#compiled = null;
  }

  /** Disposes the trainer at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
