// `deno bench packages/datasets/make_regression_bench.ts`: generation time of a
// large makeRegression (1,000,000 x 20), the size the issue asks about.

import { makeRegression } from "./make_regression.ts";
import { makeClassification } from "./make_classification.ts";

Deno.bench("makeRegression 1,000,000 x 20 (nInformative 10, noise 1)", { n: 3, warmup: 1 }, () => {
  makeRegression({
    nSamples: 1_000_000,
    nFeatures: 20,
    nInformative: 10,
    noise: 1,
    randomState: 0,
  });
});

Deno.bench("makeRegression 10100 x 6 -> 3 (the notebooks' data)", () => {
  makeRegression({
    nSamples: 10100,
    nFeatures: 6,
    nTargets: 3,
    nInformative: 5,
    noise: 1,
    randomState: 0,
  });
});

Deno.bench("makeClassification 1100 x 5, 3 classes (the notebooks' data)", () => {
  makeClassification({
    nSamples: 1100,
    nFeatures: 5,
    nClasses: 3,
    nInformative: 4,
    nRedundant: 0,
    randomState: 0,
  });
});
