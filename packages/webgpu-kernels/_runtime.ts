// The runtime under the WebGPU backend: buffers from the pools, pipelines
// and bind groups cached, and command batching.
//
// A training step is recorded as it runs: every kernel of the step goes
// into one open command encoder, submitted at the next microtask (one
// submit per step). The step's temporaries come from a per-step arena: the
// n-th allocation of a size bucket after a submit prefers the last two
// buffers the n-th allocation of that bucket got (when one is free), so a step
// that repeats an earlier one's kernels binds the same buffers, and its bind
// groups — cached by pipeline and bound ranges — are found, not created.
//
// Dispatches are recorded into one open command encoder (and compute pass)
// and submitted together when work is read back, when `flush()` is called,
// after `FLUSH_EVERY` dispatches, or at the next microtask. A buffer
// released while the open encoder may still use it waits in `#deferred`
// until that encoder is submitted; only then can the pool hand it out again
// and `queue.writeBuffer` overwrite it, because queue operations run in the
// order they were issued.

import { BufferPool, bucketSize, type PoolStats } from "./_buffer_pool.ts";
import { WebGPUDeviceLostError } from "./webgpu_device_lost_error.ts";

/** Dispatches recorded before the encoder is submitted without being asked. */
const FLUSH_EVERY = 64;

/**
 * A buffer several storages live in (packed parameters): given back to the
 * runtime when the last of them is released.
 */
export class SharedBuffer {
  #refs = 0;
  #companions: SharedBuffer[] = [];
  constructor(readonly buffer: GPUBuffer, readonly runtime: GpuRuntime) {}
  /** One more storage lives here. */
  ref(): void {
    this.#refs++;
  }
  /** One storage less; the last gives the buffer (and its companions) back. */
  unref(): void {
    if (--this.#refs > 0) return;
    this.runtime.release(this.buffer);
    for (const c of this.#companions) this.runtime.release(c.buffer);
    this.#companions = [];
  }
  /** A buffer no storage lives in (scratch of the same lifetime), given back with this one. */
  keep(companion: SharedBuffer): void {
    this.#companions.push(companion);
  }
}

/**
 * A tensor's elements in a GPU buffer (the backend's `Storage`): a whole
 * buffer, or a range of a shared one at a byte offset (a multiple of the
 * device's storage-offset alignment).
 */
export class GpuStorage {
  #buffer: GPUBuffer | null;
  #offset = 0;
  #shared: SharedBuffer | null = null;
  /** A region: a view that holds no reference (its owner keeps the buffer alive). */
  #region = false;
  constructor(buffer: GPUBuffer, readonly size: number, readonly runtime: GpuRuntime) {
    this.#buffer = buffer;
  }
  /** A view of `size` elements at byte `offset` of `shared` that does not keep it alive. */
  static region(shared: SharedBuffer, offset: number, size: number): GpuStorage {
    const view = new GpuStorage(shared.buffer, size, shared.runtime);
    view.#offset = offset;
    view.#shared = shared;
    view.#region = true;
    return view;
  }
  /** Bytes the kernels may touch (a multiple of 4, at least 4). */
  get bytes(): number {
    return Math.max(4, this.size * 4);
  }
  /** Byte offset of the elements in `buffer()`. */
  get offset(): number {
    return this.#offset;
  }
  /** The shared buffer this storage lives in, or null when it owns its buffer. */
  get shared(): SharedBuffer | null {
    return this.#shared;
  }
  /** The buffer; a ReferenceError once released. */
  buffer(action: string): GPUBuffer {
    if (this.#buffer === null) {
      throw new ReferenceError(`Cannot ${action}: its WebGPU storage was disposed`);
    }
    return this.#buffer;
  }
  /**
   * Moves the storage into `shared` at byte `offset` (the caller has copied
   * its elements there): the same storage, so every tensor holding it sees
   * the new place; its old buffer is given back.
   */
  moveInto(shared: SharedBuffer, offset: number): void {
    const old = this.#buffer;
    if (old === null) throw new ReferenceError(`Cannot pack: the WebGPU storage was disposed`);
    shared.ref();
    if (this.#shared !== null) this.#shared.unref();
    else this.runtime.release(old);
    this.#buffer = shared.buffer;
    this.#offset = offset;
    this.#shared = shared;
  }
  /** Gives the buffer back to the runtime; idempotent. */
  release(): void {
    if (this.#buffer === null || this.#region) return;
    if (this.#shared !== null) this.#shared.unref();
    else this.runtime.release(this.#buffer);
    this.#buffer = null;
    this.#shared = null;
  }
}

/** A binding entry of a storage: its range of its buffer. */
function entry(s: GpuStorage, binding: number, action: string): GPUBindGroupEntry {
  return { binding, resource: { buffer: s.buffer(action), offset: s.offset, size: s.bytes } };
}

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

/** One dispatch of a prepared pipeline and bind group, for `submitPass`. */
export interface PassDispatch {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly groups: readonly [number, number, number];
}

const RUNTIMES = new WeakMap<object, GpuRuntime>();

/** Records the runtime behind a device made by `requestWebGPU`. */
export function registerRuntime(device: object, runtime: GpuRuntime): void {
  RUNTIMES.set(device, runtime);
}

/** The runtime behind a device made by `requestWebGPU`, or undefined for any other device. */
export function runtimeOf(device: unknown): GpuRuntime | undefined {
  return typeof device === "object" && device !== null ? RUNTIMES.get(device) : undefined;
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
  /** Allocations of each size bucket since the last submit (positions in the step arena). */
  #arenaCounts = new Map<number, number>();
  /** By bucket and position: the last two buffers handed out there. */
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
   * buffers the n-th allocation of this size bucket after a submit got.
   */
  #acquire(bytes: number, action: string): GPUBuffer {
    const bucket = bucketSize(bytes);
    const n = this.#arenaCounts.get(bucket) ?? 0;
    this.#arenaCounts.set(bucket, n + 1);
    const key = `${bucket}:${n}`;
    const last = this.#arena.get(key) ?? [];
    const buffer = this.storagePool.acquire(bytes, action, last);
    if (buffer !== last[0]) {
      if (this.#arena.size >= MAX_ARENA) this.#arena.clear();
      this.#arena.set(key, [buffer, ...last.slice(0, 1)]);
    }
    return buffer;
  }

  /** A new storage of `size` float32 elements, contents undefined. */
  alloc(size: number, action: string): GpuStorage {
    this.check(action);
    return new GpuStorage(this.#acquire(Math.max(4, size * 4), action), size, this);
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
    const out = this.alloc(values.length, action);
    // A fresh buffer: no recorded command uses it, so the write need not wait for them.
    if (values.length > 0) this.device.queue.writeBuffer(out.buffer(action), 0, values);
    return out;
  }

  /** Writes `values` over the start of `dst`, after every command recorded so far. */
  write(
    dst: GpuStorage,
    values: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
    action: string,
  ): void {
    if (values.length === 0) return;
    this.flush(); // queue operations run in issue order: recorded commands first
    this.device.queue.writeBuffer(dst.buffer(action), dst.offset, values);
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
      const size = Math.max(4, b.byteLength);
      const buffer = this.#acquire(size, action);
      this.device.queue.writeBuffer(buffer, 0, b);
      this.#deferred.push(buffer); // released once this dispatch is submitted
      return { binding, resource: { buffer, offset: 0, size } };
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

  /**
   * A bind group of `pipeline` binding the whole buffers of `storages` in
   * order, counted in `stats().bindGroups`. For kernels that keep their bind
   * groups: a group cached by buffer stays right when the pool hands that
   * buffer to another storage of a different size.
   */
  bindGroup(
    pipeline: GPUComputePipeline,
    storages: readonly GpuStorage[],
    action: string,
  ): GPUBindGroup {
    this.check(action);
    const entries = storages.map((s, binding) => ({
      binding,
      resource: { buffer: s.buffer(action) },
    }));
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.#bindGroups++;
    return group;
  }

  /**
   * Submits pending work, then records `dispatches` in one compute pass of a
   * new command encoder and submits it: one submit for the whole list.
   */
  submitPass(dispatches: readonly PassDispatch[], action: string): void {
    this.check(action);
    this.flush();
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const { pipeline, bindGroup, groups } of dispatches) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.#dispatches += dispatches.length;
    this.#submits++;
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

  /** Records setting every byte of a storage to zero. */
  clear(dst: GpuStorage, action: string): void {
    this.check(action);
    const encoder = this.#openEncoder();
    this.#endPass();
    encoder.clearBuffer(
      dst.buffer(action),
      dst.offset,
      dst.shared === null ? undefined : dst.bytes,
    );
    this.#recorded++;
  }

  /** Submits everything recorded so far and frees the buffers it was holding. */
  flush(): void {
    if (this.#encoder === null) return;
    this.#endPass();
    const commands = this.#encoder.finish();
    this.#encoder = null;
    this.#recorded = 0;
    this.device.queue.submit([commands]);
    this.#submits++;
    this.#arenaCounts.clear();
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
