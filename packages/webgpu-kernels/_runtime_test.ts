import { manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("_runtime_test.ts");
const gpu = device!;

/** One forward and backward step of a 2-layer network, disposing every intermediate. */
function step(x: Tensor, w1: Tensor, w2: Tensor, y: Tensor): Tensor {
  using h = x.matmul(w1, { transposeB: true });
  using a = h.relu();
  using out = a.matmul(w2, { transposeB: true });
  using diff = out.sub(y);
  using sq = diff.square();
  using loss = sq.mean();
  using mask = h.greater(0);
  using d2 = diff.mul(2 / diff.size);
  using gw2 = d2.matmul(a, { transposeA: true });
  using da = d2.matmul(w2);
  using dh = da.mul(mask);
  using gw1 = dh.matmul(x, { transposeA: true });
  using g1 = gw1.sum(0);
  using g2 = gw2.sum();
  using g = g1.add(g2);
  using p = g.softmax(0);
  using logp = p.logSoftmax(0);
  using total = logp.sum();
  return loss.add(total); // the one result the caller disposes
}

Deno.test({
  name: "a sequence of operations with disposal leaks no buffer and reuses pooled ones",
  ignore,
  async fn() {
    manualSeed(0);
    const opts = { dtype: "float32", device: gpu } as const;
    const [x, w1, w2, y] = [[32, 5], [16, 5], [3, 16], [32, 3]].map((s) =>
      tensor(randn(s).to("float32").toTypedArray(), { shape: s, ...opts })
    );
    const baseline = gpu.liveBuffers();
    let created = 0;
    for (let i = 0; i < 5; i++) {
      const loss = step(x, w1, w2, y);
      ok(Number.isFinite((await loss.readTypedArray())[0]));
      loss.dispose();
      strictEqual(gpu.liveBuffers(), baseline, `iteration ${i}: live buffers`);
      if (i === 1) created = gpu.memory().createdBuffers;
      if (i > 1) strictEqual(gpu.memory().createdBuffers, created, "no new buffer after warm-up");
    }
    for (const t of [x, w1, w2, y]) t.dispose();
    strictEqual(gpu.liveBuffers(), baseline - 4);
    strictEqual(gpu.memory().liveStagingBuffers, 0);
  },
});

Deno.test({
  name: "a buffer disposed before its dispatch is submitted is not reused until then",
  ignore,
  async fn() {
    const a = tensor([0, 1, 2, 3], { dtype: "float32", device: gpu });
    const b = a.mul(2); // recorded, not yet submitted
    a.dispose(); // a's buffer must survive until b's dispatch has run
    const c = tensor([9, 9, 9, 9], { dtype: "float32", device: gpu }); // would reuse a's bucket
    deepStrictEqual(await b.read(), [0, 2, 4, 6]);
    deepStrictEqual(await c.read(), [9, 9, 9, 9]);
    b.dispose(), c.dispose();
  },
});

Deno.test({
  name: "read() returns the values even when the tensor is disposed while the read is pending",
  ignore,
  async fn() {
    const x = tensor([1, 2, 3], { dtype: "float32", device: gpu });
    const y = x.add(1);
    const pending = y.read();
    y.dispose();
    const z = tensor([7, 7, 7], { dtype: "float32", device: gpu });
    deepStrictEqual(await pending, [2, 3, 4]);
    x.dispose(), z.dispose();
  },
});

Deno.test({
  name: "many dispatches without a read are submitted in batches and all run",
  ignore,
  async fn() {
    let t = tensor([1], { dtype: "float32", device: gpu });
    const before = gpu.memory().submits;
    for (let i = 0; i < 200; i++) {
      const next = t.add(1);
      t.dispose();
      t = next;
    }
    const submits = gpu.memory().submits - before;
    // 400 dispatches (each `add(1)` fills a scalar operand first), 64 per submit.
    ok(submits >= 6 && submits <= 8, `${submits} submits for 400 dispatches`);
    deepStrictEqual(await t.read(), [201]);
    t.dispose();
  },
});

Deno.test({
  name:
    "the step arena gives a smaller kernel output the larger buffer its position had, an upload its own size",
  ignore,
  async fn() {
    manualSeed(5);
    const bytes = () => gpu.memory().liveBytes; // memory() also submits: a new arena window
    const host = randn([4096], { dtype: "float32" });
    bytes();
    const x = host.to(gpu); // the window's first upload: 16 KiB
    bytes();
    x.neg().dispose(); // the window's first `neg` output: 16 KiB, back in the pool
    const base = bytes();
    x.dispose();
    // An upload after a larger one at its position keeps to its own size (256 bytes).
    const small = tensor([1, 2, 3], { dtype: "float32", device: gpu });
    strictEqual(bytes() - base, 256 - 16384);
    // The window's first `neg` again: the free 16 KiB buffer it had, for 3 elements.
    const out = small.neg();
    strictEqual(bytes() - base, 256);
    deepStrictEqual(Array.from(await out.readTypedArray()), [-1, -2, -3]);
    for (const t of [small, out]) t.dispose();
  },
});
