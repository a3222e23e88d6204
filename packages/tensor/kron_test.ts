import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { kron, tensor } from "./mod.ts";
import { lcgTensor, throwsWith } from "./_test_util.ts";

/** kron by definition: out[i·q + j] = a[i]·b[j] on every axis (lower rank padded with 1s). */
function naiveKron(a: number[], sa: number[], b: number[], sb: number[]): number[] {
  const r = Math.max(sa.length, sb.length);
  const pa = [...new Array(r - sa.length).fill(1), ...sa];
  const pb = [...new Array(r - sb.length).fill(1), ...sb];
  const so = pa.map((d, i) => d * pb[i]);
  const n = so.reduce((x, y) => x * y, 1);
  const out = new Array<number>(n);
  for (let flat = 0; flat < n; flat++) {
    let rest = flat, ia = 0, ib = 0, ma = 1, mb = 1;
    for (let d = r - 1; d >= 0; d--) {
      const o = rest % so[d];
      rest = Math.floor(rest / so[d]);
      ia += Math.floor(o / pb[d]) * ma;
      ib += (o % pb[d]) * mb;
      ma *= pa[d];
      mb *= pb[d];
    }
    out[flat] = a[ia] * b[ib];
  }
  return out;
}

Deno.test("kron() matches the definition for equal and mismatched ranks", () => {
  const cases: [number[], number[]][] = [
    [[3], [4]],
    [[2, 3], [4, 2]],
    [[2, 1, 3], [1, 2, 2]],
    [[3], [2, 2]],
    [[2, 2], [3]],
    [[2, 3, 2], [2, 2]],
    [[], [3]],
    [[], []],
    [[0, 2], [3, 1]],
  ];
  for (const [sa, sb] of cases) {
    const a = lcgTensor(sa, 1), b = lcgTensor(sb, 2);
    const k = kron(a, b);
    const r = Math.max(sa.length, sb.length);
    const pa = [...new Array(r - sa.length).fill(1), ...sa];
    const pb = [...new Array(r - sb.length).fill(1), ...sb];
    deepStrictEqual(k.shape, pa.map((d, i) => d * pb[i]), `shape of kron(${sa}, ${sb})`);
    // Each element is one product, rounded once: exactly equal.
    deepStrictEqual(
      Array.from(k.toTypedArray()),
      naiveKron(Array.from(a.toTypedArray()), sa, Array.from(b.toTypedArray()), sb),
    );
  }
});

Deno.test("kron() of a matrix and the identity makes the block-diagonal copies", () => {
  const a = tensor([[1, 2], [3, 4]]);
  deepStrictEqual(kron(tensor([[1, 0], [0, 1]]), a).toArray(), [
    [1, 2, 0, 0],
    [3, 4, 0, 0],
    [0, 0, 1, 2],
    [0, 0, 3, 4],
  ]);
});

Deno.test("kron() keeps float32", () => {
  const k = kron(tensor([1, 2], { dtype: "float32" }), tensor([0.1], { dtype: "float32" }));
  strictEqual(k.dtype, "float32");
  deepStrictEqual(k.toArray(), [Math.fround(0.1), Math.fround(Math.fround(0.1) * 2)]);
});

Deno.test("kron() names the operand that is not a tensor or does not match", () => {
  const a = tensor([1, 2]);
  throwsWith(
    () => kron(a, a.to("float32")),
    TypeError,
    "Cannot kron: a is float64 on cpu but b is float32 on cpu",
  );
  // @ts-expect-error: not a tensor
  throwsWith(() => kron(a, [1]), TypeError, "Cannot kron: b is an array, expected a Tensor");
  const gone = tensor([1]);
  gone.dispose();
  throwsWith(() => kron(gone, a), ReferenceError, "Cannot kron", "disposed");
});
