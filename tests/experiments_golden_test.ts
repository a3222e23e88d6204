// The experiments of `deno task train`, run through the CLI's own functions,
// against the same runs in PyTorch 1.13 float64 (tasks/golden/experiments.py):
// same data (exact checksums), same initial weights (bit for bit), per-epoch
// training and validation losses, the winning restart, final weights and
// validation predictions within rtol 1e-9 (docs/numerics.md: whole training runs).

import { type Case, checkExperimentCases } from "./_experiment_fixture.ts";

const fixture: { torch: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/experiments.json", import.meta.url)),
);

Deno.test("train experiments match PyTorch float64 training runs", async (t) => {
  await checkExperimentCases(t, fixture.cases, { rtol: 1e-9, atol: 0 });
});
