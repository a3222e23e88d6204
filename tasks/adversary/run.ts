/**
 * The adversarial harness: hundreds of hostile inputs and faults thrown at
 * `deno task train` and the library, each in its own child process with a
 * hard timeout, classified as
 *
 * - handled: a clear error naming the argument, what it got and what it
 *   expected, the documented exit code, no partial or lost files (or, where
 *   the input is legal, a clean finite result);
 * - crash: an uncaught exception, a stack trace, a signal, an undocumented
 *   exit code;
 * - hang: the timeout fired;
 * - silent: exit 0 with bad or missing output (NaN weights saved, a lost
 *   file, bad input accepted);
 * - unclear: refused, but with the wrong exit code or a message that does not
 *   name the argument or the value.
 *
 * Run it (about 5–10 minutes on two cores; root for the full-disk cases):
 *
 * ```sh
 * deno run -A tasks/adversary/run.ts              # every category, two at a time
 * deno run -A tasks/adversary/run.ts --only cli   # one category (repeatable)
 * deno run -A tasks/adversary/run.ts --jobs 4 --verbose
 * ```
 *
 * It prints a table of outcomes per category and each case that was not
 * handled, with its command, and exits 1 when any was not. It is not part of
 * `deno task test` (it is slow); the failures it found have unit tests.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Case, type Outcome, OUTCOMES, runAll } from "./_harness.ts";
import { cliCases } from "./_cli_cases.ts";
import { libraryCases } from "./_library_cases.ts";
import { faultCases } from "./_fault_cases.ts";
import { csvCases } from "./_csv_cases.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string", multiple: true },
    jobs: { type: "string", default: "2" },
    verbose: { type: "boolean", default: false },
  },
});
const jobs = Number(values.jobs);
if (!/^[1-9][0-9]?$/.test(values.jobs!)) {
  console.error(`run.ts: --jobs must be a whole number from 1 to 99, got "${values.jobs}"`);
  Deno.exit(2);
}

const dir = await Deno.makeTempDir({ prefix: "glassbox_adversary_" });
const builders: Record<string, (dir: string) => Case[] | Promise<Case[]>> = {
  cli: cliCases,
  library: libraryCases,
  faults: faultCases,
  csv: csvCases,
};
const wanted = values.only ?? Object.keys(builders);
for (const name of wanted) {
  if (!(name in builders)) {
    console.error(
      `run.ts: --only must be one of ${Object.keys(builders).join(", ")}, got "${name}"`,
    );
    Deno.exit(2);
  }
}
const cases: Case[] = [];
for (const name of wanted) {
  const sub = `${dir}/${name}`;
  await Deno.mkdir(sub);
  cases.push(...await builders[name](sub));
}

/** A command-line word as the shell would need it, long ones cut to 200 characters. */
function shellWord(word: string): string {
  const shown = word.length > 200 ? `${word.slice(0, 200)}…(${word.length} chars)` : word;
  return /^[\w./=,:@+-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", "'\\''")}'`;
}

const counts = new Map<string, Record<Outcome, number>>();
const failures: string[] = [];
const started = performance.now();
let finished = 0;
await runAll(cases, jobs, (c, v, o) => {
  finished++;
  const row = counts.get(c.category) ??
    Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<Outcome, number>;
  row[v.outcome]++;
  counts.set(c.category, row);
  if (values.verbose || v.outcome !== "handled") {
    console.error(
      `[${finished}/${cases.length}] ${c.category}: ${c.name}: ${v.outcome}${
        v.why ? ` (${v.why})` : ""
      } ${Math.round(o.ms)} ms`,
    );
  }
  if (v.outcome !== "handled") {
    const env = Object.entries(c.env ?? {}).map(([k, x]) => `${k}=${JSON.stringify(x)} `).join("");
    failures.push(
      `${v.outcome.padEnd(7)} ${c.category}: ${c.name}\n        why: ${v.why}\n        cmd: ${env}${
        c.cmd.map(shellWord).join(" ")
      }`,
    );
  }
});

const width = Math.max(10, ...[...counts.keys()].map((k) => k.length + 2));
const header = "category".padEnd(width) + "cases".padStart(7) +
  OUTCOMES.map((o) => o.padStart(9)).join("");
console.log(header);
const total = Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<Outcome, number>;
let all = 0;
for (const [category, row] of counts) {
  const n = OUTCOMES.reduce((s, k) => s + row[k], 0);
  all += n;
  for (const k of OUTCOMES) total[k] += row[k];
  console.log(
    category.padEnd(width) + String(n).padStart(7) +
      OUTCOMES.map((k) => String(row[k]).padStart(9)).join(""),
  );
}
console.log(
  "total".padEnd(width) + String(all).padStart(7) +
    OUTCOMES.map((k) => String(total[k]).padStart(9)).join(""),
);
console.log(`${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} at a time`);
if (failures.length > 0) console.log("\nnot handled:\n" + failures.join("\n"));
await Deno.remove(dir, { recursive: true }).catch(() => {});
Deno.exit(failures.length > 0 ? 1 : 0);
