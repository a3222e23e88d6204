import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { parseTrainFlags, UsageError } from "./flags.ts";
import { MODEL_CARD_KEY, readModelCard } from "./model_card.ts";
import { OWN_DATA_DEFAULTS } from "./own_data.ts";

Deno.test("parseTrainFlags() gives --data runs the own-data defaults and its flags", () => {
  const f = parseTrainFlags(["--data", "d/iris.csv", "--target", "species"]);
  deepStrictEqual(f.config.architectures, OWN_DATA_DEFAULTS.architectures);
  strictEqual(f.config.optimizer, "adam");
  strictEqual(f.out, "runs/iris");
  deepStrictEqual(f.ownData, {
    task: null,
    scale: true,
    maxBytes: 512 * 2 ** 20,
    maxDataMb: "512",
    lossGiven: false,
  });
  const g = parseTrainFlags([
    ...["--data", "x.csv", "--target", "y", "--loss", "cross-entropy", "--no-scale"],
    ...["--max-data-mb", "2.5", "--layers", "8"],
  ]);
  deepStrictEqual(g.ownData, {
    task: "classification",
    scale: false,
    maxBytes: Math.ceil(2.5 * 2 ** 20),
    maxDataMb: "2.5",
    lossGiven: true,
  });
  deepStrictEqual(g.config.architectures, [[8]]);
  const p = parseTrainFlags(["--predict", "runs/iris/model.safetensors", "--data", "new.csv"]);
  strictEqual(p.predict, "runs/iris/model.safetensors");
  strictEqual(p.out, null); // predictions.csv beside the model
});

Deno.test("parseTrainFlags(): --data's weight decay goes with its Adam; another optimizer has its own", () => {
  const base = ["--data", "x.csv", "--target", "y"];
  strictEqual(parseTrainFlags(base).config.weightDecay, OWN_DATA_DEFAULTS.weightDecay);
  // L-BFGS takes no weight decay: asking for it is refused, not getting it by default.
  const lbfgs = parseTrainFlags([...base, "--optimizer", "lbfgs"]).config;
  strictEqual(lbfgs.optimizer, "lbfgs");
  strictEqual(lbfgs.weightDecay, null);
  strictEqual(parseTrainFlags([...base, "--optimizer", "sgd"]).config.weightDecay, null);
  strictEqual(parseTrainFlags([...base, "--optimizer", "adamw"]).config.weightDecay, null);
  strictEqual(
    parseTrainFlags([...base, "--optimizer", "sgd", "--weight-decay", "0.1"]).config.weightDecay,
    0.1,
  );
  throws(
    () => parseTrainFlags([...base, "--optimizer", "lbfgs", "--weight-decay", "0.1"]),
    (e: unknown) => e instanceof UsageError && e.flag === "--weight-decay",
  );
});

Deno.test("parseTrainFlags() rejects --data-only flags without --data, and contradictions", () => {
  const bad: [string[], string, RegExp][] = [
    [["--task", "regression"], "--task", /--task only applies with --data/],
    [["--no-scale"], "--no-scale", /--no-scale only applies with --data/],
    [
      ["--data", "x.csv", "--target", "y", "--task", "ranking"],
      "--task",
      /must be one of classification, regression, got "ranking"/,
    ],
    [
      ["--data", "x.csv", "--target", "y", "--task", "regression", "--loss", "cross-entropy"],
      "--loss",
      /does not fit --task regression/,
    ],
    [
      ["--data", "x.csv", "--target", "y", "--max-data-mb", "0"],
      "--max-data-mb",
      /positive decimal number of MiB/,
    ],
    [
      ["--predict", "m.safetensors", "--data", "x.csv", "--target", "y"],
      "--target",
      /does not apply to --predict/,
    ],
  ];
  for (const [args, flag, message] of bad) {
    throws(() => parseTrainFlags(args), (e: unknown) => {
      strictEqual((e as UsageError).flag, flag, args.join(" "));
      return e instanceof UsageError && message.test(e.message);
    });
  }
});

Deno.test("readModelCard() checks every field of an untrusted card", () => {
  const card = {
    format: "glassbox-tabular/1",
    task: "classification",
    sizes: [2, 4, 3],
    activations: ["relu"],
    features: ["a", "b"],
    target: "y",
    classes: ["x", "y", "z"],
    scaler: null,
    targetScale: null,
  };
  const meta = (c: unknown) => ({ [MODEL_CARD_KEY]: JSON.stringify(c) });
  deepStrictEqual(readModelCard(meta(card), "m").classes, ["x", "y", "z"]);
  throws(() => readModelCard({}, "m"), /no "glassbox" entry/);
  throws(() => readModelCard({ [MODEL_CARD_KEY]: "{" }, "m"), /is not JSON/);
  throws(() => readModelCard(meta({ ...card, sizes: [2, 1e9, 3] }), "m"), /sizes must be/);
  throws(
    () => readModelCard(meta({ ...card, activations: ["evil"] }), "m"),
    /activations must name/,
  );
  throws(() => readModelCard(meta({ ...card, classes: ["x"] }), "m"), /classes must be 3 labels/);
  throws(
    () => readModelCard(meta({ ...card, features: ["a"] }), "m"),
    /features must be 2 column names/,
  );
});
