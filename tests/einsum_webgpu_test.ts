// einsum, kron and eye on WebGPU (float32), against PyTorch's float64 results in
// tests/golden/einsum.json at the float32 tolerances (rtol 1e-4, atol 1e-5), and
// the printed form of a GPU tensor, which cannot be read synchronously.

import { assertClose, einsum, eye, kron, type Tensor, tensor } from "@glassbox/tensor";
import { setupWebGPUTests } from "@glassbox/webgpu-kernels/testing";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";

const { device, ignore } = await setupWebGPUTests("einsum_webgpu_test.ts");

interface Data {
  shape: number[];
  data: number[];
}
const fixture: {
  einsum: { name: string; equation: string; inputs: Data[]; expected: Data }[];
  kron: { name: string; inputs: [Data, Data]; expected: Data }[];
} = JSON.parse(await Deno.readTextFile(new URL("./golden/einsum.json", import.meta.url)));

const onGpu = (d: Data): Tensor => tensor(d.data, { shape: d.shape, dtype: "float32", device });

async function expectClose(t: Tensor, want: Data): Promise<void> {
  strictEqual(t.device, device);
  deepStrictEqual(t.shape, want.shape);
  const scale = want.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  assertClose(await t.readTypedArray(), want.data, { rtol: 1e-4, atol: 1e-5 * Math.max(1, scale) });
}

Deno.test({
  name: "einsum() and kron() run on WebGPU and match PyTorch at float32 tolerances",
  ignore,
  fn: async (t) => {
    for (const c of fixture.einsum) {
      await t.step(
        `einsum "${c.equation}"`,
        () => expectClose(einsum(c.equation, ...c.inputs.map(onGpu)), c.expected),
      );
    }
    for (const c of fixture.kron) {
      await t.step(
        `kron ${c.name}`,
        () => expectClose(kron(onGpu(c.inputs[0]), onGpu(c.inputs[1])), c.expected),
      );
    }
  },
});

Deno.test({
  name: "eye() makes its identity on WebGPU, and a GPU tensor's printed form says how to read it",
  ignore,
  fn: async () => {
    const i = eye(2, 3, { dtype: "float32", device });
    deepStrictEqual(await i.read(), [[1, 0, 0], [0, 1, 0]]);
    const text = Deno.inspect(i);
    ok(text.includes("<not readable synchronously on this device: await tensor.read()>"), text);
    ok(text.includes(`device=${device!.name})`), text);
  },
});
