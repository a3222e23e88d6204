/**
 * The assignment notebook's experiments (IE678 assignment 1), one per
 * section, with the settings each section uses. `deno task train
 * --experiment assignment-<part>` runs one; `--help` lists them.
 *
 * @module
 */

import { PHI_NAMES, type PhiName } from "./assignment_model.ts";

/** How one repetition is trained. */
export type AssignmentOptimizer = "bfgs" | "lbfgs" | "adam";

/** Every setting of an assignment run (the part's defaults, then the flags). */
export interface AssignmentSettings {
  /** Seed of the global generator (`manualSeed`) the initial weights come from. */
  seed: number;
  /** Seed of the data's generator. */
  dataSeed: number;
  /** Hidden widths of the network trained (`train1(hidden_sizes)`). */
  hidden: number[];
  /** The width study's widths (one hidden layer each). */
  widths: number[];
  /** Repetitions per `train1` call (`nreps`). */
  nreps: number;
  /** Hidden activation (`phi`). */
  phi: PhiName;
  /** Optimizer of each repetition. */
  optimizer: AssignmentOptimizer;
  /** Adam's learning rate. */
  lr: number;
  /** Adam: most epochs (`max_epochs`). */
  epochs: number;
  /** Adam: stop when the cost changes by less than this between epochs (`tol`). */
  tol: number;
  /** BFGS / L-BFGS: gradient tolerance, ∞-norm (SciPy's `gtol`). */
  gtol: number;
  /** BFGS / L-BFGS: iteration limit, or null for SciPy's 200 × parameters. */
  maxiter: number | null;
}

/** One experiment: its name, its `--help` line and its defaults. */
export interface AssignmentExperiment {
  /** The `--experiment` name. */
  name: string;
  /** The notebook section. */
  section: string;
  /** One line for `--help`. */
  title: string;
  /** Settings the part uses unless a flag overrides them. */
  defaults: AssignmentSettings;
}

/** Settings shared by every part: the notebook's `train1` defaults and SciPy's BFGS options. */
export const ASSIGNMENT_DEFAULTS: AssignmentSettings = {
  seed: 0,
  dataSeed: 2,
  hidden: [2],
  widths: [1, 2, 3, 10, 50, 100],
  nreps: 10,
  phi: "sigmoid",
  optimizer: "bfgs",
  lr: 0.01,
  epochs: 5000,
  tol: 1e-8,
  gtol: 1e-5,
  maxiter: null,
};

const D = ASSIGNMENT_DEFAULTS;

/** The assignment's experiments, in the notebook's order. */
export const ASSIGNMENT_EXPERIMENTS: readonly AssignmentExperiment[] = [
  {
    name: "assignment-logistic",
    section: "1a",
    title:
      "assignment 1a: LogisticRegression(3, 2), W = randn(D, C)/√D, log_softmax on x = rand(3)",
    defaults: D,
  },
  {
    name: "assignment-mlp",
    section: "1b-1c",
    title:
      "assignment 1b/1c: MLP([2, 3, 4, 2], relu) parameters and the fixed-parameter check [0.8315, -3.6792]",
    defaults: D,
  },
  {
    name: "assignment-fit",
    section: "2a-2b",
    title:
      "assignment 2a/2b: the 1-D data, train1([2]) with SciPy's BFGS, best of 10 by training MSE",
    defaults: { ...D, hidden: [2] },
  },
  {
    name: "assignment-widths",
    section: "2c",
    title:
      "assignment 2c: widths 1, 2, 3, 10, 50, 100 (nreps 1, BFGS): training error falls, test error rises",
    defaults: { ...D, nreps: 1 },
  },
  {
    name: "assignment-units",
    section: "2d",
    title:
      "assignment 2d: train1([10]); the hidden units' outputs, raw and scaled by their output weights",
    defaults: { ...D, hidden: [10] },
  },
  {
    name: "assignment-adam",
    section: "2e",
    title: "assignment 2e: train1([50]) with Adam lr 0.01, up to 5000 full-batch epochs, tol 1e-8",
    defaults: { ...D, hidden: [50], nreps: 1, optimizer: "adam" },
  },
  {
    name: "assignment-depths",
    section: "2e",
    title: "assignment 2e: three hidden layers train1([4, 5, 6], nreps=50, phi=relu)",
    defaults: { ...D, hidden: [4, 5, 6], nreps: 50, phi: "relu" },
  },
  {
    name: "assignment-backprop",
    section: "3",
    title:
      "assignment 3: train1([50], nreps=1); forward pass and deltas by hand vs the backward pass",
    defaults: { ...D, hidden: [50], nreps: 1 },
  },
];

/**
 * Looks an assignment experiment up by name.
 *
 * @param name The `--experiment` value.
 * @returns The experiment, or undefined.
 *
 * @example
 * ```ts
 * import { findAssignmentExperiment } from "./assignment_registry.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(findAssignmentExperiment("assignment-depths")?.defaults.hidden, [4, 5, 6]);
 * ```
 */
export function findAssignmentExperiment(name: string): AssignmentExperiment | undefined {
  return ASSIGNMENT_EXPERIMENTS.find((e) => e.name === name);
}

/**
 * The `--experiment` value of a command line, when it names an assignment experiment.
 *
 * @param args The arguments.
 * @returns The experiment, or undefined.
 *
 * @example
 * ```ts
 * import { assignmentExperimentOf } from "./assignment_registry.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(assignmentExperimentOf(["--experiment", "assignment-fit"])?.section, "2a-2b");
 * strictEqual(assignmentExperimentOf(["--experiment=mlp-1d"]), undefined);
 * ```
 */
export function assignmentExperimentOf(args: readonly string[]): AssignmentExperiment | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--experiment") return findAssignmentExperiment(args[i + 1] ?? "");
    if (args[i].startsWith("--experiment=")) {
      return findAssignmentExperiment(args[i].slice("--experiment=".length));
    }
  }
  return undefined;
}

/** The flags of the assignment experiments (`deno task train --help` lists them). */
export const ASSIGNMENT_USAGE =
  `Assignment experiments (IE678 assignment 1; flags override each part's settings, and a
flag the part does not use is refused):
  --nreps <n>             repetitions per train1 call; the lowest training MSE wins
  --layers <w,w,…>        hidden widths of train1(hidden_sizes)
  --widths <w,w,…>        the width study's widths (assignment-widths)
  --activation <name>     phi: ${PHI_NAMES.join(", ")}
  --optimizer <name>      bfgs (SciPy's minimize(method="BFGS"), the default), lbfgs, adam
  --gtol <x>, --maxiter <n>  BFGS / L-BFGS tolerance (default 1e-5) and iteration limit (200·n)
  --lr <x>, --epochs <n>, --tol <x>  Adam: learning rate 0.01, max epochs 5000, tol 1e-8
  --seed <n>              manualSeed for the initial weights (default 0)
  --data-seed <n>         Generator seed of the 1-D data (default 2)
  --out <dir>, --no-save, --json   as above (default folder runs/<experiment>)`;
