// The storage of a tensor on a WebGPU device: a GPU buffer, or a range of a
// buffer several storages share (parameters packed for the optimizer), and
// the binding entry of that range.

/** What gives buffers out and takes them back (the runtime). */
export interface BufferOwner {
  /** Takes a buffer back once no unsubmitted command can use it. */
  release(buffer: GPUBuffer): void;
}

/**
 * A buffer several storages live in (packed parameters): given back to the
 * runtime when the last of them is released.
 */
export class SharedBuffer {
  #refs = 0;
  #companions: SharedBuffer[] = [];
  constructor(readonly buffer: GPUBuffer, readonly runtime: BufferOwner) {}
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
  constructor(buffer: GPUBuffer, readonly size: number, readonly runtime: BufferOwner) {
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

/**
 * A binding entry of a storage: its range of a shared buffer, or the whole
 * buffer it owns (kernels read sizes from their parameters, so a storage
 * that got a larger buffer than it needs binds as the buffer's earlier
 * owner did, and the cached bind group serves both).
 */
export function entry(s: GpuStorage, binding: number, action: string): GPUBindGroupEntry {
  const buffer = s.buffer(action);
  const size = s.shared === null ? buffer.size : s.bytes;
  return { binding, resource: { buffer, offset: s.offset, size } };
}
