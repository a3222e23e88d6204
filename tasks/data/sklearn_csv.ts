/**
 * Plain CSV files (a header row, one column per feature, the target last)
 * from the data sets scikit-learn bundles in
 * `sklearn/datasets/data/`: iris and breast cancer with their class names
 * as labels, wine with class indices 0–2, diabetes with its raw features
 * and the disease progression target. For trying `deno task train --data`
 * on real data:
 *
 * ```sh
 * deno run --allow-read --allow-write=/tmp tasks/data/sklearn_csv.ts /tmp/sk
 * deno run --allow-read=.,/tmp/sk --allow-write=runs tasks/train.ts --data /tmp/sk/iris.csv --target species
 * ```
 *
 * @module
 */

/** Where Debian's python3-sklearn keeps the bundled data. */
export const SKLEARN_DATA_DIR = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

/** The four data sets: file name, target column, and the scores `--data` must reach. */
export const SKLEARN_SETS = [
  { name: "iris", target: "species", task: "classification" },
  { name: "wine", target: "class", task: "classification" },
  { name: "breast_cancer", target: "diagnosis", task: "classification" },
  { name: "diabetes", target: "progression", task: "regression" },
] as const;

const IRIS = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
const WINE = [
  "alcohol",
  "malic_acid",
  "ash",
  "alcalinity_of_ash",
  "magnesium",
  "total_phenols",
  "flavanoids",
  "nonflavanoid_phenols",
  "proanthocyanins",
  "color_intensity",
  "hue",
  "od280_od315",
  "proline",
];
const DIABETES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];

async function gunzipText(path: string): Promise<string> {
  const file = await Deno.open(path, { read: true });
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

/** scikit-learn's `load_csv_data` layout: a first line `n,features,class names…`, then rows. */
function bundled(text: string, featureNames: string[] | null, labels: "names" | "indices"): string {
  const lines = text.trim().split(/\r?\n/);
  const head = lines[0].split(",");
  const nFeatures = Number(head[1]);
  const classNames = head.slice(2);
  const names = featureNames ?? Array.from({ length: nFeatures }, (_, i) => `f${i}`);
  const out = [[...names, "TARGET"].join(",")];
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    const k = Number(cells[nFeatures]);
    out.push(
      [...cells.slice(0, nFeatures), labels === "names" ? classNames[k] : String(k)].join(","),
    );
  }
  return out.join("\n") + "\n";
}

/**
 * The CSV text of one bundled data set.
 *
 * @param name `iris`, `wine`, `breast_cancer` or `diabetes`.
 * @param dir scikit-learn's data folder.
 * @returns The CSV text (header first, target last).
 */
export async function sklearnCsv(name: string, dir: string = SKLEARN_DATA_DIR): Promise<string> {
  const set = SKLEARN_SETS.find((s) => s.name === name);
  if (set === undefined) throw new RangeError(`Cannot build the CSV: unknown data set "${name}"`);
  const rename = (text: string) => text.replace("TARGET", set.target);
  switch (name) {
    case "iris":
      return rename(bundled(await Deno.readTextFile(`${dir}/iris.csv`), IRIS, "names"));
    case "wine":
      return rename(bundled(await Deno.readTextFile(`${dir}/wine_data.csv`), WINE, "indices"));
    case "breast_cancer":
      return rename(bundled(await Deno.readTextFile(`${dir}/breast_cancer.csv`), null, "names"));
    default: {
      const x = (await gunzipText(`${dir}/diabetes_data_raw.csv.gz`)).trim().split("\n");
      const y = (await gunzipText(`${dir}/diabetes_target.csv.gz`)).trim().split("\n");
      const rows = x.map((line, i) =>
        [...line.trim().split(/\s+/), String(Number(y[i]))].join(",")
      );
      return [[...DIABETES, set.target].join(","), ...rows].join("\n") + "\n";
    }
  }
}

if (import.meta.main) {
  const out = Deno.args[0] ?? "/tmp/glassbox-sklearn-csv";
  await Deno.mkdir(out, { recursive: true });
  for (const set of SKLEARN_SETS) {
    await Deno.writeTextFile(`${out}/${set.name}.csv`, await sklearnCsv(set.name));
    console.log(`${out}/${set.name}.csv  --target ${set.target}`);
  }
}
