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
 * - `experiments`: the notebooks' experiments as `deno task train
 *   --experiment <name>` runs them (float64; model creation and every epoch
 *   with its full validation pass; data generation excluded). Figure: ms
 *   per run.
 *
 * @module
 */

/** The workload groups `--only` selects. */
export const GROUPS = ["matmul", "mlp", "experiments"] as const;
/** A workload group. */
export type Group = typeof GROUPS[number];

/** Transpose variants: `t` marks a transposed operand (first letter A, second B). */
export const VARIANTS = ["nn", "tn", "nt", "tt"] as const;
/** A transpose variant. */
export type Variant = typeof VARIANTS[number];

/** A dtype every engine understands. */
export type BenchDType = "float64" | "float32";

/** The notebooks' experiments, as named by tasks/experiments/registry.ts. */
export const EXPERIMENT_NAMES = [
  "mlp-regression",
  "mlp-classification",
  "linear-regression",
  "multivariate-linear-regression",
  "logistic-regression",
  "mlp-1d",
] as const;

/** The MLP of the `mlp` group: layer sizes, batch rows, SGD learning rate. */
export const MLP_SHAPE = { sizes: [784, 512, 512, 10], batch: 256, lr: 0.01 } as const;

/** How long an engine measures one workload (see tasks/bench/measure.ts). */
export interface Timing {
  /** Minimum warm-up time in ms (at least one untimed run). */
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
    | { kind: "experiment"; experiment: string }
  );

/** Floating-point operations of one matmul workload run (2·N³), else null. */
export function flops(w: Workload): number | null {
  return w.kind === "matmul" ? 2 * w.n ** 3 : null;
}

/** Options of `buildSuite`. */
export interface SuiteOptions {
  /** Fewer sizes, experiments and samples: a smoke test, not a measurement. */
  quick?: boolean;
  /** Groups to run (default all). */
  only?: readonly Group[];
  /** Matmul sizes to run instead of the defaults. */
  sizes?: readonly number[];
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
  if (only.has("experiments")) {
    const names = quick ? EXPERIMENT_NAMES.slice(0, 2) : EXPERIMENT_NAMES;
    for (const experiment of names) {
      out.push({
        id: `experiments/${experiment}`,
        group: "experiments",
        kind: "experiment",
        dtype: "float64",
        experiment,
        label: `train ${experiment}`,
        timing: quick ? { ...EXPERIMENT_TIMING, samples: 1, minSamples: 1 } : EXPERIMENT_TIMING,
      });
    }
  }
  return out;
}

function short(dtype: BenchDType): string {
  return dtype === "float64" ? "f64" : "f32";
}
