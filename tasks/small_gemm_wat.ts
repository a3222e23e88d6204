// Writes the text of packages/tensor/wasm/small_gemm.wat (tasks/build_wasm.ts writes it beside
// the other sources and assembles it): the GEMM for small products, without packing.
//
// Its tiles are many near-identical functions (6, 2 or 1 rows × up to eight vectors or one
// column of C, op(A) as stored or transposed, float64 and float32), so they are generated
// here rather than written out by hand. Every element of C is summed exactly as wasm/gemm.wat sums it when k fits in one of
// its slices (k ≤ 256): `acc = madd(a_ip, b_pj, acc)` for p = 0 … k − 1 from acc = 0, with
// the same instruction per build (relaxed: `fNxM.relaxed_madd`; portable, rewritten by
// build_wasm.ts: a multiply then an add), then + bias[j] in a separate addition — so both
// modules give the same bits for the same build.

import { denseDelta } from "./small_dense_wat.ts";

/** One element type: its name, bytes, lanes per v128 and the instructions that depend on it. */
interface ElementType {
  name: "f64" | "f32";
  bytes: number;
  lanes: number;
  vec: "f64x2" | "f32x4";
  splat: string;
  one: string;
  lane: string;
  load: string;
  store: string;
}

const TYPES: ElementType[] = [
  {
    name: "f64",
    bytes: 8,
    lanes: 2,
    vec: "f64x2",
    splat: "v128.load64_splat",
    one: "v128.load64_zero",
    lane: "v128.store64_lane 0",
    load: "f64.load",
    store: "f64.store",
  },
  {
    name: "f32",
    bytes: 4,
    lanes: 4,
    vec: "f32x4",
    splat: "v128.load32_splat",
    one: "v128.load32_zero",
    lane: "v128.store32_lane 0",
    load: "f32.load",
    store: "f32.store",
  },
];

/** Columns of one tile: a number of vectors, or a single column (lane 0 of a vector). */
type Width = number | "s";

/**
 * Tile heights, each with its widths from widest to narrowest: C is covered by bands of the
 * first height while they fit, then of the next ones; each band by tiles of its first width
 * while they fit, then of the next ones. A tile keeps rows × vectors accumulators (at most
 * 12, with the operands' registers within x64's 16); short bands take wider tiles, so that
 * every tile has about 8 or more independent sums in flight. The 3-row band is for batches of
 * 33 rows (five 6-row bands and one of 3): before it, the last 3 rows went to a 2-row and a
 * 1-row band, 9% of a Dense(32, 32) forward's samples for a tenth of its rows.
 */
const BANDS: [number, Width[]][] = [
  [6, [2, 1, "s"]],
  [3, [3, 1, "s"]],
  [2, [4, 1, "s"]],
  [1, [8, 2, 1, "s"]],
];

const get = (name: string): string => `(local.get $${name})`;

/**
 * How op(A) is laid out: "row" when a row's steps are adjacent (aks = element size: A as
 * stored), "col" when a step's rows are (ars = element size: A read transposed). Either
 * way one of the two strides is an immediate offset, so each load costs at most one add.
 */
type Layout = "row" | "col";
const LAYOUTS: Layout[] = ["row", "col"];

/**
 * A tile of \`rows\` rows × \`width\` of C: \`c[r, j] = Σ_p a[r, p]·b[p, j]\` (+ bias[j]), with
 * op(A) read at a + r·ars + p·aks and op(B) at b + p·ldb + j·bytes.
 */
function tile(t: ElementType, layout: Layout, rows: number, width: Width): string {
  const vectors = width === "s" ? 1 : width;
  const accs: string[][] = [];
  for (let r = 0; r < rows; r++) {
    accs.push(Array.from({ length: vectors }, (_, v) => `c${r}_${v}`));
  }
  const bs = Array.from({ length: rows === 1 ? 1 : vectors }, (_, v) => `b${v}`);
  const rowLocals = Array.from({ length: rows }, (_, r) => `r${r}`);
  const out: string[] = [];
  out.push(
    `  (func $tile_${t.name}_${layout}_${rows}_${width} (param $a i32) (param $ars i32)`,
    `    (param $aks i32)`,
    `    (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $k i32)`,
    `    (param $bias i32) (param $relu i32)`,
    `    (local $x v128) ${bs.map((n) => `(local $${n} v128)`).join(" ")} (local $bs i32)`,
    `    (local $a2 i32) (local $step i32)`,
    `    ${rowLocals.map((n) => `(local $${n} i32)`).join(" ")}`,
    `    ${accs.flat().map((n) => `(local $${n} v128)`).join(" ")}`,
  );
  // "row": row r of op(A) is r·ars past a (local r<r>), the next step one element further.
  if (layout === "row") {
    for (let r = 1; r < rows; r++) {
      out.push(`    (local.set $r${r} (i32.add ${get(`r${r - 1}`)} ${get("ars")}))`);
    }
  }
  // One step p: op(B)'s row at b (at bs for the second step of a pair); op(A)'s rows at a
  // ("row": plus r·ars, then one element further; "col": r elements on, then at a2 = a + aks).
  const step = (second: boolean): string[] => {
    const lines: string[] = [];
    const bAt = second ? get("bs") : get("b");
    const loadB = (v: number) => {
      const load = width === "s" ? t.one : `v128.load${v ? ` offset=${16 * v}` : ""}`;
      // One row: each vector of B is loaded just before its one use (fewer live registers).
      lines.push(`      (local.set $b${rows === 1 ? 0 : v} (${load} ${bAt}))`);
    };
    if (rows > 1) { for (let v = 0; v < vectors; v++) loadB(v); }
    for (let r = 0; r < rows; r++) {
      let at: string;
      if (layout === "row") {
        const base = r === 0 ? get("a") : `(i32.add ${get("a")} ${get(`r${r}`)})`;
        at = `${second ? `offset=${t.bytes} ` : ""}${base}`;
      } else {
        at = `${r ? `offset=${r * t.bytes} ` : ""}${second ? get("a2") : get("a")}`;
      }
      lines.push(`      (local.set $x (${t.splat} ${at}))`);
      for (let v = 0; v < vectors; v++) {
        if (rows === 1) loadB(v);
        const acc = accs[r][v], bv = `b${rows === 1 ? 0 : v}`;
        lines.push(
          `      (local.set $${acc} (${t.vec}.relaxed_madd ${get("x")} ${get(bv)} ${get(acc)}))`,
        );
      }
    }
    return lines;
  };
  // An odd k starts with one step; the loop then takes two steps at a time (half the
  // pointer updates and branches per multiply-add), in the same order p = 0 … k − 1.
  out.push(`    (if (i32.and ${get("k")} (i32.const 1)) (then`);
  out.push(...step(false));
  out.push(
    `      (local.set $a (i32.add ${get("a")} ${get("aks")}))`,
    `      (local.set $b (i32.add ${get("b")} ${get("ldb")}))))`,
    `    (local.set $k (i32.shr_u ${get("k")} (i32.const 1)))`,
  );
  out.push(
    `    (local.set $step ${get("aks")})`,
    `    (local.set $aks (i32.shl ${get("aks")} (i32.const 1)))`,
    `    (if ${get("k")} (then (loop $k`,
    `      (local.set $bs (i32.add ${get("b")} ${get("ldb")}))`,
  );
  if (layout === "col") out.push(`      (local.set $a2 (i32.add ${get("a")} ${get("step")}))`);
  out.push(...step(false), ...step(true));
  out.push(
    `      (local.set $a (i32.add ${get("a")} ${get("aks")}))`,
    `      (local.set $b (i32.add ${get("bs")} ${get("ldb")}))`,
    `      (br_if $k (local.tee $k (i32.sub ${get("k")} (i32.const 1)))))))`,
  );
  // + bias[j], one addition after the sum (as the JavaScript loop of wasm/gemm.ts adds it).
  // Where both are NaN, which one's sign and payload C gets is the hardware's choice (so it is
  // in the JavaScript loop too, and there it varied between V8's tiers): C is NaN either way.
  out.push(`    (if ${get("bias")} (then`);
  for (let v = 0; v < vectors; v++) {
    const load = width === "s" ? t.one : `v128.load${v ? ` offset=${16 * v}` : ""}`;
    const bv = `b${rows === 1 ? 0 : v}`;
    out.push(`      (local.set $${bv} (${load} ${get("bias")}))`);
    for (let r = 0; r < rows; r++) {
      const acc = accs[r][v];
      out.push(`      (local.set $${acc} (${t.vec}.add ${get(acc)} ${get(bv)}))`);
    }
  }
  out.push(`    ))`);
  // A dense layer's relu, after the bias: x where x > 0 or x is NaN, else +0 (the CPU relu's
  // values: a NaN keeps its bits, −0 becomes +0), as a mask with no branch.
  const zero = `(v128.const ${t.vec} ${Array(t.lanes).fill(0).join(" ")})`;
  out.push(`    (if ${get("relu")} (then`);
  for (const acc of accs.flat()) {
    out.push(
      `      (local.set $${acc} (v128.and ${get(acc)} (v128.or (${t.vec}.gt ${get(acc)} ${zero})`,
      `        (${t.vec}.ne ${get(acc)} ${get(acc)}))))`,
    );
  }
  out.push(`    ))`);
  for (let r = 0; r < rows; r++) {
    if (r > 0) out.push(`    (local.set $c (i32.add ${get("c")} ${get("ldc")}))`);
    if (width === "s") {
      out.push(`    (${t.lane} ${get("c")} ${get(accs[r][0])})`);
    } else {
      for (let v = 0; v < vectors; v++) {
        out.push(`    (v128.store${v ? ` offset=${16 * v}` : ""} ${get("c")} ${get(accs[r][v])})`);
      }
    }
  }
  out.push(`  )`);
  return out.join("\n");
}

/** One band of \`rows\` rows of C, across all n columns: wide tiles, then narrower ones. */
function band(t: ElementType, layout: Layout, rows: number, widths: Width[]): string {
  const es = t.bytes;
  const loops = widths.map((width) => {
    const columns = width === "s" ? 1 : width * t.lanes;
    return `    (block $done_${width}
      (loop $tiles_${width}
        (br_if $done_${width} (i32.gt_u (i32.add ${get("j")} (i32.const ${columns})) ${get("n")}))
        (call $tile_${t.name}_${layout}_${rows}_${width} ${get("a")} ${get("ars")} ${get("aks")}
          (i32.add ${get("b")} (i32.mul ${get("j")} (i32.const ${es}))) ${get("ldb")}
          (i32.add ${get("c")} (i32.mul ${get("j")} (i32.const ${es}))) ${get("ldc")} ${get("k")}
          (select (i32.add ${get("bias")} (i32.mul ${get("j")} (i32.const ${es}))) (i32.const 0)
            ${get("bias")}) ${get("relu")})
        (local.set $j (i32.add ${get("j")} (i32.const ${columns})))
        (br $tiles_${width})))`;
  });
  return `  (func $band_${t.name}_${layout}_${rows} (param $a i32) (param $ars i32) (param $aks i32)
    (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $n i32) (param $k i32)
    (param $bias i32) (param $relu i32)
    (local $j i32)
${loops.join("\n")})`;
}

/**
 * Copies op(B) (k × n, element (p, j) at src + p·bks + j·bcs) to dst as a row-major matrix
 * (row stride ldc bytes). Where a column's steps are adjacent (bks = element size: B read
 * transposed), two columns × two steps move at once: two loads, two shuffles, two stores.
 */
function transpose(t: ElementType): string {
  const es = t.bytes;
  // Row p takes element 0 of each column's pair, row p + 1 element 1 (bytes of v0, then v1).
  const pick = (first: number) => {
    const bytes: number[] = [];
    for (let i = 0; i < es; i++) bytes.push(first * es + i);
    for (let i = 0; i < es; i++) bytes.push(16 + first * es + i);
    while (bytes.length < 16) bytes.push(bytes.length % 16);
    return bytes.join(" ");
  };
  const load = es === 8 ? "v128.load" : "v128.load64_zero";
  const store = (at: string, value: string) =>
    es === 8 ? `(v128.store ${at} ${value})` : `(v128.store64_lane 0 ${at} ${value})`;
  return `  (func $transpose_${t.name} (param $src i32) (param $bks i32) (param $bcs i32) (param $n i32)
    (param $k i32) (param $dst i32) (param $ldc i32)
    (local $j i32) (local $p i32) (local $s0 i32) (local $s1 i32) (local $d i32)
    (local $v0 v128) (local $v1 v128)
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_u (i32.add ${get("j")} (i32.const 2)) ${get("n")}))
        (local.set $s0 (i32.add ${get("src")} (i32.mul ${get("j")} ${get("bcs")})))
        (local.set $s1 (i32.add ${get("s0")} ${get("bcs")}))
        (local.set $d (i32.add ${get("dst")} (i32.mul ${get("j")} (i32.const ${es}))))
        (local.set $p (i32.const 0))
        (if (i32.eq ${get("bks")} (i32.const ${es}))
          (then
            (block $blocks_done
              (loop $blocks
                (br_if $blocks_done (i32.gt_u (i32.add ${get("p")} (i32.const 2)) ${get("k")}))
                (local.set $v0 (${load} ${get("s0")}))
                (local.set $v1 (${load} ${get("s1")}))
                ${store(get("d"), `(i8x16.shuffle ${pick(0)} ${get("v0")} ${get("v1")})`)}
                ${
    store(
      `(i32.add ${get("d")} ${get("ldc")})`,
      `(i8x16.shuffle ${pick(1)} ${get("v0")} ${get("v1")})`,
    )
  }
                (local.set $s0 (i32.add ${get("s0")} (i32.const ${2 * es})))
                (local.set $s1 (i32.add ${get("s1")} (i32.const ${2 * es})))
                (local.set $d (i32.add ${get("d")} (i32.shl ${get("ldc")} (i32.const 1))))
                (local.set $p (i32.add ${get("p")} (i32.const 2)))
                (br $blocks)))))
        (block $steps_done
          (loop $steps
            (br_if $steps_done (i32.ge_u ${get("p")} ${get("k")}))
            (${t.store} ${get("d")} (${t.load} ${get("s0")}))
            (${t.store} offset=${es} ${get("d")} (${t.load} ${get("s1")}))
            (local.set $s0 (i32.add ${get("s0")} ${get("bks")}))
            (local.set $s1 (i32.add ${get("s1")} ${get("bks")}))
            (local.set $d (i32.add ${get("d")} ${get("ldc")}))
            (local.set $p (i32.add ${get("p")} (i32.const 1)))
            (br $steps)))
        (local.set $j (i32.add ${get("j")} (i32.const 2)))
        (br $pairs)))
    ;; An odd n: the last column alone.
    (if (i32.lt_u ${get("j")} ${get("n")})
      (then
        (local.set $s0 (i32.add ${get("src")} (i32.mul ${get("j")} ${get("bcs")})))
        (local.set $d (i32.add ${get("dst")} (i32.mul ${get("j")} (i32.const ${es}))))
        (local.set $p (i32.const 0))
        (loop $last
          (${t.store} ${get("d")} (${t.load} ${get("s0")}))
          (local.set $s0 (i32.add ${get("s0")} ${get("bks")}))
          (local.set $d (i32.add ${get("d")} ${get("ldc")}))
          (br_if $last (i32.lt_u (local.tee $p (i32.add ${get("p")} (i32.const 1))) ${
    get("k")
  }))))))`;
}

/** The exported product for one element type. */
function product(t: ElementType): string {
  const es = t.bytes;
  return `  ;; C (m × n, row-major, row stride n elements) = op(A) · op(B) (+ bias when bias ≠ 0), in
  ;; ${t.name}. op(A)[i, p] is at a + i·ars + p·aks and op(B)[p, j] at b + p·bks + j·bcs (bytes);
  ;; when op(B)'s columns are not adjacent (bcs ≠ ${es}) it is first copied to \`scratch\` as a
  ;; k × n row-major matrix. When relu ≠ 0, C is a dense layer's relu of that. Needs m, n, k ≥ 1.
  (func (export "small_gemm_${t.name}") (param $a i32) (param $ars i32) (param $aks i32)
    (param $b i32) (param $bks i32) (param $bcs i32) (param $c i32) (param $m i32) (param $n i32)
    (param $k i32) (param $bias i32) (param $scratch i32) (param $relu i32)
    (local $ldb i32) (local $ldc i32) (local $i i32)
    (local.set $ldc (i32.mul ${get("n")} (i32.const ${es})))
    (local.set $ldb ${get("bks")})
    (if (i32.ne ${get("bcs")} (i32.const ${es}))
      (then
        (call $transpose_${t.name} ${get("b")} ${get("bks")} ${get("bcs")} ${get("n")} ${get("k")}
          ${get("scratch")} ${get("ldc")})
        (local.set $b ${get("scratch")})
        (local.set $ldb ${get("ldc")})))
    ;; op(A) as stored (a row's steps adjacent), else read transposed (a step's rows adjacent).
    (if (i32.eq ${get("aks")} (i32.const ${es}))
      (then
${bands(t, "row")})
      (else
${bands(t, "col")})))`;
}

/** The loops over bands of C's rows, from the tallest band. */
function bands(t: ElementType, layout: Layout): string {
  return BANDS.map(([rows]) =>
    `        (block $bands_${rows}_done
          (loop $bands_${rows}
            (br_if $bands_${rows}_done
              (i32.gt_u (i32.add ${get("i")} (i32.const ${rows})) ${get("m")}))
            (call $band_${t.name}_${layout}_${rows} ${get("a")} ${get("ars")} ${get("aks")}
              ${get("b")} ${get("ldb")} ${get("c")} ${get("ldc")} ${get("n")} ${get("k")} ${
      get("bias")
    } ${get("relu")})
            (local.set $a (i32.add ${get("a")} (i32.mul ${get("ars")} (i32.const ${rows}))))
            (local.set $c (i32.add ${get("c")} (i32.mul ${get("ldc")} (i32.const ${rows}))))
            (local.set $i (i32.add ${get("i")} (i32.const ${rows})))
            (br $bands_${rows})))`
  ).join("\n");
}

/**
 * The whole module's text; with `f64Only`, the float64 product alone (no float32 product, no
 * dense_delta_f64): the build the worker threads load for a dense chain's layers.
 */
export function smallGemmWat({ f64Only = false }: { f64Only?: boolean } = {}): string {
  const parts = [
    ";; Generated by tasks/small_gemm_wat.ts (deno task build:wasm) — do not edit.",
    ";;",
    ";; glassbox GEMM for small products (WebAssembly SIMD, no packing): C is written in place",
    ";; with row stride n, in tiles of 6 rows × 2 vectors (float64 6 × 4, float32 6 × 8), then",
    ";; narrower tiles for the last columns and 2- and 1-row tiles (wider) for the last rows.",
    ";; op(A) is read in place through its strides; op(B) in place when its rows are",
    ";; contiguous, else after one transposing copy. Each element is summed as wasm/gemm.wat",
    ";; sums it within one k slice, so for k ≤ 256 the two modules of the same build give the",
    ";; same bits. A tile's epilogue adds the bias after the sum, then (when relu ≠ 0) applies a",
    ";; dense layer's relu; dense_delta_f64 is a small dense layer's relu backward and bias",
    ";; gradient in one pass (tasks/small_dense_wat.ts).",
    "(module",
    '  (memory (export "memory") 1)',
  ];
  for (const t of f64Only ? TYPES.filter((t) => t.name === "f64") : TYPES) {
    for (const layout of LAYOUTS) {
      for (const [rows, widths] of BANDS) {
        for (const width of widths) parts.push(tile(t, layout, rows, width));
        parts.push(band(t, layout, rows, widths));
      }
    }
    parts.push(transpose(t));
    parts.push(product(t));
  }
  if (!f64Only) parts.push(denseDelta());
  parts.push(")");
  return parts.join("\n") + "\n";
}
