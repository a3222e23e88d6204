// A lean first run: before it runs a task, `deno task` installs every npm package of the
// root import map and of deno.lock's snapshot, so whatever they list is downloaded by a new
// user's first `deno task train`. They list only what the packages and train need; the
// benchmarks' and tests' packages (TensorFlow.js, whose core-js also printed a boxed
// lifecycle-script warning, wabt, fast-check) are imported with pinned `npm:` specifiers and
// locked in tasks/dev.lock, which the tasks that use them pass with `--lock`.
//
// deno.lock changes when a file that imports one of those packages runs without
// `--lock=tasks/dev.lock` (a plain `deno test` of the fuzz test, say): this test then fails;
// `git checkout deno.lock` undoes it.

import { deepStrictEqual, strictEqual } from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const DEV_ONLY = /^@tensorflow\/|^fast-check@|^wabt@|^core-js@/;
/**
 * The npm packages a new user's `deno task train` may download (with their dependencies:
 * 27 MB installed, measured with a cold DENO_DIR). Another one belongs in tasks/dev.lock
 * unless the packages or train need it; then add it here, knowing what it costs.
 */
const TRAIN_PACKAGES = ["npm:vega-lite@6.5.0", "npm:vega@6.4.0"];

interface Lock {
  specifiers: Record<string, string>;
  npm: Record<string, { dependencies?: string[] }>;
}

function readJson<T>(path: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(path, ROOT)));
}

/** The snapshot keys reachable from the lock's specifiers (its packages that are used). */
function reachable(lock: Lock): Set<string> {
  const keys = Object.keys(lock.npm);
  // A dependency is named "name" (one version in the lock) or "name@version…" (the key).
  const byName = (dep: string) =>
    lock.npm[dep] !== undefined
      ? dep
      : keys.find((key) => key.slice(0, key.lastIndexOf("@")) === dep)!;
  const seen = new Set<string>();
  const todo = Object.entries(lock.specifiers).map(([spec, version]) =>
    `${spec.slice(4, spec.lastIndexOf("@"))}@${version}`
  );
  while (todo.length > 0) {
    const key = todo.pop()!;
    if (seen.has(key) || lock.npm[key] === undefined) continue;
    seen.add(key);
    todo.push(...(lock.npm[key].dependencies ?? []).map(byName));
  }
  return seen;
}

Deno.test("deno.lock and the root import map hold no benchmark- or test-only npm package", () => {
  const config = readJson<{ imports: Record<string, string>; tasks: Record<string, string> }>(
    "deno.json",
  );
  const imported = Object.values(config.imports).map((spec) => spec.replace(/^npm:/, ""));
  deepStrictEqual(imported.filter((spec) => DEV_ONLY.test(spec)), [], "root import map");
  const lock = readJson<Lock>("deno.lock");
  const listed = Object.keys(lock.npm);
  deepStrictEqual(
    listed.filter((key) => DEV_ONLY.test(key)),
    [],
    "deno.lock's packages (run the tests through `deno task test`; `git checkout deno.lock`)",
  );
  // Nothing left over either: every package in the snapshot is used.
  deepStrictEqual(listed.filter((key) => !reachable(lock).has(key)), [], "unused in deno.lock");
  strictEqual(config.tasks.train.includes("--lock"), false, "train uses deno.lock");
  deepStrictEqual(Object.keys(lock.specifiers).sort(), TRAIN_PACKAGES, "deno.lock's top level");
});

Deno.test("the tasks that need the benchmarks' and tests' packages lock them in tasks/dev.lock", () => {
  const { tasks } = readJson<{ tasks: Record<string, string> }>("deno.json");
  for (const name of ["test", "bench", "bench:micro", "build:wasm"]) {
    strictEqual(tasks[name].includes("--lock=tasks/dev.lock"), true, `task ${name}`);
  }
  const dev = readJson<Lock>("tasks/dev.lock");
  for (const spec of ["npm:@tensorflow/tfjs@4.22.0", "npm:fast-check@3.23.2", "npm:wabt@1.0.39"]) {
    strictEqual(dev.specifiers[spec] !== undefined, true, `${spec} in tasks/dev.lock`);
  }
  // The packages train needs resolve to the same versions in both lockfiles.
  const lean = readJson<Lock>("deno.lock");
  for (const [spec, version] of Object.entries(lean.specifiers)) {
    strictEqual(dev.specifiers[spec], version, spec);
  }
});
