/**
 * The fixed workloads of `deno task bench`, the same list for every engine
 * (glassbox's paths, PyTorch, TensorFlow.js): each engine receives the list
 * as JSON and runs the workloads it can, with the same shapes and dtypes.
 *
 * - `matmul`: `op(A) · op(B)` for square N×N operands, N = 64 … 1024, in the
 *   four transpose variants (`nn`, `tn` = Aᵀ·B, `nt` = A·Bᵀ, `tt`), float64
 *   and float32. Figure: GFLOP/s, counting 2·N³ operations.
 * - `mlp`: one training step of a 784-512-512-10 ReLU MLP on a batch of 256
 *   (forward, cross-entropy on class indices, backward, plain SGD step),
 *   float32 and float64. Figure: ms per step.
 * - `micro`: the per-operation costs a 33-row notebook step is made of,
 *   float64: `Dense(32, 32)` + Tanh (and + ReLU) forward on [33, 32],
 *   `x.tanh()` on [33, 32], and one whole training step of the
 *   classification notebook (5-32-32-32-3 ReLU + Softmax layer, categorical
 *   cross-entropy on one-hot rows, SGD lr 0.08, batch 33). Figure: µs per
 *   run, each sample thousands of back-to-back runs.
 * - `experiments`: the notebooks' experiments as `deno task train
 *   --experiment <name>` runs them (float64; model creation and every epoch
 *   with its full validation pass and the validation metric it logs — MAPE or
 *   accuracy — then the winner's summary; PyTorch's twin does the same work;
 *   data generation excluded), the two extras
 *   (`logistic-regression`, `mlp-1d`) marked as such, and the assignment
 *   notebook's training parts that take seconds: `assignment-fit` (2a/2b:
 *   `train1([2])`, 10 repetitions of SciPy's BFGS), `assignment-adam` (2e:
 *   `train1([50])` with Adam) and `assignment-depths` (2e: `train1([4, 5, 6],
 *   nreps=50, phi=relu)`), each as `deno task train --experiment <name>` runs
 *   it (without writing the run folder) and as the notebook's own code
 *   (tasks/golden/assignment.py) runs it; both report the iterations and
 *   function evaluations of a run, since BFGS runs that end at the noise
 *   floor may take different numbers of steps in the two implementations.
 *   Figure: ms per run. With `--long` only (one run per engine, no warm-up):
 *   `assignment-widths` (2c), `-units` (2d) and `-backprop` (3), whose BFGS
 *   runs on 10 to 100 hidden units take 15–80 s a run on glassbox and up to
 *   15 minutes on PyTorch (SciPy's BFGS, tens of thousands of iterations). Left out: `assignment-logistic` and `-mlp`, which train
 *   nothing.
 *
 * FLOP counts (tasks/bench/flops.ts) come with the rows whose work is fixed,
 * for the % of the SIMD ceiling.
 *
 * @module
 */

import { experimentFlops, type ExperimentWork, forwardFlops, trainFlops } from "./flops.ts";
import {
  type AssignmentSettings,
  findAssignmentExperiment,
} from "../experiments/assignment_registry.ts";

/** The workload groups `--only` selects, in the order they run. */
export const GROUPS = ["matmul", "mlp", "micro", "experiments"] as const;
/** A workload group. */
export type Group = typeof GROUPS[number];

/** Transpose variants: `t` marks a transposed operand (first letter A, second B). */
export const VARIANTS = ["nn", "tn", "nt", "tt"] as const;
/** A transpose variant. */
export type Variant = typeof VARIANTS[number];

/** A dtype every engine understands. */
export type BenchDType = "float64" | "float32";

/** One experiment of the `experiments` group. */
export interface BenchExperiment {
  /** The `--experiment` name (tasks/experiments/registry.ts, assignment_registry.ts). */
  name: string;
  /** The notebook it reproduces, or null for an extra with no notebook of its own. */
  notebook: string | null;
  /** The speed target against PyTorch (issue 18), or null (extras). */
  goal: number | null;
  /**
   * What one run trains and validates, for the FLOP count; null where the
   * work is not fixed in advance (L-BFGS, BFGS, Adam with a tolerance: the
   * number of evaluations depends on the run).
   */
  work: ExperimentWork | null;
  /** For the assignment's experiments: the settings PyTorch's side needs (the part's defaults). */
  assignment?: AssignmentBench;
  /** Minutes per run: measured only with `--long`, one run per engine, no warm-up run. */
  long?: boolean;
}

/**
 * An assignment experiment's settings that PyTorch's side needs: its part's defaults in
 * tasks/experiments/assignment_registry.ts (SciPy's BFGS keeps its own gtol and iteration
 * limit).
 */
export type AssignmentBench = Pick<
  AssignmentSettings,
  | "hidden"
  | "widths"
  | "nreps"
  | "phi"
  | "optimizer"
  | "lr"
  | "epochs"
  | "tol"
  | "seed"
  | "dataSeed"
>;

/** The settings of assignment experiment `name`, from its registry defaults. */
function assignmentBench(name: string): AssignmentBench {
  const d = findAssignmentExperiment(name)!.defaults;
  const { hidden, widths, nreps, phi, optimizer, lr, epochs, tol, seed, dataSeed } = d;
  return { hidden, widths, nreps, phi, optimizer, lr, epochs, tol, seed, dataSeed };
}

/**
 * The experiments the bench times. Notebook experiments must run ≥ 2× as
 * fast as PyTorch, notebook 3.1's ≥ 1.5×; the extras are measured without a
 * target. The shapes are the registry's defaults (suite_test.ts checks
 * them against it).
 */
export const BENCH_EXPERIMENTS: readonly BenchExperiment[] = [
  {
    name: "mlp-regression",
    notebook: "3.1",
    goal: 1.5,
    work: { sizes: [6, 32, 32, 32, 32, 3], trainRows: 1000, validRows: 9100, epochs: 32 },
  },
  {
    name: "mlp-classification",
    notebook: "MLP classification",
    goal: 2,
    work: { sizes: [5, 32, 32, 32, 3], trainRows: 100, validRows: 1000, epochs: 32 },
  },
  {
    name: "linear-regression",
    notebook: "1.1",
    goal: 2,
    work: { sizes: [1, 1], trainRows: 100, validRows: 10000, epochs: 16 },
  },
  {
    name: "multivariate-linear-regression",
    notebook: "1.2",
    goal: 2,
    work: { sizes: [6, 3], trainRows: 100, validRows: 10000, epochs: 16 },
  },
  {
    name: "logistic-regression",
    notebook: null,
    goal: null,
    work: { sizes: [5, 3], trainRows: 1000, validRows: 100, epochs: 32 },
  },
  { name: "mlp-1d", notebook: null, goal: null, work: null },
  // The assignment notebook's parts that train and take seconds, not minutes (see the module doc).
  {
    name: "assignment-fit",
    notebook: "assignment 2a/2b",
    goal: 2,
    work: null,
    assignment: assignmentBench("assignment-fit"),
  },
  {
    name: "assignment-adam",
    notebook: "assignment 2e",
    goal: 2,
    work: null,
    assignment: assignmentBench("assignment-adam"),
  },
  {
    name: "assignment-depths",
    notebook: "assignment 2e",
    goal: 2,
    work: null,
    assignment: assignmentBench("assignment-depths"),
  },
  // BFGS on 10 to 100 hidden units: 15–80 s a run on glassbox, up to 15 min on PyTorch; --long only.
  {
    name: "assignment-widths",
    notebook: "assignment 2c",
    goal: 2,
    work: null,
    assignment: assignmentBench("assignment-widths"),
    long: true,
  },
  {
    name: "assignment-units",
    notebook: "assignment 2d",
    goal: 2,
    work: null,
    assignment: assignmentBench("assignment-units"),
    long: true,
  },
  {
    name: "assignment-backprop",
    notebook: "assignment 3",
    goal: 2,
    work: null,
    assignment: assignmentBench("assignment-backprop"),
    long: true,
  },
];

/** The notebooks' experiments, as named by tasks/experiments/registry.ts. */
export const EXPERIMENT_NAMES: readonly string[] = BENCH_EXPERIMENTS.map((e) => e.name);

/** The MLP of the `mlp` group: layer sizes, batch rows, SGD learning rate. */
export const MLP_SHAPE = { sizes: [784, 512, 512, 10], batch: 256, lr: 0.01 } as const;

/** The `micro` group's operations. */
export const MICRO_OPS = ["dense-tanh", "dense-relu", "tanh", "classification-step"] as const;
/** A `micro` operation. */
export type MicroOp = typeof MICRO_OPS[number];

/** Rows of every `micro` workload: the classification notebook's batch, `100 // 3`. */
export const MICRO_ROWS = 33;
/** The classification notebook's network (5 features, three ReLU layers of 32, 3 classes). */
export const CLASSIFICATION_SIZES: readonly number[] = [5, 32, 32, 32, 3];
/** The classification notebook's SGD learning rate. */
export const CLASSIFICATION_LR = 0.08;

/** How long an engine measures one workload (see tasks/bench/measure.ts). */
export interface Timing {
  /** Minimum warm-up time in ms (at least one untimed run; none when negative). */
  warmupMs: number;
  /** Each sample times enough back-to-back runs to last at least this long (ms). */
  minSampleMs: number;
  /** Samples wanted; the figure is their median. */
  samples: number;
  /** Stop sampling once this much time (ms) has been spent, after at least `minSamples`. */
  budgetMs: number;
  /** Fewest samples, whatever the budget. */
  minSamples: number;
}

/** One workload: what to run, and the figure it reports. */
export type Workload =
  & { id: string; group: Group; dtype: BenchDType; label: string; timing: Timing }
  & (
    | { kind: "matmul"; n: number; variant: Variant }
    | { kind: "mlp"; sizes: readonly number[]; batch: number; lr: number }
    | { kind: "micro"; op: MicroOp; rows: number }
    | { kind: "experiment"; experiment: string; assignment?: AssignmentBench }
  );

/**
 * Floating-point operations of one run of a workload (matrix products only,
 * see tasks/bench/flops.ts), or null where the work is not fixed.
 *
 * @param w The workload.
 * @returns The count, or null.
 */
export function flops(w: Workload): number | null {
  switch (w.kind) {
    case "matmul":
      return 2 * w.n ** 3;
    case "mlp":
      return trainFlops({ sizes: w.sizes, rows: w.batch });
    case "micro":
      if (w.op === "tanh") return null;
      if (w.op === "classification-step") {
        return trainFlops({ sizes: CLASSIFICATION_SIZES, rows: w.rows });
      }
      return forwardFlops({ sizes: [32, 32], rows: w.rows });
    case "experiment": {
      const work = BENCH_EXPERIMENTS.find((e) => e.name === w.experiment)?.work;
      return work == null ? null : experimentFlops(work);
    }
  }
}

/** Options of `buildSuite`. */
export interface SuiteOptions {
  /** Fewer sizes, experiments and samples: a smoke test, not a measurement. */
  quick?: boolean;
  /** Groups to run (default all). */
  only?: readonly Group[];
  /** Matmul sizes to run instead of the defaults. */
  sizes?: readonly number[];
  /** Also the experiments that take minutes per run (`BenchExperiment.long`). */
  long?: boolean;
}

const FULL_TIMING: Timing = {
  warmupMs: 300,
  minSampleMs: 50,
  samples: 7,
  budgetMs: 6000,
  minSamples: 3,
};
const QUICK_TIMING: Timing = {
  warmupMs: 100,
  minSampleMs: 10,
  samples: 3,
  budgetMs: 500,
  minSamples: 1,
};
/** Experiments are whole training runs (0.05–2 s): one untimed run, then whole runs. */
const EXPERIMENT_TIMING: Timing = {
  warmupMs: 0,
  minSampleMs: 0,
  samples: 5,
  budgetMs: 10000,
  minSamples: 3,
};
/** Runs of minutes: one run, untimed warm-up skipped (`warmupMs` < 0). */
const LONG_TIMING: Timing = {
  warmupMs: -1,
  minSampleMs: 0,
  samples: 1,
  budgetMs: 0,
  minSamples: 1,
};
/** µs-scale work: each sample times ≥ 20 ms of back-to-back runs (thousands of them). */
const MICRO_TIMING: Timing = {
  warmupMs: 300,
  minSampleMs: 20,
  samples: 15,
  budgetMs: 3000,
  minSamples: 5,
};
const MICRO_QUICK_TIMING: Timing = {
  warmupMs: 50,
  minSampleMs: 5,
  samples: 3,
  budgetMs: 200,
  minSamples: 1,
};

const MICRO_LABELS: Record<MicroOp, string> = {
  "dense-tanh": `Dense(32,32)+tanh fwd [${MICRO_ROWS},32]`,
  "dense-relu": `Dense(32,32)+relu fwd [${MICRO_ROWS},32]`,
  "tanh": `x.tanh() [${MICRO_ROWS},32]`,
  "classification-step": `classification step b${MICRO_ROWS}`,
};

/**
 * The workloads to run, in order.
 *
 * @param options `quick`, `only`, `sizes`.
 * @returns The list every engine receives.
 */
export function buildSuite(options: SuiteOptions = {}): Workload[] {
  const quick = options.quick ?? false;
  const only = new Set(options.only ?? GROUPS);
  const timing = quick ? QUICK_TIMING : FULL_TIMING;
  const out: Workload[] = [];
  const dtypes: BenchDType[] = ["float64", "float32"];
  if (only.has("matmul")) {
    const sizes = options.sizes ?? (quick ? [64, 256] : [64, 128, 256, 512, 1024]);
    for (const dtype of dtypes) {
      for (const n of sizes) {
        for (const variant of VARIANTS) {
          out.push({
            id: `matmul/${dtype}/${n}/${variant}`,
            group: "matmul",
            kind: "matmul",
            dtype,
            n,
            variant,
            label: `matmul ${short(dtype)} ${n} ${variant}`,
            timing,
          });
        }
      }
    }
  }
  if (only.has("mlp")) {
    for (const dtype of dtypes) {
      out.push({
        id: `mlp/${dtype}/train-step`,
        group: "mlp",
        kind: "mlp",
        dtype,
        ...MLP_SHAPE,
        label: `mlp ${MLP_SHAPE.sizes.join("-")} b${MLP_SHAPE.batch} ${short(dtype)} step`,
        timing,
      });
    }
  }
  if (only.has("micro")) {
    for (const op of MICRO_OPS) {
      out.push({
        id: `micro/float64/${op}`,
        group: "micro",
        kind: "micro",
        dtype: "float64",
        op,
        rows: MICRO_ROWS,
        label: `${MICRO_LABELS[op]} f64`,
        timing: quick ? MICRO_QUICK_TIMING : MICRO_TIMING,
      });
    }
  }
  if (only.has("experiments")) {
    const timed = BENCH_EXPERIMENTS.filter((e) => !e.long);
    const list = [
      ...(quick ? timed.slice(0, 2) : timed),
      ...(options.long ? BENCH_EXPERIMENTS.filter((e) => e.long) : []),
    ];
    for (const e of list) {
      out.push({
        id: `experiments/${e.name}`,
        group: "experiments",
        kind: "experiment",
        dtype: "float64",
        experiment: e.name,
        ...(e.assignment === undefined ? {} : { assignment: e.assignment }),
        label: `train ${e.name}${e.notebook === null ? " (extra)" : ""}`,
        timing: e.long
          ? LONG_TIMING
          : quick
          ? { ...EXPERIMENT_TIMING, samples: 1, minSamples: 1 }
          : EXPERIMENT_TIMING,
      });
    }
  }
  return out;
}

function short(dtype: BenchDType): string {
  return dtype === "float64" ? "f64" : "f32";
}
