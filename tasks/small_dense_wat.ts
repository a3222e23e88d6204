// The dense-layer passes of packages/tensor/wasm/small_gemm.wat beside its products (written
// into the same module by tasks/small_gemm_wat.ts): a dense layer's relu backward and its bias
// gradient, so that a small float64 layer's backward runs on δ in WebAssembly memory, between
// the two products that read it, with no copy of δ out and in again.

const get = (name: string): string => `(local.get $${name})`;

/**
 * relu's backward in place on `count` float64 elements: g[i] ← g[i] · (y[i] > 0 ? 1 : 0), a
 * multiplication as the CPU kernel's `g[i] * +(y[i] > 0)` is (so g = −3 at y = 0 gives −0, and
 * an infinite or NaN g gives NaN), never a mask. Pairs, then a last odd element alone.
 */
export function reluBackward(): string {
  return `  (func (export "relu_backward_f64") (param $g i32) (param $y i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add ${get("g")} (i32.shl (i32.and ${get("count")} (i32.const -2))
      (i32.const 3))))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u ${get("g")} ${get("end")}))
        (v128.store ${get("g")} (f64x2.mul (v128.load ${get("g")})
          (v128.and (f64x2.gt (v128.load ${get("y")}) (v128.const f64x2 0 0))
            (v128.const f64x2 1 1))))
        (local.set $g (i32.add ${get("g")} (i32.const 16)))
        (local.set $y (i32.add ${get("y")} (i32.const 16)))
        (br $pairs)))
    (if (i32.and ${get("count")} (i32.const 1))
      (then
        (f64.store ${get("g")} (f64.mul (f64.load ${get("g")})
          (select (f64.const 1) (f64.const 0) (f64.gt (f64.load ${get("y")}) (f64.const 0))))))))`;
}

/** Column blocks of the bias gradient: eight vectors (sixteen sums in flight), one, one column. */
const WIDTHS: (number | "s")[] = [8, 1, "s"];

/**
 * The column sums of a row-major `rows` × `cols` float64 matrix (a dense layer's bias gradient
 * 1ᵀ·δ): out[j] = (((0 + x[0, j]) + x[1, j]) + …) + x[rows − 1, j], each column summed down its
 * rows in order from +0, as the CPU's row sums add them — so the same bits. Columns go in
 * blocks of up to sixteen, each block's sums kept in registers down all the rows.
 */
export function columnSums(): string {
  const blocks = WIDTHS.map((width) => {
    const vectors = width === "s" ? 1 : width;
    const columns = width === "s" ? 1 : 2 * width;
    const accs = Array.from({ length: vectors }, (_, v) => `s${v}`);
    const load = (v: number) =>
      width === "s" ? "v128.load64_zero" : `v128.load${v ? ` offset=${16 * v}` : ""}`;
    const adds = accs.map((acc, v) =>
      `            (local.set $${acc} (f64x2.add ${get(acc)} (${load(v)} ${get("at")})))`
    );
    const stores = accs.map((acc, v) =>
      width === "s"
        ? `        (v128.store64_lane 0 ${get("dst")} ${get(acc)})`
        : `        (v128.store${v ? ` offset=${16 * v}` : ""} ${get("dst")} ${get(acc)})`
    );
    return `    (block $done_${width}
      (loop $blocks_${width}
        (br_if $done_${width} (i32.gt_u (i32.add ${get("j")} (i32.const ${columns})) ${
      get("cols")
    }))
${accs.map((acc) => `        (local.set $${acc} (v128.const f64x2 0 0))`).join("\n")}
        (local.set $at (i32.add ${get("x")} (i32.shl ${get("j")} (i32.const 3))))
        (local.set $r ${get("rows")})
        (loop $rows_${width}
${adds.join("\n")}
          (local.set $at (i32.add ${get("at")} ${get("ld")}))
          (br_if $rows_${width} (local.tee $r (i32.sub ${get("r")} (i32.const 1)))))
        (local.set $dst (i32.add ${get("out")} (i32.shl ${get("j")} (i32.const 3))))
${stores.join("\n")}
        (local.set $j (i32.add ${get("j")} (i32.const ${columns})))
        (br $blocks_${width})))`;
  });
  const sums = Array.from({ length: 8 }, (_, v) => `(local $s${v} v128)`).join(" ");
  return `  ;; out[j] = Σ_r x[r, j] for a row-major rows × cols float64 matrix at x (rows ≥ 1).
  (func (export "column_sums_f64") (param $x i32) (param $rows i32) (param $cols i32)
    (param $out i32)
    (local $j i32) (local $r i32) (local $at i32) (local $dst i32) (local $ld i32)
    ${sums}
    (local.set $ld (i32.shl ${get("cols")} (i32.const 3)))
${blocks.join("\n")})`;
}
