// Golden parity of @glassbox/datasets with scikit-learn 1.2 / NumPy 1.24
// (fixtures from tasks/golden/datasets.py). Every generator value must be
// identical (compared with Object.is, so even the sign of zero counts), except
// the effectiveRank cases, whose QR factorisation is compared within a
// stated tolerance.

import { fsum } from "./_fsum.ts";
import {
  makeBlobs,
  makeCircles,
  makeClassification,
  makeMoons,
  makeRegression,
  trainTestSplit,
} from "@glassbox/datasets";
import { assertClose, type Tensor } from "@glassbox/tensor";
import { deepStrictEqual } from "node:assert/strict";
import { AssertionError } from "node:assert";

type Nested = number | Nested[];
/** A stored output: every value, or some rows plus exact sums (see tasks/golden/datasets.py). */
interface Table {
  values: Nested;
  shape?: number[];
  rows?: number[];
  columnSums?: number[];
  rowSums?: number[];
}
interface Case {
  name?: string;
  options: Record<string, unknown>;
  tolerance?: boolean;
  [output: string]: unknown;
}

function fixture(name: string): Case[] {
  const text = Deno.readTextFileSync(new URL(`./golden/${name}.json`, import.meta.url));
  return JSON.parse(text).cases;
}

function flat(values: Nested): number[] {
  return Array.isArray(values) ? values.flatMap(flat) : [values];
}

/** Asserts that `actual` equals the stored table exactly (Object.is on every stored value and sum). */
function expectExact(actual: Tensor, stored: Table, label: string): void {
  const got = actual.toTypedArray();
  const wanted = flat(stored.values);
  const n = stored.shape ? stored.shape[0] : got.length;
  const width = n === 0 ? 0 : got.length / n;
  const mismatches: string[] = [];
  const check = (what: string, a: number, e: number) => {
    if (!Object.is(a, e) && mismatches.length < 5) {
      mismatches.push(`${what}: got ${a}, expected ${e}`);
    }
  };
  if (stored.rows === undefined) {
    deepStrictEqual(got.length, wanted.length, `${label}: size`);
    got.forEach((v, i) => check(`[${i}]`, v, wanted[i]));
  } else {
    deepStrictEqual(got.length, stored.shape!.reduce((a, b) => a * b, 1), `${label}: size`);
    stored.rows.forEach((r, k) => {
      for (let c = 0; c < width; c++) {
        check(`row ${r} col ${c}`, got[r * width + c], wanted[k * width + c]);
      }
    });
    stored.columnSums?.forEach((s, c) => {
      check(
        `fsum of column ${c}`,
        fsum(Array.from({ length: n }, (_, r) => got[r * width + c])),
        s,
      );
    });
    stored.rowSums?.forEach((s, r) =>
      check(`fsum of row ${r}`, fsum(got.subarray(r * width, (r + 1) * width)), s)
    );
  }
  if (mismatches.length > 0) {
    throw new AssertionError({ message: `${label} differs: ${mismatches.join("; ")}` });
  }
}

Deno.test("makeRegression() matches scikit-learn bit for bit", async (t) => {
  for (const c of fixture("datasets_regression")) {
    await t.step(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const { X, y, coef } = makeRegression({ ...c.options, coef: true });
      expectExact(coef!, c.coef as Table, "coef");
      if (c.tolerance) {
        // effectiveRank: QR / exp differ from LAPACK / SVML by rounding (see README).
        assertClose(X.toTypedArray(), flat((c.X as Table).values), {
          rtol: 1e-12,
          atol: 1e-13,
          message: "X",
        });
        assertClose(y.toTypedArray(), flat((c.y as Table).values), {
          rtol: 1e-11,
          atol: 1e-11,
          message: "y",
        });
      } else {
        expectExact(X, c.X as Table, "X");
        expectExact(y, c.y as Table, "y");
      }
    });
  }
});

Deno.test("makeClassification() matches scikit-learn bit for bit", async (t) => {
  for (const c of fixture("datasets_classification")) {
    await t.step(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const { X, y } = makeClassification(c.options);
      expectExact(X, c.X as Table, "X");
      expectExact(y, c.y as Table, "y");
    });
  }
});

Deno.test("makeBlobs() matches scikit-learn bit for bit", async (t) => {
  for (const c of fixture("datasets_blobs")) {
    await t.step(JSON.stringify(c.options), () => {
      const { X, y, centers } = makeBlobs(c.options);
      expectExact(X, c.X as Table, "X");
      expectExact(y, c.y as Table, "y");
      expectExact(centers, c.centers as Table, "centers");
    });
  }
});

Deno.test("makeMoons() and makeCircles() match scikit-learn bit for bit", async (t) => {
  for (
    const [name, make] of [["datasets_moons", makeMoons], [
      "datasets_circles",
      makeCircles,
    ]] as const
  ) {
    for (const c of fixture(name)) {
      await t.step(`${name} ${JSON.stringify(c.options)}`, () => {
        const { X, y } = make(c.options);
        expectExact(X, c.X as Table, "X");
        expectExact(y, c.y as Table, "y");
      });
    }
  }
});

Deno.test("the notebooks' data sets match scikit-learn bit for bit", async (t) => {
  const [regression, classification] = fixture("datasets_notebooks");
  await t.step(regression.name!, () => {
    const { X, y, coef } = makeRegression(regression.options);
    expectExact(X, regression.X as Table, "X");
    expectExact(y, regression.y as Table, "y");
    expectExact(coef!, regression.coef as Table, "coef");
  });
  await t.step(classification.name!, () => {
    const { X, y } = makeClassification(classification.options);
    expectExact(X, classification.X as Table, "X");
    expectExact(y, classification.y as Table, "y");
  });
});

Deno.test("trainTestSplit() picks scikit-learn's rows", async (t) => {
  for (const c of fixture("datasets_split")) {
    await t.step(`n ${c.n} ${JSON.stringify(c.options)}`, () => {
      const rows = Array.from({ length: c.n as number }, (_, i) => i);
      const { xTrain, xTest } = trainTestSplit(rows, null, c.options);
      deepStrictEqual(xTrain, c.train);
      deepStrictEqual(xTest, c.test);
    });
  }
});
