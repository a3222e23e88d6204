import { RandomState } from "@glassbox/tensor";
import { deepStrictEqual, notDeepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { makeRegression, type MakeRegressionOptions } from "./make_regression.ts";

const base: MakeRegressionOptions = { nSamples: 5, nFeatures: 3, randomState: 0 };

function rejects(
  options: MakeRegressionOptions,
  kind: typeof TypeError | typeof RangeError,
  pattern: RegExp,
): void {
  throws(
    () => makeRegression({ ...base, ...options }),
    (e: unknown) => e instanceof kind && pattern.test(String(e)),
  );
}

Deno.test("makeRegression() rejects nSamples below 1 or not an integer", () => {
  rejects(
    { nSamples: 0 },
    RangeError,
    /Cannot make regression: nSamples must be an integer >= 1, got 0/,
  );
  rejects({ nSamples: 2.5 }, RangeError, /nSamples must be an integer >= 1, got 2.5/);
});

Deno.test("makeRegression() rejects nFeatures below 1", () => {
  rejects({ nFeatures: 0 }, RangeError, /nFeatures must be an integer >= 1, got 0/);
});

Deno.test("makeRegression() rejects a negative nInformative", () => {
  rejects({ nInformative: -1 }, RangeError, /nInformative must be an integer >= 0, got -1/);
});

Deno.test("makeRegression() rejects nTargets below 1", () => {
  rejects({ nTargets: 0 }, RangeError, /nTargets must be an integer >= 1, got 0/);
});

Deno.test("makeRegression() rejects a non-finite bias", () => {
  rejects({ bias: Infinity }, RangeError, /bias must be finite, got Infinity/);
});

Deno.test("makeRegression() rejects effectiveRank below 1", () => {
  rejects({ effectiveRank: 0 }, RangeError, /effectiveRank must be an integer >= 1, got 0/);
});

Deno.test("makeRegression() rejects tailStrength outside [0, 1]", () => {
  rejects(
    { tailStrength: 1.5 },
    RangeError,
    /tailStrength must be finite and >= 0 and <= 1, got 1.5/,
  );
});

Deno.test("makeRegression() rejects negative noise", () => {
  rejects({ noise: -0.1 }, RangeError, /noise must be finite and >= 0, got -0.1/);
});

Deno.test("makeRegression() rejects non-boolean shuffle and coef", () => {
  rejects({ shuffle: 1 as unknown as boolean }, TypeError, /shuffle must be true or false, got 1/);
  rejects(
    { coef: "yes" as unknown as boolean },
    TypeError,
    /coef must be true or false, got "yes"/,
  );
});

Deno.test("makeRegression() rejects a seed outside [0, 2^32 - 1]", () => {
  rejects(
    { randomState: -1 },
    RangeError,
    /randomState must be an integer >= 0 and <= 4294967295, got -1/,
  );
  rejects(
    { randomState: 2 ** 32 },
    RangeError,
    /randomState must be an integer >= 0 and <= 4294967295, got 4294967296/,
  );
  rejects(
    { randomState: "0" as unknown as number },
    TypeError,
    /randomState must be an integer, got "0"/,
  );
});

Deno.test("makeRegression() rejects blasThreads below 1", () => {
  rejects({ blasThreads: 0 }, RangeError, /blasThreads must be an integer >= 1 and <= 1024, got 0/);
});

Deno.test("makeRegression() gives y of shape [n] for one target and [n, t] for more", () => {
  deepStrictEqual(makeRegression(base).y.shape, [5]);
  deepStrictEqual(makeRegression({ ...base, nTargets: 2 }).y.shape, [5, 2]);
  deepStrictEqual(makeRegression({ ...base, nTargets: 2, coef: true }).coef!.shape, [3, 2]);
  strictEqual(makeRegression(base).coef, undefined);
});

Deno.test("makeRegression() uses every feature when nInformative exceeds nFeatures", () => {
  const { coef } = makeRegression({ ...base, nInformative: 10, coef: true });
  strictEqual(Array.from(coef!.toTypedArray()).filter((c) => c !== 0).length, 3);
});

Deno.test("makeRegression() advances a RandomState passed in", () => {
  const rs = new RandomState(0);
  const first = makeRegression({ ...base, randomState: rs }).y.toArray();
  const second = makeRegression({ ...base, randomState: rs }).y.toArray();
  notDeepStrictEqual(first, second);
  deepStrictEqual(makeRegression(base).y.toArray(), first);
});
