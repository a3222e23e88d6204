import { mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { manualSeed, randn } from "@glassbox/tensor";
import { match, ok, strictEqual } from "node:assert/strict";
import { EpochLogger } from "./epoch_logger.ts";
import { fit } from "./fit.ts";
import { ProgressBar } from "./progress_bar.ts";
import { SGD } from "./sgd.ts";
import { memoryOutput } from "./text_output.ts";

async function train(callbacks: (ProgressBar | EpochLogger)[], epochs = 3) {
  manualSeed(0);
  const x = randn([30, 2]), y = randn([30, 1]);
  return await fit(mlp([2, 1]), {
    x,
    y,
    validation: { x, y },
    loss: new MSELoss(),
    optimizer: new SGD({ lr: 0.1 }),
    epochs,
    batchSize: 10,
    callbacks,
  });
}

Deno.test("ProgressBar writes only epoch lines when the output is not a terminal", async () => {
  const output = memoryOutput(false);
  const history = await train([new ProgressBar({ output })]);
  const lines = output.text.split("\n");
  strictEqual(lines.length, 4);
  strictEqual(lines[3], "");
  history.epochs.forEach((e, i) => {
    strictEqual(
      lines[i],
      `Epoch: ${i} - L: ${e.loss.toFixed(4)} - L_v ${e.validLoss!.toFixed(4)} - ${
        (e.timeMs / 1000).toFixed(2)
      } s`,
    );
  });
  ok(!output.text.includes("\r"));
});

Deno.test("ProgressBar redraws a bar with epoch, batch, loss and ETA on a terminal", async () => {
  const output = memoryOutput(true);
  await train([new ProgressBar({ output, redrawMs: 0, width: 10 })], 2);
  const redraws = output.text.split("\r\x1b[2K").filter((s) => s.startsWith("Epoch "));
  strictEqual(redraws.length, 6); // 3 batches × 2 epochs
  match(redraws[0], /^Epoch 1\/2 \[###-------\] 1\/3 - L: \d+\.\d{4} - ETA 0:\d\d$/);
  match(redraws[5], /^Epoch 2\/2 \[##########\] 3\/3 - L: \d+\.\d{4} - ETA 0:00$/);
  // The summary line replaces the bar: clear-line escape, then the line.
  const summary = output.text.slice(output.text.lastIndexOf("\r\x1b[2K"));
  match(summary.slice(5), /^Epoch: 1 - L: \d+\.\d{4} - L_v \d+\.\d{4} - \d+\.\d\d s\n$/);
});

Deno.test("EpochLogger prints the notebooks' lines, every n-th epoch and the last", async () => {
  const output = memoryOutput();
  const history = await train([new EpochLogger({ output, every: 2 })], 4);
  const expected = [0, 2, 3].map((i) => {
    const e = history.epochs[i];
    return `Epoch: ${i} - L: ${e.loss.toFixed(4)} - L_v ${e.validLoss!.toFixed(4)}\n`;
  });
  strictEqual(output.text, expected.join(""));
});
