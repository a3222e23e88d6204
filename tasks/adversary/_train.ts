// Builds `deno run … tasks/train.ts` command lines for the adversarial cases and checks the
// run folders they write.

import { loadSafetensors } from "@glassbox/layers";
import { abnormal, exists, type Observation, trainError, type Verdict } from "./_harness.ts";

/** `deno run` of tasks/train.ts allowed to read the repository and `dir`, write `dir`. */
export function trainCmd(dir: string, args: string[], extraRead: string[] = []): string[] {
  return [
    Deno.execPath(),
    "run",
    `--allow-read=.,${[dir, ...extraRead].join(",")}`,
    `--allow-write=${dir}`,
    "--allow-run=/usr/bin/python3",
    "--allow-env=GLASSBOX_THREADS,GLASSBOX_WASM",
    "tasks/train.ts",
    ...args,
  ];
}

/** A small, fast run: notebook 1.1's linear regression for one epoch, saving nothing. */
export const QUICK = ["--experiment", "linear-regression", "--epochs", "1", "--no-save"];

/** What is wrong with the run folder `out`, or null when it is one consistent, finite run. */
export async function runFolderProblem(out: string): Promise<string | null> {
  if (!exists(`${out}/history.json`)) return `${out}/history.json is missing`;
  let history;
  try {
    history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
  } catch (error) {
    return `history.json does not parse: ${(error as Error).message}`;
  }
  const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  const listed = [...(history.files ?? [])].sort();
  if (names.join() !== listed.join()) {
    return `folder holds ${names.join(", ")} but history.json lists ${listed.join(", ")}`;
  }
  const models = names.filter((n) => n.endsWith(".safetensors"));
  if (models.length === 0) return "no .safetensors file";
  for (const name of models) {
    let file;
    try {
      file = await loadSafetensors(`${out}/${name}`);
    } catch (error) {
      return `${name} does not load: ${(error as Error).message}`;
    }
    for (const [key, t] of Object.entries(file.tensors)) {
      const bad = t.toTypedArray().filter((x) => !Number.isFinite(x)).length;
      if (bad > 0) return `${name}: ${key} holds ${bad} non-finite values`;
    }
  }
  return null;
}

/**
 * A judge for a run that must finish and save a consistent, finite run folder at `out`:
 * exit 0, or exit 3 with the log saying training stopped on non-finite values (any other
 * code is acceptable only when listed in `codes`).
 */
export function savesFinite(out: string, codes: number[] = [0, 3]) {
  return async (o: Observation): Promise<Verdict> => {
    const bad = abnormal(o);
    if (bad !== null) return bad;
    if (!codes.includes(o.code!)) {
      return { outcome: "unclear", why: `exit ${o.code}: ${trainError(o.stderr)}` };
    }
    if (o.code === 3 && !/non-finite|NaN|infinite/i.test(o.stdout + o.stderr)) {
      return { outcome: "unclear", why: "exit 3 without saying why" };
    }
    const problem = await runFolderProblem(out);
    if (problem !== null) return { outcome: "silent", why: `exit ${o.code} but ${problem}` };
    const history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
    for (const arch of history.architectures ?? []) {
      const s = arch.summary ?? {};
      // A run reported as good (exit 0) must not have diverged.
      if (o.code === 0 && !(Number.isFinite(s.trainLoss) && Number.isFinite(s.validLoss))) {
        return {
          outcome: "silent",
          why: `exit 0 with loss ${s.trainLoss} / validation ${s.validLoss}`,
        };
      }
    }
    return { outcome: "handled" };
  };
}
