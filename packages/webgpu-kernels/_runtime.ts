// The runtime under the WebGPU backend: buffers from the pools, pipelines
// and bind groups cached, and command batching.
//
// A training step is recorded as it runs: every kernel of the step goes
// into one open command encoder, submitted at the next microtask (one
// submit per step). The step's temporaries come from a per-step arena: the
// n-th allocation for an action (a kernel's output, its parameters) after a
// submit prefers the last two buffers the n-th allocation for that action
// got (when one is free; the same size first, else a larger one, so a short
// last batch takes the full batch's buffers). Kernels bind whole buffers and
// read their sizes from a parameters buffer, so a step that repeats an
// earlier one's kernels binds the same buffers, even with fewer rows, and
// its bind groups — cached by pipeline and bound buffers — are found, not
// created.
//
// Dispatches are recorded into one open command encoder (and compute pass)
// and submitted together when work is read back, when `flush()` is called,
// after `FLUSH_EVERY` dispatches, or at the next microtask. A buffer
// released while the open encoder may still use it waits in `#deferred`
// until that encoder is submitted; only then can the pool hand it out again
// and `queue.writeBuffer` overwrite it, because queue operations run in the
// order they were issued.

import { bucketSize, BufferPool, type PoolStats } from "./_buffer_pool.ts";
import { entry, GpuStorage, SharedBuffer } from "./_gpu_storage.ts";
import { WebGPUDeviceLostError } from "./webgpu_device_lost_error.ts";

export { GpuStorage, SharedBuffer };

/** Dispatches recorded before the encoder is submitted without being asked. */
const FLUSH_EVERY = 64;

/** Bind groups kept before the cache is emptied (a bound on memory). */
const MAX_CACHED_GROUPS = 4096;
/** Step-arena positions remembered before the arena is emptied. */
const MAX_ARENA = 4096;

/** A buffer bound to a kernel: a storage, or raw bytes uploaded for one dispatch. */
export type Binding = GpuStorage | Uint32Array<ArrayBuffer>;

/** Memory counts of a runtime: tensor storage and read-back staging buffers. */
export interface RuntimeStats {
  readonly storage: PoolStats;
  readonly staging: PoolStats;
  readonly pipelines: number;
  readonly dispatches: number;
  readonly submits: number;
  /** Bind groups created so far. */
  readonly bindGroups: number;
  /** Buffers mapped for reading so far (`mapAsync` calls). */
  readonly readbacks: number;
}

/** The device-wide state of the WebGPU backend. */
export class GpuRuntime {
  readonly device: GPUDevice;
  readonly label: string;
  readonly storagePool: BufferPool;
  readonly stagingPool: BufferPool;
  readonly errors: string[] = [];
  #pipelines = new Map<string, GPUComputePipeline>();
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #recorded = 0;
  #deferred: GPUBuffer[] = [];
  #lost: GPUDeviceLostInfo | null = null;
  #scheduled = false;
  #dispatches = 0;
  #submits = 0;
  #bindGroups = 0;
  #readbacks = 0;
  /** Bind groups by pipeline key and bound ranges. */
  #groups = new Map<string, GPUBindGroup>();
  /** Ids of buffers, for bind-group keys. */
  #ids = new WeakMap<GPUBuffer, number>();
  #nextId = 0;
  /** Allocations for each action since the last submit (positions in the step arena). */
  #arenaCounts = new Map<string, number>();
  /** By action and position: the last two buffers handed out there. */
  #arena = new Map<string, readonly GPUBuffer[]>();
  // No FinalizationRegistry returns undisposed buffers to the pool: releasing
  // buffers from finalizers made lavapipe abort at process exit now and then
  // ("double free or corruption") after every test had passed. An undisposed
  // storage's buffer is freed when V8 collects its GPUBuffer instead.

  constructor(device: GPUDevice, label: string, maxPooledBytes: number) {
    this.device = device;
    this.label = label;
    const limits = device.limits;
    this.storagePool = new BufferPool(device, {
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      label: "storage",
      maxBytes: limits.maxStorageBufferBindingSize,
      limitName: "maxStorageBufferBindingSize",
      maxPooledBytes,
    });
    this.stagingPool = new BufferPool(device, {
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      label: "staging",
      maxBytes: limits.maxBufferSize,
      limitName: "maxBufferSize",
      maxPooledBytes,
    });
    device.lost.then((info) => {
      this.#lost = info;
    });
    device.addEventListener("uncapturederror", (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      this.errors.push(message);
      console.error(`WebGPU error on ${label}: ${message}`);
    });
  }

  /** Throws WebGPUDeviceLostError when the device is gone. */
  check(action: string): void {
    if (this.#lost === null) return;
    const { reason, message } = this.#lost;
    throw new WebGPUDeviceLostError(
      `Cannot ${action}: the WebGPU device ${this.label} was lost (${reason}${
        message ? `: ${message}` : ""
      })`,
      { reason: String(reason) },
    );
  }

  /**
   * A buffer from the storage pool, the step arena's choice first: the last
   * buffers the n-th allocation for this action after a submit got — of a
   * larger size too, unless `exact` (uploads: data and weights live long,
   * and should not keep a larger buffer than they need).
   */
  #acquire(bytes: number, action: string, exact = false): GPUBuffer {
    const n = this.#arenaCounts.get(action) ?? 0;
    this.#arenaCounts.set(action, n + 1);
    const key = `${action}#${n}`;
    const last = this.#arena.get(key) ?? [];
    const bucket = bucketSize(bytes);
    const preferred = exact ? last.filter((b) => b.size === bucket) : last;
    const buffer = this.storagePool.acquire(bytes, action, preferred);
    if (buffer !== last[0]) {
      if (this.#arena.size >= MAX_ARENA) this.#arena.clear();
      this.#arena.set(key, [buffer, ...last.filter((b) => b !== buffer).slice(0, 1)]);
    }
    return buffer;
  }

  /** A new storage of `size` float32 elements, contents undefined (`exact`: see `#acquire`). */
  alloc(size: number, action: string, exact = false): GpuStorage {
    this.check(action);
    return new GpuStorage(this.#acquire(Math.max(4, size * 4), action, exact), size, this);
  }

  /** A new buffer of `bytes` bytes (zeroed) that several storages will share. */
  allocShared(bytes: number, action: string): SharedBuffer {
    this.check(action);
    const buffer = this.storagePool.acquire(Math.max(4, bytes), action);
    const shared = new SharedBuffer(buffer, this);
    const encoder = this.#openEncoder();
    this.#endPass();
    encoder.clearBuffer(buffer);
    return shared;
  }

  /** A new storage holding `values`. */
  upload(values: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>, action: string): GpuStorage {
    const out = this.alloc(values.length, action, true);
    // A fresh buffer: no recorded command uses it, so the write need not wait for them.
    if (values.length > 0) this.device.queue.writeBuffer(out.buffer(action), 0, values);
    return out;
  }

  /** Returns a buffer to its pool once no unsubmitted command can use it. */
  release(buffer: GPUBuffer): void {
    if (this.#lost !== null) return; // destroy() already destroyed every buffer
    if (this.#encoder !== null) this.#deferred.push(buffer);
    else this.storagePool.release(buffer);
  }

  /** The pipeline cached under `key`, compiled from `code()` on first use. */
  pipeline(key: string, code: () => string): GPUComputePipeline {
    let pipeline = this.#pipelines.get(key);
    if (pipeline === undefined) {
      const module = this.device.createShaderModule({ code: code(), label: key });
      pipeline = this.device.createComputePipeline({
        layout: "auto",
        compute: { module, entryPoint: "main" },
        label: key,
      });
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /**
   * Records one dispatch of the kernel `key` over `groups` workgroups.
   * `bindings` are bound in order; a Uint32Array becomes a scratch buffer
   * released after the dispatch is submitted.
   */
  dispatch(
    key: string,
    code: () => string,
    bindings: readonly Binding[],
    groups: readonly [number, number?, number?],
  ): void {
    const action = `run ${key}`;
    this.check(action);
    const pipeline = this.pipeline(key, code);
    const entries: GPUBindGroupEntry[] = bindings.map((b, binding) => {
      if (b instanceof GpuStorage) return entry(b, binding, action);
      const buffer = this.#acquire(Math.max(4, b.byteLength), action);
      this.device.queue.writeBuffer(buffer, 0, b);
      this.#deferred.push(buffer); // released once this dispatch is submitted
      return { binding, resource: { buffer, offset: 0, size: buffer.size } };
    });
    const bindGroup = this.#cachedGroup(key, pipeline, entries);
    const pass = this.#computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    this.#dispatches++;
    this.#recorded++;
    if (this.#recorded >= FLUSH_EVERY) this.flush();
  }

  /** The bind group of `pipeline` over `entries`, from the cache or created (and counted). */
  #cachedGroup(
    key: string,
    pipeline: GPUComputePipeline,
    entries: GPUBindGroupEntry[],
  ): GPUBindGroup {
    let id = key;
    for (const e of entries) {
      const { buffer, offset, size } = e.resource as GPUBufferBinding;
      let n = this.#ids.get(buffer);
      if (n === undefined) this.#ids.set(buffer, n = this.#nextId++);
      id += `|${n}@${offset}+${size}`;
    }
    let group = this.#groups.get(id);
    if (group === undefined) {
      if (this.#groups.size >= MAX_CACHED_GROUPS) this.#groups.clear();
      group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      this.#groups.set(id, group);
      this.#bindGroups++;
    }
    return group;
  }

  /** Records a buffer-to-buffer copy of `bytes` bytes, from and to byte offsets (default 0). */
  copy(
    src: GpuStorage,
    dst: GpuStorage,
    bytes: number,
    action: string,
    offsets: { readonly src?: number; readonly dst?: number } = {},
  ): void {
    this.check(action);
    if (bytes === 0) return;
    const encoder = this.#openEncoder();
    this.#endPass();
    encoder.copyBufferToBuffer(
      src.buffer(action),
      src.offset + (offsets.src ?? 0),
      dst.buffer(action),
      dst.offset + (offsets.dst ?? 0),
      bytes,
    );
    this.#recorded++;
  }

  /** Records a copy of `src` into `dst` at byte `offset`. */
  copyToShared(src: GpuStorage, dst: SharedBuffer, offset: number, action: string): void {
    this.check(action);
    if (src.size === 0) return;
    const encoder = this.#openEncoder();
    this.#endPass();
    encoder.copyBufferToBuffer(src.buffer(action), src.offset, dst.buffer, offset, src.size * 4);
    this.#recorded++;
  }

  /**
   * Submits everything recorded so far and frees the buffers it was holding.
   * Either way, the allocations after it start the step arena's positions afresh.
   */
  flush(): void {
    this.#arenaCounts.clear();
    if (this.#encoder === null) return;
    this.#endPass();
    const commands = this.#encoder.finish();
    this.#encoder = null;
    this.#recorded = 0;
    this.device.queue.submit([commands]);
    this.#submits++;
    const deferred = this.#deferred;
    this.#deferred = [];
    // Scratch buffers were never handed to a storage: acquired for the dispatch only.
    for (const b of deferred) this.storagePool.release(b);
  }

  /** Copies a storage to the host once every recorded command has run. */
  async read(src: GpuStorage, action: string): Promise<Float32Array> {
    this.check(action);
    if (src.size === 0) return new Float32Array(0);
    const bytes = src.size * 4;
    const staging = this.stagingPool.acquire(bytes, action);
    const encoder = this.#openEncoder();
    this.#endPass();
    encoder.copyBufferToBuffer(src.buffer(action), src.offset, staging, 0, bytes);
    this.flush();
    this.#readbacks++;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    } catch (cause) {
      this.check(action);
      throw new Error(`Cannot ${action}: mapping the read-back buffer failed`, { cause });
    }
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.stagingPool.release(staging);
    return out;
  }

  /** Pool counts after submitting pending work (so deferred buffers are back). */
  stats(): RuntimeStats {
    this.flush();
    return {
      storage: this.storagePool.stats(),
      staging: this.stagingPool.stats(),
      pipelines: this.#pipelines.size,
      dispatches: this.#dispatches,
      submits: this.#submits,
      bindGroups: this.#bindGroups,
      readbacks: this.#readbacks,
    };
  }

  /** Destroys every buffer and the device; later operations throw WebGPUDeviceLostError. */
  destroy(): void {
    this.#pass = null;
    this.#encoder = null;
    this.#deferred = [];
    this.#groups.clear();
    this.#arena.clear();
    this.storagePool.destroyAll();
    this.stagingPool.destroyAll();
    this.device.destroy();
    this.#lost ??= { reason: "destroyed", message: "destroy() was called" } as GPUDeviceLostInfo;
  }

  #openEncoder(): GPUCommandEncoder {
    if (this.#encoder === null) {
      this.#encoder = this.device.createCommandEncoder();
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          if (this.#lost === null) this.flush();
        });
      }
    }
    return this.#encoder;
  }

  #computePass(): GPUComputePassEncoder {
    const encoder = this.#openEncoder();
    this.#pass ??= encoder.beginComputePass();
    return this.#pass;
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = null;
  }
}
