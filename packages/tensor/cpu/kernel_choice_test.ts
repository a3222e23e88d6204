import { strictEqual } from "node:assert/strict";
import {
  setWasmElementwise,
  setWasmMode,
  useWasm,
  WASM_MIN_WORK,
  type WasmMode,
  wasmMode,
} from "./kernel_choice.ts";

/** Runs `fn` in `mode`, then restores the previous mode. */
function withMode<T>(mode: WasmMode, fn: () => T): T {
  const previous = wasmMode();
  setWasmMode(mode);
  try {
    return fn();
  } finally {
    setWasmMode(previous);
  }
}

Deno.test("useWasm() in auto picks WebAssembly from each kernel's measured size on", () => {
  withMode("auto", () => {
    for (const [op, min] of Object.entries(WASM_MIN_WORK)) {
      const name = op as keyof typeof WASM_MIN_WORK;
      strictEqual(useWasm(name, min - 1), false, `${op} below ${min}`);
      strictEqual(useWasm(name, min), true, `${op} at ${min}`);
    }
  });
});

Deno.test("useWasm() follows off and always, and never picks it for no work or no kernel", () => {
  withMode("off", () => strictEqual(useWasm("matmul", 1e9), false));
  withMode("always", () => {
    strictEqual(useWasm("exp", 1), true);
    strictEqual(useWasm("matmul", 1), true);
    strictEqual(useWasm("matmul", 0), false, "an empty product");
    strictEqual(useWasm("abs", 1e6), false, "abs has no WebAssembly kernel");
    strictEqual(useWasm("neg", 1e6), false, "neg has no WebAssembly kernel");
  });
});

Deno.test("setWasmElementwise() overrides the mode for elementwise kernels only", () => {
  withMode("always", () => {
    setWasmElementwise("off");
    try {
      strictEqual(useWasm("tanh", 1e6), false);
      strictEqual(useWasm("softmax", 1e6), false);
      strictEqual(useWasm("matmul", 1e6), true, "matmul keeps the mode");
    } finally {
      setWasmElementwise(undefined);
    }
    strictEqual(useWasm("tanh", 1e6), true, "back to the mode");
  });
});
