import { tensor } from "@glassbox/tensor";
import { deepStrictEqual, throws } from "node:assert/strict";
import { makeBlobs, type MakeBlobsOptions } from "./make_blobs.ts";

function rejects(
  options: MakeBlobsOptions,
  kind: typeof TypeError | typeof RangeError,
  pattern: RegExp,
): void {
  throws(
    () => makeBlobs({ randomState: 0, ...options }),
    (e: unknown) => e instanceof kind && pattern.test(String(e)),
  );
}

Deno.test("makeBlobs() rejects nSamples below 1", () => {
  rejects(
    { nSamples: 0 },
    RangeError,
    /Cannot make blobs: nSamples must be an integer >= 1, got 0/,
  );
});

Deno.test("makeBlobs() rejects a centre count below 1 and an empty list of counts", () => {
  rejects({ centers: 0 }, RangeError, /centers must be an integer >= 1, got 0/);
  rejects({ nSamples: [] }, RangeError, /nSamples must list at least one count, got \[\]/);
});

Deno.test("makeBlobs() rejects per-centre counts that do not match the centres", () => {
  rejects(
    { nSamples: [2, 3], centers: [[0, 0]] },
    RangeError,
    /nSamples must have one count per centre \(1\), got 2 counts/,
  );
});

Deno.test("makeBlobs() rejects a centre count together with per-centre sample counts", () => {
  rejects(
    { nSamples: [2, 3], centers: 2 },
    TypeError,
    /centers must be coordinates or null when nSamples is an array/,
  );
});

Deno.test("makeBlobs() rejects clusterStd values that do not match the centres", () => {
  rejects(
    { centers: 3, clusterStd: [1, 2] },
    RangeError,
    /clusterStd must have one value per centre \(3\), got 2 values/,
  );
});

Deno.test("makeBlobs() rejects a negative clusterStd", () => {
  rejects({ clusterStd: -1 }, RangeError, /clusterStd must be finite and >= 0, got -1/);
});

Deno.test("makeBlobs() rejects ragged centre coordinates", () => {
  rejects(
    { centers: [[0, 0], [1]] },
    RangeError,
    /centers rows must all have the same non-zero length/,
  );
});

Deno.test("makeBlobs() rejects a centerBox that is not a pair", () => {
  rejects(
    { centerBox: [0] as unknown as [number, number] },
    TypeError,
    /centerBox must be a pair \[low, high\]/,
  );
});

Deno.test("makeBlobs() takes nFeatures from given centres, also from a tensor", () => {
  const { X, centers } = makeBlobs({
    nSamples: 4,
    centers: tensor([[1, 2, 3], [4, 5, 6]]),
    randomState: 0,
  });
  deepStrictEqual(X.shape, [4, 3]);
  deepStrictEqual(centers.toArray(), [[1, 2, 3], [4, 5, 6]]);
});
