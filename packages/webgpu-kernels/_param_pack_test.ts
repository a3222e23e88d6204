// Packing parameters for the optimizer update: announced with
// `prepareUpdate` before the first update, the parameters stay where they
// were packed (the first update moves only the states in), so a kernel that
// read a parameter before the update binds it again with its cached bind
// group; the values are those of an update without the announcement.

import { manualSeed, randn, type Tensor, zeros } from "@glassbox/tensor";
import { type OptimizerRule, storageOf } from "@glassbox/tensor/backend";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("_param_pack_test.ts");

const f32 = { dtype: "float32" } as const;
const SHAPES = [[30, 20], [30], [5, 30]];
const SIZES = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));

const sgd = (fresh: boolean): OptimizerRule => ({
  kind: "sgd",
  lr: 0.05,
  momentum: 0.9,
  dampening: 0,
  nesterov: false,
  weightDecay: 0,
  maximize: false,
  fresh: SHAPES.map(() => fresh),
});

/** Bind groups created by reading parameter 0 once (a kernel binding it), output released. */
function bindGroupsOfARead(p: Tensor): number {
  const gpu = device!;
  const before = gpu.memory().bindGroups;
  const out = gpu.backend.unary("neg", storageOf(p, "test"), p.size, "float32");
  gpu.backend.dispose(out);
  return gpu.memory().bindGroups - before;
}

/** Two SGD-momentum updates, announced first or not: bind groups of the reads between, values. */
async function run(
  announce: boolean,
): Promise<{ rebinds: number[]; values: Float32Array[]; states: Float32Array[] }> {
  const gpu = device!;
  manualSeed(3);
  const params = SHAPES.map((s) => randn(s, f32).to(gpu));
  const grads = SHAPES.map((s) => randn(s, f32).to(gpu));
  const info = { dtype: "float32" as const, sizes: SIZES };
  if (announce) gpu.backend.prepareUpdate!(params.map((t) => storageOf(t, "test")), info);
  const states = SHAPES.map((s) => [zeros(s, { ...f32, device: gpu })]);
  const rebinds: number[] = [];
  bindGroupsOfARead(params[0]);
  for (const fresh of [true, false]) {
    gpu.backend.optimizerUpdate(
      sgd(fresh),
      params.map((t) => storageOf(t, "test")),
      grads.map((t) => storageOf(t, "test")),
      states.map((l) => l.map((t) => storageOf(t, "test"))),
      info,
    );
    rebinds.push(bindGroupsOfARead(params[0]));
  }
  const values = await Promise.all(params.map((t) => t.readTypedArray() as Promise<Float32Array>));
  const moments = await Promise.all(
    states.map(([t]) => t.readTypedArray() as Promise<Float32Array>),
  );
  for (const t of [...params, ...grads, ...states.flat()]) t.dispose();
  return { rebinds, values, states: moments };
}

Deno.test({
  name:
    "prepareUpdate() packs the parameters before the first update, which then moves only the states",
  ignore,
  async fn() {
    const gpu = device!;
    const live = gpu.liveBuffers();
    const late = await run(false);
    const early = await run(true);
    // Unannounced, the first update packs the parameters: the next read binds them anew.
    deepStrictEqual(late.rebinds, [1, 0]);
    // Announced, they never move: the read before the updates made the only bind group.
    deepStrictEqual(early.rebinds, [0, 0]);
    // The same numbers either way.
    early.values.forEach((v, i) => deepStrictEqual(v, late.values[i], `parameter ${i}`));
    early.states.forEach((v, i) => deepStrictEqual(v, late.states[i], `momentum ${i}`));
    strictEqual(gpu.liveBuffers(), live, "the packed buffers go back with their storages");
    strictEqual(gpu.errors().length, 0, gpu.errors().join("\n"));
  },
});

Deno.test({
  name: "prepareUpdate() is a no-op for parameters already packed and checks their sizes",
  ignore,
  fn() {
    const gpu = device!;
    const params = SHAPES.map((s) => zeros(s, { ...f32, device: gpu }));
    const storages = params.map((t) => storageOf(t, "test"));
    gpu.backend.prepareUpdate!(storages, { dtype: "float32", sizes: SIZES });
    const created = gpu.memory().createdBuffers;
    gpu.backend.prepareUpdate!(storages, { dtype: "float32", sizes: SIZES });
    strictEqual(gpu.memory().createdBuffers, created);
    throws(
      () => gpu.backend.prepareUpdate!(storages, { dtype: "float32", sizes: [1, 30, 150] }),
      (e: Error) =>
        e instanceof RangeError &&
        e.message === "Cannot prepareUpdate: parameter 0 has 600 elements, expected 1",
    );
    throws(
      () => gpu.backend.prepareUpdate!(storages, { dtype: "float64", sizes: SIZES }),
      TypeError,
    );
    for (const t of params) t.dispose();
    ok(gpu.errors().length === 0, gpu.errors().join("\n"));
  },
});
