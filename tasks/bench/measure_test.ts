import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { measure } from "./measure.ts";

Deno.test("measure: one untimed run, then the samples; none untimed when warmupMs < 0", async () => {
  let runs = 0;
  const runner = { run: () => void runs++ };
  const timing = { warmupMs: 0, minSampleMs: 0, samples: 3, budgetMs: 1e9, minSamples: 3 };
  const m = await measure(runner, timing);
  strictEqual(runs, 1 + 3);
  deepStrictEqual([m.samples, m.inner], [3, 1]);
  runs = 0;
  const once = await measure(runner, { ...timing, warmupMs: -1, samples: 1, minSamples: 1 });
  strictEqual(runs, 1);
  deepStrictEqual([once.samples, once.inner], [1, 1]);
});

Deno.test("measure: µs-scale runs are timed many to a sample, sync runs in a plain loop", async () => {
  let runs = 0;
  let sum = 0;
  const runner = {
    run: () => {
      runs++;
      for (let i = 0; i < 200; i++) sum += Math.sqrt(i); // a few hundred ns
    },
  };
  const m = await measure(runner, {
    warmupMs: 20,
    minSampleMs: 5,
    samples: 3,
    budgetMs: 1e9,
    minSamples: 3,
  });
  ok(sum > 0);
  ok(m.inner > 100, `inner ${m.inner}`);
  ok(runs >= 3 * m.inner, `${runs} runs`);
  ok(m.ms > 0 && m.ms < 1, `${m.ms} ms per run`);
  // An async run is awaited: each run finishes before the next starts.
  let active = 0, overlap = false;
  await measure({
    run: async () => {
      if (active++ > 0) overlap = true;
      await Promise.resolve();
      active--;
    },
  }, { warmupMs: 5, minSampleMs: 1, samples: 2, budgetMs: 1e9, minSamples: 2 });
  strictEqual(overlap, false);
});
