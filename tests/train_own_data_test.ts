// `deno task train --data` with default flags on scikit-learn's bundled data
// sets (written to /tmp as plain CSV by tasks/data/sklearn_csv.ts), and
// `--predict` on the model a run saved. Targets: iris and wine ≥ 93% test
// accuracy, breast cancer ≥ 94%, diabetes R² ≥ 0.35.
//
// Needs --allow-run and python3-sklearn's data files; without the files the
// data-set test is skipped with a message (and fails under CI=true).

import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { SKLEARN_DATA_DIR, SKLEARN_SETS, sklearnCsv } from "../tasks/data/sklearn_csv.ts";
import { CAN_RUN, train } from "./_train_cli.ts";

const HAVE_SKLEARN = (() => {
  try {
    return Deno.statSync(`${SKLEARN_DATA_DIR}/iris.csv`).isFile;
  } catch {
    return false;
  }
})();
const CI = Deno.env.get("CI") === "true";
if (!HAVE_SKLEARN) {
  const why =
    `scikit-learn's data files are not in ${SKLEARN_DATA_DIR} (apt-get install python3-sklearn)`;
  if (CI) throw new Error(`train_own_data_test.ts: ${why}; CI must run this test`);
  console.warn(`train_own_data_test.ts: data-set targets skipped — ${why}`);
}

const TARGETS: Record<string, { metric: "accuracy" | "r2"; min: number }> = {
  iris: { metric: "accuracy", min: 0.93 },
  wine: { metric: "accuracy", min: 0.93 },
  breast_cancer: { metric: "accuracy", min: 0.94 },
  diabetes: { metric: "r2", min: 0.35 },
};

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "glassbox_own_data_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "train --data reaches the targets on scikit-learn's data sets with default flags",
  ignore: !CAN_RUN || !HAVE_SKLEARN,
  fn: () =>
    withTemp(async (dir) => {
      for (const set of SKLEARN_SETS) {
        const csv = `${dir}/${set.name}.csv`;
        await Deno.writeTextFile(csv, await sklearnCsv(set.name));
        const r = await train(["--data", csv, "--target", set.target, "--json", "--no-save"], {
          read: [csv],
        });
        strictEqual(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout);
        strictEqual(report.task, set.task, set.name);
        const { metric, min } = TARGETS[set.name];
        const value = report.test[metric];
        console.log(
          `${set.name}: test ${metric} ${value} (target ≥ ${min}), ${report.epochs} epochs`,
        );
        ok(value >= min, `${set.name}: test ${metric} ${value} < ${min}`);
      }
    }),
});

Deno.test({
  name: "train --predict rebuilds a --data model from its metadata and writes predictions as CSV",
  ignore: !CAN_RUN,
  fn: () =>
    withTemp(async (dir) => {
      // Two string classes split by x0 + x1 > 1; a constant column the scaler must leave finite.
      const rows = ["x0,x1,flat,kind"];
      for (let i = 0; i < 80; i++) {
        const a = (i * 37 % 80) / 80, b = (i * 53 % 80) / 80;
        rows.push(`${a},${b},3,${a + b > 1 ? '"big, ""quoted"""' : "small"}`);
      }
      const csv = `${dir}/train.csv`;
      await Deno.writeTextFile(csv, rows.join("\n") + "\n");
      const out = `${dir}/run`;
      const r = await train(["--data", csv, "--target", "kind", "--out", out, "--json"], {
        read: [csv],
        write: [dir],
      });
      strictEqual(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      deepStrictEqual(report.classes, ['big, "quoted"', "small"]);
      deepStrictEqual(report.model.sizes, [3, 32, 2]);
      // New rows in another column order, without the target.
      const fresh = `${dir}/new.csv`;
      await Deno.writeTextFile(fresh, "flat,x1,x0\n3,0.9,0.9\n3,0.05,0.1\n");
      const p = await train(["--predict", `${out}/model.safetensors`, "--data", fresh], {
        read: [dir],
        write: [dir],
      });
      strictEqual(p.code, 0, p.stderr);
      match(p.stdout, /predicted 2 rows .* \(classification, 3-32-2\)/);
      const lines = (await Deno.readTextFile(`${out}/predictions.csv`)).trim().split("\n");
      deepStrictEqual(lines[0], 'kind,"p(big, ""quoted"")",p(small)');
      ok(lines[1].startsWith('"big, ""quoted""",'), lines[1]);
      ok(lines[2].startsWith("small,"), lines[2]);
      // The same rows with the target: the accuracy against it is printed.
      await Deno.writeTextFile(
        fresh,
        'x0,x1,flat,kind\n0.9,0.9,3,"big, ""quoted"""\n0.1,0.05,3,small\n',
      );
      const q = await train([
        "--predict",
        `${out}/model.safetensors`,
        "--data",
        fresh,
        "--out",
        `${dir}/p.csv`,
      ], {
        read: [dir],
        write: [dir],
      });
      strictEqual(q.code, 0, q.stderr);
      match(q.stdout, /accuracy against column "kind": 100\.0%/);
      // A file without the card is refused, naming --predict.
      const bad = await train(["--predict", `${out}/loss.svg`, "--data", fresh], {
        read: [dir],
        write: [dir],
      });
      strictEqual(bad.code, 2);
      match(bad.stderr, /\[--predict\]/);
      // A model file that is not there is named as such, not with the OS's words.
      const missing = await train(["--predict", `${dir}/none.safetensors`, "--data", fresh], {
        read: [dir],
        write: [dir],
      });
      strictEqual(missing.code, 2);
      match(
        missing.stderr,
        /^train: --predict \S*none\.safetensors: no such file \(a model saved by/m,
      );
    }),
});

Deno.test({
  name: "train --data detects the task: integer labels classify, --task forces, --no-scale is kept",
  ignore: !CAN_RUN,
  fn: () =>
    withTemp(async (dir) => {
      const rows = ["a,b,label"];
      for (let i = 0; i < 60; i++) {
        rows.push(`${i % 10},${(i * 7) % 13},${i % 10 < 5 ? 0 : 1000000}`);
      }
      const csv = `${dir}/labels.csv`;
      await Deno.writeTextFile(csv, rows.join("\n") + "\n");
      const r = await train([
        "--data",
        csv,
        "--target",
        "label",
        "--epochs",
        "3",
        "--json",
        "--no-save",
      ], {
        read: [csv],
      });
      strictEqual(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      strictEqual(report.task, "classification");
      // Label 1000000 is one of two encoded classes: 2 outputs, not 1000001.
      deepStrictEqual(report.model.sizes, [2, 32, 2]);
      deepStrictEqual(report.classes, [0, 1000000]);
      const forced = await train(
        [
          "--data",
          csv,
          "--target",
          "label",
          "--task",
          "regression",
          "--no-scale",
          "--epochs",
          "2",
          "--no-save",
        ],
        { read: [csv] },
      );
      strictEqual(forced.code, 0, forced.stderr);
      match(forced.stdout, /own data: regression \(as asked/);
      match(forced.stdout, /features as they are \(--no-scale\)/);
      // The header names every setting that trains: the defaults' weight decay too.
      match(
        forced.stdout,
        /^training: Adam lr 0\.001, weight decay 0\.01, batch 32, up to 2 epochs/m,
      );
    }),
});
