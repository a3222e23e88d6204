import { deepStrictEqual, throws } from "node:assert/strict";
import { makeClassification, type MakeClassificationOptions } from "./make_classification.ts";

const base: MakeClassificationOptions = { nSamples: 20, nFeatures: 5, randomState: 0 };

function rejects(
  options: MakeClassificationOptions,
  kind: typeof TypeError | typeof RangeError,
  pattern: RegExp,
): void {
  throws(
    () => makeClassification({ ...base, ...options }),
    (e: unknown) => e instanceof kind && pattern.test(String(e)),
  );
}

Deno.test("makeClassification() rejects informative + redundant + repeated above nFeatures", () => {
  rejects(
    { nInformative: 3, nRedundant: 2, nRepeated: 1 },
    RangeError,
    /Cannot make classification: nInformative \+ nRedundant \+ nRepeated must be at most nFeatures, got 3 \+ 2 \+ 1 = 6 > 5/,
  );
});

Deno.test("makeClassification() rejects more clusters than hypercube vertices", () => {
  rejects(
    { nClasses: 3, nClustersPerClass: 2 },
    RangeError,
    /nClasses \* nClustersPerClass must be at most 2 \*\* nInformative, got 3 \* 2 = 6 > 2 \*\* 2 = 4/,
  );
});

Deno.test("makeClassification() rejects weights of the wrong length", () => {
  rejects(
    { weights: [0.2, 0.3, 0.5] },
    RangeError,
    /weights must have nClasses \(2\) or nClasses - 1 values/,
  );
});

Deno.test("makeClassification() rejects negative weights", () => {
  rejects({ weights: [-0.5, 1.5] }, RangeError, /weights\[0\] must be finite and >= 0, got -0.5/);
});

Deno.test("makeClassification() rejects nClasses - 1 weights summing above 1", () => {
  rejects(
    { nClasses: 3, nInformative: 3, weights: [0.7, 0.6] },
    RangeError,
    /must sum to at most 1/,
  );
});

Deno.test("makeClassification() rejects flipY outside [0, 1]", () => {
  rejects({ flipY: 1.5 }, RangeError, /flipY must be finite and >= 0 and <= 1, got 1.5/);
});

Deno.test("makeClassification() rejects a classSep that is not positive", () => {
  rejects({ classSep: 0 }, RangeError, /classSep must be finite and > 0, got 0/);
});

Deno.test("makeClassification() rejects nInformative below 1", () => {
  rejects({ nInformative: 0 }, RangeError, /nInformative must be an integer >= 1, got 0/);
});

Deno.test("makeClassification() rejects negative nRedundant and nRepeated", () => {
  rejects({ nRedundant: -1 }, RangeError, /nRedundant must be an integer >= 0, got -1/);
  rejects({ nRepeated: -1 }, RangeError, /nRepeated must be an integer >= 0, got -1/);
});

Deno.test("makeClassification() rejects nClasses and nClustersPerClass below 1", () => {
  rejects({ nClasses: 0 }, RangeError, /nClasses must be an integer >= 1, got 0/);
  rejects({ nClustersPerClass: 0 }, RangeError, /nClustersPerClass must be an integer >= 1, got 0/);
});

Deno.test("makeClassification() rejects a shift or scale with the wrong number of values", () => {
  rejects(
    { shift: [1, 2] },
    RangeError,
    /shift must be a number or have one value per feature \(5\), got 2 values/,
  );
  rejects(
    { scale: "big" as unknown as number },
    TypeError,
    /scale must be an array of numbers, got "big"/,
  );
});

Deno.test("makeClassification() rejects a non-boolean hypercube", () => {
  rejects(
    { hypercube: 0 as unknown as boolean },
    TypeError,
    /hypercube must be true or false, got 0/,
  );
});

Deno.test("makeClassification() labels every sample with a class below nClasses", () => {
  const { X, y } = makeClassification({ ...base, nClasses: 3, nInformative: 3, nRedundant: 0 });
  deepStrictEqual(X.shape, [20, 5]);
  deepStrictEqual([...new Set(y.toTypedArray())].sort(), [0, 1, 2]);
});
