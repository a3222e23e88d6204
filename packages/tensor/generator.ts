/**
 * `Generator`: PyTorch's CPU random number generator (torch 1.13), so that
 * the same seed gives PyTorch's numbers.
 *
 * It is an MT19937 engine seeded like `torch.manual_seed`, plus the two
 * sampling kernels PyTorch builds on it, writing into typed arrays:
 * `fillUniform` (`torch.rand`, `Tensor.uniform_`) and `fillNormal`
 * (`torch.randn`, `Tensor.normal_`). Every path of those kernels is
 * reproduced: per-element Box–Muller with a cached second sample below 16
 * elements, the 16-wide block transform from 16 elements up, and for float32
 * the float32 polynomial log/sin/cos of PyTorch's AVX2 kernel — the one it
 * runs where `torch.__config__.show()` reports "CPU capability usage: AVX2"
 * (builds dispatching to AVX512 or to ARM kernels fill float32 blocks with
 * the C library's logf/sincosf instead, and differ).
 *
 * Bit-identical to PyTorch: the engine and every uniform and normal fill.
 * float64 normal fills call the C library's log and sincos in PyTorch; they
 * are reproduced here as glibc 2.36's x86-64 FMA builds compute them (what
 * PyTorch calls on x86-64 Linux CPUs with FMA; other glibc versions, CPUs
 * or C libraries may differ in the last bit).
 *
 * @module
 */

import { describe } from "@glassbox/internal";
import type { TypedArray } from "./dtype.ts";
import { Mt19937 } from "./_mt19937.ts";
import { glibcSincos } from "./_glibc_sincos.ts";
import { fma as fma64, fmaf as fma32 } from "./fma.ts";
import { glibcLog } from "./_glibc_log.ts";
import { normalFill16Avx2, normalFill16Double } from "./_torch_math.ts";

/** PyTorch's `default_rng_seed_val`: the seed of a new `torch.Generator()`. */
export const DEFAULT_SEED: bigint = 67280421310721n;

const TWO_64 = 1n << 64n;
const MT_N = 624;
const TORCH_STATE_BYTES = 5056;
const FLOAT32_MAX = 3.4028234663852886e38;
const TWO_M24 = 2 ** -24;
const TWO_M53 = 2 ** -53;
/** Output of `glibcSincos` in `#normal`: [sin, cos]. */
const SINCOS = new Float64Array(2);

/**
 * A snapshot of a `Generator`, from `getState()`. Plain data that survives
 * `JSON.stringify` (the seed is a decimal string because it may exceed 2^53).
 */
export interface GeneratorState {
  /** The seed as a decimal string: an unsigned 64-bit integer. */
  seed: string;
  /** The 624 32-bit words of the MT19937 state. */
  mt: number[];
  /** Position of the next word to temper, 0–624 (624: twist first). */
  index: number;
  /** The cached second Box–Muller sample (standard normal), or null. */
  nextNormal: number | null;
}

/**
 * PyTorch's CPU generator (`torch.Generator`, torch 1.13): MT19937 with
 * PyTorch's seeding, uniform and normal sampling, and state.
 *
 * @example Same numbers as `torch.manual_seed(0); torch.randn(3)`
 * ```ts
 * import { Generator } from "@glassbox/tensor";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const out = new Float32Array(3);
 * new Generator(0).fillNormal(out);
 * deepStrictEqual(Array.from(out), [1.5409960746765137, -0.293428897857666, -2.1787893772125244]);
 * ```
 */
export class Generator {
  #engine: Mt19937;
  #seed: bigint = 0n;
  #nextNormal: number | null = null;

  /**
   * Creates a generator, seeded like `torch.Generator().manual_seed(seed)`.
   *
   * @param seed An integer in [-2^63, 2^64); negative seeds wrap to 2^64 + seed.
   *   Defaults to PyTorch's default seed, 67280421310721.
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Generator().initialSeed(), 67280421310721n);
   * ```
   */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.#engine = new Mt19937(0);
    this.manualSeed(seed);
  }

  /**
   * Reseeds like `torch.manual_seed(seed)`: the engine restarts from the low
   * 32 bits of the seed and the cached normal sample is dropped.
   *
   * @param seed An integer (number or bigint) in [-2^63, 2^64); negative
   *   seeds wrap to 2^64 + seed, as in PyTorch.
   * @returns This generator.
   * @throws {TypeError} If `seed` is not a number or bigint.
   * @throws {RangeError} If `seed` is NaN, not an integer, or out of range.
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const g = new Generator().manualSeed(-1);
   * strictEqual(g.initialSeed(), 2n ** 64n - 1n);
   * ```
   */
  manualSeed(seed: number | bigint): this {
    this.#seed = checkSeed(seed);
    this.#engine.seed(Number(this.#seed & 0xffffffffn));
    this.#nextNormal = null;
    return this;
  }

  /**
   * The seed last given, as PyTorch reports it (`Generator.initial_seed()`).
   *
   * @returns The seed as an unsigned 64-bit integer.
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Generator(42).initialSeed(), 42n);
   * ```
   */
  initialSeed(): bigint {
    return this.#seed;
  }

  /**
   * The next 32-bit output of the engine (`CPUGeneratorImpl::random`).
   *
   * @returns An integer in [0, 2^32).
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Generator(5489).random(), 3499211612); // MT19937's reference output
   * ```
   */
  random(): number {
    return this.#engine.nextUint32();
  }

  /**
   * The next 64-bit output (`CPUGeneratorImpl::random64`): two 32-bit draws,
   * the first one high.
   *
   * @returns An integer in [0, 2^64).
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const a = new Generator(7), b = new Generator(7);
   * strictEqual(a.random64(), (BigInt(b.random()) << 32n) | BigInt(b.random()));
   * ```
   */
  random64(): bigint {
    const hi = this.#engine.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(this.#engine.nextUint32());
  }

  /**
   * Fills `out` exactly as `Tensor.uniform_(from, to)` (and `torch.rand`)
   * fill a contiguous tensor of the same dtype: one draw per element, in
   * order. float64 takes the low 53 bits of `random64()`, float32 the low 24
   * bits of `random()`; then `x · (to − from) + from` with one rounding
   * (float32 arithmetic, bounds rounded to float32, for a Float32Array).
   *
   * @param out The buffer to fill (Float64Array: float64; Float32Array: float32).
   * @param from Lower bound (inclusive). Default 0.
   * @param to Upper bound. Default 1.
   * @returns Nothing; `out` is overwritten.
   * @throws {TypeError} If `out` is not a Float64Array or Float32Array.
   * @throws {RangeError} If the bounds are not finite in the dtype or `from > to`.
   *
   * @example Same numbers as `torch.manual_seed(0); torch.rand(2, dtype=torch.float64)`
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const out = new Float64Array(2);
   * new Generator(0).fillUniform(out);
   * deepStrictEqual(Array.from(out), [0.9700530018065531, 0.707819864399788]);
   * ```
   */
  fillUniform(out: TypedArray, from: number = 0, to: number = 1): void {
    const f32 = checkOut(out, "fill uniform");
    const max = f32 ? FLOAT32_MAX : Number.MAX_VALUE;
    for (const [name, v] of [["from", from], ["to", to]] as const) {
      if (typeof v !== "number" || !(Math.abs(v) <= max)) {
        throw new RangeError(
          `Cannot fill uniform: ${name} ${String(v)} is not a finite ${
            f32 ? "float32" : "float64"
          }, out has ${out.length} elements`,
        );
      }
    }
    if (!(from <= to) || !(to - from <= max)) {
      throw new RangeError(
        `Cannot fill uniform: the range [${from}, ${to}) is empty or wider than the largest ${
          f32 ? "float32" : "float64"
        }, expected from <= to`,
      );
    }
    const engine = this.#engine;
    if (f32) {
      const lo = Math.fround(from);
      const width = Math.fround(Math.fround(to) - lo);
      for (let i = 0; i < out.length; i++) {
        out[i] = fma32((engine.nextUint32() & 0xffffff) * TWO_M24, width, lo);
      }
    } else {
      const width = to - from;
      for (let i = 0; i < out.length; i++) out[i] = fma64(this.#uniform53(), width, from);
    }
  }

  /**
   * Fills `out` exactly as `Tensor.normal_(mean, std)` (and `torch.randn`)
   * fill a contiguous tensor of the same dtype. Below 16 elements: one
   * Box–Muller sample per element in float64, each pair of uniforms giving
   * two samples, the second cached for the next element — or the next call
   * (the cache outlives calls and `manualSeed` clears it). From 16 elements:
   * all uniforms are drawn first, transformed in blocks of 16, and if the
   * length is not a multiple of 16 the last 16 are redrawn and transformed
   * again; float32 uses the AVX2 float32 polynomials.
   *
   * @param out The buffer to fill (Float64Array: float64; Float32Array: float32).
   * @param mean Mean of the distribution. Default 0.
   * @param std Standard deviation, ≥ 0. Default 1.
   * @returns Nothing; `out` is overwritten.
   * @throws {TypeError} If `out` is not a Float64Array or Float32Array.
   * @throws {RangeError} If `std` is negative or NaN, or `mean` is not a number.
   *
   * @example Two one-element calls give the two samples of one Box–Muller pair
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const g = new Generator(0);
   * const a = new Float64Array(1), b = new Float64Array(1), pair = new Float64Array(2);
   * g.fillNormal(a);
   * g.fillNormal(b); // the cached partner of a[0]
   * new Generator(0).fillNormal(pair);
   * deepStrictEqual([a[0], b[0]], Array.from(pair));
   * ```
   */
  fillNormal(out: TypedArray, mean: number = 0, std: number = 1): void {
    const f32 = checkOut(out, "fill normal");
    if (typeof mean !== "number" || Number.isNaN(mean) || typeof std !== "number" || !(std >= 0)) {
      throw new RangeError(
        `Cannot fill normal: std ${String(std)} must be >= 0 and mean ${
          String(mean)
        } a number, out has ${out.length} elements`,
      );
    }
    const n = out.length;
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = this.#normal(mean, std);
    } else if (f32) {
      const m = Math.fround(mean);
      const s = Math.fround(std);
      this.#fillBlocks(
        out,
        () => (this.#engine.nextUint32() & 0xffffff) * TWO_M24,
        (o) => normalFill16Avx2(out as Float32Array, o, m, s),
      );
    } else {
      this.#fillBlocks(
        out,
        () => this.#uniform53(),
        (o) => normalFill16Double(out as Float64Array, o, mean, std),
      );
    }
  }

  /**
   * A snapshot of the generator: engine state, seed and cached normal.
   *
   * @returns Plain, JSON-serialisable data for `setState`.
   *
   * @example Replay a stream
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const g = new Generator(1);
   * const saved = g.getState();
   * const first = g.random();
   * strictEqual(g.setState(saved).random(), first);
   * ```
   */
  getState(): GeneratorState {
    return {
      seed: this.#seed.toString(),
      mt: Array.from(this.#engine.state),
      index: this.#engine.index,
      nextNormal: this.#nextNormal,
    };
  }

  /**
   * Restores a snapshot taken by `getState` (possibly of another generator).
   *
   * @param state The snapshot.
   * @returns This generator.
   * @throws {TypeError} If `state` does not have the shape of a `GeneratorState`.
   * @throws {RangeError} If a field is out of range.
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const a = new Generator(3), b = new Generator(4);
   * b.setState(JSON.parse(JSON.stringify(a.getState())));
   * strictEqual(b.random(), a.random());
   * ```
   */
  setState(state: GeneratorState): this {
    const { seed, mt, index, nextNormal } = state ?? ({} as GeneratorState);
    if (typeof seed !== "string" || !/^\d+$/.test(seed) || !Array.isArray(mt)) {
      throw new TypeError(
        "Cannot set generator state: expected { seed: decimal string, mt: number[], index, nextNormal }, " +
          `got seed ${JSON.stringify(seed)} and ${
            Array.isArray(mt) ? `${mt.length} mt words` : "no mt array"
          }`,
      );
    }
    const words = mt.map(Number);
    const bad = words.findIndex((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff);
    const s = BigInt(seed);
    if (mt.length !== MT_N || bad >= 0 || s >= TWO_64) {
      throw new RangeError(
        `Cannot set generator state: expected 624 words in [0, 2^32) and a seed below 2^64, got ${mt.length} words${
          bad >= 0 ? ` (word ${bad} is ${mt[bad]})` : ""
        } and seed ${seed}`,
      );
    }
    this.#restore(s, words, index, nextNormal, "set generator state");
    return this;
  }

  /**
   * The state in `torch.get_rng_state()`'s byte layout (5056 bytes:
   * PyTorch's `CPUGeneratorImplState`, little-endian), so a state can move
   * between glassbox and PyTorch with `torch.set_rng_state`.
   *
   * @returns The 5056 bytes PyTorch 1.13 would give for this state.
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new Generator(0).getTorchState().length, 5056);
   * ```
   */
  getTorchState(): Uint8Array {
    const bytes = new Uint8Array(TORCH_STATE_BYTES);
    const view = new DataView(bytes.buffer);
    const engine = this.#engine;
    let fresh = engine.index === MT_N; // just seeded: PyTorch has next = 0
    if (fresh) {
      const seeded = new Mt19937(Number(this.#seed & 0xffffffffn)).state;
      fresh = seeded.every((w, i) => w === engine.state[i]);
    }
    view.setBigUint64(0, this.#seed, true);
    view.setInt32(8, MT_N + 1 - engine.index, true); // left
    view.setInt32(12, 1, true); // seeded
    view.setBigUint64(16, BigInt(fresh ? 0 : engine.index), true); // next
    for (let i = 0; i < MT_N; i++) view.setUint32(24 + 8 * i, engine.state[i], true);
    if (this.#nextNormal !== null) {
      view.setFloat64(5024, this.#nextNormal, true); // normal_y
      view.setInt32(5040, 1, true); // normal_is_valid
    }
    return bytes;
  }

  /**
   * Restores a state from `torch.get_rng_state()` bytes (5056 bytes, or the
   * 5048-byte legacy layout PyTorch also accepts).
   *
   * @param bytes The state bytes, e.g. `torch.get_rng_state().numpy().tobytes()`.
   * @returns This generator.
   * @throws {TypeError} If `bytes` is not a Uint8Array of 5056 or 5048 bytes.
   * @throws {RangeError} If the stored position is inconsistent.
   *
   * @example
   * ```ts
   * import { Generator } from "@glassbox/tensor";
   * import { strictEqual } from "node:assert/strict";
   *
   * const a = new Generator(9);
   * const b = new Generator().setTorchState(a.getTorchState());
   * strictEqual(b.random(), a.random());
   * ```
   */
  setTorchState(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array) || (bytes.length !== 5056 && bytes.length !== 5048)) {
      throw new TypeError(
        `Cannot set torch state: expected a Uint8Array of 5056 (or legacy 5048) bytes, got ${
          bytes instanceof Uint8Array ? `${bytes.length} bytes` : typeof bytes
        }`,
      );
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const left = view.getInt32(8, true);
    const next = Number(view.getBigUint64(16, true));
    if (!(left >= 1 && left <= MT_N + 1 && (left === 1 || left + next === MT_N + 1))) {
      throw new RangeError(
        `Cannot set torch state: position left=${left}, next=${next} is inconsistent, expected left + next = 625`,
      );
    }
    const mt: number[] = [];
    for (let i = 0; i < MT_N; i++) mt.push(view.getUint32(24 + 8 * i, true));
    const normal = view.getInt32(5040, true) !== 0 ? view.getFloat64(5024, true) : null;
    this.#restore(
      view.getBigUint64(0, true),
      mt,
      left === 1 ? MT_N : next,
      normal,
      "set torch state",
    );
    return this;
  }

  #restore(
    seed: bigint,
    mt: number[],
    index: number,
    nextNormal: number | null,
    action: string,
  ): void {
    if (!Number.isInteger(index) || index < 0 || index > MT_N) {
      throw new RangeError(`Cannot ${action}: index ${index} is not an integer in [0, 624]`);
    }
    if (nextNormal !== null && typeof nextNormal !== "number") {
      throw new TypeError(
        `Cannot ${action}: nextNormal must be a number or null, got ${describe(nextNormal)}`,
      );
    }
    this.#seed = seed;
    this.#engine.state.set(mt);
    this.#engine.index = index;
    this.#nextNormal = nextNormal;
  }

  /** A float64 uniform in [0, 1): the low 53 bits of `random64()` times 2^-53. */
  #uniform53(): number {
    const hi = this.#engine.nextUint32() & 0x1fffff;
    return (hi * 0x100000000 + this.#engine.nextUint32()) * TWO_M53;
  }

  /** One `at::normal_distribution<double>` sample: Box–Muller with a cached partner. */
  #normal(mean: number, std: number): number {
    const cached = this.#nextNormal;
    if (cached !== null) {
      this.#nextNormal = null;
      return fma64(cached, std, mean);
    }
    const u1 = this.#uniform53();
    const u2 = this.#uniform53();
    const radius = Math.sqrt(-2 * glibcLog(1 - u2));
    glibcSincos(2 * Math.PI * u1, SINCOS);
    this.#nextNormal = radius * SINCOS[0];
    return fma64(radius * SINCOS[1], std, mean);
  }

  /** PyTorch's `normal_fill` skeleton: draw all, transform by 16, redo the ragged tail. */
  #fillBlocks(out: TypedArray, uniform: () => number, block: (offset: number) => void): void {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = uniform();
    for (let i = 0; i + 16 <= n; i += 16) block(i);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = uniform();
      block(n - 16);
    }
  }
}

/** Validates a seed like PyTorch's `manual_seed`; returns it as a uint64. */
function checkSeed(seed: unknown): bigint {
  let s: bigint;
  if (typeof seed === "bigint") {
    s = seed;
  } else if (typeof seed === "number") {
    if (!Number.isInteger(seed)) {
      throw new RangeError(
        `Cannot seed generator: seed ${seed} is not an integer, expected an integer in [-2^63, 2^64)`,
      );
    }
    s = BigInt(seed);
  } else {
    throw new TypeError(
      `Cannot seed generator: seed ${
        String(seed)
      } is a ${typeof seed}, expected a number or bigint`,
    );
  }
  if (s < -(1n << 63n) || s >= TWO_64) {
    throw new RangeError(
      `Cannot seed generator: seed ${s} is out of range, expected an integer in [-2^63, 2^64)`,
    );
  }
  return s < 0n ? s + TWO_64 : s;
}

/** Validates an output buffer; returns whether it is float32. */
function checkOut(out: unknown, action: string): boolean {
  if (out instanceof Float32Array) return true;
  if (out instanceof Float64Array) return false;
  const name = out === null ? "null" : (out as object)?.constructor?.name ?? typeof out;
  throw new TypeError(
    `Cannot ${action}: out is a ${name}, expected a Float64Array or Float32Array`,
  );
}
