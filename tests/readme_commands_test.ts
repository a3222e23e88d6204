// The README's `deno task train …` commands: every one of them parses (no
// renamed experiment or flag left behind), and the tables map every notebook
// experiment — the four regression and classification notebooks, plain and
// with --compare pytorch, and each section of the assignment — to a command.

import { doesNotThrow, ok } from "node:assert/strict";
import { parseTrainFlags } from "../tasks/experiments/flags.ts";
import { parseAssignmentFlags } from "../tasks/experiments/assignment.ts";
import {
  ASSIGNMENT_EXPERIMENTS,
  assignmentExperimentOf,
} from "../tasks/experiments/assignment_registry.ts";
import { DEFAULT_EXPERIMENT, EXPERIMENTS } from "../tasks/experiments/registry.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));

/** The arguments of every backticked `deno task train …` command, placeholders left out. */
function trainCommands(text: string): string[][] {
  return [...text.matchAll(/`deno task train([^`]*)`/g)]
    .map((m) => m[1].trim())
    .filter((rest) => !/[<…]|--help|--predict/.test(rest))
    .map((rest) => (rest === "" ? [] : rest.split(/\s+/)));
}

/** The experiment a command runs. */
function experimentOf(args: string[]): string {
  const i = args.indexOf("--experiment");
  return i < 0 ? DEFAULT_EXPERIMENT : args[i + 1];
}

const commands = trainCommands(readme);

Deno.test("every deno task train command in the README parses", () => {
  ok(commands.length >= 15, `found only ${commands.length} commands`);
  for (const args of commands) {
    doesNotThrow(
      () => assignmentExperimentOf(args) ? parseAssignmentFlags(args) : parseTrainFlags(args),
      `deno task train ${args.join(" ")}`,
    );
  }
});

Deno.test("the README maps every notebook experiment to a command", () => {
  const run = new Set(commands.map(experimentOf));
  const compared = new Set(
    commands.filter((a) => a.join(" ").includes("--compare pytorch")).map(experimentOf),
  );
  // The extras (no notebook of their own) need no row.
  const notebooks = EXPERIMENTS.filter((e) => !e.title.startsWith("extra")).map((e) => e.name);
  ok(notebooks.length === 4, `expected the four notebooks' experiments, got ${notebooks}`);
  for (const name of notebooks) {
    ok(run.has(name), `no README command runs ${name}`);
    ok(compared.has(name), `no README command runs ${name} --compare pytorch`);
  }
  for (const { name } of ASSIGNMENT_EXPERIMENTS) {
    ok(run.has(name), `no README command runs ${name}`);
  }
});
