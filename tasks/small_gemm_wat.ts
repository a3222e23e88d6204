// Writes the text of packages/tensor/wasm/small_gemm.wat (tasks/build_wasm.ts writes it beside
// the other sources and assembles it): the GEMM for small products, without packing.
//
// Its tiles are many near-identical functions (4 or 1 rows × two vectors, one vector or one
// column of C, float64 and float32), so they are generated here rather than written out by
// hand. Every element of C is summed exactly as wasm/gemm.wat sums it when k fits in one of
// its slices (k ≤ 256): `acc = madd(a_ip, b_pj, acc)` for p = 0 … k − 1 from acc = 0, with
// the same instruction per build (relaxed: `fNxM.relaxed_madd`; portable, rewritten by
// build_wasm.ts: a multiply then an add), then + bias[j] in a separate addition — so both
// modules give the same bits for the same build.

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

/** Columns of one tile: two vectors, one vector, or a single column (lane 0 of a vector). */
type Width = 2 | 1 | "s";

const get = (name: string): string => `(local.get $${name})`;

/**
 * A tile of `rows` rows × `width` of C: `c[r, j] = Σ_p a[r, p]·b[p, j]` (+ bias[j]), with
 * op(A) read at a + r·ars + p·aks and op(B) at b + p·ldb + j·bytes.
 */
function tile(t: ElementType, rows: 4 | 1, width: Width): string {
  const vectors = width === 2 ? 2 : 1;
  const accs: string[][] = [];
  for (let r = 0; r < rows; r++) {
    accs.push(Array.from({ length: vectors }, (_, v) => `c${r}${v}`));
  }
  const out: string[] = [];
  out.push(
    `  (func $tile_${t.name}_${rows}_${width} (param $a i32) (param $ars i32) (param $aks i32)`,
    `    (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $k i32)`,
    `    (param $bias i32)`,
    `    (local $x v128) (local $b0 v128) (local $b1 v128) (local $ars2 i32) (local $ars3 i32)`,
    `    ${accs.flat().map((n) => `(local $${n} v128)`).join(" ")}`,
  );
  if (rows === 4) {
    out.push(
      `    (local.set $ars2 (i32.add ${get("ars")} ${get("ars")}))`,
      `    (local.set $ars3 (i32.add (local.get $ars2) ${get("ars")}))`,
    );
  }
  out.push(`    (loop $k`);
  if (width === "s") out.push(`      (local.set $b0 (${t.one} ${get("b")}))`);
  else out.push(`      (local.set $b0 (v128.load ${get("b")}))`);
  if (vectors === 2) out.push(`      (local.set $b1 (v128.load offset=16 ${get("b")}))`);
  const rowAt = ["(local.get $a)", "(i32.add (local.get $a) (local.get $ars))"];
  rowAt.push("(i32.add (local.get $a) (local.get $ars2))");
  rowAt.push("(i32.add (local.get $a) (local.get $ars3))");
  for (let r = 0; r < rows; r++) {
    out.push(`      (local.set $x (${t.splat} ${rowAt[r]}))`);
    for (let v = 0; v < vectors; v++) {
      const acc = accs[r][v];
      out.push(
        `      (local.set $${acc} (${t.vec}.relaxed_madd ${get("x")} ${get(`b${v}`)} ${get(acc)}))`,
      );
    }
  }
  out.push(
    `      (local.set $a (i32.add ${get("a")} ${get("aks")}))`,
    `      (local.set $b (i32.add ${get("b")} ${get("ldb")}))`,
    `      (br_if $k (local.tee $k (i32.sub ${get("k")} (i32.const 1)))))`,
  );
  // + bias[j], one addition after the sum (as the JavaScript loop of wasm/gemm.ts adds it).
  // Where both are NaN, which one's sign and payload C gets is the hardware's choice (so it is
  // in the JavaScript loop too, and there it varied between V8's tiers): C is NaN either way.
  out.push(`    (if ${get("bias")} (then`);
  out.push(`      (local.set $b0 (${width === "s" ? t.one : "v128.load"} ${get("bias")}))`);
  if (vectors === 2) out.push(`      (local.set $b1 (v128.load offset=16 ${get("bias")}))`);
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      const acc = accs[r][v];
      out.push(`      (local.set $${acc} (${t.vec}.add ${get(acc)} ${get(`b${v}`)}))`);
    }
  }
  out.push(`    ))`);
  for (let r = 0; r < rows; r++) {
    if (r > 0) out.push(`    (local.set $c (i32.add ${get("c")} ${get("ldc")}))`);
    if (width === "s") {
      out.push(`    (${t.lane} ${get("c")} ${get(accs[r][0])})`);
    } else {
      for (let v = 0; v < vectors; v++) {
        out.push(`    (v128.store${v ? " offset=16" : ""} ${get("c")} ${get(accs[r][v])})`);
      }
    }
  }
  out.push(`  )`);
  return out.join("\n");
}

/** One band of `rows` rows of C, across all n columns: wide tiles, then the narrow edge. */
function band(t: ElementType, rows: 4 | 1): string {
  const wide = 2 * t.lanes, es = t.bytes;
  const call = (width: Width) =>
    `(call $tile_${t.name}_${rows}_${width} ${get("a")} ${get("ars")} ${get("aks")}
          (i32.add ${get("b")} (i32.mul ${get("j")} (i32.const ${es}))) ${get("ldb")}
          (i32.add ${get("c")} (i32.mul ${get("j")} (i32.const ${es}))) ${get("ldc")} ${get("k")}
          (select (i32.add ${get("bias")} (i32.mul ${get("j")} (i32.const ${es}))) (i32.const 0)
            ${get("bias")}))`;
  return `  (func $band_${t.name}_${rows} (param $a i32) (param $ars i32) (param $aks i32)
    (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $n i32) (param $k i32)
    (param $bias i32)
    (local $j i32)
    (block $wide_done
      (loop $wide
        (br_if $wide_done (i32.gt_u (i32.add ${get("j")} (i32.const ${wide})) ${get("n")}))
        ${call(2)}
        (local.set $j (i32.add ${get("j")} (i32.const ${wide})))
        (br $wide)))
    (if (i32.le_u (i32.add ${get("j")} (i32.const ${t.lanes})) ${get("n")})
      (then
        ${call(1)}
        (local.set $j (i32.add ${get("j")} (i32.const ${t.lanes})))))
    (block $single_done
      (loop $single
        (br_if $single_done (i32.ge_u ${get("j")} ${get("n")}))
        ${call("s")}
        (local.set $j (i32.add ${get("j")} (i32.const 1)))
        (br $single))))`;
}

/** The exported product for one element type. */
function product(t: ElementType): string {
  const es = t.bytes;
  return `  ;; C (m × n, row-major, row stride n elements) = op(A) · op(B) (+ bias when bias ≠ 0), in
  ;; ${t.name}. op(A)[i, p] is at a + i·ars + p·aks and op(B)[p, j] at b + p·bks + j·bcs (bytes);
  ;; when op(B)'s columns are not adjacent (bcs ≠ ${es}) it is first copied to \`scratch\` as a
  ;; k × n row-major matrix. Needs m, n, k ≥ 1.
  (func (export "small_gemm_${t.name}") (param $a i32) (param $ars i32) (param $aks i32)
    (param $b i32) (param $bks i32) (param $bcs i32) (param $c i32) (param $m i32) (param $n i32)
    (param $k i32) (param $bias i32) (param $scratch i32)
    (local $ldb i32) (local $ldc i32) (local $i i32) (local $j i32) (local $p i32) (local $src i32)
    (local $dst i32)
    (local.set $ldc (i32.mul ${get("n")} (i32.const ${es})))
    (local.set $ldb ${get("bks")})
    (if (i32.ne ${get("bcs")} (i32.const ${es}))
      (then
        ;; Column j of op(B) (k elements, bks apart) becomes column j of a k × n matrix.
        (loop $columns
          (local.set $src (i32.add ${get("b")} (i32.mul ${get("j")} ${get("bcs")})))
          (local.set $dst (i32.add ${get("scratch")} (i32.mul ${get("j")} (i32.const ${es}))))
          (local.set $p ${get("k")})
          (loop $steps
            (${t.store} ${get("dst")} (${t.load} ${get("src")}))
            (local.set $src (i32.add ${get("src")} ${get("bks")}))
            (local.set $dst (i32.add ${get("dst")} ${get("ldc")}))
            (br_if $steps (local.tee $p (i32.sub ${get("p")} (i32.const 1)))))
          (br_if $columns (i32.lt_u (local.tee $j (i32.add ${get("j")} (i32.const 1))) ${
    get("n")
  })))
        (local.set $b ${get("scratch")})
        (local.set $ldb ${get("ldc")})))
    (block $bands_done
      (loop $bands
        (br_if $bands_done (i32.gt_u (i32.add ${get("i")} (i32.const 4)) ${get("m")}))
        (call $band_${t.name}_4 ${get("a")} ${get("ars")} ${get("aks")} ${get("b")} ${get("ldb")}
          ${get("c")} ${get("ldc")} ${get("n")} ${get("k")} ${get("bias")})
        (local.set $a (i32.add ${get("a")} (i32.shl ${get("ars")} (i32.const 2))))
        (local.set $c (i32.add ${get("c")} (i32.shl ${get("ldc")} (i32.const 2))))
        (local.set $i (i32.add ${get("i")} (i32.const 4)))
        (br $bands)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u ${get("i")} ${get("m")}))
        (call $band_${t.name}_1 ${get("a")} ${get("ars")} ${get("aks")} ${get("b")} ${get("ldb")}
          ${get("c")} ${get("ldc")} ${get("n")} ${get("k")} ${get("bias")})
        (local.set $a (i32.add ${get("a")} ${get("ars")}))
        (local.set $c (i32.add ${get("c")} ${get("ldc")}))
        (local.set $i (i32.add ${get("i")} (i32.const 1)))
        (br $rows))))`;
}

/** The whole module's text. */
export function smallGemmWat(): string {
  const parts = [
    ";; Generated by tasks/small_gemm_wat.ts (deno task build:wasm) — do not edit.",
    ";;",
    ";; glassbox GEMM for small products (WebAssembly SIMD, no packing): C is written in place",
    ";; with row stride n, tiles of 4 rows × 2 vectors (float64 4 × 4, float32 4 × 8), then",
    ";; narrower tiles for the last columns and 1-row tiles for the last rows. Each element is",
    ";; summed as wasm/gemm.wat sums it within one k slice, so for k ≤ 256 the two modules of",
    ";; the same build give the same bits.",
    "(module",
    '  (memory (export "memory") 1)',
  ];
  for (const t of TYPES) {
    for (const rows of [4, 1] as const) {
      for (const width of [2, 1, "s"] as const) parts.push(tile(t, rows, width));
      parts.push(band(t, rows));
    }
    parts.push(product(t));
  }
  parts.push(")");
  return parts.join("\n") + "\n";
}
