import { tensor } from "@glassbox/tensor";
import { deepStrictEqual, throws } from "node:assert/strict";
import { trainTestSplit, type TrainTestSplitOptions } from "./train_test_split.ts";

const rows = Array.from({ length: 10 }, (_, i) => i);

function rejects(options: TrainTestSplitOptions, pattern: RegExp, x: number[] = rows): void {
  throws(() => trainTestSplit(x, null, { randomState: 0, ...options }), pattern);
}

Deno.test("trainTestSplit() rejects a test count of at least nSamples or below 1", () => {
  rejects(
    { testSize: 10 },
    /RangeError: Cannot split train and test: testSize must be a count from 1 to nSamples - 1 \(9\) or a fraction in \(0, 1\), got 10/,
  );
  rejects({ testSize: 0 }, /testSize must be a count from 1/);
});

Deno.test("trainTestSplit() rejects a train fraction outside (0, 1)", () => {
  rejects(
    { trainSize: 1.5 },
    /trainSize must be a count from 1 to nSamples - 1 \(9\) or a fraction in \(0, 1\), got 1.5/,
  );
});

Deno.test("trainTestSplit() rejects fractions summing above 1", () => {
  rejects(
    { testSize: 0.6, trainSize: 0.5 },
    /testSize \+ trainSize must be at most 1, got 0.6 \+ 0.5/,
  );
});

Deno.test("trainTestSplit() rejects counts needing more rows than given", () => {
  rejects({ testSize: 6, trainSize: 5 }, /need 5 \+ 6 = 11 samples, more than the 10 given/);
});

Deno.test("trainTestSplit() rejects an empty train set", () => {
  rejects({ testSize: 0.95 }, /the train set would be empty with nSamples 10/);
});

Deno.test("trainTestSplit() rejects a size that is not a number", () => {
  rejects(
    { testSize: "0.2" as unknown as number },
    /TypeError: Cannot split train and test: testSize must be a fraction in \(0, 1\) or a count, got "0.2"/,
  );
});

Deno.test("trainTestSplit() rejects stratify without shuffling", () => {
  rejects(
    { shuffle: false, stratify: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1] },
    /stratify needs shuffle, got shuffle false/,
  );
});

Deno.test("trainTestSplit() rejects a class with a single member", () => {
  rejects(
    { stratify: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] },
    /every class in stratify needs at least 2 members, got class 1 with 1/,
  );
});

Deno.test("trainTestSplit() rejects fewer train or test rows than classes", () => {
  rejects(
    { testSize: 2, stratify: [0, 0, 0, 1, 1, 1, 2, 2, 2, 2] },
    /the test set \(2\) must have at least one sample per class \(3\)/,
  );
  rejects(
    { trainSize: 2, stratify: [0, 0, 0, 1, 1, 1, 2, 2, 2, 2] },
    /the train set \(2\) must have at least one sample per class \(3\)/,
  );
});

Deno.test("trainTestSplit() rejects stratify labels of mixed kinds or lengths", () => {
  rejects(
    { stratify: [0, "a", 0, 0, 0, 0, 0, 0, 0, 0] },
    /stratify labels must be all numbers or all strings/,
  );
  rejects({ stratify: [0, 1] }, /stratify must have one label per row \(10\), got 2/);
});

Deno.test("trainTestSplit() rejects x and y of different lengths", () => {
  throws(
    () => trainTestSplit(rows, [1, 2, 3]),
    /x and y must have the same number of rows, got 10 and 3/,
  );
});

Deno.test("trainTestSplit() takes the first rows for training when shuffle is false", () => {
  const { trainIndex, testIndex } = trainTestSplit(rows, null, { testSize: 0.3, shuffle: false });
  deepStrictEqual(trainIndex, [0, 1, 2, 3, 4, 5, 6]);
  deepStrictEqual(testIndex, [7, 8, 9]);
});

Deno.test("trainTestSplit() splits tensors along their rows, aligned with y", () => {
  const x = tensor([[0, 0], [1, 1], [2, 2], [3, 3]]);
  const y = tensor([0, 10, 20, 30]);
  const { xTrain, yTrain, trainIndex } = trainTestSplit(x, y, { testSize: 1, randomState: 0 });
  deepStrictEqual(xTrain.shape, [3, 2]);
  deepStrictEqual(Array.from(yTrain!.toTypedArray()), trainIndex.map((i) => 10 * i));
});

Deno.test("trainTestSplit() stratifies by class labels in y by default, as stratify: y", () => {
  const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const auto = trainTestSplit(rows12(), labels, { testSize: 0.25, randomState: 3 });
  const explicit = trainTestSplit(rows12(), labels, {
    testSize: 0.25,
    randomState: 3,
    stratify: labels,
  });
  deepStrictEqual(auto.testIndex, explicit.testIndex);
  // train_test_split(np.arange(12), labels, test_size=0.25, random_state=3, stratify=labels)
  deepStrictEqual(auto.testIndex, [6, 2, 10]);
  // One test row per class: 6/12, 3/12 and 3/12 of 3 rows round to 1, 1, 1 (scikit-learn's counts).
  deepStrictEqual([...auto.yTest!].sort(), [0, 1, 2]);
  const plain = trainTestSplit(rows12(), labels, {
    testSize: 0.25,
    randomState: 3,
    stratify: null,
  });
  const unstratified = trainTestSplit(rows12(), null, { testSize: 0.25, randomState: 3 });
  deepStrictEqual(plain.testIndex, unstratified.testIndex);
  // Continuous targets are not stratified.
  const reg = trainTestSplit(rows12(), rows12().map((i) => i + 0.5), {
    testSize: 0.25,
    randomState: 3,
  });
  deepStrictEqual(reg.testIndex, unstratified.testIndex);
  throws(
    () => trainTestSplit([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 2], { randomState: 0 }),
    /with 1 \(stratify defaults to y, which holds class labels; pass stratify: null/,
  );
});

function rows12(): number[] {
  return Array.from({ length: 12 }, (_, i) => i);
}
