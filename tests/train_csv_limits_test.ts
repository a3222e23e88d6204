// `deno task train --data` on hostile or broken CSV input: only regular
// files are read (no endless device, no FIFO that blocks), under a size
// limit that names its flag; non-finite numbers, missing cells, a lone
// target column and huge class labels get clear messages that blame the
// right flag. Every case runs the CLI with a time limit, so a hang fails.

import { match, ok, strictEqual } from "node:assert/strict";
import { CAN_RUN, train } from "./_train_cli.ts";

function cliTest(name: string, fn: (dir: string) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !CAN_RUN,
    fn: async () => {
      const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "glassbox_csv_limits_" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

async function refused(dir: string, file: string, args: string[] = []) {
  return await train(["--data", file, "--target", "y", "--no-save", ...args], {
    read: [dir],
    timeoutMs: 30_000,
  });
}

cliTest("train --data refuses a link to /dev/zero and a FIFO at once, with exit 2", async (dir) => {
  await new Deno.Command("ln", { args: ["-s", "/dev/zero", `${dir}/zero.csv`] }).output();
  const zero = await refused(dir, `${dir}/zero.csv`);
  strictEqual(zero.code, 2, zero.stderr);
  match(
    zero.stderr,
    /zero\.csv: it is a character device, expected a regular file \(links are followed\) \[--data\]/,
  );
  const fifo = await new Deno.Command("mkfifo", { args: [`${dir}/pipe.csv`] }).output();
  if (!fifo.success) {
    console.warn("train_csv_limits_test.ts: FIFO case skipped, mkfifo failed");
    return;
  }
  const pipe = await refused(dir, `${dir}/pipe.csv`);
  strictEqual(pipe.code, 2, pipe.stderr);
  match(pipe.stderr, /it is a FIFO \(named pipe\), expected a regular file/);
});

cliTest("train --data states the size limit and --max-data-mb raises it", async (dir) => {
  const rows = ["a,y"];
  for (let i = 0; i < 400; i++) rows.push(`${i},${i * 2 + (i % 3)}`);
  await Deno.writeTextFile(`${dir}/d.csv`, rows.join("\n") + "\n");
  const size = (await Deno.stat(`${dir}/d.csv`)).size;
  const small = await refused(dir, `${dir}/d.csv`, ["--max-data-mb", "0.001"]);
  strictEqual(small.code, 2, small.stderr);
  match(
    small.stderr,
    new RegExp(
      `the file is ${size} bytes, above the limit of 1049 bytes \\(--max-data-mb 0\\.001; raise it to read a larger file\\) \\[--data\\]`,
    ),
  );
  const ok2 = await refused(dir, `${dir}/d.csv`, ["--max-data-mb", "1", "--epochs", "1"]);
  strictEqual(ok2.code, 0, ok2.stderr);
  const bad = await refused(dir, `${dir}/d.csv`, ["--max-data-mb", "0x10"]);
  strictEqual(bad.code, 2);
  match(bad.stderr, /--max-data-mb must be a positive decimal number of MiB, got "0x10"/);
});

cliTest(
  "train --data rejects 1e400 and empty cells with line and column, blaming --data",
  async (dir) => {
    const rows = ["a,b,y"];
    for (let i = 0; i < 20; i++) rows.push(`${i},${i % 4},${i}`);
    rows[5] = "4,1e400,4";
    await Deno.writeTextFile(`${dir}/inf.csv`, rows.join("\n") + "\n");
    const inf = await refused(dir, `${dir}/inf.csv`);
    strictEqual(inf.code, 2, inf.stderr);
    match(
      inf.stderr,
      /line 6, column "b" is "1e400", beyond float64's range \(±1\.8e308\), expected a finite number \[--data\]/,
    );
    rows[5] = "4,,4";
    await Deno.writeTextFile(`${dir}/gap.csv`, rows.join("\n") + "\n");
    const gap = await refused(dir, `${dir}/gap.csv`);
    strictEqual(gap.code, 2);
    match(
      gap.stderr,
      /line 6, column "b" is empty \(a missing value\), expected a decimal number \[--data\]/,
    );
    ok(!gap.stderr.includes("[--target]"));
    rows[5] = "4,1,";
    await Deno.writeTextFile(`${dir}/nolabel.csv`, rows.join("\n") + "\n");
    const nolabel = await refused(dir, `${dir}/nolabel.csv`);
    match(
      nolabel.stderr,
      /line 6, target column "y" is empty \(a missing label or value\) \[--target\]/,
    );
  },
);

cliTest("train --data says a CSV with only the target column has no features", async (dir) => {
  await Deno.writeTextFile(
    `${dir}/only.csv`,
    "y\n" + Array.from({ length: 20 }, (_, i) => i).join("\n") + "\n",
  );
  const r = await refused(dir, `${dir}/only.csv`);
  strictEqual(r.code, 2, r.stderr);
  match(
    r.stderr,
    /no feature columns: the only column is the target "y"; expected at least one numeric feature column/,
  );
  ok(!r.stderr.includes("sizes[0]"));
});

cliTest("train --data never sizes a model by a class label's value", async (dir) => {
  await Deno.writeTextFile(`${dir}/four.csv`, "a,y\n1,0\n2,1\n3,2\n4,1000000\n");
  const r = await train(
    ["--data", `${dir}/four.csv`, "--target", "y", "--loss", "cross-entropy", "--no-save"],
    { read: [dir], timeoutMs: 30_000 },
  );
  strictEqual(r.code, 2, r.stderr);
  match(r.stderr, /it has 4 data rows, at least 10 are needed/);
  const rows = ["a,y"];
  for (let i = 0; i < 12; i++) rows.push(`${i},${[0, 1, 2, 100000000][i % 4]}`);
  await Deno.writeTextFile(`${dir}/twelve.csv`, rows.join("\n") + "\n");
  const s = await train(
    ["--data", `${dir}/twelve.csv`, "--target", "y", "--loss", "cross-entropy", "--no-save"],
    { read: [dir], timeoutMs: 30_000 },
  );
  strictEqual(s.code, 2, s.stderr);
  match(s.stderr, /class 0 of target column "y" has 3 rows, at least 4 are needed/);
  rows.push("12,0", "13,1", "14,2", "15,100000000");
  await Deno.writeTextFile(`${dir}/sixteen.csv`, rows.join("\n") + "\n");
  const t = await train(
    [
      "--data",
      `${dir}/sixteen.csv`,
      "--target",
      "y",
      "--loss",
      "cross-entropy",
      "--epochs",
      "2",
      "--json",
      "--no-save",
    ],
    { read: [dir], timeoutMs: 30_000 },
  );
  strictEqual(t.code, 0, t.stderr);
  const report = JSON.parse(t.stdout);
  // Four encoded classes: a 1-32-4 model of 196 parameters, not 100000001 outputs.
  strictEqual(JSON.stringify(report.model.sizes), "[1,32,4]");
  strictEqual(JSON.stringify(report.classes), "[0,1,2,100000000]");
});
