import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { assignmentRunner } from "./assignment_runner.ts";

Deno.test("assignmentRunner runs the train CLI's part and reports its iterations, the same each run", () => {
  const runner = assignmentRunner("assignment-depths");
  deepStrictEqual(runner.counts(), {}); // nothing run yet
  runner.run();
  const first = runner.counts();
  // 50 repetitions of BFGS on 1-4-5-6-1: at least one iteration each, and at
  // least one function evaluation per iteration.
  ok(first.iterations >= 50, JSON.stringify(first));
  ok(first.evaluations >= first.iterations, JSON.stringify(first));
  runner.run(); // manualSeed(seed) inside the part: every run does the same work
  deepStrictEqual(runner.counts(), first);
});

Deno.test("assignmentRunner refuses the parts that train nothing, naming the ones it takes", () => {
  throws(
    () => assignmentRunner("assignment-logistic"),
    /Cannot bench assignment-logistic: it trains nothing; expected one of assignment-fit, .*assignment-backprop/,
  );
  throws(() => assignmentRunner("mlp-1d"), /--experiment must be one of/);
  strictEqual(typeof assignmentRunner("assignment-fit").run, "function");
});
