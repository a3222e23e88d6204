/**
 * `deno task train --predict runs/<name>/model.safetensors --data new.csv`:
 * rebuilds a `--data` run's model from the card saved in its metadata
 * (architecture, activations, feature names, scaler, target scaling or
 * class labels), reads the feature columns of the new CSV by name, and
 * writes one prediction per row as CSV (atomically): the predicted value,
 * or the predicted label and each class's probability. When the new file
 * also has the target column, the figures against it are printed.
 *
 * @module
 */

import { type Label, loadCsv, StandardScaler } from "@glassbox/datasets";
import { loadSafetensors, mlp } from "@glassbox/layers";
import { accuracy, r2Score } from "@glassbox/metrics";
import { type Tensor, tensor } from "@glassbox/tensor";
import type { TrainFlags } from "./flags.ts";
import { modelOutputs, readModelCard } from "./model_card.ts";
import { csvError, OwnDataError } from "./own_data.ts";
import { writeFileAtomic } from "./save_run.ts";

/** A CSV field, quoted when it holds a delimiter, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Where `--predict` writes by default: `predictions.csv` beside the model.
 *
 * @param modelPath The model file.
 * @returns The CSV path.
 */
export function defaultPredictionsPath(modelPath: string): string {
  const slash = modelPath.lastIndexOf("/");
  return `${slash < 0 ? "." : modelPath.slice(0, slash)}/predictions.csv`;
}

/**
 * Runs `--predict`.
 *
 * @param flags The parsed command line (`predict`, `config.data`, `out`).
 * @returns The exit code.
 */
export async function runPredict(flags: TrainFlags): Promise<number> {
  const modelPath = flags.predict!;
  const data = flags.config.data;
  if (data.kind !== "csv") throw new OwnDataError("--data", "--predict needs --data <new.csv>");
  let contents;
  try {
    contents = await loadSafetensors(modelPath);
  } catch (error) {
    throw new OwnDataError(
      "--predict",
      error instanceof Deno.errors.NotFound
        ? `--predict ${modelPath}: no such file (a model saved by \`deno task train --data\`, e.g. runs/<name>/model.safetensors)`
        : (error as Error).message,
    );
  }
  let card;
  try {
    card = readModelCard(contents.metadata, modelPath);
  } catch (error) {
    throw new OwnDataError("--predict", (error as Error).message);
  }
  const model = mlp(card.sizes, { activation: card.activations, dtype: "float64" });
  try {
    model.loadStateDict(
      Object.fromEntries(Object.entries(contents.tensors).map(([k, v]) => [k, v.to("float64")])),
    );
  } catch (error) {
    throw new OwnDataError(
      "--predict",
      `Cannot rebuild the model of ${modelPath}: ${(error as Error).message}`,
    );
  }
  // The new file: the trained feature columns by name; the target column too when present.
  const maxBytes = flags.ownData!.maxBytes;
  let table;
  let hasTarget = true;
  try {
    try {
      table = await loadCsv(data.path, { columns: card.features, target: card.target, maxBytes });
    } catch (error) {
      // Without the target column (or with unusable labels there), predictions only.
      if (!/\btarget\b/.test((error as Error).message.replace(data.path, ""))) throw error;
      hasTarget = false;
      table = await loadCsv(data.path, { columns: card.features, maxBytes });
    }
  } catch (error) {
    const e = csvError(error, data.path, flags.ownData!.maxDataMb);
    throw new OwnDataError("--data", e.message);
  }
  let x: Tensor = table.x;
  if (card.scaler !== null) x = StandardScaler.fromJSON(card.scaler).transform(x);
  const out = modelOutputs(model, x, card);
  const n = out.shape[0];
  const values = out.toTypedArray();
  const lines: string[] = [];
  let predictedIndex: number[] = [];
  if (card.task === "classification") {
    const classes = card.classes!;
    const probs = out.softmax(1).toTypedArray();
    const k = classes.length;
    predictedIndex = Array.from(out.argmax(1).toTypedArray());
    lines.push([card.target, ...classes.map((c) => `p(${c})`)].map(csvField).join(","));
    for (let i = 0; i < n; i++) {
      const row: (string | number)[] = [classes[predictedIndex[i]]];
      for (let j = 0; j < k; j++) row.push(probs[i * k + j]);
      lines.push(row.map(csvField).join(","));
    }
  } else {
    lines.push(csvField(card.target));
    for (let i = 0; i < n; i++) lines.push(String(values[i]));
  }
  const outPath = flags.out ?? defaultPredictionsPath(modelPath);
  await writeFileAtomic(outPath, lines.join("\n") + "\n");
  const summary: Record<string, unknown> = {
    model: modelPath,
    data: data.path,
    rows: n,
    task: card.task,
    predictions: outPath,
  };
  if (hasTarget && table.y !== undefined) {
    if (card.task === "classification") {
      const truth = truthIndices(table.y, table.classes, card.classes!);
      if (truth !== null) summary.accuracy = accuracy(truth, out);
    } else if (table.classes === undefined && n >= 2) {
      summary.r2 = r2Score(table.y.reshape([n, 1]), out);
    }
  }
  if (flags.json) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(
      `predicted ${n} rows of ${data.path} with ${modelPath} (${card.task}, ${
        card.sizes.join("-")
      })`,
    );
    if (summary.accuracy !== undefined) {
      console.log(
        `accuracy against column "${card.target}": ${
          ((summary.accuracy as number) * 100).toFixed(1)
        }%`,
      );
    }
    if (summary.r2 !== undefined) {
      console.log(`R² against column "${card.target}": ${(summary.r2 as number).toFixed(4)}`);
    }
    console.log(`wrote ${outPath}`);
  }
  return 0;
}

/** The new file's target as indices of the trained classes, or null if a label is unknown. */
function truthIndices(
  y: Tensor,
  labels: string[] | undefined,
  classes: readonly Label[],
): Tensor | null {
  const position = new Map(classes.map((c, i) => [String(c), i]));
  const raw = Array.from(y.toTypedArray(), (v) => (labels === undefined ? String(v) : labels[v]));
  const index = raw.map((r) => position.get(r));
  if (index.some((i) => i === undefined)) return null;
  return tensor(index as number[], { dtype: "float64" });
}
