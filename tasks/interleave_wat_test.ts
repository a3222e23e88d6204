// The build's interleaving (interleave_wat.ts): elementwise.wat assembled with and without it
// computes the same bits for every element count, writes nothing further than before, and a
// loop that no longer has the expected shape stops the build instead of being skipped.

import wabtInit from "npm:wabt@1.0.39";
import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { ELEMENTWISE_WAYS, interleaveLoops } from "./interleave_wat.ts";

const SOURCE = await Deno.readTextFile(
  new URL("../packages/tensor/wasm/elementwise.wat", import.meta.url),
);

type Kernel = (src: number, dst: number, n: number) => void;
interface Kernels {
  memory: WebAssembly.Memory;
  exp_table: (at: number) => void;
  exp_f64: Kernel;
  tanh_f64: Kernel;
  sigmoid_f64: Kernel;
}

async function instantiate(wat: string): Promise<Kernels> {
  const wabt = await wabtInit();
  const module = wabt.parseWat("elementwise.wat", wat, { simd: true });
  try {
    const bytes = new Uint8Array(module.toBinary({}).buffer);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const kernels = exports as unknown as Kernels;
    kernels.memory.grow(2);
    kernels.exp_table(64);
    return kernels;
  } finally {
    module.destroy();
  }
}

/** Inputs with every special case, then values across the exponential's range. */
function inputs(n: number): Float64Array {
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-300, -1e-300, 19.5, -19.5, 710, -746];
  const x = new Float64Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = i < special.length ? special[i] : (s / 2 ** 32 - 0.5) * (i % 3 === 0 ? 1500 : 16);
  }
  return x;
}

const SRC = 1024;
const GUARD = -12345.678;

/** The kernel's output bytes and the guard element after the pairs it may write (n rounded up). */
function run(k: Kernels, op: "exp" | "tanh" | "sigmoid", x: Float64Array): Float64Array {
  const dst = SRC + x.length * 8 + 64;
  const f = new Float64Array(k.memory.buffer);
  f.set(x, SRC / 8);
  const room = x.length + (x.length % 2) + 4;
  f.fill(GUARD, dst / 8, dst / 8 + room);
  k[`${op}_f64`](SRC, dst, x.length);
  const out = f.slice(dst / 8, dst / 8 + room);
  for (let i = x.length + (x.length % 2); i < room; i++) {
    ok(Object.is(out[i], GUARD), `${op} on ${x.length} wrote element ${i}`);
  }
  return out.subarray(0, x.length);
}

const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.slice().buffer), String);

Deno.test("interleaved elementwise kernels give the same bits as the source's loops", async () => {
  const plain = await instantiate(SOURCE);
  const rewritten = interleaveLoops(SOURCE, ELEMENTWISE_WAYS);
  for (const name of Object.keys(ELEMENTWISE_WAYS)) {
    ok(rewritten.includes(`(loop $next_${ELEMENTWISE_WAYS[name]}`), `${name} interleaved`);
  }
  const fast = await instantiate(rewritten);
  const counts = [...Array(41).keys(), 127, 128, 129, 1056, 5001];
  for (const op of ["exp", "tanh", "sigmoid"] as const) {
    for (const n of counts) {
      const x = inputs(n);
      deepStrictEqual(bits(run(fast, op, x)), bits(run(plain, op, x)), `${op}, n = ${n}`);
    }
  }
});

Deno.test("interleaveLoops refuses a loop it does not recognise", () => {
  throws(
    () => interleaveLoops(SOURCE, { $missing: 4 }),
    /Cannot interleave \$missing: found 0 functions of that name/,
  );
  throws(() => interleaveLoops(SOURCE, { $sigmoid: 1 }), /ways is 1, expected 2 or more/);
  const step = "(local.set $src (i32.add (local.get $src) (i32.const 16)))";
  ok(SOURCE.includes(step));
  throws(
    () => interleaveLoops(SOURCE.replaceAll(step, step.replace("16", "32")), { $sigmoid: 8 }),
    /Cannot interleave \$sigmoid: expected \(local\.set \$src .* found/,
  );
  throws(
    () => interleaveLoops("(module (func $f))", { $f: 2 }),
    /Cannot interleave \$f: no \(block \$done …\)/,
  );
});
