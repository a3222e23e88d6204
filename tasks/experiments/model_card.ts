/**
 * What a `--data` run stores beside its weights so that `--predict` can
 * rebuild the model and its preprocessing: the architecture, activations,
 * the feature scaler, the target's scaling (regression) or class labels
 * (classification), and the column names. Saved as JSON in the safetensors
 * `__metadata__` under the key `glassbox`, and checked field by field when
 * read back (the file is untrusted input).
 *
 * @module
 */

import { ACTIVATION_NAMES, type ActivationName } from "@glassbox/layers";
import type { Label, StandardScalerState } from "@glassbox/datasets";
import type { Sequential } from "@glassbox/layers";
import type { Tensor } from "@glassbox/tensor";
import { predict } from "@glassbox/trainer";
import type { Task } from "./config.ts";

/** The metadata key the card is stored under. */
export const MODEL_CARD_KEY = "glassbox";
/** The card's format tag. */
export const MODEL_CARD_FORMAT = "glassbox-tabular/1";
/** Largest layer width a card may describe (a check on untrusted files). */
const MAX_WIDTH = 1 << 20;

/** A trained tabular model's description. */
export interface ModelCard {
  /** Format tag, {@linkcode MODEL_CARD_FORMAT}. */
  format: typeof MODEL_CARD_FORMAT;
  /** Regression or classification. */
  task: Task;
  /** Layer sizes: inputs, hidden widths, outputs. */
  sizes: number[];
  /** Activation of each hidden layer. */
  activations: ActivationName[];
  /** Feature column names, in input order. */
  features: string[];
  /** Target column name. */
  target: string;
  /** Class labels by output index (classification), else null. */
  classes: Label[] | null;
  /** The feature scaler, or null when trained with `--no-scale`. */
  scaler: StandardScalerState | null;
  /** Regression targets were standardized: prediction = output · scale + mean. Else null. */
  targetScale: { mean: number; scale: number } | null;
}

function fail(path: string, what: string): never {
  throw new TypeError(
    `Cannot read the model card of ${path}: ${what} (expected a model saved by \`deno task train --data\`)`,
  );
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === "string");

/**
 * Reads and checks a card from a safetensors file's metadata.
 *
 * @param metadata The file's `__metadata__`.
 * @param path The file, for messages.
 * @returns The card.
 */
export function readModelCard(metadata: Record<string, string>, path: string): ModelCard {
  const text = metadata[MODEL_CARD_KEY];
  if (text === undefined) fail(path, `its metadata has no "${MODEL_CARD_KEY}" entry`);
  let card: Record<string, unknown>;
  try {
    card = JSON.parse(text);
  } catch {
    fail(path, `its "${MODEL_CARD_KEY}" metadata is not JSON`);
  }
  if (typeof card !== "object" || card === null) fail(path, "the card is not an object");
  if (card.format !== MODEL_CARD_FORMAT) {
    fail(path, `format is ${JSON.stringify(card.format)}, not "${MODEL_CARD_FORMAT}"`);
  }
  if (card.task !== "regression" && card.task !== "classification") {
    fail(path, `task is ${JSON.stringify(card.task)}`);
  }
  const sizes = card.sizes;
  if (
    !Array.isArray(sizes) || sizes.length < 2 ||
    !sizes.every((s) => Number.isInteger(s) && s >= 1 && s <= MAX_WIDTH)
  ) {
    fail(path, `sizes must be at least two integers in [1, ${MAX_WIDTH}]`);
  }
  const activations = card.activations;
  if (
    !isStrings(activations) || activations.length !== sizes.length - 2 ||
    !activations.every((a) => (ACTIVATION_NAMES as readonly string[]).includes(a))
  ) {
    fail(path, `activations must name one of ${ACTIVATION_NAMES.join(", ")} per hidden layer`);
  }
  if (!isStrings(card.features) || card.features.length !== sizes[0]) {
    fail(path, `features must be ${sizes[0]} column names`);
  }
  if (typeof card.target !== "string") fail(path, "target must be a column name");
  const outputs = sizes[sizes.length - 1];
  let classes: Label[] | null = null;
  if (card.task === "classification") {
    const c = card.classes;
    if (
      !Array.isArray(c) || c.length !== outputs ||
      !(isStrings(c) || c.every((v) => typeof v === "number" && Number.isFinite(v)))
    ) {
      fail(path, `classes must be ${outputs} labels, one per output`);
    }
    classes = c as Label[];
  }
  const ts = card.targetScale as { mean?: unknown; scale?: unknown } | null | undefined;
  let targetScale: ModelCard["targetScale"] = null;
  if (card.task === "regression" && ts != null) {
    if (
      typeof ts.mean !== "number" || !Number.isFinite(ts.mean) ||
      typeof ts.scale !== "number" || !(ts.scale > 0) || !Number.isFinite(ts.scale)
    ) {
      fail(path, "targetScale must hold a finite mean and a positive scale");
    }
    targetScale = { mean: ts.mean, scale: ts.scale };
  }
  if (card.scaler !== null && (typeof card.scaler !== "object" || card.scaler === undefined)) {
    fail(path, "scaler must be an object or null");
  }
  return {
    format: MODEL_CARD_FORMAT,
    task: card.task,
    sizes: sizes as number[],
    activations: activations as ActivationName[],
    features: card.features,
    target: card.target,
    classes,
    scaler: card.scaler as StandardScalerState | null,
    targetScale,
  };
}

/**
 * The model's outputs on standardized inputs, in the target's units
 * (regression) or as logits (classification).
 *
 * @param model The model.
 * @param x Inputs (already scaled as trained).
 * @param data `task` and `targetScale`.
 * @returns Predictions [N, outputs].
 */
export function modelOutputs(
  model: Sequential,
  x: Tensor,
  data: Pick<ModelCard, "task" | "targetScale">,
): Tensor {
  const out = predict(model, x);
  const ts = data.targetScale;
  return data.task === "regression" && ts !== null ? out.mul(ts.scale).add(ts.mean) : out;
}
