import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { inspect } from "node:util";
import { type Tensor, tensor } from "@glassbox/tensor";
import {
  Dense,
  type Layer,
  mlp,
  ModelSummary,
  Parameter,
  ReLU,
  Sequential,
  Softmax,
} from "./mod.ts";

const display = (value: object) =>
  (value as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

Deno.test("summary() lists each layer, its output shape and parameters, and the total", () => {
  const model = mlp([6, 32, 32, 3], { activation: "tanh" });
  const s = model.summary();
  deepStrictEqual(s.rows.map((r) => r.layer), [
    "Dense(6, 32)",
    "Tanh()",
    "Dense(32, 32)",
    "Tanh()",
    "Dense(32, 3)",
  ]);
  deepStrictEqual(s.rows.map((r) => r.outputShape), [
    ["N", 32],
    ["N", 32],
    ["N", 32],
    ["N", 32],
    ["N", 3],
  ]);
  deepStrictEqual(s.rows.map((r) => r.parameters), [224, 0, 1056, 0, 99]);
  strictEqual(s.total, 1379);
  deepStrictEqual(s.inputShape, ["N", 6]);
  strictEqual(
    s.total,
    model.parameters().reduce((n, p) => n + p.value.size, 0),
  );
});

Deno.test("summary() text aligns the columns and groups thousands", () => {
  const text = String(mlp([100, 50, 2]).summary());
  const lines = text.split("\n");
  strictEqual(lines[0], "Sequential (input [N, 100])");
  match(text, /0 +Dense\(100, 50\) +\[N, 50\] +5,050/);
  match(lines[lines.length - 1], /^Total parameters: 5,152$/);
  // Every table row is as wide as the rule under the heading, or narrower.
  const width = lines[2].length;
  ok(lines.slice(3, -2).every((l) => l.length <= width));
});

Deno.test("summary() HTML escapes layer descriptions and holds one row per layer", () => {
  class Odd implements Layer {
    forward = (x: Tensor) => x;
    backward = (g: Tensor) => g;
    parameters = () => [];
    zeroGrad() {}
    toString() {
      return '<Odd & "quoted">';
    }
  }
  const html = new Sequential([new Dense(2, 2), new Odd()]).summary().toHtml();
  match(html, /&lt;Odd &amp; &quot;quoted&quot;&gt;/);
  ok(!html.includes("<Odd"));
  strictEqual(html.match(/<tr>/g)?.length, 1 + 2 + 1); // head, two layers, total
});

Deno.test("summary() shows an unknown shape after a layer with weights but no declared width", () => {
  class Scale implements Layer {
    readonly s = new Parameter("s", tensor([2]));
    forward = (x: Tensor) => x.mul(this.s.value);
    backward = (g: Tensor) => g.mul(this.s.value);
    parameters = () => [this.s];
    zeroGrad() {}
  }
  const s = new Sequential([new Dense(3, 4), new Scale(), new ReLU(), new Dense(4, 2)]).summary();
  deepStrictEqual(s.rows.map((r) => r.outputShape), [["N", 4], null, null, ["N", 2]]);
  match(String(s), /1 +Scale\(\) +\? +1/);
});

Deno.test("Sequential displays its summary table in Jupyter and prints it in Deno and Node", () => {
  const model = new Sequential([new Dense(4, 3), new Softmax()]);
  const bundle = display(model);
  match(bundle["text/html"], /^<table class="glassbox-summary">/);
  match(bundle["text/plain"], /Total parameters: 15/);
  match(
    Deno.inspect(model),
    /^Sequential\(Dense\(4, 3\), Softmax\(axis=-1\)\)\nSequential \(input/,
  );
  strictEqual(inspect(model), Deno.inspect(model));
  strictEqual(Deno.inspect(model.summary()), String(model.summary()));
});

Deno.test("ModelSummary rejects a non-array of layers", () => {
  throws(
    () => new ModelSummary("layers" as unknown as Layer[]),
    (e: unknown) =>
      e instanceof TypeError && /layers must be an array, got "layers"/.test(e.message),
  );
});
