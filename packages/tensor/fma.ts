// The exact-arithmetic helpers live in @glassbox/internal (shared with its
// OpenBLAS-order dot products); tensor's kernels and its public entry take them from here.

export { fma, fmaf, productError } from "@glassbox/internal";
