// StandardScaler and LabelEncoder against scikit-learn 1.2:
// tests/golden/preprocessing.json, written by tasks/golden/preprocessing.py.
// Scaler statistics and outputs are compared bit for bit (difference exactly 0).

import { type Label, LabelEncoder, StandardScaler } from "@glassbox/datasets";
import { tensor } from "@glassbox/tensor";
import { deepStrictEqual } from "node:assert/strict";

interface Stored {
  shape: number[];
  data: number[];
}

interface ScalerCase {
  name: string;
  options: { withMean: boolean; withStd: boolean };
  x: Stored;
  new: Stored;
  mean: number[];
  var: number[] | null;
  scale: number[] | null;
  fitTransform: Stored;
  transformNew: Stored;
  inverseNew: Stored;
}

interface EncoderCase {
  name: string;
  labels: Label[];
  new: Label[];
  classes: Label[];
  transform: number[];
  transformNew: number[];
}

const fixture: { scalers: ScalerCase[]; encoders: EncoderCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/preprocessing.json", import.meta.url)),
);

const load = (s: Stored) => tensor(s.data, { shape: s.shape, dtype: "float64" });
const flat = (t: { toTypedArray(): ArrayLike<number> }) => Array.from(t.toTypedArray());

Deno.test("StandardScaler equals scikit-learn's StandardScaler bit for bit", async (t) => {
  for (const c of fixture.scalers) {
    await t.step(c.name, () => {
      const scaler = new StandardScaler(c.options);
      const z = scaler.fitTransform(load(c.x));
      deepStrictEqual(scaler.mean, c.mean, "mean");
      deepStrictEqual(scaler.var, c.var, "var");
      deepStrictEqual(scaler.scale, c.scale, "scale");
      deepStrictEqual(flat(z), c.fitTransform.data, "fitTransform");
      deepStrictEqual(flat(scaler.transform(load(c.new))), c.transformNew.data, "transform");
      deepStrictEqual(
        flat(scaler.inverseTransform(load(c.new))),
        c.inverseNew.data,
        "inverseTransform",
      );
    });
  }
});

Deno.test("LabelEncoder equals scikit-learn's LabelEncoder (classes and indices)", async (t) => {
  for (const c of fixture.encoders) {
    await t.step(c.name, () => {
      const encoder = new LabelEncoder();
      deepStrictEqual(flat(encoder.fitTransform(c.labels)), c.transform);
      deepStrictEqual(encoder.classes, c.classes);
      deepStrictEqual(flat(encoder.transform(c.new)), c.transformNew);
      deepStrictEqual(encoder.inverseTransform(c.transformNew), c.new);
    });
  }
});
