import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { type Tensor, tensor } from "@glassbox/tensor";
import {
  type CurveModel,
  fittedCurveSpec,
  lossCurvesSpec,
  studySpec,
  unitContributions,
} from "./mod.ts";
import { Chart, mimeBundle, renderSvg } from "./render.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("lossCurvesSpec() turns the y axis logarithmic when the losses span more than 30×", () => {
  const epochs = (a: number, b: number) => [{ epoch: 0, loss: a }, { epoch: 1, loss: b }];
  const linear: Json = lossCurvesSpec([{ name: "r", epochs: epochs(10, 1) }], { title: "t" });
  const log: Json = lossCurvesSpec([{ name: "r", epochs: epochs(100, 1) }], { title: "t" });
  deepStrictEqual(linear.encoding.y.scale, { zero: false });
  deepStrictEqual(log.encoding.y.scale, { type: "log" });
  match(log.encoding.y.title, /log scale/);
});

Deno.test("lossCurvesSpec() drops non-finite losses and colours several runs by run", () => {
  const spec: Json = lossCurvesSpec([
    { name: "a", epochs: [{ epoch: 0, loss: 1, validLoss: NaN }, { epoch: 1, loss: 0.5 }] },
    { name: "b", epochs: [{ epoch: 0, loss: Infinity, validLoss: 2 }] },
  ], { title: "t" });
  deepStrictEqual(spec.data.values.map((v: Json) => [v.run, v.split, v.loss]), [
    ["a", "training", 1],
    ["a", "training", 0.5],
    ["b", "validation", 2],
  ]);
  strictEqual(spec.encoding.color.field, "run");
  strictEqual(spec.encoding.strokeDash.field, "split");
});

/** A 1-2-1 network by hand: hidden units h₁ = x, h₂ = relu(x); y = 1 + 2h₁ − 3h₂. */
function handModel(): CurveModel {
  const dense = (w: number[][], b: number[]) => ({
    inFeatures: w[0].length,
    outFeatures: w.length,
    weight: { value: tensor(w) },
    bias: { value: tensor(b) },
    forward: (x: Tensor) => x.matmul(tensor(w), { transposeB: true }).add(tensor(b)),
  });
  const first = dense([[1], [1]], [0, 0]);
  const relu2 = { forward: (x: Tensor) => x.mul(tensor([1, 0])).add(x.relu().mul(tensor([0, 1]))) };
  const last = dense([[2, -3]], [1]);
  const layers = [first, relu2, last];
  return { layers, forward: (x: Tensor) => layers.reduce((h, l) => l.forward(h), x) };
}

Deno.test("unitContributions() splits the output into wⱼ·hⱼ(x) that add up with the bias", () => {
  const parts = unitContributions(handModel(), [-1, 1], 3);
  deepStrictEqual(parts.x, [-1, 0, 1]);
  deepStrictEqual(parts.units, [[-2, 0, 2], [-0, -0, -3]]); // −3 · relu(x) is −0 for x ≤ 0
  strictEqual(parts.bias, 1);
  deepStrictEqual(parts.prediction, [-1, 1, 0]);
  parts.x.forEach((_, i) =>
    strictEqual(parts.units[0][i] + parts.units[1][i] + parts.bias, parts.prediction[i])
  );
});

Deno.test("unitContributions() rejects other models and bad grids with a clear error", () => {
  const model = handModel();
  const notDense = { layers: [{ forward: (x: Tensor) => x }], forward: (x: Tensor) => x };
  throws(
    () => unitContributions(notDense, [0, 1]),
    (e: unknown) => e instanceof TypeError && /must start with a Dense layer/.test(e.message),
  );
  throws(
    () => unitContributions(model, [1, 1]),
    (e: unknown) => e instanceof RangeError && /finite lo < hi, got \[1, 1\]/.test(e.message),
  );
  throws(
    () => unitContributions(model, [0, 1], 1),
    (e: unknown) =>
      e instanceof RangeError && /points must be an integer >= 2, got 1/.test(e.message),
  );
});

Deno.test("fittedCurveSpec() and studySpec() render to SVG", async () => {
  const parts = unitContributions(handModel(), [-1, 1], 5);
  const fit = fittedCurveSpec({ train: [{ x: 0, y: 1 }], valid: [{ x: 0.5, y: 0 }] }, parts, {
    title: "fit",
  });
  const study = studySpec([
    { label: "1-2-1", trainLoss: 0.3, validLoss: 0.4 },
    { label: "1-8-1", trainLoss: 0.01, validLoss: 0.02 },
  ], { title: "study" });
  for (const spec of [fit, study]) match(await renderSvg(spec), /^<svg[^>]*>[\s\S]*<\/svg>$/);
});

Deno.test("mimeBundle() and Chart give the spec, its SVG and a title line", async () => {
  const spec = lossCurvesSpec([{ name: "r", epochs: [{ epoch: 0, loss: 1 }] }], {
    title: "my run",
  });
  const bundle = await mimeBundle(spec);
  strictEqual(bundle["application/vnd.vegalite.v5+json"], spec);
  ok(bundle["image/svg+xml"].startsWith("<svg"));
  strictEqual(bundle["text/plain"], "[chart: my run]");
  const chart = new Chart(spec);
  const shown = await (chart as unknown as Record<symbol, () => Promise<Record<string, unknown>>>)[
    Symbol.for("Jupyter.display")
  ]();
  deepStrictEqual(Object.keys(shown).sort(), Object.keys(bundle).sort());
  strictEqual(await chart.toSvg(), bundle["image/svg+xml"]);
});

Deno.test("renderSvg() and Chart reject a spec that is not an object", async () => {
  throws(
    () => new Chart(null as unknown as Json),
    (e: unknown) =>
      e instanceof TypeError && /spec must be a Vega-Lite object, got null/.test(e.message),
  );
  let error: unknown = null;
  await renderSvg("line" as unknown as Json).catch((e) => (error = e));
  ok(error instanceof TypeError && /Cannot render a chart/.test(error.message));
});
