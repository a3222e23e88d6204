import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { inspect } from "node:util";
import { cpu, type Device, type DType, manualSeed, randn, type Tensor, tensor } from "./mod.ts";
import type { Backend } from "./seam.ts";

const display = (t: Tensor) =>
  (t as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

Deno.test("console.log of a [2, 3] float64 tensor shows its values, shape, dtype and device", () => {
  strictEqual(
    Deno.inspect(tensor([[1.5, -2, 3.25], [4, 5, 6]])),
    "tensor([[ 1.5000, -2.0000,  3.2500],\n" +
      "        [ 4.0000,  5.0000,  6.0000]], shape=[2, 3], dtype=float64, device=cpu)",
  );
});

Deno.test("a float32 tensor prints its float32 values to 4 decimals", () => {
  manualSeed(0);
  strictEqual(
    Deno.inspect(randn([2, 3], { dtype: "float32" })),
    "tensor([[ 1.5410, -0.2934, -2.1788],\n" +
      "        [ 0.5684, -1.0845, -1.3986]], shape=[2, 3], dtype=float32, device=cpu)",
  );
});

Deno.test("integer-valued tensors print as integers with a point", () => {
  strictEqual(
    Deno.inspect(tensor([[1, -20], [300, 0]])),
    "tensor([[  1., -20.],\n        [300.,   0.]], shape=[2, 2], dtype=float64, device=cpu)",
  );
});

Deno.test("NaN and infinities print as nan, inf and -inf", () => {
  strictEqual(
    Deno.inspect(tensor([0.5, NaN, Infinity, -Infinity])),
    "tensor([0.5000,    nan,    inf,   -inf], shape=[4], dtype=float64, device=cpu)",
  );
  strictEqual(
    Deno.inspect(tensor([NaN, 2])),
    "tensor([nan, 2.], shape=[2], dtype=float64, device=cpu)",
  );
});

Deno.test("a 0-d tensor prints its one value and an empty one prints []", () => {
  strictEqual(Deno.inspect(tensor(2.5)), "tensor(2.5000, shape=[], dtype=float64, device=cpu)");
  strictEqual(Deno.inspect(tensor([])), "tensor([], shape=[0], dtype=float64, device=cpu)");
  strictEqual(
    Deno.inspect(tensor([[], []], { dtype: "float32" })),
    "tensor([], shape=[2, 0], dtype=float32, device=cpu)",
  );
});

Deno.test("wide values switch to scientific notation", () => {
  strictEqual(
    Deno.inspect(tensor([1e-5, 1, 123456789])),
    "tensor([1.0000e-05, 1.0000e+00, 1.2346e+08], shape=[3], dtype=float64,\n       device=cpu)",
  );
});

Deno.test("a [1000, 1000] tensor prints elided, 3 items from each end, in under 100 ms", () => {
  manualSeed(1);
  const big = randn([1000, 1000]);
  const start = performance.now();
  const text = Deno.inspect(big);
  const ms = performance.now() - start;
  const lines = text.split("\n");
  strictEqual(lines.length, 8, text); // 3 rows, "...", 3 rows, the suffix line
  strictEqual(lines[3], "        ...,");
  for (const i of [0, 1, 2, 4, 5, 6]) ok(lines[i].includes(",  ..., "), lines[i]);
  strictEqual(lines[7], "       shape=[1000, 1000], dtype=float64, device=cpu)");
  const first = big.slice(0, 1).toTypedArray();
  ok(lines[0].startsWith(`tensor([[${first[0] < 0 ? "" : " "}${first[0].toFixed(4)},`), lines[0]);
  ok(ms < 100, `printing took ${ms.toFixed(1)} ms`);
});

Deno.test("Node's util.inspect and the Jupyter display show the same text", () => {
  const t = tensor([[1, 2], [3, 4]]);
  const text = Deno.inspect(t);
  strictEqual(inspect(t), text);
  const bundle = display(t);
  deepStrictEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  strictEqual(bundle["text/plain"], text);
  strictEqual(bundle["text/html"], `<pre class="glassbox-tensor">${text}</pre>`);
  const gone = tensor([1]);
  gone.dispose();
  ok(display(gone)["text/html"].includes("tensor(&lt;disposed&gt;, shape=[1]"));
});

Deno.test("a disposed tensor and a device without synchronous reads say so instead of values", () => {
  const gone = tensor([1, 2]);
  gone.dispose();
  strictEqual(Deno.inspect(gone), "tensor(<disposed>, shape=[2], dtype=float64, device=cpu)");
  // A device whose storages the host cannot see (as a GPU's buffers): a handle around CPU values.
  const backend: Backend = Object.create(cpu.backend, {
    name: { value: "fake-gpu" },
    upload: { value: (v: ArrayLike<number>, d: DType) => ({ host: cpu.backend.upload(v, d) }) },
    readSync: { value: () => undefined },
    dispose: { value: () => {} },
  });
  const device: Device = { name: "fake-gpu", backend, dtypes: ["float32"] };
  const t = tensor([1, 2, 3], { dtype: "float32", device });
  strictEqual(
    Deno.inspect(t),
    "tensor(<not readable synchronously on this device: await tensor.read()>,\n" +
      "       shape=[3], dtype=float32, device=fake-gpu)",
  );
});
