import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { inspect } from "node:util";
import { mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, randn } from "@glassbox/tensor";
import { Adam, fit, History } from "./mod.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const display = (value: object) =>
  (value as Record<symbol, () => Promise<Record<string, unknown>>>)
    [Symbol.for("Jupyter.display")]();

function record(epoch: number, loss: number, validLoss?: number) {
  return { epoch, loss, validLoss, metrics: {}, lr: 0.1, batches: 1, timeMs: 1 };
}

Deno.test("History displays its loss curves as Vega-Lite with an SVG fallback", async () => {
  manualSeed(0);
  const x = randn([64, 2]);
  const y = x.sum(1, { keepDims: true });
  const history = await fit(mlp([2, 4, 1]), {
    x: x.slice(0, 48),
    y: y.slice(0, 48),
    validation: { x: x.slice(48), y: y.slice(48) },
    loss: new MSELoss(),
    optimizer: new Adam({ lr: 0.01 }),
    epochs: 5,
    batchSize: 16,
  });
  const bundle = await display(history);
  const spec = bundle["application/vnd.vegalite.v5+json"] as Json;
  strictEqual(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  deepStrictEqual(
    spec.data.values.filter((v: Json) => v.split === "training").map((v: Json) => v.loss),
    history.column("loss"),
  );
  deepStrictEqual(
    spec.data.values.filter((v: Json) => v.split === "validation").map((v: Json) => v.loss),
    history.column("validLoss"),
  );
  match(String(bundle["image/svg+xml"]), /^<svg[\s\S]*<\/svg>$/);
  strictEqual(bundle["text/plain"], String(history));
  match(String(history), /^History: 5 epochs; loss \S+ → \S+; validation loss \S+ → \S+$/);
});

Deno.test("History with restarts plots one line per run and says which run won", () => {
  const runs = [0, 1].map((r) => {
    const h = new History(mlp([1, 1]));
    h.restart = r;
    h.epochs.push(record(0, 2 - r, 3), record(1, 1 - r / 2, 2));
    return h;
  });
  const best = runs[1];
  best.runs = runs;
  const spec: Json = best.chartSpec({ title: "restarts", lossName: "MSE" });
  deepStrictEqual([...new Set(spec.data.values.map((v: Json) => v.run))], ["run 0", "run 1"]);
  strictEqual(spec.encoding.y.title, "MSE");
  match(String(best), /best of 2 runs \(run 1\)$/);
});

Deno.test("History prints its text form in Deno and Node, and says why it stopped", () => {
  const history = new History(mlp([1, 1]));
  strictEqual(Deno.inspect(history), "History: no epochs");
  history.epochs.push(record(0, 4));
  history.stop = { kind: "nonFinite", message: "the loss became NaN", epoch: 1, batch: 0 };
  strictEqual(inspect(history), "History: 1 epoch; loss 4 → 4; stopped: the loss became NaN");
  ok(!String(history).includes("validation"));
});
