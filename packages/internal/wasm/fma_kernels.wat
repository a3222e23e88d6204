;; The inner loops of the OpenBLAS dgemm port (../_openblas_gemm.ts) with hardware fused
;; multiply-add: relaxed SIMD's f64x2.relaxed_madd, which a runtime on FMA hardware fuses
;; (one rounding per lane). The TypeScript side uses these kernels only after checking, at
;; load, that they really fuse; every chain keeps the port's order of operations, so the
;; results are those of the software `fma` bit for bit.
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

  ;; For i in [i0, i1): C(j, i) = chain (i, j) over [k0, k1), or C(j, i) += it when add != 0.
  ;; Columns go 8, then 2, then 1 at a time; each lane is its own chain.
  (func (export "chains")
    (param $a i32) (param $b i32) (param $c i32) (param $k i32) (param $t i32) (param $j i32)
    (param $i0 i32) (param $i1 i32) (param $k0 i32) (param $k1 i32) (param $add i32)
    (local $i i32) (local $kk i32) (local $pa i32) (local $pb i32) (local $pc i32)
    (local $stride i32) (local $rowA i32) (local $x v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $stride (i32.shl (local.get $t) (i32.const 3)))
    (local.set $rowA
      (i32.add (local.get $a)
        (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k)) (local.get $k0)) (i32.const 3))))
    (local.set $i (local.get $i0))
    ;; 8 columns
    (block $done8
      (loop $next8
        (br_if $done8 (i32.gt_s (i32.add (local.get $i) (i32.const 8)) (local.get $i1)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $s3 (v128.const f64x2 0 0))
        (local.set $pa (local.get $rowA))
        (local.set $pb
          (i32.add (local.get $b)
            (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $t)) (local.get $i))
              (i32.const 3))))
        (local.set $kk (local.get $k0))
        (block $kdone
          (loop $knext
            (br_if $kdone (i32.ge_s (local.get $kk) (local.get $k1)))
            (local.set $x (v128.load64_splat (local.get $pa)))
            (local.set $s0 (f64x2.relaxed_madd (v128.load (local.get $pb)) (local.get $x) (local.get $s0)))
            (local.set $s1
              (f64x2.relaxed_madd (v128.load offset=16 (local.get $pb)) (local.get $x) (local.get $s1)))
            (local.set $s2
              (f64x2.relaxed_madd (v128.load offset=32 (local.get $pb)) (local.get $x) (local.get $s2)))
            (local.set $s3
              (f64x2.relaxed_madd (v128.load offset=48 (local.get $pb)) (local.get $x) (local.get $s3)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
            (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $knext)))
        (local.set $pc
          (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $j) (local.get $t)) (local.get $i)) (i32.const 3))))
        (if (local.get $add)
          (then
            (local.set $s0 (f64x2.add (v128.load (local.get $pc)) (local.get $s0)))
            (local.set $s1 (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $s1)))
            (local.set $s2 (f64x2.add (v128.load offset=32 (local.get $pc)) (local.get $s2)))
            (local.set $s3 (f64x2.add (v128.load offset=48 (local.get $pc)) (local.get $s3)))))
        (v128.store (local.get $pc) (local.get $s0))
        (v128.store offset=16 (local.get $pc) (local.get $s1))
        (v128.store offset=32 (local.get $pc) (local.get $s2))
        (v128.store offset=48 (local.get $pc) (local.get $s3))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next8)))
    ;; 2 columns, or 1 (lane 0 of a splat)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $i1)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $pa (local.get $rowA))
        (local.set $pb
          (i32.add (local.get $b)
            (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $t)) (local.get $i))
              (i32.const 3))))
        (local.set $pc
          (i32.add (local.get $c)
            (i32.shl (i32.add (i32.mul (local.get $j) (local.get $t)) (local.get $i)) (i32.const 3))))
        (local.set $kk (local.get $k0))
        (if (i32.le_s (i32.add (local.get $i) (i32.const 2)) (local.get $i1))
          (then
            (block $kdone2
              (loop $knext2
                (br_if $kdone2 (i32.ge_s (local.get $kk) (local.get $k1)))
                (local.set $s0
                  (f64x2.relaxed_madd (v128.load (local.get $pb)) (v128.load64_splat (local.get $pa))
                    (local.get $s0)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $knext2)))
            (if (local.get $add)
              (then (local.set $s0 (f64x2.add (v128.load (local.get $pc)) (local.get $s0)))))
            (v128.store (local.get $pc) (local.get $s0))
            (local.set $i (i32.add (local.get $i) (i32.const 2))))
          (else
            (block $kdone1
              (loop $knext1
                (br_if $kdone1 (i32.ge_s (local.get $kk) (local.get $k1)))
                (local.set $s0
                  (f64x2.relaxed_madd (v128.load64_splat (local.get $pb))
                    (v128.load64_splat (local.get $pa)) (local.get $s0)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $stride)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $knext1)))
            (if (local.get $add)
              (then
                (f64.store (local.get $pc)
                  (f64.add (f64.load (local.get $pc)) (f64x2.extract_lane 0 (local.get $s0)))))
              (else (f64.store (local.get $pc) (f64x2.extract_lane 0 (local.get $s0)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $next)))
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
)
