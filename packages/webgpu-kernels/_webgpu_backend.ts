// The WebGPU implementation of every `Backend` kernel, float32 only. Each
// method validates its storages, allocates the output from the pool and
// records one or a few dispatches; nothing waits for the GPU except `read`.

import type { DType, TypedArray } from "@glassbox/tensor";
import type {
  ActivationSpec,
  Backend,
  BinaryOp,
  BinaryShapes,
  DenseBackwardInfo,
  DenseForward,
  DenseGrads,
  DenseInfo,
  LossInfo,
  LossKind,
  LossValueGrad,
  MatmulInfo,
  OptimizerRule,
  ReduceOp,
  SoftmaxOp,
  Storage,
  UnaryOp,
} from "@glassbox/tensor/backend";
import { type GpuRuntime, GpuStorage } from "./_runtime.ts";
import { broadcastLayout } from "./_layout.ts";
import { stridesOf } from "@glassbox/internal";
import { grid, MAX_GROUPS, WG } from "./_wgsl_common.ts";
import { binaryWgsl, unaryWgsl } from "./_wgsl_elementwise.ts";
import { reduceSerialWgsl, reduceTreeWgsl, SERIAL_MAX_LEN } from "./_wgsl_reduce.ts";
import { softmaxWgsl } from "./_wgsl_softmax.ts";
import { type MatmulVariant, matmulWgsl, tileOf } from "./_wgsl_matmul.ts";
import { LAYOUT_WGSL } from "./_wgsl_layout.ts";
import { FusedKernels } from "./_webgpu_fused.ts";

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

/** The bits of a number rounded to float32, for a kernel parameter. */
function f32Bits(value: number): number {
  F32[0] = value;
  return F32_BITS[0];
}

/** Throws the TypeError for anything but float32 (WGSL has no f64). */
function checkDtype(dtype: DType, action: string): void {
  if (dtype !== "float32") {
    throw new TypeError(
      `Cannot ${action} on webgpu: dtype ${dtype} is not supported (WGSL has no f64), use float32`,
    );
  }
}

/** Rows of C per invocation, by the size of that side (register blocking pays from ~48). */
function block(side: number): number {
  return side >= 96 ? 8 : side >= 48 ? 4 : 1;
}

/** Every kernel of the Backend interface on one WebGPU device (float32). */
export class WebGPUBackend implements Backend {
  readonly name = "webgpu";
  readonly #rt: GpuRuntime;

  readonly #fused: FusedKernels;

  constructor(runtime: GpuRuntime) {
    this.#rt = runtime;
    this.#fused = new FusedKernels(runtime, (s, action) => this.#storage(s, action));
  }

  #storage(s: Storage, action: string): GpuStorage {
    if (!(s instanceof GpuStorage) || s.runtime !== this.#rt) {
      throw new ReferenceError(
        `Cannot ${action}: the storage does not belong to WebGPU device ${this.#rt.label}`,
      );
    }
    s.buffer(action); // throws if disposed
    return s;
  }

  /** Records an elementwise kernel over `size` outputs. */
  #elementwise(
    key: string,
    code: () => string,
    inputs: GpuStorage[],
    size: number,
    params: number[],
    action: string,
  ): GpuStorage {
    const out = this.#rt.alloc(size, action);
    if (size > 0) {
      this.#rt.dispatch(key, code, [...inputs, out, new Uint32Array(params)], grid(size));
    }
    return out;
  }

  upload(values: ArrayLike<number>, dtype: DType): Storage {
    checkDtype(dtype, "upload");
    const data = values instanceof Float32Array && values.buffer instanceof ArrayBuffer
      ? values as Float32Array<ArrayBuffer>
      : Float32Array.from(values);
    return this.#rt.upload(data, "upload tensor");
  }

  fill(size: number, value: number, dtype: DType): Storage {
    checkDtype(dtype, "fill");
    const out = this.#rt.alloc(size, "fill");
    if (size > 0) {
      const params = new Uint32Array([size, f32Bits(value)]);
      this.#rt.dispatch("fill", () => LAYOUT_WGSL.fill, [out, params], grid(size));
    }
    return out;
  }

  read(storage: Storage, dtype: DType): Promise<TypedArray> {
    checkDtype(dtype, "read");
    return this.#rt.read(this.#storage(storage, "read tensor"), "read tensor");
  }

  readSync(): TypedArray | undefined {
    return undefined; // GPU memory is not visible to the host without a mapAsync.
  }

  dispose(storage: Storage): void {
    if (storage instanceof GpuStorage) storage.release();
  }

  cast(x: Storage, size: number, from: DType, to: DType): Storage {
    checkDtype(from, "cast");
    checkDtype(to, "cast");
    const src = this.#storage(x, "cast");
    const out = this.#rt.alloc(size, "cast");
    this.#rt.copy(src, out, size * 4, "cast");
    return out;
  }

  unary(op: UnaryOp, x: Storage, size: number, dtype: DType): Storage {
    checkDtype(dtype, op);
    const src = this.#storage(x, op);
    return this.#elementwise(`unary:${op}`, () => unaryWgsl(op), [src], size, [size], op);
  }

  binary(
    op: BinaryOp,
    a: Storage,
    b: Storage,
    shapes: BinaryShapes,
    dtype: DType,
  ): Storage {
    checkDtype(dtype, op);
    const inputs = [this.#storage(a, op), this.#storage(b, op)];
    const size = shapes.out.reduce((s, d) => s * d, 1);
    const { shape, aStrides, bStrides } = broadcastLayout(shapes.a, shapes.b, shapes.out);
    const params = [size, shape.length, ...shape, ...aStrides, ...bStrides];
    return this.#elementwise(`binary:${op}`, () => binaryWgsl(op), inputs, size, params, op);
  }

  reduce(op: ReduceOp, x: Storage, dims: readonly [number, number, number], dtype: DType): Storage {
    checkDtype(dtype, op);
    const src = this.#storage(x, op);
    const [outer, len, inner] = dims;
    const size = outer * inner;
    const out = this.#rt.alloc(size, op);
    if (size === 0) return out;
    const params = new Uint32Array(dims);
    if (len <= SERIAL_MAX_LEN) {
      const code = () => reduceSerialWgsl(op);
      this.#rt.dispatch(`reduce:serial:${op}`, code, [src, out, params], grid(size));
    } else {
      const groups = grid(size * WG); // one workgroup per output
      this.#rt.dispatch(`reduce:tree:${op}`, () => reduceTreeWgsl(op), [src, out, params], groups);
    }
    return out;
  }

  softmax(
    op: SoftmaxOp,
    x: Storage,
    dims: readonly [number, number, number],
    dtype: DType,
  ): Storage {
    checkDtype(dtype, op);
    const src = this.#storage(x, op);
    const [outer, len, inner] = dims;
    const out = this.#rt.alloc(outer * len * inner, op);
    const rows = outer * inner;
    if (rows === 0 || len === 0) return out;
    const wg = len <= 64 ? 64 : WG;
    const x0 = Math.min(rows, MAX_GROUPS);
    this.#rt.dispatch(`softmax:${op}:${wg}`, () => softmaxWgsl(op, wg), [
      src,
      out,
      new Uint32Array(dims),
    ], [x0, Math.ceil(rows / x0)]);
    return out;
  }

  matmul(a: Storage, b: Storage, info: MatmulInfo): Storage {
    return this.matmulEpilogue(a, b, info);
  }

  /**
   * `matmul` with a fused store: `f(op(A)·op(B) + bias)`, the bias (length n)
   * broadcast over rows — a dense layer's forward pass in one kernel. Not
   * part of the Backend interface (yet): reachable through this class only.
   */
  matmulEpilogue(
    a: Storage,
    b: Storage,
    info: MatmulInfo,
    epilogue?: { readonly bias?: Storage; readonly activation?: UnaryOp },
  ): Storage {
    checkDtype(info.dtype, "matmul");
    const [sa, sb] = [this.#storage(a, "matmul"), this.#storage(b, "matmul")];
    const bias = epilogue?.bias === undefined ? undefined : this.#storage(epilogue.bias, "matmul");
    const { m, n, k } = info;
    const batches = info.aOffsets.length;
    const out = this.#rt.alloc(batches * m * n, "matmul");
    if (batches * m * n === 0) return out;
    const fused = epilogue === undefined
      ? undefined
      : { bias: bias !== undefined, activation: epilogue.activation ?? null };
    const variant: MatmulVariant = {
      transposeA: info.transposeA,
      transposeB: info.transposeB,
      tm: block(m),
      tn: block(n),
      epilogue: fused,
    };
    const tile = tileOf(variant);
    const colTiles = Math.ceil(n / tile.cols), rowTiles = Math.ceil(m / tile.rows);
    if (colTiles > MAX_GROUPS) {
      throw new RangeError(
        `Cannot matmul: n = ${n} needs ${colTiles} column tiles, more than ${MAX_GROUPS} per dispatch`,
      );
    }
    const offsets = new Uint32Array(2 * batches);
    for (let i = 0; i < batches; i++) {
      offsets[2 * i] = info.aOffsets[i];
      offsets[2 * i + 1] = info.bOffsets[i];
    }
    const offsetStorage = this.#rt.upload(offsets, "matmul");
    const key = `matmul:${+variant.transposeA}${+variant.transposeB}:${variant.tm}x${variant.tn}` +
      (fused ? `:${fused.bias ? "bias" : ""}:${fused.activation ?? ""}` : "");
    for (let batch = 0; batch < batches; batch += MAX_GROUPS) {
      for (let row = 0; row < rowTiles; row += MAX_GROUPS) {
        const params = new Uint32Array([m, n, k, batch, row]);
        const bindings = [sa, sb, out, params, offsetStorage, ...(bias ? [bias] : [])];
        this.#rt.dispatch(key, () => matmulWgsl(variant), bindings, [
          colTiles,
          Math.min(MAX_GROUPS, rowTiles - row),
          Math.min(MAX_GROUPS, batches - batch),
        ]);
      }
    }
    offsetStorage.release();
    return out;
  }

  // The fused primitives, one dispatch each where possible (_webgpu_fused.ts).
  activationForward(spec: ActivationSpec, z: Storage, size: number, dtype: DType): Storage {
    checkDtype(dtype, "activationForward");
    return this.#fused.activationForward(spec, z, size);
  }
  activationBackward(
    spec: ActivationSpec,
    gradOut: Storage,
    saved: Storage,
    size: number,
    dtype: DType,
  ): Storage {
    checkDtype(dtype, "activationBackward");
    return this.#fused.activationBackward(spec, gradOut, saved, size);
  }
  denseForward(x: Storage, w: Storage, b: Storage | null, info: DenseInfo): DenseForward {
    checkDtype(info.dtype, "denseForward");
    return this.#fused.denseForward(x, w, b, info);
  }
  denseBackward(
    gradOut: Storage,
    x: Storage,
    w: Storage,
    saved: Storage,
    info: DenseBackwardInfo,
  ): DenseGrads {
    checkDtype(info.dtype, "denseBackward");
    return this.#fused.denseBackward(gradOut, x, w, saved, info);
  }
  lossValueGrad(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): LossValueGrad {
    checkDtype(info.dtype, "lossValueGrad");
    return this.#fused.lossValueGrad(kind, pred, target, info);
  }
  /** The fused loss kernel's value; its gradient buffer goes straight back to the pool. */
  lossValue(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): Storage {
    const { value, grad } = this.lossValueGrad(kind, pred, target, info);
    this.dispose(grad);
    return value;
  }
  prepareUpdate(
    params: readonly Storage[],
    info: { readonly dtype: DType; readonly sizes: readonly number[] },
  ): void {
    checkDtype(info.dtype, "prepareUpdate");
    this.#fused.prepareUpdate(params, info.sizes);
  }
  optimizerUpdate(
    rule: OptimizerRule,
    params: readonly Storage[],
    grads: readonly Storage[],
    states: readonly (readonly Storage[])[],
    info: { readonly dtype: DType; readonly sizes: readonly number[] },
  ): void {
    checkDtype(info.dtype, "optimizerUpdate");
    if (rule.kind === "assign") this.#fused.assign(rule, params, info.sizes);
    else this.#fused.optimizerUpdate(rule, params, grads, states, info.sizes);
  }

  permute(x: Storage, shape: readonly number[], perm: readonly number[], dtype: DType): Storage {
    checkDtype(dtype, "permute");
    const src = this.#storage(x, "permute");
    const size = shape.reduce((s, d) => s * d, 1);
    const strides = stridesOf(shape);
    const params = [
      size,
      perm.length,
      ...perm.map((p) => shape[p]),
      ...perm.map((p) => strides[p]),
    ];
    const code = () => LAYOUT_WGSL.permute;
    return this.#elementwise("permute", code, [src], size, params, "permute");
  }

  gatherRows(x: Storage, index: readonly number[], rowLength: number, dtype: DType): Storage {
    checkDtype(dtype, "gatherRows");
    const src = this.#storage(x, "gatherRows");
    const rows = rowLength === 0 ? Infinity : src.size / rowLength;
    const idx = Uint32Array.from(index, (i, at) => {
      if (!(Number.isInteger(i) && i >= 0 && i < rows)) {
        throw new RangeError(`Cannot gatherRows: index[${at}] = ${i} is out of range [0, ${rows})`);
      }
      return i;
    });
    const size = index.length * rowLength;
    const out = this.#rt.alloc(size, "gatherRows");
    if (size === 0) return out;
    if (idx.every((i, at) => i === idx[0] + at)) {
      // Consecutive rows (a slice, a batch in order): one buffer copy, no kernel.
      this.#rt.copy(src, out, size * 4, "gatherRows", { src: idx[0] * rowLength * 4 });
      return out;
    }
    const params = new Uint32Array([size, rowLength]);
    const code = () => LAYOUT_WGSL.gatherRows;
    this.#rt.dispatch("gatherRows", code, [src, idx, out, params], grid(size));
    return out;
  }

  concat(
    parts: readonly Storage[],
    outer: number,
    chunks: readonly number[],
    dtype: DType,
  ): Storage {
    checkDtype(dtype, "concat");
    const sources = parts.map((p) => this.#storage(p, "concat"));
    const total = chunks.reduce((s, c) => s + c, 0);
    const out = this.#rt.alloc(outer * total, "concat");
    let offset = 0;
    sources.forEach((src, i) => {
      const size = outer * chunks[i];
      if (size > 0) {
        const params = new Uint32Array([size, chunks[i], total, offset]);
        const code = () => LAYOUT_WGSL.copyBlock;
        this.#rt.dispatch("copyBlock", code, [src, out, params], grid(size));
      }
      offset += chunks[i];
    });
    return out;
  }
}
