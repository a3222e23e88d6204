// Safetensors against PyTorch and against malformed input: a state dict
// saved from PyTorch (tests/golden/layers_mlp_*.safetensors, written by
// tasks/golden/layers.py) loads and predicts as PyTorch did; save → load
// round-trips bit-exactly and atomically; and a corpus of malformed files
// each fails with a clear SafetensorsFormatError (fuzzing:
// layers_safetensors_fuzz_test.ts).

import { build } from "./_safetensors_util.ts";
import {
  type ActivationName,
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  mlp,
  SafetensorsFormatError,
  saveSafetensors,
  type StateDict,
} from "@glassbox/layers";
import {
  assertClose,
  type DType,
  manualSeed,
  type NestedArray,
  type Tensor,
  tensor,
} from "@glassbox/tensor";
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";

interface SafetensorsCase {
  file: string;
  dtype: DType;
  sizes: number[];
  activations: ActivationName[];
  metadata: Record<string, string>;
  stateDict: Record<string, NestedArray>;
  x: NestedArray;
  y: NestedArray;
}

const golden = new URL("./golden/", import.meta.url);
const fixture: { safetensors: SafetensorsCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("layers.json", golden)),
);

/** The bits of a tensor's elements, for bit-exact comparisons (NaN, -0 included). */
function bits(t: Tensor): Uint8Array {
  const values = t.toTypedArray();
  return new Uint8Array(
    values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
  );
}

Deno.test("a state dict saved from PyTorch loads and predicts as PyTorch did", async (ctx) => {
  for (const c of fixture.safetensors) {
    await ctx.step(`${c.file} (${c.dtype})`, async () => {
      const path = new URL(c.file, golden);
      const { tensors, metadata } = await loadSafetensors(path);
      deepStrictEqual(metadata, c.metadata);
      deepStrictEqual(Object.keys(tensors), Object.keys(c.stateDict));
      for (const [name, value] of Object.entries(c.stateDict)) {
        strictEqual(tensors[name].dtype, c.dtype);
        assertClose(tensors[name], value, { rtol: 0, atol: 0, message: name });
      }
      manualSeed(1); // any initial weights: they are all replaced
      const model = mlp(c.sizes, { activation: c.activations, dtype: c.dtype });
      deepStrictEqual(model.loadStateDict(tensors), { missingKeys: [], unexpectedKeys: [] });
      const tol = c.dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
      assertClose(model.forward(tensor(c.x, { dtype: c.dtype })), c.y, tol);
      // Our encoder writes the same bytes the safetensors layout prescribes.
      const bytes = await Deno.readFile(path);
      deepStrictEqual(encodeSafetensors(tensors, { metadata }), bytes);
    });
  }
});

Deno.test("saveSafetensors → loadSafetensors round-trips bit-exactly, float64 and float32", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const dtype of ["float64", "float32"] as const) {
      manualSeed(7);
      const model = mlp([6, 32, 32, 3], { activation: ["tanh", "relu"], dtype });
      const path = `${dir}/model_${dtype}.safetensors`;
      await saveSafetensors(model, path, { metadata: { note: "round trip", dtype } });
      const { tensors, metadata } = await loadSafetensors(path);
      deepStrictEqual(metadata, { note: "round trip", dtype });
      for (const [name, t] of Object.entries(model.stateDict())) {
        deepStrictEqual(tensors[name].shape, t.shape);
        strictEqual(tensors[name].dtype, dtype);
        deepStrictEqual(bits(tensors[name]), bits(t), name);
      }
    }
    // Special values, empty and scalar tensors, mixed dtypes.
    const special: StateDict = {
      a: tensor([NaN, -0, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]),
      b: tensor(new Float32Array([1.401298464324817e-45, -0, 3.4028234663852886e38])),
      empty: tensor([], { shape: [0, 4] }),
      scalar: tensor(3.5),
    };
    await saveSafetensors(special, `${dir}/special.safetensors`);
    const back = (await loadSafetensors(`${dir}/special.safetensors`)).tensors;
    for (const [name, t] of Object.entries(special)) {
      deepStrictEqual(back[name].shape, t.shape, name);
      strictEqual(back[name].dtype, t.dtype, name);
      deepStrictEqual(bits(back[name]), bits(t), name);
    }
    // Only the final files are left: no temporary files.
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    deepStrictEqual(names.sort(), [
      "model_float32.safetensors",
      "model_float64.safetensors",
      "special.safetensors",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveSafetensors replaces a file atomically and leaves it intact when encoding fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/w.safetensors`;
    await saveSafetensors({ w: tensor([1, 2]) }, path);
    const before = await Deno.readFile(path);
    await saveSafetensors({ w: tensor([3, 4, 5]) }, new URL(`file://${path}`));
    deepStrictEqual((await loadSafetensors(path)).tensors.w.toArray(), [3, 4, 5]);
    await saveSafetensors({ w: tensor([1, 2]) }, path);
    deepStrictEqual(await Deno.readFile(path), before);
    await rejects(
      saveSafetensors({ w: [1, 2] as unknown as Tensor }, path),
      /Cannot encode safetensors: w is an array, expected a Tensor/,
    );
    await rejects(
      saveSafetensors({ "__metadata__": tensor([1]) }, path),
      /"__metadata__" is reserved/,
    );
    await rejects(
      saveSafetensors({ w: tensor([1]) }, path, { metadata: { n: 1 as unknown as string } }),
      /metadata "n" is a number, expected a string/,
    );
    deepStrictEqual(await Deno.readFile(path), before);
    await rejects(
      saveSafetensors({ w: tensor([1]) }, `${dir}/missing/w.safetensors`),
      Deno.errors.NotFound,
    );
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    deepStrictEqual(names, ["w.safetensors"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// Malformed files.

const f64 = (shape: number[], begin: number, end: number) => ({
  dtype: "F64",
  shape,
  data_offsets: [begin, end],
});
const withLength = (n: bigint, total: number) => {
  const out = new Uint8Array(total);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
};

const MALFORMED: [string, Uint8Array, RegExp][] = [
  ["an empty file", new Uint8Array(0), /0 bytes long, shorter than the 8-byte header length/],
  ["a 7-byte file", new Uint8Array(7), /7 bytes long, shorter than the 8-byte header length/],
  [
    "header length 2^64 − 1",
    withLength(0xffffffffffffffffn, 64),
    /header length 18446744073709551615 exceeds the limit of 100000000 bytes/,
  ],
  [
    "header length just over 100 MB",
    withLength(100_000_001n, 64),
    /header length 100000001 exceeds the limit/,
  ],
  [
    "header length past the end",
    build({}, 0, 3n),
    /header length 3 runs past the end of the data \(10 bytes, 2 after the length\)/,
  ],
  [
    "truncated inside the header",
    build({ w: f64([1], 0, 8) }, 8).subarray(0, 20),
    /header length \d+ runs past the end/,
  ],
  ["header length 0", build(""), /does not start with "\{" \(first byte missing\)/],
  ["header starting with a space", build(" {}"), /does not start with "\{" \(first byte 32\)/],
  ["header that is a JSON array", build("[]"), /does not start with "\{"/],
  [
    "invalid UTF-8",
    build(new Uint8Array([0x7b, 0xff, 0x7d])),
    /the 3-byte header is not valid UTF-8/,
  ],
  [
    "UTF-8 cut inside a character",
    build(new Uint8Array([0x7b, 0x22, 0xc3, 0x22, 0x7d])),
    /not valid UTF-8/,
  ],
  ["unterminated JSON", build('{"w":'), /the header is not valid JSON/],
  ["JSON with trailing garbage", build("{} x"), /the header is not valid JSON/],
  [
    "a tensor that is a number",
    build({ w: 5 }),
    /tensor "w" is 5, expected an object with dtype, shape, data_offsets/,
  ],
  ["a tensor that is null", build({ w: null }), /tensor "w" is null, expected an object/],
  ["a tensor that is an array", build({ w: [1, 2] }), /tensor "w" is \[1, 2\], expected an object/],
  [
    "a missing dtype",
    build({ w: { shape: [1], data_offsets: [0, 8] } }, 8),
    /tensor "w" has dtype undefined, expected a string/,
  ],
  [
    "a numeric dtype",
    build({ w: { dtype: 8, shape: [1], data_offsets: [0, 8] } }, 8),
    /has dtype 8, expected a string/,
  ],
  [
    "an unknown dtype",
    build({ w: { dtype: "F99", shape: [1], data_offsets: [0, 8] } }, 8),
    /has dtype "F99", which is unknown; expected "F64" or "F32"/,
  ],
  [
    "a lowercase dtype",
    build({ w: { dtype: "f64", shape: [1], data_offsets: [0, 8] } }, 8),
    /has dtype "f64", which is unknown/,
  ],
  [
    "an F16 tensor",
    build({ w: { dtype: "F16", shape: [4], data_offsets: [0, 8] } }, 8),
    /has dtype "F16", which is not supported; expected "F64" or "F32"/,
  ],
  [
    "a BF16 tensor",
    build({ w: { dtype: "BF16", shape: [4], data_offsets: [0, 8] } }, 8),
    /"BF16", which is not supported/,
  ],
  [
    "an I64 tensor",
    build({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8),
    /"I64", which is not supported/,
  ],
  [
    "a missing shape",
    build({ w: { dtype: "F64", data_offsets: [0, 8] } }, 8),
    /has shape undefined, expected an array of integers/,
  ],
  [
    "a shape that is a string",
    build({ w: { dtype: "F64", shape: "1", data_offsets: [0, 8] } }, 8),
    /has shape "1", expected an array/,
  ],
  [
    "a negative dimension",
    build({ w: f64([-1], 0, 8) }, 8),
    /has shape \[-1\]: dimension -1 is not a non-negative integer/,
  ],
  [
    "a fractional dimension",
    build({ w: f64([1.5], 0, 12) }, 12),
    /dimension 1.5 is not a non-negative integer/,
  ],
  [
    "a string dimension",
    build({ w: { dtype: "F64", shape: ["1"], data_offsets: [0, 8] } }, 8),
    /dimension "1" is not a non-negative integer/,
  ],
  [
    "an infinite dimension (1e400)",
    build('{"w":{"dtype":"F64","shape":[1e400],"data_offsets":[0,8]}}', 8),
    /dimension Infinity is not/,
  ],
  [
    "a shape with too many elements",
    build({ w: f64([2 ** 40, 2 ** 40], 0, 8) }, 8),
    /has shape \[1099511627776, 1099511627776\], which has too many elements/,
  ],
  [
    "missing data_offsets",
    build({ w: { dtype: "F64", shape: [1] } }, 8),
    /has data_offsets undefined, expected \[begin, end\]/,
  ],
  [
    "three data_offsets",
    build({ w: { dtype: "F64", shape: [1], data_offsets: [0, 8, 16] } }, 8),
    /has data_offsets \[0, 8, 16\], expected \[begin, end\]/,
  ],
  [
    "a negative offset",
    build({ w: f64([1], -8, 0) }, 8),
    /has data_offsets \[-8, 0\], expected \[begin, end\] with non-negative integers/,
  ],
  ["a fractional offset", build({ w: f64([1], 0.5, 8.5) }, 9), /data_offsets \[0.5, 8.5\]/],
  [
    "an offset beyond 2^53",
    build({ w: f64([1], 2 ** 60, 2 ** 60 + 8) }, 8),
    /data_offsets \[1152921504606847000, 1152921504606847000\], expected \[begin, end\] with non-negative integers/,
  ],
  [
    "begin after end",
    build({ w: f64([0], 8, 0) }, 8),
    /has data_offsets \[8, 0\]: begin is after end/,
  ],
  [
    "an end beyond the data",
    build({ w: f64([2], 0, 16) }, 8),
    /data_offsets \[0, 16\] outside the data section of 8 bytes/,
  ],
  [
    "a file truncated in the data",
    build({ w: f64([4], 0, 32) }, 31),
    /outside the data section of 31 bytes/,
  ],
  [
    "shape and byte range disagree",
    build({ w: f64([2], 0, 8) }, 8),
    /has shape \[2\] of F64 \(16 bytes\) but data_offsets \[0, 8\] span 8 bytes/,
  ],
  [
    "F32 sized as F64",
    build({ w: { dtype: "F32", shape: [2], data_offsets: [0, 16] } }, 16),
    /shape \[2\] of F32 \(8 bytes\) but data_offsets \[0, 16\] span 16 bytes/,
  ],
  [
    "overlapping tensors",
    build({ a: f64([2], 0, 16), b: f64([2], 8, 24) }, 24),
    /tensor "b" at \[8, 24\] overlaps tensor "a" at \[0, 16\]/,
  ],
  [
    "two tensors on one range",
    build({ a: f64([1], 0, 8), b: f64([1], 0, 8) }, 8),
    /tensor "b" at \[0, 8\] overlaps tensor "a" at \[0, 8\]/,
  ],
  [
    "a gap between tensors",
    build({ a: f64([1], 0, 8), b: f64([1], 16, 24) }, 24),
    /bytes \[8, 16\) before tensor "b" belong to no tensor/,
  ],
  [
    "data before the first tensor",
    build({ a: f64([1], 8, 16) }, 16),
    /bytes \[0, 8\) before tensor "a" belong to no tensor/,
  ],
  [
    "data after the last tensor",
    build({ a: f64([1], 0, 8) }, 16),
    /bytes \[8, 16\) at the end of the data section belong to no tensor/,
  ],
  [
    "data but no tensors",
    build({}, 8),
    /bytes \[0, 8\) at the end of the data section belong to no tensor/,
  ],
  [
    "metadata that is a string",
    build({ __metadata__: "x" }),
    /__metadata__ is "x", expected an object of strings/,
  ],
  [
    "metadata that is an array",
    build({ __metadata__: ["x"] }),
    /__metadata__ is \["x"\], expected an object of strings/,
  ],
  [
    "metadata with a number",
    build({ __metadata__: { epoch: 3 } }),
    /__metadata__ "epoch" is 3, expected a string/,
  ],
];

Deno.test("decodeSafetensors rejects each malformed file with a clear SafetensorsFormatError", async (ctx) => {
  ok(MALFORMED.length >= 30, `${MALFORMED.length} malformed cases`);
  for (const [name, bytes, message] of MALFORMED) {
    await ctx.step(name, () => {
      throws(() => decodeSafetensors(bytes), (error: unknown) => {
        ok(error instanceof SafetensorsFormatError, `${name}: got ${error}`);
        ok(error.message.startsWith("Cannot decode safetensors: "), error.message);
        ok(
          message.test(error.message),
          `${name}: message ${JSON.stringify(error.message)} does not match ${message}`,
        );
        return true;
      });
    });
  }
});

Deno.test("loadSafetensors rejects the same malformed files, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, bytes, message] of MALFORMED) {
      const path = `${dir}/bad.safetensors`;
      await Deno.writeFile(path, bytes);
      await rejects(loadSafetensors(path), (error: unknown) => {
        ok(error instanceof SafetensorsFormatError, `${name}: got ${error}`);
        ok(error.message.startsWith(`Cannot load safetensors file ${path}: `), error.message);
        ok(
          message.test(error.message),
          `${name}: message ${JSON.stringify(error.message)} does not match ${message}`,
        );
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a huge claimed header length is rejected before anything is allocated for it", async () => {
  // A 16-byte file claiming a 99 MB header: the file-size check fails first.
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, withLength(99_000_000n, 16));
    await rejects(
      loadSafetensors(path),
      /header length 99000000 runs past the end of the data \(16 bytes/,
    );
  } finally {
    await Deno.remove(path);
  }
});
