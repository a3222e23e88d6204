import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { CosineAnnealingLR } from "./cosine_annealing_lr.ts";
import { SGD } from "./sgd.ts";
import { StepLR, type StepLROptions } from "./step_lr.ts";

Deno.test("StepLR multiplies the current rate (chainable), not the base rate", () => {
  const opt = new SGD({ lr: 1 });
  const schedule = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  schedule.step();
  opt.lr = 4; // someone else changed it: PyTorch's recursive form builds on it
  schedule.step();
  strictEqual(opt.lr, 2);
  strictEqual(schedule.lastEpoch, 2);
  schedule.reset();
  deepStrictEqual([opt.lr, schedule.lastEpoch], [1, 0]);
});

Deno.test("CosineAnnealingLR reaches etaMin at tMax and rises again after", () => {
  const opt = new SGD({ lr: 0.1 });
  const schedule = new CosineAnnealingLR(opt, { tMax: 3, etaMin: 0.01 });
  const lrs = [opt.lr];
  for (let i = 0; i < 6; i++) lrs.push(schedule.step());
  strictEqual(Math.abs(lrs[3] - 0.01) < 1e-17, true);
  strictEqual(Math.abs(lrs[6] - 0.1) < 1e-15, true);
  strictEqual(lrs[4] > lrs[3] && lrs[5] > lrs[4], true);
});

Deno.test("schedulers reject bad options, naming them", () => {
  const opt = new SGD({ lr: 1 });
  throws(
    () => new StepLR(opt, {} as StepLROptions),
    /Cannot create StepLR: stepSize must be an integer, got undefined/,
  );
  throws(() => new StepLR(opt, { stepSize: 1, gamma: -1 }), /gamma must be finite and >= 0/);
  throws(() => new CosineAnnealingLR(opt, { tMax: 0 }), /tMax must be an integer >= 1, got 0/);
  throws(
    () => new CosineAnnealingLR(opt, { tMax: 2, etaMin: -1 }),
    /etaMin must be finite and >= 0/,
  );
  // @ts-expect-error: misspelt option
  throws(() => new CosineAnnealingLR(opt, { T_max: 2 }), /unknown option T_max/);
});
