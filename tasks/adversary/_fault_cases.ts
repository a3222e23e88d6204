// Adversarial faults for tasks/train.ts: diverging training (NaN mid-training) with every
// optimizer on the CPU and WebGPU, signals and kill -9 while training and saving, full disks,
// a closed stdout, bad environment values, and memory over many restarts.

import { abnormal, type Case, exists, type Observation, refused, trainError } from "./_harness.ts";
import { QUICK, runFolderProblem, savesFinite, trainCmd } from "./_train.ts";

const OPTIMIZERS = ["sgd", "adam", "adamw", "lbfgs"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every fault case; `dir` is a scratch folder. */
export function faultCases(dir: string): Case[] {
  const cases: Case[] = [];
  let n = 0;
  const fresh = (label: string) => `${dir}/${label}_${n++}`;

  // Divergence: each optimizer, CPU float64/float32 and WebGPU, learning rates that blow up.
  for (const device of ["cpu", "webgpu"]) {
    for (const optimizer of OPTIMIZERS) {
      for (const lr of ["1e10", "20", "1e300"]) {
        // WebGPU trains mse and cross-entropy: logistic regression there, the classification
        // notebook's Softmax + categorical cross-entropy on the CPU.
        const classifier = device === "webgpu" ? "logistic-regression" : "mlp-classification";
        for (const experiment of ["linear-regression", "mlp-regression", classifier]) {
          if (experiment === "mlp-regression" && lr === "20") continue;
          const out = fresh("nan");
          const args = [
            "--experiment",
            experiment,
            "--device",
            device,
            "--optimizer",
            optimizer,
            "--lr",
            lr,
            "--epochs",
            "3",
            "--out",
            out,
          ];
          if (experiment === "mlp-regression") args.push("--train-rows", "200");
          cases.push({
            category: "nan",
            name: `${device} ${optimizer} lr ${lr} ${experiment}`,
            cmd: trainCmd(dir, args),
            timeoutMs: 120_000,
            judge: savesFinite(out),
          });
        }
      }
    }
  }
  for (const dtype of ["float32", "float64"]) {
    const out = fresh("nan32");
    cases.push({
      category: "nan",
      name: `cpu ${dtype} sgd momentum 0.99 lr 5 mlp-classification`,
      cmd: trainCmd(dir, [
        "--experiment",
        "mlp-classification",
        "--dtype",
        dtype,
        "--optimizer",
        "sgd",
        "--momentum",
        "0.99",
        "--lr",
        "5",
        "--epochs",
        "5",
        "--out",
        out,
      ]),
      timeoutMs: 120_000,
      judge: savesFinite(out),
    });
  }

  // Signals while training: SIGTERM and SIGINT stop after the batch, save, exit 130.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    for (const delay of [300, 800, 1500]) {
      const out = fresh("sig");
      cases.push({
        category: "signals",
        name: `${signal} after ${delay} ms of a long run`,
        cmd: trainCmd(dir, ["--epochs", "100000", "--train-rows", "200", "--out", out]),
        timeoutMs: 60_000,
        drive: async (child) => {
          await sleep(delay);
          child.kill(signal);
        },
        judge: async (o) => {
          if (o.signal === signal && !exists(out)) {
            // Before the handler is installed (still loading): the default action, nothing written.
            return { outcome: "handled" };
          }
          const bad = abnormal(o);
          if (bad !== null) return bad;
          if (o.code !== 130) {
            return {
              outcome: "unclear",
              why: `exit ${o.code}, expected 130: ${trainError(o.stderr)}`,
            };
          }
          if (!exists(`${out}/history.json`)) {
            // A signal before training began may leave nothing to save; nothing partial then.
            return exists(out)
              ? { outcome: "silent", why: `${out} exists without history.json` }
              : { outcome: "handled" };
          }
          const problem = await runFolderProblem(out);
          return problem === null ? { outcome: "handled" } : { outcome: "silent", why: problem };
        },
      });
    }
  }
  cases.push({
    category: "signals",
    name: "two SIGINTs: leave at once",
    cmd: trainCmd(dir, ["--epochs", "100000", "--train-rows", "200", "--no-save"]),
    timeoutMs: 60_000,
    drive: async (child) => {
      await sleep(2500);
      child.kill("SIGINT");
      await sleep(5);
      child.kill("SIGINT");
    },
    judge: (o) =>
      abnormal(o) ?? (o.code === 130 ? { outcome: "handled" } : {
        outcome: "unclear",
        why: `exit ${o.code}, expected 130`,
      }),
  });
  // kill -9 at random moments of a run that saves: the folder is the old run or the new.
  const killed = `${dir}/killed/run`;
  for (let i = 0; i < 20; i++) {
    const delay = 150 + Math.floor(Math.random() * 700);
    cases.push({
      category: "signals",
      name: `SIGKILL after ${delay} ms (run ${i}, seed ${i})`,
      group: "killed",
      cmd: trainCmd(dir, [
        "--experiment",
        "linear-regression",
        "--epochs",
        "2",
        "--seed",
        String(i),
        "--out",
        killed,
      ]),
      timeoutMs: 60_000,
      drive: async (child) => {
        await sleep(delay);
        try {
          child.kill("SIGKILL");
        } catch { /* already done */ }
      },
      judge: async (o) => {
        if (o.timedOut) return { outcome: "hang", why: "no exit" };
        if (o.signal !== "SIGKILL" && o.code !== 0) {
          return { outcome: "crash", why: `exit ${o.code}: ${trainError(o.stderr)}` };
        }
        if (!exists(`${killed}/history.json`)) {
          return exists(killed)
            ? { outcome: "silent", why: `${killed} exists without history.json` }
            : { outcome: "handled" };
        }
        const problem = await runFolderProblem(killed);
        if (problem !== null) return { outcome: "silent", why: problem };
        if (o.code === 0) {
          const seed = JSON.parse(await Deno.readTextFile(`${killed}/history.json`)).config.seed;
          if (seed !== i) {
            return {
              outcome: "silent",
              why: `finished run ${i} but the folder holds seed ${seed}`,
            };
          }
        }
        return { outcome: "handled" };
      },
    });
  }
  // Two runs saving to one --out at the same moment: both finish, the folder is one of them.
  const shared = `${dir}/shared/run`;
  const twice = (seed: number) =>
    trainCmd(dir, [
      "--experiment",
      "linear-regression",
      "--epochs",
      "1",
      "--seed",
      String(seed),
      "--out",
      shared,
    ]).map((a) => `'${a}'`).join(" ");
  for (let round = 0; round < 3; round++) {
    cases.push({
      category: "signals",
      name: `two runs saving to one --out at once (round ${round})`,
      group: "shared",
      cmd: [
        "bash",
        "-c",
        `${twice(1)} >/dev/null & ${
          twice(2)
        } >/dev/null; a=$?; wait $!; b=$?; exit $((a > b ? a : b))`,
      ],
      timeoutMs: 120_000,
      judge: async (o) => {
        const bad = abnormal(o);
        if (bad !== null) return bad;
        if (o.code !== 0) {
          return { outcome: "silent", why: `a run was lost: ${trainError(o.stderr)}` };
        }
        const problem = await runFolderProblem(shared);
        if (problem !== null) return { outcome: "silent", why: problem };
        const names = [...Deno.readDirSync(`${dir}/shared`)].map((e) => e.name);
        return names.join() === "run"
          ? { outcome: "handled" }
          : { outcome: "silent", why: `left behind: ${names.join(", ")}` };
      },
    });
  }
  // A closed stdout (`train | head -1`).
  cases.push({
    category: "signals",
    name: "stdout closed after the first line (train | head -1)",
    cmd: [
      "bash",
      "-c",
      `${
        trainCmd(dir, [...QUICK, "--epochs", "50"]).map((a) => `'${a}'`).join(" ")
      } | head -1; exit \${PIPESTATUS[0]}`,
    ],
    timeoutMs: 60_000,
    judge: (o) => {
      if (o.timedOut) return { outcome: "hang", why: "no exit" };
      if (/panicked|RUST_BACKTRACE|error: Uncaught/.test(o.stderr)) {
        return { outcome: "crash", why: trainError(o.stderr) };
      }
      // A broken pipe may end the run (EPIPE) but not with a panic or a stack trace.
      if (/^\s+at /m.test(o.stderr)) return { outcome: "crash", why: trainError(o.stderr) };
      return { outcome: "handled" };
    },
  });

  // Bad environment values: refused before training, naming the variable.
  const env: [string, string, boolean][] = [
    ["GLASSBOX_THREADS", "abc", false],
    ["GLASSBOX_THREADS", "0", false],
    ["GLASSBOX_THREADS", "-1", false],
    ["GLASSBOX_THREADS", "121", false],
    ["GLASSBOX_THREADS", "1e1", false],
    ["GLASSBOX_THREADS", "0x4", false],
    ["GLASSBOX_THREADS", "4.5", false],
    ["GLASSBOX_THREADS", "99999999999999999999", false],
    ["GLASSBOX_THREADS", "auto", true],
    ["GLASSBOX_THREADS", "1", true],
    ["GLASSBOX_THREADS", "", true],
    ["GLASSBOX_WASM", "bogus", false],
    ["GLASSBOX_WASM", "ON", false],
    ["GLASSBOX_WASM", "1", false],
    ["GLASSBOX_WASM", "true", false],
    ["GLASSBOX_WASM", "off", true],
    ["GLASSBOX_WASM", "always", true],
    ["GLASSBOX_WASM", "", true],
  ];
  for (const [name, value, legal] of env) {
    cases.push({
      category: "env",
      name: `${name}=${JSON.stringify(value)}`,
      cmd: trainCmd(dir, QUICK),
      env: { [name]: value },
      timeoutMs: 60_000,
      judge: legal
        ? (o: Observation) =>
          abnormal(o) ??
            (o.code === 0
              ? { outcome: "handled" }
              : { outcome: "unclear", why: `a legal value failed: ${trainError(o.stderr)}` })
        : envRefused(name, value),
    });
  }

  // Full disks: a tmpfs of a few KiB holding an earlier run; the save fails naming the
  // folder, the earlier run stays whole, nothing is left behind.
  const root = Deno.uid() === 0;
  if (!root) console.error("run.ts: the full-disk cases are skipped (mounting a tmpfs needs root)");
  for (const kib of root ? [4, 16, 32, 64, 128] : []) {
    const disk = `${dir}/disk${kib}`;
    const out = `${disk}/run`;
    cases.push({
      category: "disk",
      name: `a ${kib} KiB disk holding an earlier run`,
      cmd: trainCmd(dir, ["--experiment", "linear-regression", "--epochs", "1", "--out", out]),
      timeoutMs: 60_000,
      setup: async () => {
        await Deno.mkdir(disk, { recursive: true });
        const r = await new Deno.Command("mount", {
          args: ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", disk],
          stderr: "null",
        }).output();
        if (!r.success) throw new Error("mounting a tmpfs needs root");
        await Deno.mkdir(out);
        await Deno.writeTextFile(`${out}/history.json`, '{"files":["history.json"]}');
      },
      judge: async (o) => {
        try {
          const bad = abnormal(o);
          if (bad !== null) return bad;
          const names = [...Deno.readDirSync(disk)].map((e) => e.name);
          if (names.join() !== "run") {
            return { outcome: "silent", why: `left behind: ${names.join(", ")}` };
          }
          if (o.code === 0) {
            const problem = await runFolderProblem(out);
            return problem === null ? { outcome: "handled" } : { outcome: "silent", why: problem };
          }
          if (o.code !== 1 || !o.stderr.includes(out) || !/No space left/.test(o.stderr)) {
            return { outcome: "unclear", why: `exit ${o.code}: ${trainError(o.stderr)}` };
          }
          const kept = await Deno.readTextFile(`${out}/history.json`);
          return kept === '{"files":["history.json"]}'
            ? { outcome: "handled" }
            : { outcome: "silent", why: "the earlier run was changed" };
        } finally {
          await new Deno.Command("umount", { args: [disk] }).output();
        }
      },
    });
  }

  // Memory over many restarts: RSS must not grow with the number of runs kept.
  for (const restarts of [200, 3000]) {
    cases.push({
      category: "memory",
      name: `--restarts ${restarts} on notebook 1.1 (peak RSS under 400 MB)`,
      cmd: [
        "/usr/bin/time",
        "-f",
        "maxrss_kb=%M",
        ...trainCmd(dir, [...QUICK, "--restarts", String(restarts)]),
      ],
      timeoutMs: 240_000,
      judge: (o) => {
        const bad = abnormal(o);
        if (bad !== null) return bad;
        const kb = Number(o.stderr.match(/maxrss_kb=(\d+)/)?.[1] ?? NaN);
        if (o.code !== 0) return { outcome: "unclear", why: `exit ${o.code}` };
        return kb < 400_000
          ? { outcome: "handled" }
          : { outcome: "crash", why: `peak RSS ${Math.round(kb / 1024)} MB grows with restarts` };
      },
    });
  }
  return cases;
}

/** A bad environment value: exit 1 or 2, the message names the variable and the value. */
function envRefused(name: string, value: string) {
  return (o: Observation) => {
    const bad = abnormal(o);
    if (bad !== null) return bad;
    if (o.code === 0) return { outcome: "silent" as const, why: `${name}=${value} was accepted` };
    const judged = refused(o.code === 2 ? 2 : 1, name, `"${value}"`)(o);
    return judged;
  };
}
