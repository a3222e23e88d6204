;; The inner loops of the OpenBLAS ports (../_openblas_gemm.ts, ../_openblas_level2.ts) with
;; hardware fused multiply-add: relaxed SIMD's f64x2.relaxed_madd, which a runtime on FMA hardware
;; fuses (one rounding per lane). The TypeScript side uses these kernels only after checking, at
;; load, that they really fuse; every chain keeps the port's order of operations, so the results are
;; those of the software `fma` bit for bit.
;;
;; Matrices are row-major float64 at byte offsets a (NumPy's n x k left operand),
;; b (k x t right operand) and c (n x t result). "Chain (i, j) over [k0, k1)" is
;;   acc = 0; for kk in [k0, k1): acc = fma(b[kk*t + i], a[j*k + kk], acc)
(module
  (memory (export "memory") 1)

  ;; fma(x, y, z) through lane 0.
  (func $fma (export "fma") (param $x f64) (param $y f64) (param $z f64) (result f64)
    (f64x2.extract_lane 0
      (f64x2.relaxed_madd
        (f64x2.splat (local.get $x)) (f64x2.splat (local.get $y)) (f64x2.splat (local.get $z)))))

;; Stores pair q (lanes 2q, 2q + 1) of a block of r valid columns at pc: both lanes when
  ;; 2q + 2 <= r, lane 0 alone when 2q + 1 = r, nothing past r; added to C when add != 0.
  (func $put (param $pc i32) (param $v v128) (param $q i32) (param $r i32) (param $add i32)
    (local $two i32)
    (local.set $two (i32.shl (local.get $q) (i32.const 1)))
    (if (i32.le_s (i32.add (local.get $two) (i32.const 2)) (local.get $r))
      (then
        (if (local.get $add)
          (then (local.set $v (f64x2.add (v128.load (local.get $pc)) (local.get $v)))))
        (v128.store (local.get $pc) (local.get $v))
        (return)))
    (if (i32.eq (i32.add (local.get $two) (i32.const 1)) (local.get $r))
      (then
        (if (local.get $add)
          (then
            (f64.store (local.get $pc)
              (f64.add (f64.load (local.get $pc)) (f64x2.extract_lane 0 (local.get $v)))))
          (else (f64.store (local.get $pc) (f64x2.extract_lane 0 (local.get $v))))))))

  ;; For rows j in [j0, j1) and columns i in [i0, i1): C(j, i) = chain (i, j) over [k0, k1),
  ;; or C(j, i) += it when add != 0. Columns go 8 at a time, each lane its own chain; a last
  ;; block of fewer than 8 computes all 8 lanes (reading at most 7 values past a row of b,
  ;; which the caller's layout pads) and stores only the valid ones.
  (func (export "chains")
    (param $a i32) (param $b i32) (param $c i32) (param $k i32) (param $t i32) (param $j0 i32)
    (param $j1 i32) (param $i0 i32) (param $i1 i32) (param $k0 i32) (param $k1 i32) (param $add i32)
    (local $j i32) (local $i i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $r i32)
    (local $stride i32) (local $rowA i32) (local $endA i32) (local $x v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $stride (i32.shl (local.get $t) (i32.const 3)))
    (local.set $j (local.get $j0))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $rowA
          (i32.add (local.get $a)
            (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k)) (local.get $k0)) (i32.const 3))))
        (local.set $endA
          (i32.add (local.get $rowA) (i32.shl (i32.sub (local.get $k1) (local.get $k0)) (i32.const 3))))
        (local.set $i (local.get $i0))
        (block $done8
          (loop $next8
            (br_if $done8 (i32.ge_s (local.get $i) (local.get $i1)))
            (local.set $s0 (v128.const f64x2 0 0))
            (local.set $s1 (v128.const f64x2 0 0))
            (local.set $s2 (v128.const f64x2 0 0))
            (local.set $s3 (v128.const f64x2 0 0))
            (local.set $pa (local.get $rowA))
            (local.set $pb
              (i32.add (local.get $b)
                (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $t)) (local.get $i))
                  (i32.const 3))))
            (block $kdone
              (loop $knext
                (br_if $kdone (i32.ge_u (local.get $pa) (local.get $endA)))
                (local.set $x (v128.load64_splat (local.get $pa)))
                (local.set $s0
                  (f64x2.relaxed_madd (v128.load (local.get $pb)) (local.get $x) (local.get $s0)))
                (local.set $s1
                  (f64x2.relaxed_madd (v128.load offset=16 (local.get $pb)) (local.get $x)
                    (local.get $s1)))
                (local.set $s2
                  (f64x2.relaxed_madd (v128.load offset=32 (local.get $pb)) (local.get $x)
                    (local.get $s2)))
                (local.set $s3
                  (f64x2.relaxed_madd (v128.load offset=48 (local.get $pb)) (local.get $x)
                    (local.get $s3)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
                (br $knext)))
            (local.set $pc
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $t)) (local.get $i))
                  (i32.const 3))))
            (local.set $r (i32.sub (local.get $i1) (local.get $i)))
            (call $put (local.get $pc) (local.get $s0) (i32.const 0) (local.get $r) (local.get $add))
            (call $put (i32.add (local.get $pc) (i32.const 16)) (local.get $s1) (i32.const 1)
              (local.get $r) (local.get $add))
            (call $put (i32.add (local.get $pc) (i32.const 32)) (local.get $s2) (i32.const 2)
              (local.get $r) (local.get $add))
            (call $put (i32.add (local.get $pc) (i32.const 48)) (local.get $s3) (i32.const 3)
              (local.get $r) (local.get $add))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $next8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $nextRow)))
  )

  ;; C(j, i) += the packed kernel's remainder-row sum over [k0, k1): `lanes` (2 or 4)
  ;; interleaved chains over the first multiple of `lanes` terms, reduced as
  ;; l0 + l1 or (l0 + l1) + (l2 + l3), then one chain over the rest from that sum.
  (func (export "laned")
    (param $a i32) (param $b i32) (param $c i32) (param $k i32) (param $t i32) (param $i i32)
    (param $j i32) (param $k0 i32) (param $k1 i32) (param $lanes i32)
    (local $end i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $stride i32)
    (local $l0 f64) (local $l1 f64) (local $l2 f64) (local $l3 f64) (local $s f64)
    (local.set $stride (i32.shl (local.get $t) (i32.const 3)))
    (local.set $end
      (i32.sub (local.get $k1)
        (i32.rem_u (i32.sub (local.get $k1) (local.get $k0)) (local.get $lanes))))
    (local.set $pa
      (i32.add (local.get $a)
        (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k)) (local.get $k0)) (i32.const 3))))
    (local.set $pb
      (i32.add (local.get $b)
        (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $t)) (local.get $i)) (i32.const 3))))
    (if (i32.eq (local.get $lanes) (i32.const 2))
      (then
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $pa)
              (i32.add (local.get $a)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k)) (local.get $end))
                  (i32.const 3)))))
            (local.set $l0 (call $fma (f64.load (local.get $pb)) (f64.load (local.get $pa)) (local.get $l0)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $l1
              (call $fma (f64.load (local.get $pb)) (f64.load offset=8 (local.get $pa)) (local.get $l1)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (br $next)))
        (local.set $s (f64.add (local.get $l0) (local.get $l1))))
      (else
        (block $done4
          (loop $next4
            (br_if $done4 (i32.ge_s (local.get $pa)
              (i32.add (local.get $a)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k)) (local.get $end))
                  (i32.const 3)))))
            (local.set $l0 (call $fma (f64.load (local.get $pb)) (f64.load (local.get $pa)) (local.get $l0)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $l1
              (call $fma (f64.load (local.get $pb)) (f64.load offset=8 (local.get $pa)) (local.get $l1)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $l2
              (call $fma (f64.load (local.get $pb)) (f64.load offset=16 (local.get $pa)) (local.get $l2)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $l3
              (call $fma (f64.load (local.get $pb)) (f64.load offset=24 (local.get $pa)) (local.get $l3)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
            (br $next4)))
        (local.set $s
          (f64.add (f64.add (local.get $l0) (local.get $l1)) (f64.add (local.get $l2) (local.get $l3))))))
    ;; the tail chain, from the reduced sum
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_s (local.get $end) (local.get $k1)))
        (local.set $s (call $fma (f64.load (local.get $pb)) (f64.load (local.get $pa)) (local.get $s)))
        (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (br $tnext)))
    (local.set $pc
      (i32.add (local.get $c)
        (i32.shl (i32.add (i32.mul (local.get $j) (local.get $t)) (local.get $i)) (i32.const 3))))
    (f64.store (local.get $pc) (f64.add (f64.load (local.get $pc)) (local.get $s))))

  ;; The small kernel's 8 k-lanes of (i, j): out[l] = chain over the kk with kk mod 8 = l.
  (func (export "eight")
    (param $a i32) (param $b i32) (param $out i32) (param $k i32) (param $t i32) (param $i i32)
    (param $j i32)
    (local $kk i32) (local $k8 i32) (local $pa i32) (local $pb i32) (local $stride i32) (local $l i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $stride (i32.shl (local.get $t) (i32.const 3)))
    (local.set $k8 (i32.and (local.get $k) (i32.const -8)))
    (local.set $pa
      (i32.add (local.get $a) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 3))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $kk) (local.get $k8)))
        (local.set $s0 (f64x2.relaxed_madd
          (f64x2.replace_lane 1 (v128.load64_splat (local.get $pb))
            (f64.load (i32.add (local.get $pb) (local.get $stride))))
          (v128.load (local.get $pa)) (local.get $s0)))
        (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $s1 (f64x2.relaxed_madd
          (f64x2.replace_lane 1 (v128.load64_splat (local.get $pb))
            (f64.load (i32.add (local.get $pb) (local.get $stride))))
          (v128.load offset=16 (local.get $pa)) (local.get $s1)))
        (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $s2 (f64x2.relaxed_madd
          (f64x2.replace_lane 1 (v128.load64_splat (local.get $pb))
            (f64.load (i32.add (local.get $pb) (local.get $stride))))
          (v128.load offset=32 (local.get $pa)) (local.get $s2)))
        (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $s3 (f64x2.relaxed_madd
          (f64x2.replace_lane 1 (v128.load64_splat (local.get $pb))
            (f64.load (i32.add (local.get $pb) (local.get $stride))))
          (v128.load offset=48 (local.get $pa)) (local.get $s3)))
        (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 8)))
        (br $next)))
    (v128.store (local.get $out) (local.get $s0))
    (v128.store offset=16 (local.get $out) (local.get $s1))
    (v128.store offset=32 (local.get $out) (local.get $s2))
    (v128.store offset=48 (local.get $out) (local.get $s3))
    ;; the last k mod 8 terms, lane l = kk - k8
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_s (local.get $kk) (local.get $k)))
        (local.set $l (i32.add (local.get $out) (i32.shl (i32.sub (local.get $kk) (local.get $k8)) (i32.const 3))))
        (f64.store (local.get $l)
          (call $fma (f64.load (local.get $pb)) (f64.load (local.get $pa)) (f64.load (local.get $l))))
        (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $tnext)))
  )

  ;; dgemv_t's 4x4 kernel for rows [r0, r1) of the row-major rows x m matrix at a, features
  ;; [f0, f1) (f1 - f0 a multiple of 4): lanes l = feature mod 4 as two f64x2 FMA chains (l0, l1)
  ;; and (l2, l3), then y[r] += (l0 + l2) + (l1 + l3).
  (func (export "rows4")
    (param $a i32) (param $x i32) (param $y i32) (param $m i32) (param $r0 i32) (param $r1 i32)
    (param $f0 i32) (param $f1 i32)
    (local $r i32) (local $pa i32) (local $px i32) (local $end i32) (local $py i32)
    (local $s01 v128) (local $s23 v128) (local $h v128)
    (local.set $r (local.get $r0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $r) (local.get $r1)))
        (local.set $s01 (v128.const f64x2 0 0))
        (local.set $s23 (v128.const f64x2 0 0))
        (local.set $pa
          (i32.add (local.get $a)
            (i32.shl (i32.add (i32.mul (local.get $r) (local.get $m)) (local.get $f0)) (i32.const 3))))
        (local.set $end
          (i32.add (local.get $pa) (i32.shl (i32.sub (local.get $f1) (local.get $f0)) (i32.const 3))))
        (local.set $px (i32.add (local.get $x) (i32.shl (local.get $f0) (i32.const 3))))
        (block $fdone
          (loop $fnext
            (br_if $fdone (i32.ge_u (local.get $pa) (local.get $end)))
            (local.set $s01
              (f64x2.relaxed_madd (v128.load (local.get $pa)) (v128.load (local.get $px)) (local.get $s01)))
            (local.set $s23
              (f64x2.relaxed_madd (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $px))
                (local.get $s23)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
            (local.set $px (i32.add (local.get $px) (i32.const 32)))
            (br $fnext)))
        (local.set $h (f64x2.add (local.get $s01) (local.get $s23))) ;; (l0 + l2, l1 + l3)
        (local.set $py (i32.add (local.get $y) (i32.shl (local.get $r) (i32.const 3))))
        (f64.store (local.get $py)
          (f64.add (f64.load (local.get $py))
            (f64.add (f64x2.extract_lane 0 (local.get $h)) (f64x2.extract_lane 1 (local.get $h)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next)))
  )

  ;; ddot_k of the n-vectors at x and y: 32 FMA lanes over blocks of 32, folded to 16
  ;; (lane j + lane j + 4 of each group of 8), 16 lanes over blocks of 16,
  ;; s_j = ((w_j + w_4+j) + w_8+j) + w_12+j, (s0 + s2) + (s1 + s3), then a scalar FMA tail.
  (func (export "ddot") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $p i32) (local $q i32) (local $end32 i32) (local $end16 i32) (local $end i32)
    (local $z0 v128) (local $z1 v128) (local $z2 v128) (local $z3 v128)
    (local $z4 v128) (local $z5 v128) (local $z6 v128) (local $z7 v128)
    (local $z8 v128) (local $z9 v128) (local $z10 v128) (local $z11 v128)
    (local $z12 v128) (local $z13 v128) (local $z14 v128) (local $z15 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $w4 v128) (local $w5 v128) (local $w6 v128) (local $w7 v128)
    (local $s01 v128) (local $s23 v128) (local $dot f64)
    (local.set $p (local.get $x))
    (local.set $q (local.get $y))
    (local.set $end32 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -32)) (i32.const 3))))
    (local.set $end16 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 3))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (if (i32.gt_u (local.get $end16) (local.get $x))
      (then
        (block $done32
          (loop $next32
            (br_if $done32 (i32.ge_u (local.get $p) (local.get $end32)))
            (local.set $z0 (f64x2.relaxed_madd (v128.load offset=0 (local.get $p)) (v128.load offset=0 (local.get $q)) (local.get $z0)))
            (local.set $z1 (f64x2.relaxed_madd (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q)) (local.get $z1)))
            (local.set $z2 (f64x2.relaxed_madd (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $q)) (local.get $z2)))
            (local.set $z3 (f64x2.relaxed_madd (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $q)) (local.get $z3)))
            (local.set $z4 (f64x2.relaxed_madd (v128.load offset=64 (local.get $p)) (v128.load offset=64 (local.get $q)) (local.get $z4)))
            (local.set $z5 (f64x2.relaxed_madd (v128.load offset=80 (local.get $p)) (v128.load offset=80 (local.get $q)) (local.get $z5)))
            (local.set $z6 (f64x2.relaxed_madd (v128.load offset=96 (local.get $p)) (v128.load offset=96 (local.get $q)) (local.get $z6)))
            (local.set $z7 (f64x2.relaxed_madd (v128.load offset=112 (local.get $p)) (v128.load offset=112 (local.get $q)) (local.get $z7)))
            (local.set $z8 (f64x2.relaxed_madd (v128.load offset=128 (local.get $p)) (v128.load offset=128 (local.get $q)) (local.get $z8)))
            (local.set $z9 (f64x2.relaxed_madd (v128.load offset=144 (local.get $p)) (v128.load offset=144 (local.get $q)) (local.get $z9)))
            (local.set $z10 (f64x2.relaxed_madd (v128.load offset=160 (local.get $p)) (v128.load offset=160 (local.get $q)) (local.get $z10)))
            (local.set $z11 (f64x2.relaxed_madd (v128.load offset=176 (local.get $p)) (v128.load offset=176 (local.get $q)) (local.get $z11)))
            (local.set $z12 (f64x2.relaxed_madd (v128.load offset=192 (local.get $p)) (v128.load offset=192 (local.get $q)) (local.get $z12)))
            (local.set $z13 (f64x2.relaxed_madd (v128.load offset=208 (local.get $p)) (v128.load offset=208 (local.get $q)) (local.get $z13)))
            (local.set $z14 (f64x2.relaxed_madd (v128.load offset=224 (local.get $p)) (v128.load offset=224 (local.get $q)) (local.get $z14)))
            (local.set $z15 (f64x2.relaxed_madd (v128.load offset=240 (local.get $p)) (v128.load offset=240 (local.get $q)) (local.get $z15)))
            (local.set $p (i32.add (local.get $p) (i32.const 256)))
            (local.set $q (i32.add (local.get $q) (i32.const 256)))
            (br $next32)))
        ;; lanes 8r + j (j < 4) are vectors 4r, 4r + 1; lanes 8r + j + 4 are 4r + 2, 4r + 3
        (local.set $w0 (f64x2.add (local.get $z0) (local.get $z2)))
        (local.set $w1 (f64x2.add (local.get $z1) (local.get $z3)))
        (local.set $w2 (f64x2.add (local.get $z4) (local.get $z6)))
        (local.set $w3 (f64x2.add (local.get $z5) (local.get $z7)))
        (local.set $w4 (f64x2.add (local.get $z8) (local.get $z10)))
        (local.set $w5 (f64x2.add (local.get $z9) (local.get $z11)))
        (local.set $w6 (f64x2.add (local.get $z12) (local.get $z14)))
        (local.set $w7 (f64x2.add (local.get $z13) (local.get $z15)))
        (block $done16
          (loop $next16
            (br_if $done16 (i32.ge_u (local.get $p) (local.get $end16)))
            (local.set $w0 (f64x2.relaxed_madd (v128.load offset=0 (local.get $p)) (v128.load offset=0 (local.get $q)) (local.get $w0)))
            (local.set $w1 (f64x2.relaxed_madd (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q)) (local.get $w1)))
            (local.set $w2 (f64x2.relaxed_madd (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $q)) (local.get $w2)))
            (local.set $w3 (f64x2.relaxed_madd (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $q)) (local.get $w3)))
            (local.set $w4 (f64x2.relaxed_madd (v128.load offset=64 (local.get $p)) (v128.load offset=64 (local.get $q)) (local.get $w4)))
            (local.set $w5 (f64x2.relaxed_madd (v128.load offset=80 (local.get $p)) (v128.load offset=80 (local.get $q)) (local.get $w5)))
            (local.set $w6 (f64x2.relaxed_madd (v128.load offset=96 (local.get $p)) (v128.load offset=96 (local.get $q)) (local.get $w6)))
            (local.set $w7 (f64x2.relaxed_madd (v128.load offset=112 (local.get $p)) (v128.load offset=112 (local.get $q)) (local.get $w7)))
            (local.set $p (i32.add (local.get $p) (i32.const 128)))
            (local.set $q (i32.add (local.get $q) (i32.const 128)))
            (br $next16)))
        ;; w lanes 4g + j: vector 2g holds j = 0, 1 and 2g + 1 holds j = 2, 3
        (local.set $s01
          (f64x2.add (f64x2.add (f64x2.add (local.get $w0) (local.get $w2)) (local.get $w4)) (local.get $w6)))
        (local.set $s23
          (f64x2.add (f64x2.add (f64x2.add (local.get $w1) (local.get $w3)) (local.get $w5)) (local.get $w7)))
        (local.set $dot
          (f64.add
            (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 0 (local.get $s23)))
            (f64.add (f64x2.extract_lane 1 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s23)))))))
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $dot (call $fma (f64.load (local.get $p)) (f64.load (local.get $q)) (local.get $dot)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br $tnext)))
    (local.get $dot))
)
