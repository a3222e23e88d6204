/**
 * `makeClassification`: scikit-learn's `make_classification`, value for value.
 *
 * @module
 */

import type { RandomState, Tensor } from "@glassbox/tensor";
import { checkBoolean, checkInteger, checkNumber, describe, npDot } from "@glassbox/internal";
import { permute, sampleWithoutReplacement, shuffledIndices, takeRows, wrap } from "./_random.ts";
import { checkNumbers, checkThreads, resolveRandomState } from "./_validate.ts";
import { REFERENCE_BLAS_THREADS } from "./make_regression.ts";

/**
 * Options of {@linkcode makeClassification}: scikit-learn's parameters in
 * camelCase, with its defaults.
 */
export interface MakeClassificationOptions {
  /** Number of samples, at least 1. Default 100. */
  nSamples?: number;
  /** Total number of features, at least nInformative + nRedundant + nRepeated. Default 20. */
  nFeatures?: number;
  /** Informative features, at least 1. Default 2. */
  nInformative?: number;
  /** Random linear combinations of the informative features. Default 2. */
  nRedundant?: number;
  /** Copies of informative or redundant features. Default 0. */
  nRepeated?: number;
  /** Number of classes, at least 1. Default 2. */
  nClasses?: number;
  /** Gaussian clusters per class; nClasses * nClustersPerClass <= 2 ** nInformative. Default 2. */
  nClustersPerClass?: number;
  /** Class proportions: nClasses values, or nClasses - 1 (the last is 1 - their sum). Default equal. */
  weights?: readonly number[] | Float64Array | null;
  /** Fraction of labels replaced by random ones, in [0, 1]. Default 0.01. */
  flipY?: number;
  /** Half the side of the hypercube the cluster centres sit on, greater than 0. Default 1. */
  classSep?: number;
  /** Centres on the vertices of a hypercube (else of a random polytope). Default true. */
  hypercube?: boolean;
  /** Added to every feature: a number, one per feature, or null for random shifts. Default 0. */
  shift?: number | readonly number[] | Float64Array | null;
  /** Multiplies every feature: a number, one per feature, or null for random scales. Default 1. */
  scale?: number | readonly number[] | Float64Array | null;
  /** Shuffle the samples and the features. Default true. */
  shuffle?: boolean;
  /** Seed in [0, 2^32 - 1], or a RandomState to draw from (it advances). Default: a random seed. */
  randomState?: number | RandomState;
  /** OpenBLAS thread count of the NumPy run to reproduce (see makeRegression). Default 2. */
  blasThreads?: number;
}

/** Result of {@linkcode makeClassification}. */
export interface ClassificationData {
  /** Samples, shape [nSamples, nFeatures]. */
  X: Tensor;
  /** Class labels 0 … nClasses - 1 (as float64), shape [nSamples]. */
  y: Tensor;
}

const ACTION = "make classification";

/** _generate_hypercube: `samples` distinct vertices of the unit hypercube in `dims` dimensions. */
function hypercube(rs: RandomState, samples: number, dims: number): Float64Array {
  const out = new Float64Array(samples * dims);
  let bitDims = dims;
  if (dims > 30) {
    const extra = dims - 30;
    const head = rs.randint(0, 2, [samples, extra]);
    for (let s = 0; s < samples; s++) {
      for (let c = 0; c < extra; c++) out[s * dims + c] = head[s * extra + c];
    }
    bitDims = 30;
  }
  const codes = sampleWithoutReplacement(rs, 2 ** bitDims, samples);
  for (let s = 0; s < samples; s++) {
    for (let c = 0; c < bitDims; c++) {
      out[s * dims + (dims - bitDims) + c] = Math.floor(codes[s] / 2 ** (bitDims - 1 - c)) % 2;
    }
  }
  return out;
}

/** A per-feature option (shift or scale): one number for all, or nFeatures numbers. */
function perFeature(value: unknown, name: string, nFeatures: number): number[] {
  if (typeof value === "number") return new Array(nFeatures).fill(checkNumber(value, ACTION, name));
  const list = checkNumbers(value, name, ACTION);
  if (list.length !== nFeatures) {
    throw new RangeError(
      `Cannot ${ACTION}: ${name} must be a number or have one value per feature (${nFeatures}), got ${list.length} values`,
    );
  }
  return list;
}

/**
 * A random n-class classification problem, identical to scikit-learn 1.2's
 * `make_classification` for the same seed: Gaussian clusters around vertices
 * of a hypercube, a random covariance per cluster (`X_k @ A`, summed in
 * OpenBLAS's order), redundant, repeated and useless features, label noise,
 * shift, scale, and shuffled samples and features.
 *
 * @param options Sizes, class layout, seed; see {@linkcode MakeClassificationOptions}.
 * @returns `{ X, y }`.
 * @example
 * ```ts
 * import { makeClassification } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * // make_classification(n_samples=6, n_features=4, random_state=0)
 * const { X, y } = makeClassification({ nSamples: 6, nFeatures: 4, randomState: 0 });
 * deepStrictEqual(X.shape, [6, 4]);
 * deepStrictEqual(Array.from(y.toTypedArray()), [0, 1, 1, 1, 0, 0]);
 * ```
 */
export function makeClassification(options: MakeClassificationOptions = {}): ClassificationData {
  const nSamples = checkInteger(options.nSamples ?? 100, ACTION, "nSamples", 1);
  const nFeatures = checkInteger(options.nFeatures ?? 20, ACTION, "nFeatures", 1);
  const nInformative = checkInteger(options.nInformative ?? 2, ACTION, "nInformative", 1);
  const nRedundant = checkInteger(options.nRedundant ?? 2, ACTION, "nRedundant", 0);
  const nRepeated = checkInteger(options.nRepeated ?? 0, ACTION, "nRepeated", 0);
  const nClasses = checkInteger(options.nClasses ?? 2, ACTION, "nClasses", 1);
  const nClustersPerClass = checkInteger(
    options.nClustersPerClass ?? 2,
    ACTION,
    "nClustersPerClass",
    1,
  );
  const flipY = checkNumber(options.flipY ?? 0.01, ACTION, "flipY", { min: 0, max: 1 });
  const classSep = checkNumber(options.classSep ?? 1, ACTION, "classSep", {
    min: 0,
    minExclusive: true,
  });
  const cube = checkBoolean(options.hypercube ?? true, ACTION, "hypercube");
  const shuffle = checkBoolean(options.shuffle ?? true, ACTION, "shuffle");
  const threads = checkThreads(options.blasThreads ?? REFERENCE_BLAS_THREADS, ACTION);
  const shift = options.shift === null ? null : perFeature(options.shift ?? 0, "shift", nFeatures);
  const scale = options.scale === null ? null : perFeature(options.scale ?? 1, "scale", nFeatures);

  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw new RangeError(
      `Cannot ${ACTION}: nInformative + nRedundant + nRepeated must be at most nFeatures, got ` +
        `${nInformative} + ${nRedundant} + ${nRepeated} = ${
          nInformative + nRedundant + nRepeated
        } > ${nFeatures}`,
    );
  }
  if (nInformative < Math.log2(nClasses * nClustersPerClass)) {
    throw new RangeError(
      `Cannot ${ACTION}: nClasses * nClustersPerClass must be at most 2 ** nInformative, got ` +
        `${nClasses} * ${nClustersPerClass} = ${
          nClasses * nClustersPerClass
        } > 2 ** ${nInformative} = ${2 ** nInformative}`,
    );
  }
  let weights: number[];
  if (options.weights != null) {
    weights = checkNumbers(options.weights, "weights", ACTION);
    if (weights.length !== nClasses && weights.length !== nClasses - 1) {
      throw new RangeError(
        `Cannot ${ACTION}: weights must have nClasses (${nClasses}) or nClasses - 1 values, got ${
          describe(weights)
        }`,
      );
    }
    weights.forEach((w, i) => checkNumber(w, ACTION, `weights[${i}]`, { min: 0 }));
    if (weights.length === nClasses - 1) {
      const last = 1 - weights.reduce((s, w) => s + w, 0);
      if (last < 0) {
        throw new RangeError(
          `Cannot ${ACTION}: weights given for nClasses - 1 classes must sum to at most 1, got ${
            describe(weights)
          }`,
        );
      }
      weights.push(last);
    }
  } else {
    weights = new Array(nClasses).fill(1 / nClasses);
  }
  const rs = resolveRandomState(options.randomState, ACTION);

  const nUseless = nFeatures - nInformative - nRedundant - nRepeated;
  const nClusters = nClasses * nClustersPerClass;
  const perCluster = Array.from(
    { length: nClusters },
    (_, k) => Math.trunc((nSamples * weights[k % nClasses]) / nClustersPerClass),
  );
  const assigned = perCluster.reduce((s, v) => s + v, 0);
  for (let i = 0; i < nSamples - assigned; i++) perCluster[i % nClusters] += 1;

  let X: Float64Array = new Float64Array(nSamples * nFeatures);
  let y: Float64Array = new Float64Array(nSamples);

  // Cluster centres on hypercube vertices, scaled to +-classSep (optionally jittered).
  const centroids = hypercube(rs, nClusters, nInformative);
  for (let i = 0; i < centroids.length; i++) {
    centroids[i] = centroids[i] * (2 * classSep) - classSep;
  }
  if (!cube) {
    const perRow = rs.uniform(0, 1, [nClusters, 1]);
    for (let k = 0; k < nClusters; k++) {
      for (let c = 0; c < nInformative; c++) centroids[k * nInformative + c] *= perRow[k];
    }
    const perCol = rs.uniform(0, 1, [1, nInformative]);
    for (let k = 0; k < nClusters; k++) {
      for (let c = 0; c < nInformative; c++) centroids[k * nInformative + c] *= perCol[c];
    }
  }

  // Informative features: standard normal, then per-cluster covariance and shift.
  const informative = rs.standardNormal([nSamples, nInformative]);
  let stop = 0;
  for (let k = 0; k < nClusters; k++) {
    const start = Math.min(stop, nSamples);
    stop += perCluster[k];
    const end = Math.min(Math.max(stop, start), nSamples);
    for (let r = start; r < end; r++) y[r] = k % nClasses;
    const rows = end - start;
    const A = rs.uniform(0, 1, [nInformative, nInformative]);
    for (let i = 0; i < A.length; i++) A[i] = 2 * A[i] - 1;
    const block = informative.subarray(start * nInformative, end * nInformative);
    const mixed = npDot(block, rows, nInformative, A, nInformative, threads);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < nInformative; c++) {
        mixed[r * nInformative + c] += centroids[k * nInformative + c];
      }
    }
    block.set(mixed);
  }
  for (let r = 0; r < nSamples; r++) {
    X.set(informative.subarray(r * nInformative, (r + 1) * nInformative), r * nFeatures);
  }

  if (nRedundant > 0) {
    const B = rs.uniform(0, 1, [nInformative, nRedundant]);
    for (let i = 0; i < B.length; i++) B[i] = 2 * B[i] - 1;
    const redundant = npDot(informative, nSamples, nInformative, B, nRedundant, threads);
    for (let r = 0; r < nSamples; r++) {
      X.set(redundant.subarray(r * nRedundant, (r + 1) * nRedundant), r * nFeatures + nInformative);
    }
  }
  if (nRepeated > 0) {
    const n = nInformative + nRedundant;
    const u = rs.uniform(0, 1, nRepeated);
    const source = Array.from(u, (v) => Math.trunc((n - 1) * v + 0.5));
    for (let r = 0; r < nSamples; r++) {
      for (let c = 0; c < nRepeated; c++) X[r * nFeatures + n + c] = X[r * nFeatures + source[c]];
    }
  }
  if (nUseless > 0) {
    const useless = rs.standardNormal([nSamples, nUseless]);
    for (let r = 0; r < nSamples; r++) {
      X.set(
        useless.subarray(r * nUseless, (r + 1) * nUseless),
        r * nFeatures + nFeatures - nUseless,
      );
    }
  }

  // Label noise: always drawn (scikit-learn tests flip_y >= 0).
  const flip = rs.uniform(0, 1, nSamples);
  const flipped: number[] = [];
  for (let r = 0; r < nSamples; r++) if (flip[r] < flipY) flipped.push(r);
  if (flipped.length > 0) {
    const labels = rs.randint(0, nClasses, flipped.length);
    flipped.forEach((r, i) => (y[r] = labels[i]));
  }

  const shifts = shift ?? Array.from(rs.uniform(0, 1, nFeatures), (u) => (2 * u - 1) * classSep);
  const scales = scale ?? Array.from(rs.uniform(0, 1, nFeatures), (u) => 1 + 100 * u);
  for (let r = 0; r < nSamples; r++) {
    for (let c = 0; c < nFeatures; c++) X[r * nFeatures + c] = X[r * nFeatures + c] + shifts[c];
  }
  for (let r = 0; r < nSamples; r++) {
    for (let c = 0; c < nFeatures; c++) X[r * nFeatures + c] = X[r * nFeatures + c] * scales[c];
  }

  if (shuffle) {
    const rows = shuffledIndices(rs, nSamples);
    X = permute(X, rows, shuffledIndices(rs, nFeatures));
    y = takeRows(y, 1, rows);
  }
  return { X: wrap(X, [nSamples, nFeatures]), y: wrap(y, [nSamples]) };
}
