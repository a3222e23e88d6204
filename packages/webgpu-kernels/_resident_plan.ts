// Checking the options of a resident trainer: the dense layers (given as
// tensors), the loss and the optimizer, and the layout of every parameter in
// one flat buffer.

import type { Tensor } from "@glassbox/tensor";
import { storageOf } from "@glassbox/tensor/backend";
import type { OptimizerSettings } from "./_wgsl_optimizer.ts";
import type { LossKernel } from "./_wgsl_train_rows.ts";

/** Activations of a resident dense layer; softmax normalises each row. */
export type ResidentActivation = "identity" | "relu" | "tanh" | "sigmoid" | "softmax";

/** One dense layer given as tensors: y = f(x·Wᵀ + b). */
export interface DenseLayerSpec {
  /** W, `[out, in]`, float32 on the device. */
  readonly weight: Tensor;
  /** b, `[out]`, or null/absent for none. */
  readonly bias?: Tensor | null;
  /** f (default `"identity"`). */
  readonly activation?: ResidentActivation;
}

/** The loss of a resident trainer, mean-reduced as PyTorch's default. */
export type ResidentLoss =
  | "crossEntropy"
  | "mse"
  | {
    /** `CrossEntropyLoss` on logits, class-index or probability targets. */
    readonly name: "crossEntropy";
    /** Class index whose rows are skipped (default -100). */
    readonly ignoreIndex?: number;
    /** ε in [0, 1] (default 0). */
    readonly labelSmoothing?: number;
  }
  | {
    /** `MSELoss`. */
    readonly name: "mse";
  };

/**
 * The optimizer: SGD or Adam/AdamW hyperparameters with the names and
 * defaults of `@glassbox/trainer` (and PyTorch). An instance of the
 * trainer's `SGD`, `Adam` or `AdamW` has these fields and is accepted too.
 */
export type ResidentOptimizer =
  | {
    readonly name: "SGD";
    readonly lr: number;
    readonly momentum?: number;
    readonly dampening?: number;
    readonly nesterov?: boolean;
    readonly weightDecay?: number;
    readonly maximize?: boolean;
  }
  | {
    readonly name: "Adam" | "AdamW";
    readonly lr?: number;
    readonly betas?: readonly [number, number];
    readonly eps?: number;
    /** Default 0 for Adam, 1e-2 for AdamW (decoupled). */
    readonly weightDecay?: number;
    readonly amsgrad?: boolean;
    readonly maximize?: boolean;
  };

/** A dense layer placed in the flat parameter buffer. */
export interface PlannedLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: ResidentActivation;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  /** Element offset of W in the flat buffers. */
  readonly weightOffset: number;
  /** Element offset of b, or null. */
  readonly biasOffset: number | null;
}

/** Every parameter tensor in the flat buffers, in order. */
export interface PlannedParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly value: Tensor;
}

/** The checked layers. */
export interface Plan {
  readonly layers: readonly PlannedLayer[];
  readonly parameters: readonly PlannedParameter[];
  /** Elements of the flat buffers. */
  readonly size: number;
}

/** The activations a resident dense layer supports, in the order messages list them. */
export const ACTIVATIONS: readonly ResidentActivation[] = [
  "identity",
  "relu",
  "tanh",
  "sigmoid",
  "softmax",
];

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/** Checks one parameter tensor: float32, on the device, of the shape. */
function checkParameter(
  t: unknown,
  what: string,
  shape: readonly number[] | null,
  device: object,
  action: string,
): Tensor {
  const tensor = t as Tensor;
  if (typeof t !== "object" || t === null || !("shape" in t) || !("device" in t)) {
    throw new TypeError(`Cannot ${action}: ${what} is ${describe(t)}, expected a Tensor`);
  }
  if (tensor.dtype !== "float32") {
    throw new TypeError(
      `Cannot ${action}: ${what} is ${tensor.dtype}, expected float32 (WGSL has no f64)`,
    );
  }
  if (tensor.device !== device) {
    throw new TypeError(
      `Cannot ${action}: ${what} lives on ${tensor.device.name}, expected the trainer's device; ` +
        `move it with .to(device) (a model with model.to(device))`,
    );
  }
  const ok = shape === null
    ? tensor.shape.length === 2
    : tensor.shape.length === shape.length && tensor.shape.every((d, i) => d === shape[i]);
  if (!ok) {
    throw new TypeError(
      `Cannot ${action}: ${what} has shape [${tensor.shape.join(", ")}], expected ${
        shape === null ? "[out, in]" : `[${shape.join(", ")}]`
      }`,
    );
  }
  storageOf(tensor, action); // a ReferenceError when disposed
  return tensor;
}

/**
 * Checks the layers and lays their parameters out in one flat buffer; the
 * parameters are named by `names` (weight, then bias, per layer) or
 * `"<i>.weight"`, `"<i>.bias"`.
 */
export function planLayers(
  specs: readonly DenseLayerSpec[],
  names: readonly string[] | undefined,
  device: object,
  action: string,
): Plan {
  if (!Array.isArray(specs)) {
    throw new TypeError(
      `Cannot ${action}: layers is ${describe(specs)}, expected an array of ` +
        `{ weight, bias, activation } (weights [out, in] as nn.Linear, on the device)`,
    );
  }
  if (specs.length === 0) {
    throw new RangeError(`Cannot ${action}: layers is empty, expected at least one dense layer`);
  }
  const layers: PlannedLayer[] = [];
  const parameters: PlannedParameter[] = [];
  let offset = 0;
  specs.forEach((spec, i) => {
    const where = `layers[${i}]`;
    if (typeof spec !== "object" || spec === null) {
      throw new TypeError(`Cannot ${action}: ${where} is ${describe(spec)}, expected an object`);
    }
    const weight = checkParameter(spec.weight, `${where}.weight`, null, device, action);
    const [outFeatures, inFeatures] = weight.shape;
    const previous = layers.at(-1);
    if (previous !== undefined && previous.outFeatures !== inFeatures) {
      throw new TypeError(
        `Cannot ${action}: ${where}.weight has shape [${weight.shape.join(", ")}], expected ` +
          `[${outFeatures}, ${previous.outFeatures}] (layer ${
            i - 1
          } has ${previous.outFeatures} outputs)`,
      );
    }
    const bias = spec.bias === undefined || spec.bias === null
      ? null
      : checkParameter(spec.bias, `${where}.bias`, [outFeatures], device, action);
    const activation = spec.activation ?? "identity";
    if (!ACTIVATIONS.includes(activation)) {
      throw new RangeError(
        `Cannot ${action}: ${where}.activation is ${describe(activation)}, expected one of ${
          ACTIVATIONS.join(", ")
        }`,
      );
    }
    const weightOffset = offset;
    offset += weight.size;
    const biasOffset = bias === null ? null : offset;
    offset += bias?.size ?? 0;
    layers.push({ inFeatures, outFeatures, activation, weight, bias, weightOffset, biasOffset });
    parameters.push({
      name: `${i}.weight`,
      shape: weight.shape,
      offset: weightOffset,
      value: weight,
    });
    if (bias !== null) {
      parameters.push({ name: `${i}.bias`, shape: bias.shape, offset: biasOffset!, value: bias });
    }
  });
  if (names === undefined) return { layers, parameters, size: offset };
  if (
    !Array.isArray(names) || names.length !== parameters.length ||
    names.some((n) => typeof n !== "string") || new Set(names).size !== names.length
  ) {
    throw new TypeError(
      `Cannot ${action}: parameterNames is ${describe(names)}, expected ${parameters.length} ` +
        `distinct strings (weight, then bias, of each layer)`,
    );
  }
  const named = parameters.map((p, i) => ({ ...p, name: names[i] }));
  return { layers, parameters: named, size: offset };
}

/** Checks the loss option. */
export function checkLoss(
  loss: ResidentLoss,
  action: string,
): { kind: "crossEntropy"; ignoreIndex: number; labelSmoothing: number } | { kind: "mse" } {
  const o = typeof loss === "string" ? { name: loss } : loss;
  if (typeof o !== "object" || o === null) {
    throw new TypeError(
      `Cannot ${action}: loss is ${describe(loss)}, expected "crossEntropy" or "mse"`,
    );
  }
  if (o.name === "mse") return { kind: "mse" };
  if (o.name !== "crossEntropy") {
    throw new RangeError(
      `Cannot ${action}: loss.name is ${describe(o.name)}, expected "crossEntropy" or "mse"`,
    );
  }
  const ce = o as { ignoreIndex?: unknown; labelSmoothing?: unknown };
  const ignoreIndex = ce.ignoreIndex ?? -100;
  if (typeof ignoreIndex !== "number" || !Number.isInteger(ignoreIndex)) {
    throw new RangeError(
      `Cannot ${action}: loss.ignoreIndex is ${describe(ignoreIndex)}, expected an integer`,
    );
  }
  const labelSmoothing = ce.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== "number" || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new RangeError(
      `Cannot ${action}: loss.labelSmoothing is ${
        describe(labelSmoothing)
      }, expected a number in [0, 1]`,
    );
  }
  return { kind: "crossEntropy", ignoreIndex, labelSmoothing };
}

/** The loss kernel for targets with or without a class axis. */
export function lossKernel(
  loss: ReturnType<typeof checkLoss>,
  classIndices: boolean,
): LossKernel {
  return loss.kind === "mse" ? loss : { ...loss, classIndices };
}

/** A number option in [min, max] (or [min, max) when `below`), with a default. */
function num(
  o: Record<string, unknown>,
  key: string,
  fallback: number,
  action: string,
  range: { min: number; max?: number; below?: boolean },
): number {
  const value = o[key] ?? fallback;
  const { min, max = Infinity, below = false } = range;
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < min ||
    (below ? value >= max : value > max)
  ) {
    const upper = max === Infinity ? "" : ` and ${below ? "<" : "<="} ${max}`;
    throw new RangeError(
      `Cannot ${action}: optimizer.${key} is ${
        describe(value)
      }, expected a finite number >= ${min}${upper}`,
    );
  }
  return value;
}

/** A boolean option with a default. */
function bool(o: Record<string, unknown>, key: string, action: string): boolean {
  const value = o[key] ?? false;
  if (typeof value !== "boolean") {
    throw new TypeError(
      `Cannot ${action}: optimizer.${key} is ${describe(value)}, expected a boolean`,
    );
  }
  return value;
}

/** Checks the optimizer option and fills in the defaults. */
export function checkOptimizer(optimizer: ResidentOptimizer, action: string): OptimizerSettings {
  if (typeof optimizer !== "object" || optimizer === null) {
    throw new TypeError(
      `Cannot ${action}: optimizer is ${
        describe(optimizer)
      }, expected { name: "SGD" | "Adam" | "AdamW", … }`,
    );
  }
  const o = optimizer as unknown as Record<string, unknown>;
  if (o.name === "SGD") {
    if (o.lr === undefined) {
      throw new TypeError(`Cannot ${action}: optimizer.lr is required for SGD`);
    }
    const settings = {
      name: "SGD" as const,
      lr: num(o, "lr", 0, action, { min: 0 }),
      momentum: num(o, "momentum", 0, action, { min: 0 }),
      dampening: num(o, "dampening", 0, action, { min: -Infinity }),
      nesterov: bool(o, "nesterov", action),
      weightDecay: num(o, "weightDecay", 0, action, { min: 0 }),
      maximize: bool(o, "maximize", action),
    };
    if (settings.nesterov && (settings.momentum <= 0 || settings.dampening !== 0)) {
      throw new RangeError(
        `Cannot ${action}: optimizer.nesterov needs momentum > 0 and dampening 0, got momentum ` +
          `${settings.momentum} and dampening ${settings.dampening}`,
      );
    }
    return settings;
  }
  if (o.name === "Adam" || o.name === "AdamW") {
    const betas = (o.betas ?? [0.9, 0.999]) as unknown[];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(
        `Cannot ${action}: optimizer.betas is ${describe(betas)}, expected two numbers`,
      );
    }
    const b = { "betas[0]": betas[0], "betas[1]": betas[1] };
    return {
      name: o.name,
      lr: num(o, "lr", 1e-3, action, { min: 0 }),
      betas: [
        num(b, "betas[0]", 0, action, { min: 0, max: 1, below: true }),
        num(b, "betas[1]", 0, action, { min: 0, max: 1, below: true }),
      ],
      eps: num(o, "eps", 1e-8, action, { min: 0 }),
      weightDecay: num(o, "weightDecay", o.name === "AdamW" ? 1e-2 : 0, action, { min: 0 }),
      amsgrad: bool(o, "amsgrad", action),
      maximize: bool(o, "maximize", action),
    };
  }
  throw new RangeError(
    `Cannot ${action}: optimizer.name is ${describe(o.name)}, expected "SGD", "Adam" or "AdamW"`,
  );
}
