/**
 * `trainTestSplit`: scikit-learn's `train_test_split`, index for index.
 *
 * @module
 */

import type { RandomState } from "@glassbox/tensor";
import { Tensor } from "@glassbox/tensor";
import { checkBoolean, describe } from "@glassbox/internal";
import { resolveRandomState } from "./_validate.ts";
import { inferTask } from "./infer_task.ts";

/** Rows to split: a tensor (split along axis 0) or an array. */
export type Splittable = Tensor | readonly unknown[];

/** Options of {@linkcode trainTestSplit}: scikit-learn's parameters in camelCase. */
export interface TrainTestSplitOptions {
  /**
   * Test set size: a fraction in (0, 1) of the samples (rounded up), or a
   * count (an integer from 1 to nSamples - 1). Default 0.25, or the
   * complement of `trainSize`.
   */
  testSize?: number;
  /** Train set size: a fraction in (0, 1) (rounded down) or a count. Default: the complement of the test set. */
  trainSize?: number;
  /** Shuffle before splitting; false takes the first rows for training. Default true. */
  shuffle?: boolean;
  /** Seed in [0, 2^32 - 1], or a RandomState to draw from (it advances). Default: a random seed. */
  randomState?: number | RandomState;
  /**
   * Class labels (numbers or strings, one per sample): keep their
   * proportions in both sets, as scikit-learn's `stratify`. Default: `y`
   * itself when `y` holds class labels (`inferTask(y)` is
   * `"classification"`: strings, or few distinct integers), else none;
   * `null` never stratifies.
   */
  stratify?: Tensor | readonly (number | string)[] | ArrayLike<number> | null;
}

/** Result of {@linkcode trainTestSplit}: the parts, and the row indices that made them. */
export interface TrainTestSplit<X extends Splittable, Y extends Splittable> {
  /** Training rows of x. */
  xTrain: X;
  /** Test rows of x. */
  xTest: X;
  /** Training rows of y (absent without y). */
  yTrain?: Y;
  /** Test rows of y (absent without y). */
  yTest?: Y;
  /** Row indices of the training set, in scikit-learn's order. */
  trainIndex: number[];
  /** Row indices of the test set, in scikit-learn's order. */
  testIndex: number[];
}

const ACTION = "split train and test";

type SizeKind = "int" | "float" | "none";

function sizeKind(value: unknown, name: string): SizeKind {
  if (value === undefined) return "none";
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `Cannot ${ACTION}: ${name} must be a fraction in (0, 1) or a count, got ${describe(value)}`,
    );
  }
  return Number.isInteger(value) ? "int" : "float";
}

/** _validate_shuffle_split: the train and test counts, with scikit-learn's checks. */
export function splitSizes(
  nSamples: number,
  testSize?: number,
  trainSize?: number,
): [number, number] {
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  const testKind = sizeKind(testSize, "testSize");
  const trainKind = sizeKind(trainSize, "trainSize");
  for (
    const [name, value, kind] of [["testSize", testSize, testKind], [
      "trainSize",
      trainSize,
      trainKind,
    ]] as const
  ) {
    if (
      (kind === "int" && (value! >= nSamples || value! <= 0)) ||
      (kind === "float" && (value! <= 0 || value! >= 1))
    ) {
      throw new RangeError(
        `Cannot ${ACTION}: ${name} must be a count from 1 to nSamples - 1 (${
          nSamples - 1
        }) or a fraction in (0, 1), got ${value}`,
      );
    }
  }
  if (testKind === "float" && trainKind === "float" && testSize! + trainSize! > 1) {
    throw new RangeError(
      `Cannot ${ACTION}: testSize + trainSize must be at most 1, got ${testSize} + ${trainSize} = ${
        testSize! + trainSize!
      }`,
    );
  }
  let nTest = testKind === "float" ? Math.ceil(testSize! * nSamples) : testSize ?? 0;
  let nTrain = trainKind === "float" ? Math.floor(trainSize! * nSamples) : trainSize ?? 0;
  if (trainKind === "none") nTrain = nSamples - nTest;
  else if (testKind === "none") nTest = nSamples - nTrain;
  if (nTrain + nTest > nSamples) {
    throw new RangeError(
      `Cannot ${ACTION}: the train and test sets need ${nTrain} + ${nTest} = ${
        nTrain + nTest
      } samples, more than the ${nSamples} given`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(
      `Cannot ${ACTION}: the train set would be empty with nSamples ${nSamples}, testSize ${testSize} and trainSize ${trainSize}`,
    );
  }
  return [nTrain, nTest];
}

function rowCount(value: Splittable, name: string): number {
  if (value instanceof Tensor) {
    if (value.rank === 0) {
      throw new TypeError(`Cannot ${ACTION}: ${name} must have at least one axis, got a scalar`);
    }
    return value.shape[0];
  }
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${ACTION}: ${name} must be a Tensor or an array, got ${describe(value)}`,
    );
  }
  return value.length;
}

function take<T extends Splittable>(value: T, index: number[]): T {
  if (value instanceof Tensor) return value.gather(index) as T;
  return index.map((i) => (value as readonly unknown[])[i]) as unknown as T;
}

/** sklearn.utils._approximate_mode: per-class draws summing to nDraws, ties broken at random. */
function approximateMode(counts: number[], nDraws: number, rs: RandomState): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let need = Math.trunc(nDraws - floored.reduce((s, v) => s + v, 0));
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(inds.length, need);
      const picked = rs.permutation(inds.length).subarray(0, addNow);
      for (const p of picked) floored[inds[p]] += 1;
      need -= addNow;
      if (need === 0) break;
    }
  }
  return floored;
}

/** StratifiedShuffleSplit's first split. */
function stratifiedIndices(
  labels: (number | string)[],
  nTrain: number,
  nTest: number,
  rs: RandomState,
  auto: boolean,
): [number[], number[]] {
  const hint = auto
    ? " (stratify defaults to y, which holds class labels; pass stratify: null to split without it)"
    : "";
  // np.unique's order: numeric for numbers, by code unit for strings.
  const classes = [...new Set(labels)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : a < b ? -1 : a > b ? 1 : 0
  );
  const members = classes.map(() => [] as number[]);
  const position = new Map(classes.map((c, i) => [c, i]));
  labels.forEach((label, i) => members[position.get(label)!].push(i));
  const counts = members.map((m) => m.length);
  if (Math.min(...counts) < 2) {
    throw new RangeError(
      `Cannot ${ACTION}: every class in stratify needs at least 2 members, got class ${
        describe(classes[counts.indexOf(Math.min(...counts))])
      } with 1${hint}`,
    );
  }
  if (nTrain < classes.length) {
    throw new RangeError(
      `Cannot ${ACTION}: the train set (${nTrain}) must have at least one sample per class (${classes.length})${hint}`,
    );
  }
  if (nTest < classes.length) {
    throw new RangeError(
      `Cannot ${ACTION}: the test set (${nTest}) must have at least one sample per class (${classes.length})${hint}`,
    );
  }
  const nI = approximateMode(counts, nTrain, rs);
  const tI = approximateMode(counts.map((c, i) => c - nI[i]), nTest, rs);
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((m, i) => {
    const perm = Array.from(rs.permutation(counts[i]), (p) => m[p]);
    // One by one: spreading a million-row class into push() overflows the stack.
    for (let j = 0; j < nI[i]; j++) train.push(perm[j]);
    for (let j = nI[i]; j < nI[i] + tI[i]; j++) test.push(perm[j]);
  });
  return [rs.permutation(train), rs.permutation(test)];
}

/**
 * Splits rows into random train and test subsets, choosing exactly the rows
 * scikit-learn 1.2's `train_test_split` chooses for the same seed and the
 * same `stratify`; with `shuffle: false` the first rows train. Unlike
 * scikit-learn, a `y` of class labels (strings, or few distinct integers:
 * see `inferTask`) stratifies by default, so both sets keep the class
 * proportions; pass `stratify: null` for scikit-learn's plain split.
 *
 * @param x Samples: a tensor (rows along axis 0) or an array.
 * @param y Targets with as many rows as x, or null.
 * @param options Sizes, shuffling, seed, stratification; see {@linkcode TrainTestSplitOptions}.
 * @returns The four parts (tensors stay tensors) and the chosen row indices.
 * @example Same indices as `train_test_split(np.arange(10), test_size=0.3, random_state=42)`
 * ```ts
 * import { trainTestSplit } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const rows = Array.from({ length: 10 }, (_, i) => i);
 * const { xTrain, xTest } = trainTestSplit(rows, null, { testSize: 0.3, randomState: 42 });
 * deepStrictEqual(xTrain, [0, 7, 2, 9, 4, 3, 6]);
 * deepStrictEqual(xTest, [8, 1, 5]);
 * ```
 */
export function trainTestSplit<X extends Splittable, Y extends Splittable = X>(
  x: X,
  y: Y | null = null,
  options: TrainTestSplitOptions = {},
): TrainTestSplit<X, Y> {
  const nSamples = rowCount(x, "x");
  if (y !== null && rowCount(y, "y") !== nSamples) {
    throw new RangeError(
      `Cannot ${ACTION}: x and y must have the same number of rows, got ${nSamples} and ${
        rowCount(y, "y")
      }`,
    );
  }
  const shuffle = checkBoolean(options.shuffle ?? true, ACTION, "shuffle");
  let labels: (number | string)[] | null = null;
  // By default, class labels in y stratify (only when shuffling: without it nothing is drawn).
  const auto = options.stratify === undefined && y !== null && shuffle &&
    !(y instanceof Tensor && y.rank !== 1) && inferTask(y as Tensor) === "classification";
  const stratify = auto ? y as Tensor : options.stratify;
  if (stratify != null) {
    const s = stratify;
    if (s instanceof Tensor && s.rank !== 1) {
      throw new TypeError(`Cannot ${ACTION}: stratify must be 1-D, got ${describe(s)}`);
    }
    labels = Array.from(s instanceof Tensor ? s.toTypedArray() : s as ArrayLike<number | string>);
    if (labels.length !== nSamples) {
      throw new RangeError(
        `Cannot ${ACTION}: stratify must have one label per row (${nSamples}), got ${labels.length}`,
      );
    }
    const strings = typeof labels[0] === "string";
    labels.forEach((label, i) => {
      if (!(typeof label === "string" || (typeof label === "number" && Number.isFinite(label)))) {
        throw new TypeError(
          `Cannot ${ACTION}: stratify[${i}] must be a string or a finite number, got ${
            describe(label)
          }`,
        );
      }
      if ((typeof label === "string") !== strings) {
        throw new TypeError(
          `Cannot ${ACTION}: stratify labels must be all numbers or all strings, got ${
            describe(labels![0])
          } and ${describe(label)}`,
        );
      }
    });
  }
  const [nTrain, nTest] = splitSizes(nSamples, options.testSize, options.trainSize);

  let train: number[];
  let test: number[];
  if (!shuffle) {
    if (labels !== null) {
      throw new RangeError(`Cannot ${ACTION}: stratify needs shuffle, got shuffle false`);
    }
    train = Array.from({ length: nTrain }, (_, i) => i);
    test = Array.from({ length: nTest }, (_, i) => nTrain + i);
  } else {
    // ShuffleSplit / StratifiedShuffleSplit validate the counts again.
    splitSizes(nSamples, nTest, nTrain);
    const rs = resolveRandomState(options.randomState, ACTION);
    if (labels === null) {
      const perm = Array.from(rs.permutation(nSamples));
      test = perm.slice(0, nTest);
      train = perm.slice(nTest, nTest + nTrain);
    } else {
      [train, test] = stratifiedIndices(labels, nTrain, nTest, rs, auto);
    }
  }
  const result: TrainTestSplit<X, Y> = {
    xTrain: take(x, train),
    xTest: take(x, test),
    trainIndex: train,
    testIndex: test,
  };
  if (y !== null) {
    result.yTrain = take(y, train);
    result.yTest = take(y, test);
  }
  return result;
}
