// Hardware fused multiply-add for the OpenBLAS ports (dgemm, dgemv_t, ddot): the inner loops of
// wasm/fma_kernels.wat (relaxed SIMD's f64x2.relaxed_madd), used only where the runtime really
// fuses it. The check at load runs every kernel on inputs whose fused and unfused results differ,
// and compares with the software `fma`; a runtime without WebAssembly, without relaxed SIMD or
// without FMA hardware (where relaxed_madd may round twice) keeps the TypeScript loops.

import { FMA_KERNELS_WASM } from "./_fma_kernels_bytes.ts";
import { fma } from "./fma.ts";

/** The exports of fma_kernels.wat. */
export interface FmaKernelExports {
  memory: WebAssembly.Memory;
  fma(x: number, y: number, z: number): number;
  chains(
    a: number,
    b: number,
    c: number,
    k: number,
    t: number,
    j0: number,
    j1: number,
    i0: number,
    i1: number,
    k0: number,
    k1: number,
    add: number,
  ): void;
  laned(
    a: number,
    b: number,
    c: number,
    k: number,
    t: number,
    i: number,
    j: number,
    k0: number,
    k1: number,
    lanes: number,
  ): void;
  eight(a: number, b: number, out: number, k: number, t: number, i: number, j: number): void;
  rows4(
    a: number,
    x: number,
    y: number,
    m: number,
    r0: number,
    r1: number,
    f0: number,
    f1: number,
  ): void;
  ddot(x: number, y: number, n: number): number;
}

/** Operands above this many bytes stay in TypeScript (offsets are 32-bit). */
const MAX_BYTES = 1 << 30;

function decode(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Instantiates the module; null when the runtime cannot (no WebAssembly or no relaxed SIMD). */
function instantiate(): FmaKernelExports | null {
  if (typeof WebAssembly === "undefined") return null;
  try {
    const bytes = decode(FMA_KERNELS_WASM);
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    return instance.exports as unknown as FmaKernelExports;
  } catch {
    return null;
  }
}

/**
 * Whether every kernel fuses and keeps the port's order. `chains` (a full and a partial block
 * of columns, stored and then added), `rows4` and `ddot` get pairs of terms
 * (−(1 + 2⁻²⁹)) · 1 then (1 + 2⁻³⁰)², whose fused sum is 2⁻⁶⁰ and twice-rounded sum 0;
 * `laned` (2 and 4 lanes) and `eight` are compared with the software `fma` on 37
 * irrational-looking terms.
 */
export function kernelsFuse(w: FmaKernelExports): boolean {
  const x = 1 + 2 ** -30;
  const c0 = -(1 + 2 ** -29);
  if (fma(x, x, c0) !== 2 ** -60 || w.fma(x, x, c0) !== 2 ** -60) return false;
  if (w.memory.buffer.byteLength < 1024) return false;
  const f = new Float64Array(w.memory.buffer, 0, 128);
  // chains: a (1 x 2) at doubles 0-1, b (2 x 11) at 2-23, c (1 x 11) at 24-34 (a block of 8
  // columns and a block of 3).
  const t = 11;
  f.fill(0);
  f[0] = 1;
  f[1] = x;
  for (let i = 0; i < t; i++) {
    f[2 + i] = c0;
    f[2 + t + i] = x;
  }
  w.chains(0, 2 * 8, 24 * 8, 2, t, 0, 1, 0, t, 0, 2, 0);
  w.chains(0, 2 * 8, 24 * 8, 2, t, 0, 1, 0, t, 0, 2, 1);
  for (let i = 0; i < t; i++) if (f[24 + i] !== 2 * 2 ** -60) return false;
  // rows4: one row of 8 features at doubles 0-7, x at 8-15, y at 16; lane 0 gets the pair.
  f.fill(0);
  f[0] = c0;
  f[8] = 1;
  f[4] = x;
  f[12] = x;
  w.rows4(0, 8 * 8, 16 * 8, 8, 0, 1, 0, 8);
  if (f[16] !== 2 ** -60) return false;
  // ddot of 48 terms (x at 0-47, y at 48-95): lane 0 of the 32-block, then of the 16-block.
  f.fill(0);
  f[0] = c0;
  f[48] = 1;
  f[32] = x;
  f[48 + 32] = x;
  if (w.ddot(0, 48 * 8, 48) !== 2 ** -60) return false;
  // laned and eight: a (1 x 37) at doubles 0-36, b (37 x 1) at 40-76, c at 80, lanes at 88-95.
  const k = 37;
  f.fill(0);
  for (let kk = 0; kk < k; kk++) {
    f[kk] = Math.sin(kk + 1) * 3;
    f[40 + kk] = Math.cos(2 * kk + 1) / 7;
  }
  const a = f.subarray(0, k);
  const b = f.subarray(40, 40 + k);
  for (const lanes of [2, 4]) {
    f[80] = 0.5;
    w.laned(0, 40 * 8, 80 * 8, k, 1, 0, 0, 0, k, lanes);
    if (!Object.is(f[80], 0.5 + laneReference(a, b, lanes))) return false;
  }
  w.eight(0, 40 * 8, 88 * 8, k, 1, 0, 0);
  for (let l = 0; l < 8; l++) {
    let acc = 0;
    for (let kk = l; kk < k; kk += 8) acc = fma(b[kk], a[kk], acc);
    if (!Object.is(f[88 + l], acc)) return false;
  }
  return true;
}

/** `laned`'s value by the software fma, on one column of `a.length` terms. */
function laneReference(a: Float64Array, b: Float64Array, lanes: number): number {
  const k = a.length;
  const full = k - (k % lanes);
  const l = [0, 0, 0, 0];
  for (let kk = 0; kk < full; kk++) l[kk % lanes] = fma(b[kk], a[kk], l[kk % lanes]);
  let s = lanes === 2 ? l[0] + l[1] : (l[0] + l[1]) + (l[2] + l[3]);
  for (let kk = full; kk < k; kk++) s = fma(b[kk], a[kk], s);
  return s;
}

let loaded: FmaKernelExports | null | undefined;

/**
 * The kernels, instantiated and checked on first use; null where they do not fuse (tests
 * compare both paths through `openblasGemm`'s `kernels` argument).
 */
export function fmaKernels(): FmaKernelExports | null {
  if (loaded === undefined) {
    const w = instantiate();
    loaded = w !== null && kernelsFuse(w) ? w : null;
  }
  return loaded;
}

/** Byte offsets of a, b, c and an 8-double scratch area in the kernels' memory, grown to fit. */
export function layout(
  w: FmaKernelExports,
  aLength: number,
  bLength: number,
  cLength: number,
): { a: number; b: number; c: number; scratch: number } | null {
  const scratch = 0;
  const a = 64;
  const b = a + 8 * aLength;
  const c = b + 8 * bLength;
  const end = c + 8 * cLength + 64; // chains may read 7 values past the last row of b
  if (end > MAX_BYTES) return null;
  const have = w.memory.buffer.byteLength;
  if (end > have) {
    try {
      w.memory.grow(Math.ceil((end - have) / 65536));
    } catch {
      return null; // no memory to grow into: the TypeScript loops need none
    }
  }
  return { a, b, c, scratch };
}
