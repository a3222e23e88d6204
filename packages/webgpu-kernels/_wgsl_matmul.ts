// Tiled matrix product C[b] = op(A[b]) · op(B[b]).
//
// A 16×16 workgroup computes a BM×BN tile of C, BM = 16·TM and BN = 16·TN:
// each invocation keeps TM×TN accumulators in registers (register blocking).
// The k axis is walked BK = 16 at a time: the workgroup stages a BM×BK
// slice of op(A) and a BK×BN slice of op(B) in workgroup memory, then each
// invocation reads TM + TN values per step of k for TM·TN multiply-adds.
// With TM (or TN) of 4 or 8 an invocation owns runs of 4 consecutive rows
// (columns), 64 apart, read from workgroup memory as vec4 and accumulated
// as vec4; with 1 (a thin side) it owns one row (column). The transpose
// flags only change how a slice is staged (consecutive invocations read
// consecutive addresses in either layout), never the inner loop, and no
// transposed copy is made. Edges outside m, n or k load zeros, so any size
// works.
//
// An optional epilogue fuses a dense layer's forward pass into the store:
// C = f(op(A)·op(B) + bias), with the bias broadcast over rows and f one of
// the unary kernels, so the pre-activation never goes to memory.

import type { UnaryOp } from "@glassbox/tensor/backend";
import { MATH, SPECIALS } from "./_wgsl_common.ts";
import { UNARY_WGSL } from "./_wgsl_elementwise.ts";

/** What the store applies to each element of C: `f(c + bias[col])`. */
export interface MatmulEpilogue {
  /** Add a bias of length n (bound at binding 5). */
  readonly bias: boolean;
  /** A unary operation applied last, or none. */
  readonly activation: UnaryOp | null;
}

/** Shape of a matmul kernel variant: transposes and register block. */
export interface MatmulVariant {
  /** A is stored [k, m]. */
  readonly transposeA: boolean;
  /** B is stored [n, k]. */
  readonly transposeB: boolean;
  /** Rows of C per invocation. */
  readonly tm: number;
  /** Columns of C per invocation. */
  readonly tn: number;
  /** Fused bias and activation (default none). */
  readonly epilogue?: MatmulEpilogue;
}

/** The WGSL that defines `epilogue(v, col)`, and the bias binding. */
function epilogueWgsl(epilogue: MatmulEpilogue | undefined): string {
  if (epilogue === undefined) return "fn epilogue(x: f32, col: u32) -> f32 { return x; }";
  const bias = epilogue.bias ? "@group(0) @binding(5) var<storage, read> bias: array<f32>;\n" : "";
  const f = epilogue.activation === null ? "v" : UNARY_WGSL[epilogue.activation];
  return `${SPECIALS}${MATH}${bias}
fn epilogue(x: f32, col: u32) -> f32 {
  let v = x${epilogue.bias ? " + bias[col]" : ""};
  return ${f};
}`;
}

/** Depth of the k slice staged in workgroup memory. */
export const BK = 16;
/** Invocations per side of the square workgroup. */
export const SIDE = 16;

/** The tile of C one workgroup computes. */
export function tileOf(variant: MatmulVariant): { rows: number; cols: number } {
  return { rows: SIDE * variant.tm, cols: SIDE * variant.tn };
}

/** The workgroup-memory element (kk, i) of a tile `span` wide: vec4 when span > 16. */
function store(tile: string, span: number, i: string): string {
  return span > SIDE
    ? `${tile}[kk * ${span / 4}u + ${i} / 4u][${i} % 4u]`
    : `${tile}[kk * ${span}u + ${i}]`;
}

/** WGSL lines that stage one element per invocation and round into workgroup memory. */
function loads(
  tile: "As" | "Bs",
  count: number,
  transposed: boolean,
  span: number,
): string {
  const lines: string[] = [];
  for (let l = 0; l < count; l++) {
    const idx = `li + ${l * SIDE * SIDE}u`;
    if (tile === "As") {
      // (r, kk) of op(A): row-major A[i, p] at i·k + p; transposed A[p, i] at p·m + i.
      const [r, kk] = transposed
        ? [`(${idx}) % ${span}u`, `(${idx}) / ${span}u`]
        : [`(${idx}) / ${BK}u`, `(${idx}) % ${BK}u`];
      const addr = transposed ? "a_off + gk * m + gi" : "a_off + gi * k + gk";
      lines.push(`{ let r = ${r}; let kk = ${kk}; let gi = row0 + r; let gk = t + kk;
      ${store("As", span, "r")} = select(0.0, A[${addr}], gi < m && gk < k); }`);
    } else {
      // (kk, c) of op(B): row-major B[p, j] at p·n + j; transposed B[j, p] at j·k + p.
      const [c, kk] = transposed
        ? [`(${idx}) / ${BK}u`, `(${idx}) % ${BK}u`]
        : [`(${idx}) % ${span}u`, `(${idx}) / ${span}u`];
      const addr = transposed ? "b_off + gj * k + gk" : "b_off + gk * n + gj";
      lines.push(`{ let c = ${c}; let kk = ${kk}; let gj = col0 + c; let gk = t + kk;
      ${store("Bs", span, "c")} = select(0.0, B[${addr}], gj < n && gk < k); }`);
    }
  }
  return lines.join("\n    ");
}

/** One element of C an invocation owns: where it is and the WGSL value that holds it. */
export interface GemmOutput {
  /** Row within the workgroup's tile (a WGSL u32 expression). */
  readonly rowAt: string;
  /** Column within the tile. */
  readonly colAt: string;
  /** The accumulator element. */
  readonly value: string;
}

/** The register-blocked core of a tiled GEMM, as WGSL pieces a kernel puts together. */
export interface GemmParts {
  /** Workgroup-memory tiles `As` and `Bs`. */
  readonly tiles: string;
  /** Accumulator declarations. */
  readonly acc: string;
  /** Statements of one step of k: staging loads, barrier, the inner loop, barrier. */
  readonly loop: (innerExtra?: string) => string;
  /** The values of op(A) an invocation reads at `kk`, with their row within the tile. */
  readonly rows: readonly (readonly [string, string])[];
  /** Every element of C an invocation owns. */
  readonly outputs: readonly GemmOutput[];
}

/**
 * The tiling and register blocking shared by every GEMM kernel. The kernel
 * must define `m`, `n`, `k`, `a_off`, `b_off`, `row0`, `col0`, `lx`, `ly`,
 * `li` and the bindings `A` and `B`; `loop(extra)` is the body of
 * `for (var t = 0u; t < k; t += BK)`, with `extra` run after the registers of
 * each `kk` are loaded.
 */
export function gemmParts(variant: MatmulVariant): GemmParts {
  const { tm, tn } = variant;
  const { rows: bm, cols: bn } = tileOf(variant);
  const vecA = tm >= 4, vecB = tn >= 4;
  const regs: string[] = [];
  // The rows an invocation owns: [register expression, row offset within the tile].
  const rows: [string, string][] = [];
  if (vecA) {
    for (let g = 0; g < tm / 4; g++) {
      regs.push(`let a${g} = As[kk * ${bm / 4}u + ly + ${SIDE * g}u];`);
      "xyzw".split("").forEach((c, r) => rows.push([`a${g}.${c}`, `ly * 4u + ${64 * g + r}u`]));
    }
  } else {
    regs.push(`let a0 = As[kk * ${bm}u + ly];`);
    rows.push(["a0", "ly"]);
  }
  // The column groups: [register, first column within the tile, width].
  const cols: [string, string, number][] = [];
  if (vecB) {
    for (let g = 0; g < tn / 4; g++) {
      regs.push(`let b${g} = Bs[kk * ${bn / 4}u + lx + ${SIDE * g}u];`);
      cols.push([`b${g}`, `lx * 4u + ${64 * g}u`, 4]);
    }
  } else {
    regs.push(`let b0 = Bs[kk * ${bn}u + lx];`);
    cols.push(["b0", "lx", 1]);
  }
  const acc: string[] = [], fmas: string[] = [], outputs: GemmOutput[] = [];
  rows.forEach(([a, rowAt], i) => {
    cols.forEach(([b, colAt, width], j) => {
      const c = `c${i}_${j}`;
      acc.push(`var ${c} = ${width === 4 ? "vec4<f32>()" : "0.0"};`);
      fmas.push(`${c} = ${c} + ${a} * ${b};`);
      for (let e = 0; e < width; e++) {
        outputs.push({ rowAt, colAt: `${colAt} + ${e}u`, value: width === 4 ? `${c}[${e}]` : c });
      }
    });
  });
  const loadsPerThread = (span: number) => (span * BK) / (SIDE * SIDE);
  const tile = (vec: boolean, size: number) =>
    vec ? `array<vec4<f32>, ${size / 4}>` : `array<f32, ${size}>`;
  const loop = (innerExtra = "") => `
    ${loads("As", loadsPerThread(bm), variant.transposeA, bm)}
    ${loads("Bs", loadsPerThread(bn), variant.transposeB, bn)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      ${regs.join("\n      ")}
      ${fmas.join("\n      ")}${innerExtra}
    }
    workgroupBarrier();`;
  return {
    tiles: `var<workgroup> As: ${tile(vecA, bm * BK)};\nvar<workgroup> Bs: ${tile(vecB, bn * BK)};`,
    acc: acc.join("\n  "),
    loop,
    rows,
    outputs,
  };
}

/**
 * The kernel of one variant. Bindings: A, B, C, params
 * [m, n, k, batchBase, rowTileBase], offsets [aOffset₀, bOffset₀, aOffset₁, …].
 * Dispatch: x = column tiles, y = row tiles, z = batches.
 */
export function matmulWgsl(variant: MatmulVariant): string {
  const { rows: bm, cols: bn } = tileOf(variant);
  const parts = gemmParts(variant);
  const stores = parts.outputs.map(({ rowAt, colAt, value }) =>
    `{ let row = row0 + ${rowAt}; let col = col0 + ${colAt};
    if (row < m && col < n) { C[c_off + row * n + col] = epilogue(${value}, col); } }`
  );
  return `
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<u32>;
@group(0) @binding(4) var<storage, read> offsets: array<u32>;
${parts.tiles}
${epilogueWgsl(variant.epilogue)}
@compute @workgroup_size(${SIDE}, ${SIDE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let m = p[0];
  let n = p[1];
  let k = p[2];
  let batch = p[3] + wg.z;
  let a_off = offsets[2u * batch];
  let b_off = offsets[2u * batch + 1u];
  let c_off = batch * m * n;
  let row0 = (p[4] + wg.y) * ${bm}u;
  let col0 = wg.x * ${bn}u;
  let lx = lid.x;
  let ly = lid.y;
  ${parts.acc}
  for (var t = 0u; t < k; t += ${BK}u) {${parts.loop()}
  }
  ${stores.join("\n  ")}
}`;
}
