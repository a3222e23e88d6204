// Adversarial cases for `deno task train --data`: bad cells (strings, 1e400, NaN, hex,
// empty), bad shapes (ragged rows, only the target, no rows), encodings (BOM, CRLF, NUL,
// invalid UTF-8), huge labels and values, files that are not files (FIFO, /dev/zero,
// directories), size limits, and --predict with hostile model files.

import {
  abnormal,
  type Case,
  exists,
  type Observation,
  refused,
  trainError,
  type Verdict,
} from "./_harness.ts";
import { runFolderProblem, trainCmd } from "./_train.ts";

/** A small regression-or-classification table: a, b features, y target. */
function table(rows = 40, target: (i: number) => string = (i) => String(i % 3)): string[] {
  const lines = ["a,b,y"];
  for (let i = 0; i < rows; i++) {
    lines.push(`${((i * 37) % 101) / 100},${((i * 53) % 97) / 10},${target(i)}`);
  }
  return lines;
}

/** `lines` with line `at` (1-based, the header is line 1) replaced. */
function withLine(at: number, line: string, lines = table()): string {
  const copy = [...lines];
  copy[at - 1] = line;
  return copy.join("\n") + "\n";
}

/** A judge for a --data run that must finish with finite weights and figures. */
function trainsFinite(out: string) {
  return async (o: Observation): Promise<Verdict> => {
    const bad = abnormal(o);
    if (bad !== null) return bad;
    if (o.code !== 0 && o.code !== 3) {
      return { outcome: "unclear", why: `exit ${o.code}: ${trainError(o.stderr)}` };
    }
    const problem = await runFolderProblem(out);
    if (problem !== null) return { outcome: "silent", why: `exit ${o.code} but ${problem}` };
    const history = JSON.parse(await Deno.readTextFile(`${out}/history.json`));
    const test = history.test ?? {};
    for (const [k, v] of Object.entries(test)) {
      if (v === null && o.code === 0) {
        return { outcome: "silent", why: `exit 0 with test ${k} non-finite` };
      }
    }
    return { outcome: "handled" };
  };
}

/** Refused (exit 2) naming --data's file, or a clean finite run: for inputs either may fit. */
function refusedOrTrains(path: string, out: string) {
  return async (o: Observation): Promise<Verdict> => {
    if (o.code === 2) return refused(2, path)(o);
    return await trainsFinite(out)(o);
  };
}

/** Every CSV case; `dir` is a scratch folder. */
export async function csvCases(dir: string): Promise<Case[]> {
  const cases: Case[] = [];
  let n = 0;
  const add = async (
    name: string,
    content: string | Uint8Array,
    expect: "refused" | "trains" | "either",
    mentions: (string | RegExp)[] = [],
    extra: string[] = [],
  ) => {
    const path = `${dir}/case${n++}.csv`;
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    const out = `${dir}/out${n}`;
    const target = extra.includes("--target") ? [] : ["--target", "y"];
    const args = ["--data", path, ...target, "--epochs", "2", "--out", out, ...extra];
    cases.push({
      category: "csv",
      name,
      cmd: trainCmd(dir, args),
      timeoutMs: 60_000,
      judge: expect === "refused"
        ? (o): Verdict => {
          const v = refused(2, path, ...mentions)(o);
          if (v.outcome === "handled" && exists(out)) {
            return { outcome: "silent", why: `refused but ${out} was written` };
          }
          return v;
        }
        : expect === "trains"
        ? trainsFinite(out)
        : refusedOrTrains(path, out),
    });
  };

  // Bad cells, each on line 6 of a good file.
  const cells: [string, string][] = [
    ["a string", "abc"],
    ["1e400", "1e400"],
    ["-1e400", "-1e400"],
    ["NaN", "NaN"],
    ["nan", "nan"],
    ["Infinity", "Infinity"],
    ["-inf", "-inf"],
    ["hex 0x10", "0x10"],
    ["binary 0b1", "0b1"],
    ["an empty cell", ""],
    ["a quoted comma decimal", '"1,5"'],
    ["1_000", "1_000"],
    ["a lone minus", "-"],
    ["a lone dot", "."],
    ["two dots", "1.2.3"],
    ["a NUL byte", "1\u00002"],
  ];
  for (const [label, cell] of cells) {
    await add(`feature cell ${label}`, withLine(6, `${cell},0.5,1`), "refused", ["line 6"]);
  }
  await add(
    "target cell 1e400 (regression)",
    withLine(6, "0.1,0.5,1e400", table(40, (i) => `${i * 1.5}`)),
    "refused",
    ["line 6"],
  );
  await add("target cell NaN", withLine(6, "0.1,0.5,NaN"), "refused", [/line 6|"NaN"/]);
  await add("an empty target cell", withLine(6, "0.1,0.5,"), "refused", ["line 6"]);

  // Shapes.
  await add("a row with a field too many", withLine(6, "0.1,0.5,1,7"), "refused", ["line 6"]);
  await add("a row with a field too few", withLine(6, "0.1,1"), "refused", ["line 6"]);
  await add("an unterminated quote", withLine(6, '"0.1,0.5,1'), "refused", [/line 6|quote/]);
  await add("a quote inside a field", withLine(6, '0."1,0.5,1'), "refused", [/line 6|quote/]);
  await add("an empty file", "", "refused");
  await add("a header only", "a,b,y\n", "refused");
  await add(
    "only the target column",
    ["y", ...Array.from({ length: 40 }, (_, i) => String(i % 2))].join("\n"),
    "refused",
    ["feature"],
  );
  await add("one data row", table(1).join("\n"), "refused");
  await add("three data rows", table(3).join("\n"), "either");
  await add("duplicate header names", ["a,a,y", ...table().slice(1)].join("\n"), "either");
  await add("an empty header name", [",b,y", ...table().slice(1)].join("\n"), "either");
  await add(
    "semicolon-separated",
    table().map((l) => l.replaceAll(",", ";")).join("\n"),
    "refused",
    ["y"],
  );
  await add("blank lines in the middle", withLine(6, ""), "either");
  await add("--target missing from the header", table().join("\n"), "refused", ["z"], [
    "--target",
    "z",
  ]);
  await add("--target index out of range", table().join("\n"), "refused", ["9"], ["--target", "9"]);
  await add("--target -1", table().join("\n"), "refused", ["-1"], ["--target", "-1"]);
  await add("--target empty", table().join("\n"), "refused", ["--target"], ["--target", ""]);

  // Encodings and line endings that are legal.
  await add("a UTF-8 byte-order mark", "\ufeff" + table().join("\n"), "trains");
  await add("CRLF line endings", table().join("\r\n") + "\r\n", "trains");
  await add("no final newline", table().join("\n"), "trains");
  await add(
    "quoted header names with commas",
    ['"a,1","b",y', ...table().slice(1)].join("\n"),
    "trains",
  );
  await add("cells with spaces around numbers", withLine(6, " 0.1 , 0.5 ,1"), "either");
  await add("CR-only line endings", table().join("\r"), "either");
  await add(
    "invalid UTF-8 in a cell",
    new Uint8Array([
      ...new TextEncoder().encode(table().join("\n")),
      10,
      0xff,
      0xfe,
      0x2c,
      0x31,
      0x2c,
      0x31,
      10,
    ]),
    "refused",
  );
  await add("a 2 MB cell", withLine(6, `${"9".repeat(2_000_000)},0.5,1`), "either");

  // Labels and values.
  await add(
    "class labels 0 and 1000000",
    table(40, (i) => (i % 2 ? "1000000" : "0")).join("\n"),
    "trains",
    [],
    ["--task", "classification"],
  );
  await add(
    "class labels 1e20 as classification",
    table(40, (i) => (i % 2 ? "1e20" : "0")).join("\n"),
    "either",
    [],
    ["--task", "classification"],
  );
  await add(
    "class labels as strings",
    table(40, (i) => ["cat", "dog", "emu"][i % 3]).join("\n"),
    "trains",
  );
  await add(
    "400 distinct string labels in 400 rows",
    table(400, (i) => `c${i}`).join("\n"),
    "either",
  );
  await add(
    "string labels with --task regression",
    table(40, (i) => ["cat", "dog"][i % 2]).join("\n"),
    "refused",
    ["--task"],
    ["--task", "regression"],
  );
  await add("a constant target (regression)", table(40, () => "5").join("\n"), "either", [], [
    "--task",
    "regression",
  ]);
  await add("a single class", table(40, () => "1").join("\n"), "either", [], [
    "--task",
    "classification",
  ]);
  await add(
    "feature values 1e200",
    table().map((l, i) => (i === 0 ? l : `1e200,${l.split(",").slice(1).join(",")}`)).join("\n"),
    "either",
  );
  await add(
    "feature values ±1e300",
    table().map((
      l,
      i,
    ) => (i === 0 ? l : `${i % 2 ? "" : "-"}1e300,${l.split(",").slice(1).join(",")}`)).join("\n"),
    "either",
    [],
    ["--no-scale"],
  );
  await add(
    "regression targets 1e200",
    table(40, (i) => `${(i + 1)}e200`).join("\n"),
    "either",
    [],
    ["--task", "regression"],
  );
  await add(
    "100000 feature columns",
    [
      Array.from({ length: 100_000 }, (_, i) => `f${i}`).join(",") + ",y",
      ...Array.from({ length: 5 }, (_, r) => Array(100_000).fill(r % 2).join(",") + `,${r % 2}`),
    ].join("\n"),
    "either",
  );

  // Files that are not regular files, missing, too big, outside the permissions.
  const special = (
    name: string,
    path: string,
    setup: () => Promise<void>,
    mentions: (string | RegExp)[] = [],
  ) => {
    cases.push({
      category: "csv",
      name,
      cmd: trainCmd(dir, ["--data", path, "--target", "y", "--epochs", "1", "--no-save"]),
      setup,
      timeoutMs: 30_000,
      judge: refused(2, path, ...mentions),
    });
  };
  special("a FIFO", `${dir}/fifo.csv`, async () => {
    await new Deno.Command("mkfifo", { args: [`${dir}/fifo.csv`] }).output();
  });
  special(
    "a symlink to /dev/zero",
    `${dir}/zero.csv`,
    () => Deno.symlink("/dev/zero", `${dir}/zero.csv`),
  );
  special("a directory", `${dir}/adir.csv`, () => Deno.mkdir(`${dir}/adir.csv`));
  special("a missing file", `${dir}/missing.csv`, async () => {});
  special(
    "a symlink loop",
    `${dir}/loop.csv`,
    () => Deno.symlink(`${dir}/loop.csv`, `${dir}/loop.csv`),
  );
  special("a file outside the read permission", "/etc/hostname", async () => {});
  const big = `${dir}/big.csv`;
  cases.push({
    category: "csv",
    name: "a 4 MiB file with --max-data-mb 2",
    cmd: trainCmd(dir, [
      "--data",
      big,
      "--target",
      "y",
      "--epochs",
      "1",
      "--no-save",
      "--max-data-mb",
      "2",
    ]),
    setup: () => Deno.writeTextFile(big, table(350_000).join("\n")),
    timeoutMs: 60_000,
    judge: refused(2, big, "--max-data-mb"),
  });
  for (const value of ["0", "-1", "abc", "1e3", "0x10", "", "99999999999999999999", "1.5"]) {
    cases.push({
      category: "csv",
      name: `--max-data-mb ${JSON.stringify(value)}`,
      cmd: trainCmd(dir, [
        "--data",
        `${dir}/case0.csv`,
        "--target",
        "y",
        "--epochs",
        "1",
        "--no-save",
        "--max-data-mb",
        value,
      ]),
      timeoutMs: 30_000,
      judge: refused(2, "--max-data-mb"),
    });
  }
  cases.push({
    category: "csv",
    name: "--max-data-mb without --data",
    cmd: trainCmd(dir, [
      "--experiment",
      "linear-regression",
      "--epochs",
      "1",
      "--no-save",
      "--max-data-mb",
      "5",
    ]),
    timeoutMs: 30_000,
    judge: refused(2, "--max-data-mb"),
  });

  // --predict with a good model on other columns, and with hostile model files.
  const goodCsv = `${dir}/predict_train.csv`;
  const model = `${dir}/predict_run`;
  await Deno.writeTextFile(goodCsv, table().join("\n"));
  const hostile: [string, Uint8Array][] = [
    ["an empty model file", new Uint8Array()],
    ["a truncated model file", new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 34])],
    [
      "a model file of random bytes",
      new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 131) % 256)),
    ],
    [
      "a model file of other tensors",
      (() => {
        const h = new TextEncoder().encode(
          JSON.stringify({ w: { dtype: "F64", shape: [1], data_offsets: [0, 8] } }),
        );
        const b = new Uint8Array(16 + h.length);
        new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
        b.set(h, 8);
        return b;
      })(),
    ],
  ];
  for (const [name, bytes] of hostile) {
    const path = `${dir}/hostile_${n++}.safetensors`;
    await Deno.writeFile(path, bytes);
    cases.push({
      category: "csv",
      name: `--predict ${name}`,
      cmd: trainCmd(dir, ["--predict", path, "--data", goodCsv, "--out", `${dir}/pred_${n}.csv`]),
      timeoutMs: 30_000,
      judge: refused(2, path),
    });
  }
  cases.push({
    category: "csv",
    name: "--predict on a CSV with other columns",
    cmd: trainCmd(dir, [
      "--predict",
      `${model}/model.safetensors`,
      "--data",
      `${dir}/renamed.csv`,
      "--out",
      `${dir}/pred_cols.csv`,
    ]),
    setup: async () => {
      const r = await new Deno.Command(Deno.execPath(), {
        args: trainCmd(dir, ["--data", goodCsv, "--target", "y", "--epochs", "1", "--out", model])
          .slice(1),
        stdout: "null",
        stderr: "null",
      }).output();
      if (!r.success) throw new Error("training the model for --predict failed");
      // The same features renamed: the model's columns are missing.
      await Deno.writeTextFile(`${dir}/renamed.csv`, ["p,q,y", ...table().slice(1)].join("\n"));
    },
    timeoutMs: 60_000,
    judge: refused(2, "a"),
  });
  return cases;
}
