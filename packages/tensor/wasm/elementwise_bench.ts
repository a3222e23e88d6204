// Benchmarks of the CPU backend's exp, tanh, sigmoid and softmax (rows of 40, near the MLP's
// hidden width of 32) on the WebAssembly SIMD path and the TypeScript path side by side, from
// 1e3 to 1e6 float64 elements. Each group's summary gives the ratio.
//
//   deno bench --allow-read packages/tensor/elementwise_bench.ts

import type { Tensor } from "../mod.ts";
import { wasmElementwiseAvailable } from "./elementwise.ts";
import { setWasmElementwise } from "../cpu/kernel_choice.ts";
import { lcgTensor } from "../_test_util.ts";

/** Deterministic values in [-4, 4) (a small LCG), so benches need no RNG. */
function values(rows: number, cols: number): Tensor {
  return lcgTensor([rows, cols], 7).mul(4); // × 4 is exact: the same values as before
}

const PATHS = wasmElementwiseAvailable()
  ? [["wasm", "always"], ["ts", "off"]] as const
  : [["ts", "off"]] as const;

for (const size of [1e3, 1e4, 1e5, 1e6]) {
  const x = values(size / 8, 8);
  const rows = values(size / 40, 40);
  for (const op of ["exp", "tanh", "sigmoid", "softmax"] as const) {
    const input = op === "softmax" ? rows : x;
    for (const [path, mode] of PATHS) {
      Deno.bench({
        name: `${op} ${size.toExponential()} ${path}`,
        group: `${op} ${size.toExponential()}`,
        baseline: path === "ts",
        fn: () => {
          setWasmElementwise(mode);
          input[op]().dispose();
          setWasmElementwise(undefined);
        },
      });
    }
  }
}
