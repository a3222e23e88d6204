;; glassbox GEMM for WebAssembly SIMD: C = op(A) · op(B), float64 (f64x2) and float32 (f32x4).
;;
;; Assembled by `deno task build:wasm` (tasks/build_wasm.ts) into four modules: this text as
;; written (relaxed-SIMD fused multiply-add), a portable one where every
;; `(fNxM.relaxed_madd X Y Z)` is rewritten to `(fNxM.add (fNxM.mul X Y) Z)`, and both again
;; over an imported shared memory (`env.memory`) for the multi-threaded path.
;;
;; The caller copies A and B into memory and passes byte addresses and byte strides:
;; op(A)[i, p] is at a + i·ars + p·aks, op(B)[p, j] at b + p·bks + j·bcs, so every transpose
;; variant is a choice of strides and runs the same packing and micro-kernel. C is written
;; row-major with ceil(m / MR)·MR rows of ceil(n / NR)·NR columns at a row stride of `ldc`
;; bytes (the padding holds zeros or partial sums of zero padding and is dropped by the
;; caller). A call may cover any block of rows or of NR-aligned columns of a larger product:
;; each element of C is summed in the same order whatever block computes it, which is what
;; lets threads split one product and still match one thread bit for bit. Scratch: `pa` holds
;; MC × KC elements, `pb` holds KC × ceil(n / NR)·NR elements — or, with `packed` set, `pb`
;; already holds all of op(B) as pack_b_f64 / pack_b_f32 wrote it, and is only read (threads
;; that split C by rows share it instead of each packing B again).
;;
;; Blocking (as in BLIS / GotoBLAS): for each KC-deep slice of k, op(B) is packed into column
;; panels of NR; for each MC-tall block of rows, op(A) into row panels of MR; the micro-kernel
;; then keeps an MR × NR tile of C in eight v128 accumulators for the whole slice, reading one
;; NR-wide row of the B panel (two v128) and broadcasting MR elements of the A panel per step.
;; Tiles: float64 4 × 4, float32 4 × 8. Accumulation is in the element type; the first slice
;; stores the tile, later slices add to it.

(module
  (memory (export "memory") 1)

  ;; Rows of C per packed block of A and depth of one k slice, in elements.
  (global $MC i32 (i32.const 128))
  (global $KC i32 (i32.const 256))

  ;; Packs `lines` lines of `kc` elements (line l, step p at src + l·ls + p·ks) into panels of
  ;; `w` lines: element (l, p) goes to dst + ((l / w)·kc·w + p·w + l % w)·8; lines from `lines`
  ;; up to the next multiple of `w` are zeros.
  (func $pack_f64 (param $src i32) (param $ls i32) (param $ks i32) (param $lines i32)
    (param $kc i32) (param $w i32) (param $dst i32)
    (local $l i32) (local $p i32) (local $s i32) (local $d i32) (local $step i32) (local $end i32)
    (local.set $step (i32.shl (local.get $w) (i32.const 3)))
    ;; Lines rounded up to whole panels.
    (local.set $end
      (i32.mul (i32.div_u (i32.add (local.get $lines) (i32.sub (local.get $w) (i32.const 1)))
        (local.get $w)) (local.get $w)))
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $l) (local.get $end)))
        (local.set $d
          (i32.add (local.get $dst)
            (i32.shl
              (i32.add
                (i32.mul (i32.mul (i32.div_u (local.get $l) (local.get $w)) (local.get $kc))
                  (local.get $w))
                (i32.rem_u (local.get $l) (local.get $w)))
              (i32.const 3))))
        (local.set $p (i32.const 0))
        (if (i32.lt_u (local.get $l) (local.get $lines))
          (then
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $l) (local.get $ls))))
            (loop $copy
              (f64.store (local.get $d) (f64.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $ks)))
              (local.set $d (i32.add (local.get $d) (local.get $step)))
              (br_if $copy
                (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc)))))
          (else
            (loop $zero
              (f64.store (local.get $d) (f64.const 0))
              (local.set $d (i32.add (local.get $d) (local.get $step)))
              (br_if $zero
                (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc))))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $line))))

  ;; The same for 4-byte elements.
  (func $pack_f32 (param $src i32) (param $ls i32) (param $ks i32) (param $lines i32)
    (param $kc i32) (param $w i32) (param $dst i32)
    (local $l i32) (local $p i32) (local $s i32) (local $d i32) (local $step i32) (local $end i32)
    (local.set $step (i32.shl (local.get $w) (i32.const 2)))
    (local.set $end
      (i32.mul (i32.div_u (i32.add (local.get $lines) (i32.sub (local.get $w) (i32.const 1)))
        (local.get $w)) (local.get $w)))
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $l) (local.get $end)))
        (local.set $d
          (i32.add (local.get $dst)
            (i32.shl
              (i32.add
                (i32.mul (i32.mul (i32.div_u (local.get $l) (local.get $w)) (local.get $kc))
                  (local.get $w))
                (i32.rem_u (local.get $l) (local.get $w)))
              (i32.const 2))))
        (local.set $p (i32.const 0))
        (if (i32.lt_u (local.get $l) (local.get $lines))
          (then
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $l) (local.get $ls))))
            (loop $copy
              (f32.store (local.get $d) (f32.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $ks)))
              (local.set $d (i32.add (local.get $d) (local.get $step)))
              (br_if $copy
                (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc)))))
          (else
            (loop $zero
              (f32.store (local.get $d) (f32.const 0))
              (local.set $d (i32.add (local.get $d) (local.get $step)))
              (br_if $zero
                (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kc))))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $line))))

  ;; C tile (4 rows × 4 columns at c, row stride ldc bytes) = or += Ap · Bp over kc steps.
  ;; Ap: 4 f64 per step (one per row), Bp: 4 f64 per step (one per column).
  (func $kernel_f64 (param $pa i32) (param $pb i32) (param $kc i32) (param $c i32)
    (param $ldc i32) (param $first i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    ;; An odd kc starts with one step; the loop then takes two k at a time (half the
    ;; pointer updates and branches per multiply-add).
    (if (i32.and (local.get $kc) (i32.const 1))
      (then
        (local.set $b0 (v128.load (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $a (v128.load64_splat (local.get $pa)))
        (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
        (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
        (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
        (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
        (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
        (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
        (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
        (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
        (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
        (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
        (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))))
    (local.set $kc (i32.shr_u (local.get $kc) (i32.const 1)))
    (if (local.get $kc) (then (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load64_splat (local.get $pa)))
      (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
      (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
      (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
      (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $b0 (v128.load offset=32 (local.get $pb)))
      (local.set $b1 (v128.load offset=48 (local.get $pb)))
      (local.set $a (v128.load64_splat offset=32 (local.get $pa)))
      (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load64_splat offset=40 (local.get $pa)))
      (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load64_splat offset=48 (local.get $pa)))
      (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load64_splat offset=56 (local.get $pa)))
      (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c00 (f64x2.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f64x2.add (local.get $c01) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c10 (f64x2.add (local.get $c10) (v128.load (local.get $c))))
        (local.set $c11 (f64x2.add (local.get $c11) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c20 (f64x2.add (local.get $c20) (v128.load (local.get $c))))
        (local.set $c21 (f64x2.add (local.get $c21) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c30 (f64x2.add (local.get $c30) (v128.load (local.get $c))))
        (local.set $c31 (f64x2.add (local.get $c31) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; $kernel_f64 reading A where it lies rather than packed: row i of the tile from r_i on,
  ;; one f64 per step (A contiguous along k). The same multiply-adds in the same order, so the
  ;; same bits; it saves packing A when C is narrow (see gemm_f64). A tile's rows past the
  ;; end of A point at its last row (the caller's choice), so no row reads past A.
  (func $kernel_f64_direct (param $r0 i32) (param $r1 i32) (param $r2 i32) (param $r3 i32)
    (param $pb i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $first i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    ;; An odd kc starts with one step; the loop then takes two k at a time (half the
    ;; pointer updates and branches per multiply-add).
    (if (i32.and (local.get $kc) (i32.const 1))
      (then
        (local.set $b0 (v128.load (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $a (v128.load64_splat (local.get $r0)))
        (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
        (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
        (local.set $a (v128.load64_splat (local.get $r1)))
        (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
        (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
        (local.set $a (v128.load64_splat (local.get $r2)))
        (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
        (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
        (local.set $a (v128.load64_splat (local.get $r3)))
        (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
        (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
        (local.set $r1 (i32.add (local.get $r1) (i32.const 8)))
        (local.set $r2 (i32.add (local.get $r2) (i32.const 8)))
        (local.set $r3 (i32.add (local.get $r3) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))))
    (local.set $kc (i32.shr_u (local.get $kc) (i32.const 1)))
    (if (local.get $kc) (then (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load64_splat (local.get $r0)))
      (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load64_splat (local.get $r1)))
      (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load64_splat (local.get $r2)))
      (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load64_splat (local.get $r3)))
      (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $b0 (v128.load offset=32 (local.get $pb)))
      (local.set $b1 (v128.load offset=48 (local.get $pb)))
      (local.set $a (v128.load64_splat offset=8 (local.get $r0)))
      (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load64_splat offset=8 (local.get $r1)))
      (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load64_splat offset=8 (local.get $r2)))
      (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load64_splat offset=8 (local.get $r3)))
      (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
      (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
      (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
      (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c00 (f64x2.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f64x2.add (local.get $c01) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c10 (f64x2.add (local.get $c10) (v128.load (local.get $c))))
        (local.set $c11 (f64x2.add (local.get $c11) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c20 (f64x2.add (local.get $c20) (v128.load (local.get $c))))
        (local.set $c21 (f64x2.add (local.get $c21) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c30 (f64x2.add (local.get $c30) (v128.load (local.get $c))))
        (local.set $c31 (f64x2.add (local.get $c31) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; C tile (4 rows × 8 columns) = or += Ap · Bp; Ap: 4 f32 per step, Bp: 8 f32 per step.
  (func $kernel_f32 (param $pa i32) (param $pb i32) (param $kc i32) (param $c i32)
    (param $ldc i32) (param $first i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    ;; An odd kc starts with one step; the loop then takes two k at a time (half the
    ;; pointer updates and branches per multiply-add).
    (if (i32.and (local.get $kc) (i32.const 1))
      (then
        (local.set $b0 (v128.load (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $a (v128.load32_splat (local.get $pa)))
        (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
        (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
        (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
        (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
        (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
        (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
        (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
        (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))))
    (local.set $kc (i32.shr_u (local.get $kc) (i32.const 1)))
    (if (local.get $kc) (then (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $b0 (v128.load offset=32 (local.get $pb)))
      (local.set $b1 (v128.load offset=48 (local.get $pb)))
      (local.set $a (v128.load32_splat offset=16 (local.get $pa)))
      (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load32_splat offset=20 (local.get $pa)))
      (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load32_splat offset=24 (local.get $pa)))
      (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load32_splat offset=28 (local.get $pa)))
      (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $c))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $c))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $c))))
        (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (if (i32.eqz (local.get $first))
      (then
        (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $c))))
        (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $c))))))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; All of op(B) (f64), packed as gemm_f64 packs it one KC-deep slice at a time: the slice
  ;; starting at row pc of op(B) goes to pb + pc·ldc (ldc = C's row stride, n rounded up to
  ;; NR, in bytes), so threads that split C by rows can share one packed B.
  (func (export "pack_b_f64") (param $b i32) (param $bks i32) (param $bcs i32) (param $ldc i32)
    (param $n i32) (param $k i32) (param $pb i32)
    (local $pc i32) (local $kc i32)
    (loop $slices
      (local.set $kc (select (global.get $KC) (i32.sub (local.get $k) (local.get $pc))
        (i32.lt_u (global.get $KC) (i32.sub (local.get $k) (local.get $pc)))))
      (call $pack_f64 (i32.add (local.get $b) (i32.mul (local.get $pc) (local.get $bks)))
        (local.get $bcs) (local.get $bks) (local.get $n) (local.get $kc) (i32.const 4)
        (i32.add (local.get $pb) (i32.mul (local.get $pc) (local.get $ldc))))
      (br_if $slices (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (global.get $KC)))
        (local.get $k)))))

  ;; All of op(B) (f32), packed as gemm_f32 packs it one KC-deep slice at a time: the slice
  ;; starting at row pc of op(B) goes to pb + pc·ldc (ldc = C's row stride, n rounded up to
  ;; NR, in bytes), so threads that split C by rows can share one packed B.
  (func (export "pack_b_f32") (param $b i32) (param $bks i32) (param $bcs i32) (param $ldc i32)
    (param $n i32) (param $k i32) (param $pb i32)
    (local $pc i32) (local $kc i32)
    (loop $slices
      (local.set $kc (select (global.get $KC) (i32.sub (local.get $k) (local.get $pc))
        (i32.lt_u (global.get $KC) (i32.sub (local.get $k) (local.get $pc)))))
      (call $pack_f32 (i32.add (local.get $b) (i32.mul (local.get $pc) (local.get $bks)))
        (local.get $bcs) (local.get $bks) (local.get $n) (local.get $kc) (i32.const 8)
        (i32.add (local.get $pb) (i32.mul (local.get $pc) (local.get $ldc))))
      (br_if $slices (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (global.get $KC)))
        (local.get $k)))))

  ;; C = op(A) · op(B) in float64 (tile 4 × 4). Strides are in bytes; see the top of the file.
  ;; A contiguous along k (aks = 8), C at most 64 columns wide and k at least 16: A is read
  ;; where it lies ($kernel_f64_direct), not packed. Packing an element of A costs about as
  ;; much as the few multiply-adds it then takes part in when C has few columns (measured:
  ;; [9100, 32]·[32, 3] twice as fast, [33, 32]·[32, 32] and [9100, 32]·[32, 32] 5–30%); below
  ;; k = 16 a tile's four row pointers cost more than packing saves.
  (func (export "gemm_f64") (param $a i32) (param $ars i32) (param $aks i32)
    (param $b i32) (param $bks i32) (param $bcs i32) (param $c i32) (param $ldc i32)
    (param $m i32) (param $n i32) (param $k i32) (param $pa i32) (param $pb i32)
    (param $packed i32)
    (local $pc i32) (local $kc i32) (local $pbs i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $panels i32) (local $first i32)
    (local $direct i32) (local $row i32) (local $left i32)
    (local.set $first (i32.const 1))
    (local.set $direct
      (i32.and (i32.and (i32.eq (local.get $aks) (i32.const 8)) (i32.le_u (local.get $n) (i32.const 64)))
        (i32.ge_u (local.get $k) (i32.const 16))))
    (loop $slices
      (local.set $kc (select (global.get $KC) (i32.sub (local.get $k) (local.get $pc))
        (i32.lt_u (global.get $KC) (i32.sub (local.get $k) (local.get $pc)))))
      ;; This slice of op(B), packed by pack_b_f64 before the call or now.
      (if (local.get $packed)
        (then (local.set $pbs (i32.add (local.get $pb) (i32.mul (local.get $pc) (local.get $ldc)))))
        (else
          (local.set $pbs (local.get $pb))
          (call $pack_f64 (i32.add (local.get $b) (i32.mul (local.get $pc) (local.get $bks)))
            (local.get $bcs) (local.get $bks) (local.get $n) (local.get $kc) (i32.const 4)
            (local.get $pb))))
      (local.set $ic (i32.const 0))
      (loop $blocks
        (local.set $mc (select (global.get $MC) (i32.sub (local.get $m) (local.get $ic))
          (i32.lt_u (global.get $MC) (i32.sub (local.get $m) (local.get $ic)))))
        (if (i32.eqz (local.get $direct))
          (then
            (call $pack_f64
              (i32.add (i32.add (local.get $a) (i32.mul (local.get $ic) (local.get $ars)))
                (i32.mul (local.get $pc) (local.get $aks)))
              (local.get $ars) (local.get $aks) (local.get $mc) (local.get $kc) (i32.const 4)
              (local.get $pa))))
        (local.set $panels (i32.shr_u (i32.add (local.get $mc) (i32.const 3)) (i32.const 2)))
        ;; Column panels outside, row panels inside: one B panel (kc × 4) stays in L1 while
        ;; the A block (mc × kc) streams from L2.
        (local.set $jr (i32.const 0))
        (loop $columns
          (local.set $ir (i32.const 0))
          (loop $rows
            (if (local.get $direct)
              (then
                ;; The tile's first row of A at this slice, and how many rows A has left.
                (local.set $row
                  (i32.add
                    (i32.add (local.get $a)
                      (i32.mul (i32.add (local.get $ic) (i32.shl (local.get $ir) (i32.const 2)))
                        (local.get $ars)))
                    (i32.shl (local.get $pc) (i32.const 3))))
                (local.set $left
                  (i32.sub (local.get $mc) (i32.shl (local.get $ir) (i32.const 2))))
                (call $kernel_f64_direct
                  (local.get $row)
                  (select (i32.add (local.get $row) (local.get $ars)) (local.get $row)
                    (i32.gt_u (local.get $left) (i32.const 1)))
                  (select (i32.add (local.get $row) (i32.shl (local.get $ars) (i32.const 1)))
                    (local.get $row) (i32.gt_u (local.get $left) (i32.const 2)))
                  (select (i32.add (local.get $row) (i32.mul (local.get $ars) (i32.const 3)))
                    (local.get $row) (i32.gt_u (local.get $left) (i32.const 3)))
                  (i32.add (local.get $pbs) (i32.mul (i32.mul (local.get $jr) (local.get $kc)) (i32.const 32)))
                  (local.get $kc)
                  (i32.add (i32.add (local.get $c)
                    (i32.mul (i32.add (local.get $ic) (i32.shl (local.get $ir) (i32.const 2))) (local.get $ldc)))
                    (i32.shl (local.get $jr) (i32.const 5)))
                  (local.get $ldc) (local.get $first)))
              (else
                (call $kernel_f64
                  (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (i32.const 32)))
                  (i32.add (local.get $pbs) (i32.mul (i32.mul (local.get $jr) (local.get $kc)) (i32.const 32)))
                  (local.get $kc)
                  (i32.add (i32.add (local.get $c)
                    (i32.mul (i32.add (local.get $ic) (i32.shl (local.get $ir) (i32.const 2))) (local.get $ldc)))
                    (i32.shl (local.get $jr) (i32.const 5)))
                  (local.get $ldc) (local.get $first))))
            (br_if $rows (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 1)))
              (local.get $panels))))
          (br_if $columns (i32.lt_u (i32.shl (local.tee $jr (i32.add (local.get $jr) (i32.const 1)))
            (i32.const 2)) (local.get $n))))
        (br_if $blocks (i32.lt_u (local.tee $ic (i32.add (local.get $ic) (global.get $MC)))
          (local.get $m))))
      (local.set $first (i32.const 0))
      (br_if $slices (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (global.get $KC)))
        (local.get $k)))))

  ;; C = op(A) · op(B) in float32 (tile 4 × 8, float32 accumulation).
  (func (export "gemm_f32") (param $a i32) (param $ars i32) (param $aks i32)
    (param $b i32) (param $bks i32) (param $bcs i32) (param $c i32) (param $ldc i32)
    (param $m i32) (param $n i32) (param $k i32) (param $pa i32) (param $pb i32)
    (param $packed i32)
    (local $pc i32) (local $kc i32) (local $pbs i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $panels i32) (local $first i32)
    (local.set $first (i32.const 1))
    (loop $slices
      (local.set $kc (select (global.get $KC) (i32.sub (local.get $k) (local.get $pc))
        (i32.lt_u (global.get $KC) (i32.sub (local.get $k) (local.get $pc)))))
      ;; This slice of op(B), packed by pack_b_f32 before the call or now.
      (if (local.get $packed)
        (then (local.set $pbs (i32.add (local.get $pb) (i32.mul (local.get $pc) (local.get $ldc)))))
        (else
          (local.set $pbs (local.get $pb))
          (call $pack_f32 (i32.add (local.get $b) (i32.mul (local.get $pc) (local.get $bks)))
            (local.get $bcs) (local.get $bks) (local.get $n) (local.get $kc) (i32.const 8)
            (local.get $pb))))
      (local.set $ic (i32.const 0))
      (loop $blocks
        (local.set $mc (select (global.get $MC) (i32.sub (local.get $m) (local.get $ic))
          (i32.lt_u (global.get $MC) (i32.sub (local.get $m) (local.get $ic)))))
        (call $pack_f32
          (i32.add (i32.add (local.get $a) (i32.mul (local.get $ic) (local.get $ars)))
            (i32.mul (local.get $pc) (local.get $aks)))
          (local.get $ars) (local.get $aks) (local.get $mc) (local.get $kc) (i32.const 4)
          (local.get $pa))
        (local.set $panels (i32.shr_u (i32.add (local.get $mc) (i32.const 3)) (i32.const 2)))
        (local.set $jr (i32.const 0))
        (loop $columns
          (local.set $ir (i32.const 0))
          (loop $rows
            (call $kernel_f32
              (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (i32.const 16)))
              (i32.add (local.get $pbs) (i32.mul (i32.mul (local.get $jr) (local.get $kc)) (i32.const 32)))
              (local.get $kc)
              (i32.add (i32.add (local.get $c)
                (i32.mul (i32.add (local.get $ic) (i32.shl (local.get $ir) (i32.const 2))) (local.get $ldc)))
                (i32.shl (local.get $jr) (i32.const 5)))
              (local.get $ldc) (local.get $first))
            (br_if $rows (i32.lt_u (local.tee $ir (i32.add (local.get $ir) (i32.const 1)))
              (local.get $panels))))
          (br_if $columns (i32.lt_u (i32.shl (local.tee $jr (i32.add (local.get $jr) (i32.const 1)))
            (i32.const 3)) (local.get $n))))
        (br_if $blocks (i32.lt_u (local.tee $ic (i32.add (local.get $ic) (global.get $MC)))
          (local.get $m))))
      (local.set $first (i32.const 0))
      (br_if $slices (i32.lt_u (local.tee $pc (i32.add (local.get $pc) (global.get $KC)))
        (local.get $k))))))
