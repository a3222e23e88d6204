/**
 * `deno task train --experiment assignment-<part>`: the assignment
 * notebook's experiments (IE678 assignment 1). `runAssignment(args)` parses
 * the command line, prints the run header (data recipe and seeds), runs the
 * part and writes its plots and `history.json` into the run folder.
 *
 * @module
 */

import { decimalInteger, decimalNumber, parseCommandLine } from "./flag_values.ts";
import { memoryOutput, stdoutOutput } from "@glassbox/trainer";
import { renderSvg } from "../plots/mod.ts";
import { assignmentData } from "./assignment_data.ts";
import { PHI_NAMES, type PhiName } from "./assignment_model.ts";
import {
  backpropPart,
  fitPart,
  logisticPart,
  mlpPart,
  type PartContext,
  trainPart,
  unitsPart,
  widthsPart,
} from "./assignment_parts.ts";
import {
  ASSIGNMENT_EXPERIMENTS,
  ASSIGNMENT_USAGE,
  type AssignmentExperiment,
  type AssignmentOptimizer,
  type AssignmentSettings,
} from "./assignment_registry.ts";
import { outFolderProblem, writeRunFolder } from "./run_folder.ts";
import { writeFileAtomic } from "./save_run.ts";

const OPTIONS = {
  experiment: { type: "string" },
  nreps: { type: "string" },
  layers: { type: "string" },
  widths: { type: "string" },
  activation: { type: "string" },
  optimizer: { type: "string" },
  gtol: { type: "string" },
  maxiter: { type: "string" },
  lr: { type: "string" },
  epochs: { type: "string" },
  tol: { type: "string" },
  seed: { type: "string" },
  "data-seed": { type: "string" },
  out: { type: "string" },
  "no-save": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** A bad flag of an assignment experiment. */
export class AssignmentUsageError extends Error {
  /**
   * @param message What was wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "AssignmentUsageError";
  }
}

/** Throws the AssignmentUsageError for a bad flag. */
const fail = (_flag: string, message: string): never => {
  throw new AssignmentUsageError(message);
};

/** `fail` for the command line: a flag no assignment part takes is named as such. */
const failCommandLine = (flag: string, message: string): never => {
  if (message.startsWith("Unknown option")) {
    return fail(
      flag,
      `Cannot use ${flag} with an assignment experiment: it is not one of their flags (listed below)`,
    );
  }
  return fail(flag, message);
};

function integer(flag: string, text: string, min: number): number {
  return decimalInteger(flag, text, min, fail);
}

function positive(flag: string, text: string): number {
  return decimalNumber(flag, text, fail, { positive: true });
}

function widthList(flag: string, text: string): number[] {
  return text.split(",").map((w) => integer(flag, w, 1));
}

function choice<T extends string>(flag: string, text: string, names: readonly T[]): T {
  if (!(names as readonly string[]).includes(text)) {
    throw new AssignmentUsageError(`${flag} must be one of ${names.join(", ")}, got "${text}"`);
  }
  return text as T;
}

/** The parts that train nothing: they take only --seed and the output flags. */
const UNTRAINED_PARTS = ["assignment-logistic", "assignment-mlp"];
const TRAINING_FLAGS = [
  "data-seed",
  "layers",
  "widths",
  "nreps",
  "activation",
  "optimizer",
  "gtol",
  "maxiter",
  "lr",
  "epochs",
  "tol",
] as const;

/**
 * Refuses flags the part would silently ignore: training flags on a part that
 * trains nothing, --widths outside the width study (and --layers inside it),
 * Adam's --lr / --epochs / --tol with BFGS or L-BFGS, BFGS's --gtol / --maxiter with Adam.
 */
function refuseUnused(
  name: string,
  optimizer: AssignmentOptimizer,
  given: Partial<Record<(typeof TRAINING_FLAGS)[number], unknown>>,
): void {
  const flags = (names: readonly string[]): string =>
    names.filter((n) => given[n as keyof typeof given] !== undefined).map((n) => `--${n}`)
      .join(", ");
  const refuse = (which: string, why: string): never => {
    throw new AssignmentUsageError(`Cannot use ${which} with ${name}: ${why}`);
  };
  if (UNTRAINED_PARTS.includes(name)) {
    const used = flags(TRAINING_FLAGS);
    if (used !== "") {
      refuse(used, "it trains nothing (it takes --seed, --out, --no-save and --json)");
    }
    return;
  }
  if (name !== "assignment-widths" && given.widths !== undefined) {
    refuse("--widths", "only assignment-widths runs the width study (use --layers here)");
  }
  if (name === "assignment-widths" && given.layers !== undefined) {
    refuse("--layers", "the width study trains one hidden layer per --widths entry");
  }
  const adamOnly = flags(["lr", "epochs", "tol"]);
  if (optimizer !== "adam" && adamOnly !== "") {
    refuse(adamOnly, `Adam's only, and the optimizer is ${optimizer} (add --optimizer adam)`);
  }
  const bfgsOnly = flags(["gtol", "maxiter"]);
  if (optimizer === "adam" && bfgsOnly !== "") {
    refuse(bfgsOnly, "BFGS / L-BFGS's only, and the optimizer is adam (use --epochs, --tol)");
  }
}

/** What the command line asks an assignment experiment for. */
export interface AssignmentFlags {
  /** The experiment. */
  experiment: AssignmentExperiment;
  /** Its settings after the flags. */
  settings: AssignmentSettings;
  /** Output folder, or null. */
  out: string | null;
  /** Print JSON instead of the notebook's lines. */
  json: boolean;
}

/**
 * Parses the flags of an assignment experiment.
 *
 * @param args The arguments, `--experiment assignment-<part>` among them.
 * @returns The experiment and its settings.
 *
 * @example
 * ```ts
 * import { parseAssignmentFlags } from "./assignment.ts";
 * import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
 *
 * const f = parseAssignmentFlags(["--experiment", "assignment-widths", "--widths", "1,2"]);
 * deepStrictEqual(f.settings.widths, [1, 2]);
 * strictEqual(f.settings.nreps, 1);
 * throws(() => parseAssignmentFlags(["--experiment", "assignment-fit", "--nreps", "0"]), /--nreps must be an integer >= 1/);
 * // A flag the part would ignore is refused: BFGS has no learning rate.
 * throws(() => parseAssignmentFlags(["--experiment", "assignment-fit", "--lr", "0.1"]), /Cannot use --lr with assignment-fit/);
 * ```
 */
export function parseAssignmentFlags(args: readonly string[]): AssignmentFlags {
  const values = parseCommandLine(args, OPTIONS, failCommandLine);
  const v = values;
  const experiment = ASSIGNMENT_EXPERIMENTS.find((e) => e.name === v.experiment);
  if (experiment === undefined) {
    throw new AssignmentUsageError(
      `--experiment must be one of ${
        ASSIGNMENT_EXPERIMENTS.map((e) => e.name).join(", ")
      }, got "${v.experiment}"`,
    );
  }
  const d = experiment.defaults;
  const optimizer = v.optimizer === undefined
    ? d.optimizer
    : choice<AssignmentOptimizer>("--optimizer", v.optimizer, ["bfgs", "lbfgs", "adam"]);
  refuseUnused(experiment.name, optimizer, v);
  const settings: AssignmentSettings = {
    seed: v.seed === undefined ? d.seed : integer("--seed", v.seed, 0),
    dataSeed: v["data-seed"] === undefined ? d.dataSeed : integer("--data-seed", v["data-seed"], 0),
    hidden: v.layers === undefined ? d.hidden : widthList("--layers", v.layers),
    widths: v.widths === undefined ? d.widths : widthList("--widths", v.widths),
    nreps: v.nreps === undefined ? d.nreps : integer("--nreps", v.nreps, 1),
    phi: v.activation === undefined
      ? d.phi
      : choice<PhiName>("--activation", v.activation, PHI_NAMES),
    optimizer,
    lr: v.lr === undefined ? d.lr : positive("--lr", v.lr),
    epochs: v.epochs === undefined ? d.epochs : integer("--epochs", v.epochs, 1),
    tol: v.tol === undefined ? d.tol : positive("--tol", v.tol),
    gtol: v.gtol === undefined ? d.gtol : positive("--gtol", v.gtol),
    maxiter: v.maxiter === undefined ? d.maxiter : integer("--maxiter", v.maxiter, 1),
  };
  if (
    experiment.name === "assignment-backprop" &&
    (settings.hidden.length !== 1 || settings.phi !== "sigmoid")
  ) {
    throw new AssignmentUsageError(
      `assignment-backprop works by hand on one sigmoid hidden layer, got --layers ${
        settings.hidden.join(",")
      } --activation ${settings.phi}`,
    );
  }
  if (v.out !== undefined && v["no-save"]) {
    throw new AssignmentUsageError(`--out and --no-save contradict each other`);
  }
  return {
    experiment,
    settings,
    out: v["no-save"] ? null : v.out ?? `runs/${experiment.name}`,
    json: v.json ?? false,
  };
}

function optimizerText(s: AssignmentSettings): string {
  const num = (x: number): string => (x < 1e-3 ? x.toExponential() : String(x));
  if (s.optimizer === "adam") {
    return `Adam lr ${s.lr}, full batch, up to ${s.epochs} epochs, stop when the cost changes by < ${
      num(s.tol)
    }`;
  }
  const name = s.optimizer === "bfgs"
    ? `SciPy's BFGS (minimize(method="BFGS"))`
    : "PyTorch's L-BFGS (strong Wolfe, history 100)";
  return `${name} until max |gradient| <= ${num(s.gtol)} or ${
    s.maxiter ?? "200 × parameters"
  } iterations`;
}

/**
 * Runs an assignment experiment from the command line.
 *
 * @param args The arguments.
 * @returns The exit code: 0 done, 1 a check failed, 2 bad flags.
 *
 * @example
 * ```ts
 * import { runAssignment } from "./assignment.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(await runAssignment(["--experiment", "assignment-mlp", "--no-save", "--json"]), 0);
 * strictEqual(await runAssignment(["--experiment", "assignment-mlp", "--nreps", "x"]), 2);
 * ```
 */
export async function runAssignment(args: readonly string[]): Promise<number> {
  let flags: AssignmentFlags;
  try {
    flags = parseAssignmentFlags(args);
  } catch (error) {
    if (!(error instanceof AssignmentUsageError)) throw error;
    console.error(`train: ${error.message}\n\n${ASSIGNMENT_USAGE}`);
    return 2;
  }
  const { experiment: e, settings: s } = flags;
  const problem = flags.out === null ? null : outFolderProblem(flags.out, args);
  if (problem !== null) {
    console.error(`train: ${problem}`);
    return 2;
  }
  const out = flags.json ? memoryOutput() : stdoutOutput();
  const data = assignmentData(s.dataSeed);
  const uses1D = !["assignment-logistic", "assignment-mlp"].includes(e.name);
  const header = [
    `${e.name}: ${e.title}`,
    ...(uses1D
      ? [
        `data: ${data.description}`,
        `X1 shape: [${data.X1.shape.join(", ")}], X1test shape: [${data.X1test.shape.join(", ")}]`,
        `training: ${optimizerText(s)}; phi ${s.phi}; cost F.mse_loss(y1, model(X1)); float64`,
      ]
      : []),
    `seeds: initial weights after manualSeed(${s.seed}) (--seed)${
      uses1D ? `, data Generator(${s.dataSeed}) (--data-seed)` : ""
    }`,
  ];
  out.write(header.join("\n") + "\n\n");
  const ctx: PartContext = {
    settings: s,
    data,
    out,
    progress: (text) => {
      if (!flags.json) console.error(text);
    },
    plots: [],
    result: {},
  };
  const started = performance.now();
  let ok = true;
  switch (e.name) {
    case "assignment-logistic":
      logisticPart(ctx);
      break;
    case "assignment-mlp":
      ok = mlpPart(ctx);
      break;
    case "assignment-fit":
      fitPart(ctx);
      break;
    case "assignment-widths":
      widthsPart(ctx);
      break;
    case "assignment-units":
      unitsPart(ctx);
      break;
    case "assignment-backprop":
      backpropPart(ctx);
      break;
    default:
      trainPart(ctx, e.name.replace("assignment-", ""));
  }
  const record = {
    format: "glassbox-assignment/1",
    experiment: e.name,
    section: e.section,
    title: e.title,
    header,
    settings: s,
    seconds: (performance.now() - started) / 1000,
    ...ctx.result,
    files: [] as string[],
  };
  if (flags.out !== null) {
    // One set: a staging folder renamed into place (run_folder.ts).
    await writeRunFolder(flags.out, async (dir) => {
      for (const p of ctx.plots) {
        await writeFileAtomic(`${dir}/${p.name}.vl.json`, JSON.stringify(p.spec, null, 2) + "\n");
        await writeFileAtomic(`${dir}/${p.name}.svg`, await renderSvg(p.spec));
        record.files.push(`${p.name}.vl.json`, `${p.name}.svg`);
      }
      record.files.push("history.json");
      await writeFileAtomic(`${dir}/history.json`, JSON.stringify(record, null, 2) + "\n");
    });
  }
  if (flags.json) {
    console.log(JSON.stringify(record));
  } else if (flags.out !== null) {
    console.log(`\nwrote ${flags.out}/: ${record.files.join(", ")}`);
  }
  return ok ? 0 : 1;
}
