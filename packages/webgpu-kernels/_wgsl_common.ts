// WGSL shared by every kernel: the workgroup size, how an invocation finds
// its element in a 2-D grid of workgroups, and IEEE special values.
//
// WGSL lets implementations assume NaN and infinity never occur, and drivers
// do (on lavapipe `x != x` is false for a NaN). So NaN and infinity are
// tested on the bits, and every function whose built-in is undefined at a
// special value (log of 0, exp overflow, tanh of tiny or huge x, pow of a
// negative base) is written out here with the C library's semantics.

/** Invocations per workgroup of the 1-D kernels (WebGPU's default maximum). */
export const WG = 256;

/** Most workgroups one dispatch may have per dimension (WebGPU's default limit). */
export const MAX_GROUPS = 65535;

/**
 * A grid of workgroups that covers `count` invocations of `WG` each: x up to
 * `MAX_GROUPS`, then rows in y. Kernels recover the index with `LINEAR_INDEX`.
 */
export function grid(count: number): [number, number] {
  const groups = Math.ceil(count / WG);
  const x = Math.min(groups, MAX_GROUPS);
  return [x, Math.ceil(groups / x)];
}

/** Entry-point parameters of a 1-D kernel. */
export const MAIN_1D =
  `@compute @workgroup_size(${WG})\nfn main(@builtin(global_invocation_id) gid: vec3u, ` +
  `@builtin(num_workgroups) nwg: vec3u)`;

/** The element index of an invocation of a `grid()` dispatch. */
export const LINEAR_INDEX = `gid.x + gid.y * nwg.x * ${WG}u`;

/** Bit tests and special values; user functions, so never constant-folded. */
export const SPECIALS = /* wgsl */ `
fn bits_f32(b: u32) -> f32 { return bitcast<f32>(b); }
fn f_nan() -> f32 { return bits_f32(0x7fc00000u); }
fn f_inf() -> f32 { return bits_f32(0x7f800000u); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
`;

/** exp, log, tanh, sigmoid and pow with C semantics at special values. */
export const MATH = /* wgsl */ `
fn exp_c(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return f_inf(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn log_c(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return f_nan(); }
  if (x == 0.0) { return -f_inf(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
// Cephes tanhf: an odd polynomial below 0.625, 1 - 2/(e^2|x| + 1) above.
fn tanh_c(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a < 0.625) {
    let z = x * x;
    let p = (((-5.70498872745e-3 * z + 2.06390887954e-2) * z - 5.37397155531e-2) * z
      + 1.33314422036e-1) * z - 3.33332819422e-1;
    return x + x * z * p;
  }
  let t = select(1.0 - 2.0 / (exp(2.0 * a) + 1.0), 1.0, a > 9.0);
  return select(t, -t, x < 0.0);
}
// Split by sign so that exp never overflows, as the CPU backend does.
fn sigmoid_c(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp_c(-x)); }
  let e = exp_c(x);
  return e / (1.0 + e);
}
fn is_int(y: f32) -> bool { return !is_inf(y) && !is_nan(y) && floor(y) == y; }
fn is_odd_int(y: f32) -> bool {
  return is_int(y) && abs(y) < 16777216.0 && (u32(abs(y)) & 1u) == 1u;
}
// m^y for finite m > 0 and finite y: exact squaring for small integer y.
fn pow_pos(m: f32, y: f32) -> f32 {
  if (is_int(y) && abs(y) <= 64.0) {
    var n = u32(abs(y));
    var base = m;
    var r = 1.0;
    loop {
      if ((n & 1u) == 1u) { r = r * base; }
      n = n >> 1u;
      if (n == 0u) { break; }
      base = base * base;
    }
    return select(r, 1.0 / r, y < 0.0);
  }
  return exp2(y * log2(m));
}
// C's pow, as PyTorch: 1^y = 1 and x^0 = 1 even for NaN, (-1)^±inf = 1,
// a negative base only to an integer power.
fn pow_c(a: f32, y: f32) -> f32 {
  if (a == 1.0 || y == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(y)) { return f_nan(); }
  let m = abs(a);
  if (m == 1.0 && is_inf(y)) { return 1.0; }
  var r: f32;
  if (is_inf(y)) {
    r = select(0.0, f_inf(), (m > 1.0) == (y > 0.0));
  } else if (m == 0.0) {
    r = select(f_inf(), 0.0, y > 0.0);
  } else if (is_inf(m)) {
    r = select(0.0, f_inf(), y > 0.0);
  } else {
    r = pow_pos(m, y);
  }
  if ((bitcast<u32>(a) >> 31u) == 1u) {
    if (m != 0.0 && !is_inf(m) && !is_inf(y) && !is_int(y)) { return f_nan(); }
    if (is_odd_int(y)) { return -r; }
  }
  return r;
}
`;
