// `deno task train` under faults: non-finite training, an --out that cannot take the run,
// SIGTERM, and kill -9 while the run is being saved (the run folder must stay one
// consistent set: the previous run's or the new run's files, never a mixture).

import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { loadSafetensors } from "@glassbox/layers";
import { CAN_RUN, cliTest, ROOT, train } from "./_train_cli.ts";

cliTest(
  "train exits 3 and saves the last finite epoch's weights when the validation loss overflows",
  async (dir) => {
    const out = `${dir}/run`;
    // lr 20 makes the notebook network's weights grow without bound: the batch losses stay
    // finite up to epoch 29 while the validation loss of epoch 30 overflows.
    const r = await train(["--lr", "20", "--out", out], { write: [dir] });
    strictEqual(r.code, 3, r.stderr);
    const stop = r.stdout.match(
      /^Stopped at epoch (\d+): the validation loss is Infinity; kept the weights from the end of epoch (\d+)$/m,
    );
    ok(stop !== null, r.stdout);
    strictEqual(Number(stop[2]), Number(stop[1]) - 1);
    const saved = await loadSafetensors(`${out}/model.safetensors`);
    for (const [name, t] of Object.entries(saved.tensors)) {
      ok(t.toTypedArray().every(Number.isFinite), `${name} is finite`);
    }
    const history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
    const epochs = history.architectures[0].history.epochs;
    strictEqual(epochs.length, Number(stop[1]), "the overflowing epoch is not recorded");
    ok(Number.isFinite(epochs.at(-1).validLoss));
  },
);

cliTest("train refuses an --out that is a file before training (exit 2)", async (dir) => {
  const out = `${dir}/afile`;
  await Deno.writeTextFile(out, "keep me");
  const r = await train(["--experiment", "linear-regression", "--out", out], { write: [dir] });
  strictEqual(r.code, 2);
  match(r.stderr, /--out .*afile is a file, expected a folder/);
  ok(!/Epoch/i.test(r.stdout), "nothing was trained");
  strictEqual(await Deno.readTextFile(out), "keep me");
});

cliTest("train refuses an --out folder of other files and leaves them alone", async (dir) => {
  const out = `${dir}/mine`;
  await Deno.mkdir(out);
  await Deno.writeTextFile(`${out}/notes.txt`, "mine");
  const r = await train(["--experiment", "linear-regression", "--out", out], { write: [dir] });
  strictEqual(r.code, 2);
  match(r.stderr, /holds other files \(notes\.txt\) and no history\.json/);
  deepStrictEqual([...Deno.readDirSync(out)].map((e) => e.name), ["notes.txt"]);
});

/** Starts tasks/train.ts with write access to `dir`, output piped. */
function spawnTrain(args: string[], dir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-read=.,${dir}`, `--allow-write=${dir}`, "tasks/train.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

/** Resolves once `text` appears in `stream`, and keeps draining it afterwards. */
async function waitFor(stream: ReadableStream<Uint8Array>, text: string): Promise<string> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  let seen = "";
  while (!seen.includes(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the process ended before printing ${text}:\n${seen}`);
    seen += decoder.decode(value);
  }
  (async () => {
    while (!(await reader.read()).done);
  })();
  return seen;
}

Deno.test({
  name: "train handles SIGTERM like Ctrl-C: stops after the batch, saves, exits 130",
  ignore: !CAN_RUN || Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_sigterm_" });
    try {
      const out = `${dir}/run`;
      const child = spawnTrain(
        ["--experiment", "linear-regression", "--epochs", "1000000", "--out", out],
        dir,
      );
      const stderr = new Response(child.stderr).text();
      await waitFor(child.stdout, "epoch: 1 ");
      child.kill("SIGTERM");
      const status = await child.status;
      strictEqual(status.code, 130, await stderr);
      match(await stderr, /SIGTERM: stopping after this batch and saving/);
      const history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
      strictEqual(history.interrupted, true);
      ok((await Deno.stat(`${out}/model.safetensors`)).isFile);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The names in `dir` and in `out` (when it exists). */
function entries(dir: string, out: string): Set<string> {
  const names = new Set([...Deno.readDirSync(dir)].map((e) => e.name));
  try {
    for (const e of Deno.readDirSync(out)) names.add(`run/${e.name}`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names;
}

/** The run folder is one generation: history.json lists exactly its files, the model matches. */
async function checkConsistent(out: string): Promise<number | null> {
  let history;
  try {
    history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      // No run here yet: then there is no folder at all, not a partial one.
      ok(!(await Deno.stat(out).then(() => true, () => false)), `${out} exists without history`);
      return null;
    }
    throw error;
  }
  const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  deepStrictEqual(files, [...history.files].sort(), "the files history.json lists");
  const model = await loadSafetensors(`${out}/model.safetensors`);
  strictEqual(
    Number(model.metadata.trainLoss),
    history.architectures[0].summary.trainLoss,
    "the model is the one history.json describes",
  );
  return history.config.seed;
}

Deno.test({
  name: "train killed with SIGKILL while saving leaves a consistent run folder (20 kills)",
  ignore: !CAN_RUN || Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_kill_" });
    const out = `${dir}/run`;
    let landed = 0, caught = 0;
    try {
      for (let i = 0; i < 20; i++) {
        // Each run has its own seed, so a mixture of two runs' files would show.
        const before = entries(dir, out);
        const child = spawnTrain(
          ["--experiment", "linear-regression", "--epochs", "2", "--seed", String(i), "--out", out],
          dir,
        );
        const outText = new Response(child.stdout).text();
        const errText = new Response(child.stderr).text();
        // Aim at the save: wait for a new name beside or inside the output folder, then kill
        // 0–40 ms later.
        const deadline = Date.now() + 60_000;
        let staged = false;
        while (!staged && Date.now() < deadline) {
          staged = [...entries(dir, out)].some((name) => !before.has(name));
          if (!staged) await new Promise((r) => setTimeout(r, 1));
        }
        if (staged) caught++;
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
        try {
          child.kill("SIGKILL");
        } catch { /* it had already finished */ }
        const status = await child.status;
        await outText;
        const err = await errText;
        ok(status.success || status.signal === "SIGKILL", `run ${i}: ${err}`);
        if (status.signal === "SIGKILL") landed++;
        const seed = await checkConsistent(out);
        if (status.success) strictEqual(seed, i, "a finished run's folder is its own");
      }
      ok(caught >= 15, `only ${caught} of 20 runs were caught saving`);
      ok(landed >= 10, `only ${landed} of 20 kills landed during a run`);
      // A clean run afterwards removes what the killed saves left beside the folder.
      const r = await train(
        ["--experiment", "linear-regression", "--epochs", "1", "--seed", "99", "--out", out],
        { write: [dir] },
      );
      strictEqual(r.code, 0, r.stderr);
      deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["run"]);
      strictEqual(await checkConsistent(out), 99);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Mounts a tmpfs of `kib` KiB at a new folder (root only); null where that is not allowed. */
async function smallDisk(kib: number): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "glassbox_full_" });
  const { success } = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir],
    stderr: "null",
  }).output().catch(() => ({ success: false }));
  if (success) return dir;
  await Deno.remove(dir);
  return null;
}

Deno.test({
  name: "train on a full disk names the run folder, and the previous run stays whole",
  ignore: !CAN_RUN || Deno.build.os !== "linux",
  fn: async () => {
    const disk = await smallDisk(16);
    if (disk === null) {
      console.warn("train_robust_test.ts: full-disk case skipped — mounting a tmpfs needs root");
      return;
    }
    try {
      const out = `${disk}/run`;
      await Deno.mkdir(out);
      await Deno.writeTextFile(`${out}/history.json`, "{}\n"); // an earlier run's folder
      const r = await train(["--experiment", "linear-regression", "--epochs", "1", "--out", out], {
        write: [disk],
      });
      strictEqual(r.code, 1, r.stderr);
      match(
        r.stderr,
        /Cannot save the run to .*\/run: No space left on device \(os error 28\); .*\/run still holds the previous run/,
      );
      strictEqual(await Deno.readTextFile(`${out}/history.json`), "{}\n");
      deepStrictEqual([...Deno.readDirSync(disk)].map((e) => e.name), ["run"], "no leftovers");
    } finally {
      await new Deno.Command("umount", { args: [disk] }).output();
      await Deno.remove(disk, { recursive: true });
    }
  },
});
