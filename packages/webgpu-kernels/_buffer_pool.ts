// The memory model of GPU buffers: every buffer comes from a size-bucketed
// pool and goes back to it when released; nothing else creates buffers.
// Buckets are sizes rounded up to a quarter of their power of two (≤ 25%
// waste), so a tensor of a recurring shape always finds its old buffer.

/** Counts of buffers by state, for leak tests and memory reports. */
export interface PoolStats {
  /** Buffers handed out and not yet released. */
  readonly liveBuffers: number;
  /** Bytes of the live buffers (bucket sizes). */
  readonly liveBytes: number;
  /** Released buffers kept for reuse. */
  readonly pooledBuffers: number;
  /** Bytes of the pooled buffers. */
  readonly pooledBytes: number;
  /** Buffers created since the pool was made. */
  readonly createdBuffers: number;
}

/** Options of a pool: which buffers it makes and its limits. */
export interface PoolOptions {
  /** `GPUBufferUsage` flags of every buffer. */
  readonly usage: number;
  /** What the buffers are for, in messages and labels, e.g. "storage". */
  readonly label: string;
  /** Largest request allowed, in bytes (a binding or buffer limit). */
  readonly maxBytes: number;
  /** Name of the limit `maxBytes` comes from, for the error message. */
  readonly limitName: string;
  /** Released bytes kept for reuse; beyond this, released buffers are destroyed. */
  readonly maxPooledBytes: number;
}

const MIN_BUCKET = 256;

/**
 * The bucket a request of `bytes` falls in: at least 256 bytes, else rounded
 * up to a multiple of a quarter of the largest power of two below it.
 */
export function bucketSize(bytes: number): number {
  if (bytes <= MIN_BUCKET) return MIN_BUCKET;
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / step) * step;
}

/** A size-bucketed pool of GPU buffers with one usage. */
export class BufferPool {
  readonly #device: GPUDevice;
  readonly #options: PoolOptions;
  readonly #free = new Map<number, GPUBuffer[]>();
  readonly #live = new Set<GPUBuffer>();
  #liveBytes = 0;
  #pooledBuffers = 0;
  #pooledBytes = 0;
  #created = 0;

  constructor(device: GPUDevice, options: PoolOptions) {
    this.#device = device;
    this.#options = options;
  }

  /**
   * A buffer of at least `bytes` bytes, reused from the pool when one is
   * free: the first of `preferred` that is free and of the right bucket, else
   * the first of them that is free and larger (a smaller request takes the
   * buffer a larger one had: a short last batch binds the full batch's
   * buffers), else the most recently released of the right bucket.
   */
  acquire(
    bytes: number,
    action: string,
    preferred: readonly (GPUBuffer | undefined)[] = [],
  ): GPUBuffer {
    const { maxBytes, limitName, label } = this.#options;
    if (bytes > maxBytes) {
      throw new RangeError(
        `Cannot ${action}: it needs a buffer of ${bytes} bytes, more than the device's ` +
          `${limitName} of ${maxBytes} bytes; split the data or request a device with a larger ` +
          `requiredLimits.${limitName}`,
      );
    }
    const size = Math.min(bucketSize(bytes), Math.max(maxBytes - (maxBytes % 4), MIN_BUCKET));
    const list = this.#free.get(size);
    let buffer = this.#takePreferred(preferred, (b) => b.size === size) ??
      this.#takePreferred(preferred, (b) => b.size > size) ?? list?.pop();
    if (buffer !== undefined) {
      this.#pooledBuffers--;
      this.#pooledBytes -= buffer.size;
    } else {
      buffer = this.#device.createBuffer({ size, usage: this.#options.usage, label });
      this.#created++;
    }
    this.#live.add(buffer);
    this.#liveBytes += buffer.size;
    return buffer;
  }

  /** Takes the first of `preferred` that is free and passes `fits` off the free lists. */
  #takePreferred(
    preferred: readonly (GPUBuffer | undefined)[],
    fits: (buffer: GPUBuffer) => boolean,
  ): GPUBuffer | undefined {
    for (const want of preferred) {
      if (want === undefined || !fits(want)) continue;
      const list = this.#free.get(want.size);
      const at = list?.indexOf(want) ?? -1;
      if (at >= 0) return list!.splice(at, 1)[0];
    }
    return undefined;
  }

  /** Returns a buffer to the pool (or destroys it when the pool is full). */
  release(buffer: GPUBuffer): void {
    if (!this.#live.delete(buffer)) {
      throw new ReferenceError(
        `Cannot release ${this.#options.label} buffer: it is not live in this pool (released twice?)`,
      );
    }
    const size = buffer.size;
    this.#liveBytes -= size;
    if (this.#pooledBytes + size > this.#options.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, list = []);
    list.push(buffer);
    this.#pooledBuffers++;
    this.#pooledBytes += size;
  }

  /** Destroys every pooled (free) buffer; live buffers are untouched. */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#pooledBuffers = 0;
    this.#pooledBytes = 0;
  }

  /** Destroys every buffer, live or pooled (the device is going away). */
  destroyAll(): void {
    this.trim();
    for (const b of this.#live) b.destroy();
    this.#live.clear();
    this.#liveBytes = 0;
  }

  /** Current counts. */
  stats(): PoolStats {
    return {
      liveBuffers: this.#live.size,
      liveBytes: this.#liveBytes,
      pooledBuffers: this.#pooledBuffers,
      pooledBytes: this.#pooledBytes,
      createdBuffers: this.#created,
    };
  }
}
