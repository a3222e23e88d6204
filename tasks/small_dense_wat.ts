// The dense-layer pass of packages/tensor/wasm/small_gemm.wat beside its products (written into
// the same module by tasks/small_gemm_wat.ts): a small float64 dense layer's δ (relu's backward)
// and bias gradient in one pass, so that the layer's backward runs on δ in WebAssembly memory,
// between the two products that read it, with no copy of δ out and in again.

const get = (name: string): string => `(local.get $${name})`;

/** Column blocks: eight vectors (sixteen sums in flight), one vector, one column. */
const WIDTHS: (number | "s")[] = [8, 1, "s"];

/**
 * `dense_delta_f64(g, y, rows, cols, sums)` on a row-major `rows` × `cols` float64 matrix g
 * (∂L/∂z of a dense layer, rows ≥ 1):
 *
 * - when y ≠ 0, relu's backward in place: g[r, j] ← g[r, j] · (y[r, j] > 0 ? 1 : 0), a
 *   multiplication as the CPU kernel's `g * +(y > 0)` is (an infinite or NaN g at y ≤ 0 gives
 *   NaN), never a mask;
 * - when sums ≠ 0, the bias gradient 1ᵀ·δ: sums[j] = (((0 + δ[0, j]) + δ[1, j]) + …) +
 *   δ[rows − 1, j], each column summed down its rows in order from +0, as the CPU's row sums
 *   add them — so the same bits.
 *
 * Columns go in blocks of up to sixteen, each block's sums kept in registers down the rows.
 */
export function denseDelta(): string {
  const blocks = WIDTHS.map((width) => {
    const vectors = width === "s" ? 1 : width;
    const columns = width === "s" ? 1 : 2 * width;
    const accs = Array.from({ length: vectors }, (_, v) => `s${v}`);
    const load = (v: number) =>
      width === "s" ? "v128.load64_zero" : `v128.load${v ? ` offset=${16 * v}` : ""}`;
    const store = (v: number, at: string, value: string) =>
      width === "s"
        ? `(v128.store64_lane 0 ${at} ${value})`
        : `(v128.store${v ? ` offset=${16 * v}` : ""} ${at} ${value})`;
    // One row of the block: δ (masked or as it is), stored back when masked, added to its sum.
    const row = (relu: boolean) =>
      accs.flatMap((acc, v) => {
        const delta = relu
          ? [
            `(local.set $d (f64x2.mul (${load(v)} ${get("at")})`,
            `  (v128.and (f64x2.gt (${load(v)} ${get("yat")}) ${get("zero")}) ${get("one")})))`,
            store(v, get("at"), get("d")),
          ]
          : [`(local.set $d (${load(v)} ${get("at")}))`];
        return [...delta, `(local.set $${acc} (f64x2.add ${get(acc)} ${get("d")}))`];
      }).map((line) => `            ${line}`);
    const rows = (relu: boolean) =>
      `          (loop $rows_${width}_${relu ? "relu" : "plain"}
${row(relu).join("\n")}
            (local.set $at (i32.add ${get("at")} ${get("ld")}))
            ${relu ? `(local.set $yat (i32.add ${get("yat")} ${get("ld")}))` : ""}
            (br_if $rows_${width}_${relu ? "relu" : "plain"}
              (local.tee $r (i32.sub ${get("r")} (i32.const 1)))))`;
    return `    (block $done_${width}
      (loop $blocks_${width}
        (br_if $done_${width} (i32.gt_u (i32.add ${get("j")} (i32.const ${columns})) ${
      get("cols")
    }))
${accs.map((acc) => `        (local.set $${acc} (v128.const f64x2 0 0))`).join("\n")}
        (local.set $at (i32.add ${get("g")} (i32.shl ${get("j")} (i32.const 3))))
        (local.set $yat (i32.add ${get("y")} (i32.shl ${get("j")} (i32.const 3))))
        (local.set $r ${get("rows")})
        (if ${get("y")}
          (then
${rows(true)})
          (else
${rows(false)}))
        (if ${get("sums")}
          (then
            (local.set $dst (i32.add ${get("sums")} (i32.shl ${get("j")} (i32.const 3))))
${accs.map((acc, v) => `            ${store(v, get("dst"), get(acc))}`).join("\n")}))
        (local.set $j (i32.add ${get("j")} (i32.const ${columns})))
        (br $blocks_${width})))`;
  });
  const sums = Array.from({ length: 8 }, (_, v) => `(local $s${v} v128)`).join(" ");
  return `  ;; A dense layer's δ = g ⊙ relu′ in place (when y ≠ 0) and 1ᵀ·δ into sums (when sums ≠ 0).
  (func (export "dense_delta_f64") (param $g i32) (param $y i32) (param $rows i32)
    (param $cols i32) (param $sums i32)
    (local $j i32) (local $r i32) (local $at i32) (local $yat i32) (local $dst i32) (local $ld i32)
    (local $d v128) (local $zero v128) (local $one v128)
    ${sums}
    (local.set $ld (i32.shl ${get("cols")} (i32.const 3)))
    (local.set $one (v128.const f64x2 1 1))
${blocks.join("\n")})`;
}
