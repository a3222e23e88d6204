import { ok, strictEqual, throws } from "node:assert/strict";
import { bucketSize, BufferPool } from "./_buffer_pool.ts";
import { setupWebGPUTests } from "./testing.ts";

const { device, ignore } = await setupWebGPUTests("_buffer_pool_test.ts");

Deno.test("bucketSize() rounds up by at most a quarter, to multiples of 64 bytes", () => {
  strictEqual(bucketSize(1), 256);
  strictEqual(bucketSize(256), 256);
  let previous = 0;
  for (let bytes = 257; bytes < 1e8; bytes = Math.ceil(bytes * 1.37)) {
    const b = bucketSize(bytes);
    ok(b >= bytes && b <= bytes * 1.25 && b % 64 === 0, `bucket ${b} of ${bytes}`);
    ok(b >= previous, "monotone");
    previous = b;
  }
  strictEqual(bucketSize(1000), bucketSize(1001)); // neighbours share a bucket
});

function pool(maxBytes = 1 << 20, maxPooledBytes = 1 << 20): BufferPool {
  return new BufferPool(device!.gpu, {
    usage: GPUBufferUsage.STORAGE,
    label: "test",
    maxBytes,
    limitName: "maxStorageBufferBindingSize",
    maxPooledBytes,
  });
}

Deno.test({
  name: "BufferPool reuses a released buffer of the same bucket instead of creating one",
  ignore,
  fn() {
    const p = pool();
    const a = p.acquire(1000, "test");
    p.release(a);
    strictEqual(p.acquire(1001, "test"), a);
    const b = p.acquire(1000, "test");
    ok(b !== a);
    strictEqual(p.stats().createdBuffers, 2);
    strictEqual(p.stats().liveBuffers, 2);
    p.destroyAll();
    strictEqual(p.stats().liveBuffers, 0);
  },
});

Deno.test({
  name: "BufferPool rejects a request beyond the binding limit with a message naming the limit",
  ignore,
  fn() {
    const p = pool(4096);
    throws(
      () => p.acquire(4100, "upload tensor"),
      (e: Error) =>
        e instanceof RangeError &&
        e.message.includes("Cannot upload tensor: it needs a buffer of 4100 bytes") &&
        e.message.includes("maxStorageBufferBindingSize of 4096"),
    );
    p.release(p.acquire(4096, "fits exactly"));
    p.destroyAll();
  },
});

Deno.test({
  name: "BufferPool refuses a double release and destroys buffers beyond maxPooledBytes",
  ignore,
  fn() {
    const p = pool(1 << 20, 1024);
    const a = p.acquire(1024, "test"), b = p.acquire(1024, "test");
    p.release(a);
    throws(() => p.release(a), ReferenceError);
    p.release(b); // the pool is full: b is destroyed, not kept
    strictEqual(p.stats().pooledBuffers, 1);
    strictEqual(p.stats().pooledBytes, 1024);
    p.trim();
    strictEqual(p.stats().pooledBuffers, 0);
  },
});

Deno.test({
  name:
    "BufferPool gives a smaller request a preferred larger buffer when it is free, never a smaller one",
  ignore,
  fn() {
    const p = pool();
    const big = p.acquire(4096, "test"), small = p.acquire(1000, "test");
    p.release(big);
    p.release(small);
    // The exact bucket first, then a larger preferred buffer, never one too small.
    strictEqual(p.acquire(1000, "test", [big, small]), small);
    strictEqual(p.acquire(1000, "test", [big]), big);
    p.release(big);
    const fresh = p.acquire(8192, "test", [big]);
    ok(fresh !== big);
    strictEqual(p.stats().createdBuffers, 3);
    strictEqual(p.stats().liveBytes, small.size + fresh.size);
    p.destroyAll();
  },
});
