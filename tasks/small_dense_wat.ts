// The dense-layer pass of packages/tensor/wasm/small_gemm.wat beside its products (written into
// the same module by tasks/small_gemm_wat.ts): a small float64 dense layer's δ (relu's backward)
// and bias gradient in one pass, so that the layer's backward runs on δ in WebAssembly memory,
// between the two products that read it, with no copy of δ out and in again.

const get = (name: string): string => `(local.get $${name})`;

/** What δ is: g as it is, or g times relu′, tanh′ or sigmoid′ (from the saved output y). */
type Kind = "plain" | "relu" | "tanh" | "sigmoid";

/** Column blocks: eight vectors (sixteen sums in flight), one vector, one column. */
const WIDTHS: (number | "s")[] = [8, 1, "s"];

/**
 * `dense_delta_f64(g, y, rows, cols, sums, act)` on a row-major `rows` × `cols` float64
 * matrix g (∂L/∂z of a dense layer, rows ≥ 1):
 *
 * - when y ≠ 0, the activation's backward in place from its saved output y, with the CPU
 *   kernels' operations in their order: act 1, relu: g[r, j] ← g[r, j] · (y[r, j] > 0 ? 1 : 0),
 *   a multiplication as the CPU kernel's `g * +(y > 0)` is (an infinite or NaN g at y ≤ 0
 *   gives NaN), never a mask; act 2, tanh: g · (−(y · y) + 1); act 3, sigmoid:
 *   (g · (−y + 1)) · y;
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
    // One row of the block: δ (g times the derivative, or g as it is), stored back when it
    // changed, added to its sum.
    const row = (kind: Kind) =>
      accs.flatMap((acc, v) => {
        const g = `(${load(v)} ${get("at")})`, y = `(${load(v)} ${get("yat")})`;
        const delta = kind === "plain" ? [`(local.set $d ${g})`] : [
          ...(kind === "relu"
            ? [
              `(local.set $d (f64x2.mul ${g}`,
              `  (v128.and (f64x2.gt ${y} ${get("zero")}) ${get("one")})))`,
            ]
            : kind === "tanh"
            ? [
              `(local.set $e ${y})`,
              `(local.set $d (f64x2.mul ${g}`,
              `  (f64x2.add (f64x2.neg (f64x2.mul ${get("e")} ${get("e")})) ${get("one")})))`,
            ]
            : [
              `(local.set $e ${y})`,
              `(local.set $d (f64x2.mul (f64x2.mul ${g}`,
              `  (f64x2.add (f64x2.neg ${get("e")}) ${get("one")})) ${get("e")}))`,
            ]),
          store(v, get("at"), get("d")),
        ];
        return [...delta, `(local.set $${acc} (f64x2.add ${get(acc)} ${get("d")}))`];
      }).map((line) => `            ${line}`);
    const rows = (kind: Kind) =>
      `          (loop $rows_${width}_${kind}
${row(kind).join("\n")}
            (local.set $at (i32.add ${get("at")} ${get("ld")}))
            ${kind === "plain" ? "" : `(local.set $yat (i32.add ${get("yat")} ${get("ld")}))`}
            (br_if $rows_${width}_${kind}
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
        (if (i32.eqz ${get("y")})
          (then
${rows("plain")})
          (else
            (if (i32.eq ${get("act")} (i32.const 2))
              (then
${rows("tanh")})
              (else
                (if (i32.eq ${get("act")} (i32.const 3))
                  (then
${rows("sigmoid")})
                  (else
${rows("relu")}))))))
        (if ${get("sums")}
          (then
            (local.set $dst (i32.add ${get("sums")} (i32.shl ${get("j")} (i32.const 3))))
${accs.map((acc, v) => `            ${store(v, get("dst"), get(acc))}`).join("\n")}))
        (local.set $j (i32.add ${get("j")} (i32.const ${columns})))
        (br $blocks_${width})))`;
  });
  const sums = Array.from({ length: 8 }, (_, v) => `(local $s${v} v128)`).join(" ");
  return `  ;; A dense layer's δ = g ⊙ f′ in place (when y ≠ 0; f by act: 1 relu, 2 tanh, 3 sigmoid)
  ;; and 1ᵀ·δ into sums (when sums ≠ 0).
  (func (export "dense_delta_f64") (param $g i32) (param $y i32) (param $rows i32)
    (param $cols i32) (param $sums i32) (param $act i32)
    (local $j i32) (local $r i32) (local $at i32) (local $yat i32) (local $dst i32) (local $ld i32)
    (local $d v128) (local $e v128) (local $zero v128) (local $one v128)
    ${sums}
    (local.set $ld (i32.shl ${get("cols")} (i32.const 3)))
    (local.set $one (v128.const f64x2 1 1))
${blocks.join("\n")})`;
}
