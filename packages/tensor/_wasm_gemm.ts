// The WebAssembly SIMD GEMM (wasm/gemm.wat, embedded as base64 by `deno task build:wasm`):
// lazy instantiation, one growable memory, and the copy in / copy out around a call.
//
// The relaxed-SIMD build (fused multiply-add) is used where the runtime validates it, the
// portable build (multiply then add) elsewhere; without WebAssembly at all `wasmGemm` reports
// that it cannot run and the caller keeps the TypeScript path.

import type { TypedArray } from "./dtype.ts";
import type { MatmulInfo } from "./backend.ts";
import { GEMM_PORTABLE_WASM, GEMM_RELAXED_WASM } from "./_wasm_gemm_bytes.ts";

/** When matmul uses WebAssembly: above the measured size threshold, never, or for every size. */
export type WasmMatmulMode = "auto" | "off" | "always";

/** Which build was instantiated, or `"none"` when WebAssembly SIMD is not available. */
export type WasmGemmKind = "relaxed" | "portable" | "none";

// Must match wasm/gemm.wat.
const MC = 128;
const KC = 256;
const MR = 4;
const PAGE = 65536;

interface GemmExports {
  memory: WebAssembly.Memory;
  gemm_f64: GemmFn;
  gemm_f32: GemmFn;
}
type GemmFn = (
  a: number,
  ars: number,
  aks: number,
  b: number,
  bks: number,
  bcs: number,
  c: number,
  m: number,
  n: number,
  k: number,
  pa: number,
  pb: number,
) => void;

let mode: WasmMatmulMode | undefined;
let kind: WasmGemmKind | undefined;
let gemm: GemmExports | undefined;
let f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
let f32: Float32Array<ArrayBufferLike> = new Float32Array(0);

/**
 * Sets when matmul uses WebAssembly (tests and benchmarks compare the two paths). The
 * initial mode comes from the environment variable `GLASSBOX_WASM` (`off`, `always` or
 * `auto`) when the process may read it, else `"auto"`.
 */
export function setWasmMatmul(next: WasmMatmulMode): void {
  mode = next;
}

/** The current mode (see {@linkcode setWasmMatmul}). */
export function wasmMatmulMode(): WasmMatmulMode {
  return mode ??= modeFromEnv();
}

/** Instantiates the module on first use and says which build runs. */
export function wasmGemmKind(): WasmGemmKind {
  if (kind === undefined) load(["relaxed", "portable"]);
  return kind!;
}

/**
 * Instantiates one build in place of the current one (tests run both); returns false
 * and leaves WebAssembly off when the runtime rejects it.
 */
export function loadWasmGemm(build: "relaxed" | "portable"): boolean {
  load([build]);
  return kind === build;
}

/**
 * Computes one batch of `out[co…] = op(A) · op(B)` with WebAssembly. Returns false (and
 * writes nothing) when no WebAssembly SIMD module could be instantiated.
 */
export function wasmGemm(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  out: TypedArray,
  co: number,
  info: MatmulInfo,
): boolean {
  if (wasmGemmKind() === "none") return false;
  const { m, n, k, transposeA, transposeB } = info;
  const double = info.dtype === "float64";
  const es = double ? 8 : 4;
  const nr = double ? 4 : 8;
  const nPad = Math.ceil(n / nr) * nr;
  const mPad = Math.ceil(m / MR) * MR;
  // Byte layout: 64 unused, A, B, C (padded), packed A block, packed B slice.
  const aAt = 64;
  const bAt = align(aAt + m * k * es);
  const cAt = align(bAt + k * n * es);
  const paAt = align(cAt + mPad * nPad * es);
  const pbAt = align(paAt + MC * KC * es);
  // Too large for a 32-bit memory (or the grow failed): the caller keeps TypeScript.
  if (!reserve(pbAt + KC * nPad * es)) return false;
  const view = double ? f64 : f32;
  view.set(a.subarray(ao, ao + m * k), aAt / es);
  view.set(b.subarray(bo, bo + k * n), bAt / es);
  (double ? gemm!.gemm_f64 : gemm!.gemm_f32)(
    aAt,
    transposeA ? es : k * es,
    transposeA ? m * es : es,
    bAt,
    transposeB ? es : n * es,
    transposeB ? k * es : es,
    cAt,
    m,
    n,
    k,
    paAt,
    pbAt,
  );
  const c = cAt / es;
  if (n === nPad) {
    out.set(view.subarray(c, c + m * n), co);
  } else {
    for (let i = 0; i < m; i++) out.set(view.subarray(c + i * nPad, c + i * nPad + n), co + i * n);
  }
  return true;
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * Grows the memory to at least `bytes` (it never shrinks: the largest product so far
 * sets its size) and refreshes the typed views after a grow; false if it cannot.
 */
function reserve(bytes: number): boolean {
  const memory = gemm!.memory;
  if (memory.buffer.byteLength < bytes) {
    if (bytes > 2 ** 32) return false;
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    } catch {
      return false;
    }
  }
  if (f64.buffer !== memory.buffer) {
    f64 = new Float64Array(memory.buffer);
    f32 = new Float32Array(memory.buffer);
  }
  return true;
}

function load(builds: ("relaxed" | "portable")[]): void {
  kind = "none";
  gemm = undefined;
  if (typeof WebAssembly === "undefined") return;
  for (const name of builds) {
    try {
      const bytes = decodeBase64(name === "relaxed" ? GEMM_RELAXED_WASM : GEMM_PORTABLE_WASM);
      if (!WebAssembly.validate(bytes)) continue;
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
      gemm = instance.exports as unknown as GemmExports;
      kind = name;
      return;
    } catch {
      // Try the next build; with none, matmul stays on the TypeScript path.
    }
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** `GLASSBOX_WASM` if the environment may be read without a prompt, else "auto". */
function modeFromEnv(): WasmMatmulMode {
  try {
    if (typeof Deno === "undefined") return "auto";
    const query = { name: "env", variable: "GLASSBOX_WASM" } as const;
    if (Deno.permissions.querySync(query).state !== "granted") return "auto";
    const value = Deno.env.get("GLASSBOX_WASM");
    return value === "off" || value === "always" ? value : "auto";
  } catch {
    return "auto";
  }
}
