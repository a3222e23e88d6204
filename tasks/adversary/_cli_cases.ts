// Adversarial cases for tasks/train.ts's flags: every numeric flag with bad, negative, hex,
// exponent, empty, huge and repeated values; every named flag with unknown and empty values;
// contradictory combinations; bad --out folders.

import { abnormal, type Case, type Observation, refused, trainError } from "./_harness.ts";
import { QUICK, savesFinite, trainCmd } from "./_train.ts";

const INTEGER_FLAGS: Record<string, number> = {
  "--train-rows": 1,
  "--epochs": 1,
  "--batch-size": 1,
  "--restarts": 1,
  "--seed": 0,
};
const NUMBER_FLAGS = ["--lr", "--momentum", "--weight-decay"];

/** Values no integer flag may accept. */
const BAD_INTEGERS = [
  "",
  "-1",
  "-0",
  "0x10",
  "1e1",
  "1.5",
  "abc",
  "NaN",
  "Infinity",
  "99999999999999999999",
  " 3",
  "3 ",
  "+",
  "١٢", // Arabic-Indic digits
  "0b11",
  "1_000",
];
/** Values no number flag may accept. */
const BAD_NUMBERS = [
  "",
  "-1",
  "-1e-3",
  "0x10",
  "abc",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e400",
  "1,5",
  "0b1",
  " 0.1",
  "1e",
  ".",
];

/** The flag a value is for, with the base arguments that make the flag apply. */
function baseFor(flag: string): string[] {
  if (flag === "--momentum") return [...QUICK, "--optimizer", "sgd"];
  return QUICK;
}

function show(value: string): string {
  return JSON.stringify(value);
}

/** Every CLI case; `dir` is the harness's scratch folder. */
export function cliCases(dir: string): Case[] {
  const cases: Case[] = [];
  const add = (name: string, args: string[], judge: Case["judge"], timeoutMs = 60_000) =>
    cases.push({ category: "cli", name, cmd: trainCmd(dir, args), judge, timeoutMs });

  for (const [flag, min] of Object.entries(INTEGER_FLAGS)) {
    // "-0" is 0: legal for --seed (min 0).
    const values = BAD_INTEGERS.filter((v) => min === 1 || v !== "-0");
    if (min === 1) values.push("0");
    for (const value of values) {
      // An empty value or a bare sign is reported by the parser as a missing value.
      add(`${flag} ${show(value)}`, [...baseFor(flag), flag, value], refused(2, flag));
    }
    add(`${flag} repeated`, [...baseFor(flag), flag, "2", flag, "3"], refused(2, flag, "once"));
    add(`${flag} without a value`, [...baseFor(flag), flag], refused(2, flag));
  }
  for (const flag of NUMBER_FLAGS) {
    for (const value of BAD_NUMBERS) {
      add(`${flag} ${show(value)}`, [...baseFor(flag), flag, value], refused(2, flag));
    }
    add(`${flag} repeated`, [...baseFor(flag), flag, "0.1", flag, "0.2"], refused(2, flag, "once"));
    add(`${flag} without a value`, [...baseFor(flag), flag], refused(2, flag));
  }
  // Huge but well-formed values: refused with a limit, or run to a finite result.
  add(
    "--train-rows 10099 of 10100 (one validation row)",
    [...QUICK.slice(0, 4), "--experiment", "mlp-regression", "--train-rows", "10099", "--no-save"],
    runsOrRefused("--train-rows"),
    120_000,
  );
  add(
    "--train-rows 10100 (no validation row)",
    ["--train-rows", "10100", "--no-save"],
    refused(2, "--train-rows", "10100"),
  );
  add("--batch-size 2^53-1", [...QUICK, "--batch-size", "9007199254740991"], runsOrRefused(""));
  add("--seed 2^53-1", [...QUICK, "--seed", "9007199254740991"], runsOrRefused("--seed"));
  add("--seed 2^64", [...QUICK, "--seed", "18446744073709551616"], refused(2, "--seed"));
  add("--lr 1e308", [...QUICK, "--lr", "1e308"], runsOrRefused("--lr"));
  add("--lr 1e-400 (underflows to 0)", [...QUICK, "--lr", "1e-400"], runsOrRefused("--lr"));
  add(
    "--momentum 1e300",
    [...QUICK, "--optimizer", "sgd", "--momentum", "1e300"],
    runsOrRefused(""),
  );
  add(
    "--layers 50000,50000",
    [...QUICK, "--layers", "50000,50000"],
    refused(2, "--layers", "parameters", "GiB"),
  );
  add(
    "--layers 2^31",
    [...QUICK, "--layers", "2147483648"],
    refused(2, "--layers", "parameters"),
  );
  add(
    "--layers 9007199254740993",
    [...QUICK, "--layers", "9007199254740993"],
    refused(2, "--layers"),
  );
  add(
    "--layers with 40 layers",
    [...QUICK, "--layers", Array(40).fill(2).join(",")],
    runsOrRefused("--layers"),
  );
  add(
    "--layers 1,1,… 10000 layers",
    [...QUICK, "--layers", Array(10000).fill(1).join(",")],
    runsOrRefused("--layers"),
    120_000,
  );
  add(
    "--restarts 5000",
    [...QUICK, "--restarts", "5000"],
    runsOrRefused("--restarts"),
    120_000,
  );

  // Named flags: unknown, empty, wrong case.
  const named: Record<string, string[]> = {
    "--experiment": ["bogus", "", "MLP-REGRESSION", "../etc/passwd"],
    "--optimizer": ["bogus", "", "SGD", "lbfgs,adam"],
    "--loss": ["bogus", "", "MSE"],
    "--dtype": ["float16", "", "f64", "int32"],
    "--device": ["cuda", "", "gpu", "WEBGPU"],
    "--activation": ["bogus", "", "relu,", ",relu", "relu,,tanh"],
    "--compare": ["tensorflow", "", "PyTorch"],
    "--layers": ["", ",", "4,", "4,,4", "a", "4 4", "-4", "0", "1.5", "0x4", "1e2", "nonE"],
  };
  for (const [flag, values] of Object.entries(named)) {
    for (const value of values) {
      add(`${flag} ${show(value)}`, [...QUICK, flag, value], refused(2, flag));
    }
    if (flag !== "--layers") {
      add(`${flag} repeated`, [...QUICK, flag, values[0], flag, values[0]], refused(2, flag));
    }
  }
  add("unknown flag --lrr", [...QUICK, "--lrr", "0.1"], refused(2, "--lrr"));
  add("unknown short flag -x", [...QUICK, "-x"], refused(2, "-x"));
  add("positional argument", [...QUICK, "extra"], refused(2, "extra"));
  add("--no-save=false", [...QUICK, "--no-save=false"], refused(2, "--no-save"));
  add("--json=yes", [...QUICK, "--json=yes"], refused(2, "--json"));

  // Contradictory combinations.
  const contradictions: [string, string[], string][] = [
    ["--momentum with adam", ["--optimizer", "adam", "--momentum", "0.9"], "--momentum"],
    [
      "--weight-decay with lbfgs",
      ["--optimizer", "lbfgs", "--weight-decay", "0.1"],
      "--weight-decay",
    ],
    ["--data without --target", ["--data", "x.csv"], "--target"],
    ["--target without --data", ["--target", "y"], "--target"],
    [
      "--train-rows with --data",
      ["--data", "x.csv", "--target", "y", "--train-rows", "5"],
      "--train-rows",
    ],
    ["--loss cross-entropy on regression data", ["--loss", "cross-entropy"], "--loss"],
    [
      "--activation list longer than --layers",
      ["--layers", "4", "--activation", "relu,tanh"],
      "--activation",
    ],
    [
      "--compare pytorch --device webgpu",
      ["--compare", "pytorch", "--device", "webgpu"],
      "--compare",
    ],
    ["--compare pytorch with two --layers", [
      "--compare",
      "pytorch",
      "--layers",
      "4",
      "--layers",
      "8",
    ], "--compare"],
    [
      "--compare pytorch --optimizer lbfgs",
      ["--compare", "pytorch", "--optimizer", "lbfgs"],
      "--compare",
    ],
    ["--compare pytorch --restarts 2", ["--compare", "pytorch", "--restarts", "2"], "--compare"],
    ["--no-save with --out", ["--out", `${dir}/contradict`], "--out"],
    ["--loss categorical-cross-entropy with --data", [
      "--data",
      "x.csv",
      "--target",
      "y",
      "--loss",
      "categorical-cross-entropy",
    ], "--loss"],
    ["--dtype float64 --device webgpu", ["--dtype", "float64", "--device", "webgpu"], "--dtype"],
  ];
  for (const [name, extra, flag] of contradictions) {
    add(name, [...QUICK, ...extra], refused(2, flag));
  }

  // --out: a file, under a file, a device, the root, empty, a folder of other files.
  const outs: [string, string, () => Promise<void>, string | RegExp][] = [
    [
      "--out is a file",
      `${dir}/out_file`,
      () => Deno.writeTextFile(`${dir}/out_file`, "x"),
      "--out",
    ],
    [
      "--out under a file",
      `${dir}/out_file2/run`,
      () => Deno.writeTextFile(`${dir}/out_file2`, "x"),
      "--out",
    ],
    ["--out /dev/null", "/dev/null", async () => {}, "--out"],
    ["--out holds other files", `${dir}/out_other`, async () => {
      await Deno.mkdir(`${dir}/out_other`, { recursive: true });
      await Deno.writeTextFile(`${dir}/out_other/keep.txt`, "mine");
    }, "--out"],
    ["--out outside the allowed folders", "/var/glassbox_adversary_run", async () => {}, "--out"],
    ["--out empty", "", async () => {}, "--out"],
  ];
  for (const [name, out, setup, flag] of outs) {
    cases.push({
      category: "cli",
      name,
      cmd: trainCmd(dir, ["--experiment", "linear-regression", "--epochs", "1", "--out", out]),
      setup,
      judge: async (o) => {
        const v = refused(2, flag)(o);
        if (
          name === "--out holds other files" &&
          (await Deno.readTextFile(`${dir}/out_other/keep.txt`)) !== "mine"
        ) {
          return { outcome: "silent", why: "keep.txt was lost" };
        }
        return v;
      },
    });
  }
  add(
    "--out with a 300-character name",
    ["--experiment", "linear-regression", "--epochs", "1", "--out", `${dir}/${"x".repeat(300)}`],
    refused(2, "--out", "too long"),
  );
  add(
    "--out with a 5000-character path",
    ["--experiment", "linear-regression", "--epochs", "1", "--out", `${dir}/${"d/".repeat(2500)}`],
    refused(2, "--out"),
  );
  for (
    const [label, name] of [["spaces", "a run"], ["unicode", "läuf-🙂"], ["a newline", "a\nb"], [
      "a trailing slash",
      "slash/",
    ]]
  ) {
    const out = `${dir}/${name}`;
    cases.push({
      category: "cli",
      name: `--out with ${label}`,
      cmd: trainCmd(dir, ["--experiment", "linear-regression", "--epochs", "1", "--out", out]),
      judge: savesFinite(out.replace(/\/$/, ""), [0]),
    });
  }
  cases.push({
    category: "cli",
    name: "stdout to a full device (> /dev/full): noted once, the run still saved",
    cmd: [
      "bash",
      "-c",
      `${
        trainCmd(dir, [
          "--experiment",
          "linear-regression",
          "--epochs",
          "1",
          "--out",
          `${dir}/full_stdout`,
        ])
          .map((a) => `'${a}'`).join(" ")
      } > /dev/full`,
    ],
    judge: async (o) => {
      const bad = abnormal(o);
      if (bad !== null) return bad;
      if (!/Cannot write to stdout/.test(o.stderr)) {
        return { outcome: "unclear", why: `exit ${o.code}: ${trainError(o.stderr)}` };
      }
      return await savesFinite(`${dir}/full_stdout`, [0])(o);
    },
  });
  cases.push({
    category: "cli",
    name: "--out a symlink to /dev/zero",
    cmd: trainCmd(dir, [
      "--experiment",
      "linear-regression",
      "--epochs",
      "1",
      "--out",
      `${dir}/out_zero`,
    ]),
    setup: () => Deno.symlink("/dev/zero", `${dir}/out_zero`),
    judge: refused(2, "--out"),
  });
  cases.push({
    category: "cli",
    name: "--out an earlier run's folder is replaced whole",
    cmd: trainCmd(dir, [
      "--experiment",
      "linear-regression",
      "--epochs",
      "1",
      "--out",
      `${dir}/out_again`,
    ]),
    setup: async () => {
      await Deno.mkdir(`${dir}/out_again`, { recursive: true });
      await Deno.writeTextFile(`${dir}/out_again/history.json`, "{}");
      await Deno.writeTextFile(`${dir}/out_again/stale.svg`, "<svg/>");
    },
    judge: savesFinite(`${dir}/out_again`, [0]),
  });
  return cases;
}

/** A judge for well-formed extreme values: refused naming `flag`, or a clean run. */
function runsOrRefused(flag: string) {
  return (o: Observation) => {
    const bad = abnormal(o);
    if (bad !== null) return bad;
    if (o.code === 0 || o.code === 3) {
      if (/NaN|Infinity/.test(o.stdout.split("\n").filter((l) => /^result|L_v/.test(l)).join())) {
        return o.code === 3
          ? { outcome: "handled" as const }
          : { outcome: "silent" as const, why: "exit 0 with a non-finite loss" };
      }
      return { outcome: "handled" as const };
    }
    if (o.code === 2 && o.stderr.includes(flag)) return { outcome: "handled" as const };
    return { outcome: "unclear" as const, why: `exit ${o.code}: ${trainError(o.stderr)}` };
  };
}
