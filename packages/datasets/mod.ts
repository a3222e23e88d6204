/**
 * `@glassbox/datasets`: datasets identical to scikit-learn's generators, and data utilities.
 *
 * Not built yet: this package exists so the workspace has its final shape.
 * It will hold `makeRegression`, `makeClassification`, `makeBlobs`, `makeMoons`, `makeCircles` giving bit-for-bit the float64 values of scikit-learn 1.2 for the same `randomState` (built on the NumPy-identical `RandomState` in `@glassbox/tensor`); `trainTestSplit`, `oneHot`, `batches`, `loadCsv`.
 *
 * @module
 */

export {};
