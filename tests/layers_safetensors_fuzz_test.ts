// Property-based fuzzing of the safetensors decoder with fast-check: random
// bytes, mutated and truncated valid files and arbitrary JSON headers either
// decode to tensors that account for every data byte or throw a
// SafetensorsFormatError — never another error, a crash or a hang — and
// decode(encode(dict)) gives back the dict bit for bit.

import { build } from "./_safetensors_util.ts";
import { decodeSafetensors, encodeSafetensors, SafetensorsFormatError } from "@glassbox/layers";
import { type Tensor, tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import fc from "npm:fast-check@3.23.2";

/** The bits of a tensor's elements, for bit-exact comparisons (NaN, -0 included). */
function bits(t: Tensor): Uint8Array {
  const values = t.toTypedArray();
  return new Uint8Array(
    values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
  );
}

function decodesOrRejects(bytes: Uint8Array): boolean {
  try {
    const { tensors } = decodeSafetensors(bytes);
    // A file that decodes is consistent: its tensors account for every data byte.
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const total = Object.values(tensors).reduce(
      (s, t) => s + t.size * (t.dtype === "float64" ? 8 : 4),
      0,
    );
    return total === bytes.length - 8 - n;
  } catch (error) {
    if (error instanceof SafetensorsFormatError) return true;
    throw error;
  }
}

const VALID = encodeSafetensors(
  { "0.weight": tensor([[1, 2], [3, 4]]), "0.bias": tensor(new Float32Array([5, 6])) },
  { metadata: { format: "pt" } },
);

Deno.test("fuzz: random bytes never crash the decoder", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), decodesOrRejects), {
    numRuns: 2000,
    seed: 1,
  });
  // Random bytes behind a plausible header length.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.uint8Array({ maxLength: 200 }), (n, rest) => {
      const bytes = new Uint8Array(8 + rest.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
      bytes.set(rest, 8);
      return decodesOrRejects(bytes);
    }),
    { numRuns: 2000, seed: 2 },
  );
});

Deno.test("fuzz: mutated and truncated valid files never crash the decoder", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: VALID.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        maxLength: 6,
      }),
      fc.nat({ max: VALID.length }),
      (edits, cut) => {
        const bytes = VALID.slice(0, cut === 0 ? VALID.length : cut);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        return decodesOrRejects(bytes);
      },
    ),
    { numRuns: 3000, seed: 3 },
  );
});

Deno.test("fuzz: arbitrary JSON headers never crash the decoder", () => {
  const entry = fc.record({
    dtype: fc.oneof(
      fc.constantFrom("F64", "F32", "F16", "I64", "f64", ""),
      fc.integer(),
      fc.constant(null),
    ),
    shape: fc.oneof(
      fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double(), fc.string()), {
        maxLength: 3,
      }),
      fc.anything(),
    ),
    data_offsets: fc.oneof(
      fc.tuple(fc.integer({ min: -4, max: 64 }), fc.integer({ min: -4, max: 64 })),
      fc.anything(),
    ),
  }, { requiredKeys: [] });
  const header = fc.dictionary(
    fc.oneof(fc.string(), fc.constantFrom("__metadata__", "__proto__", "constructor")),
    fc.oneof(entry, fc.anything()),
  );
  fc.assert(
    fc.property(
      header,
      fc.nat({ max: 64 }),
      (h, dataLength) => decodesOrRejects(build(h, dataLength)),
    ),
    { numRuns: 3000, seed: 4 },
  );
  fc.assert(fc.property(fc.json(), (text) => decodesOrRejects(build(text))), {
    numRuns: 1000,
    seed: 5,
  });
});

Deno.test("fuzz: decode(encode(dict)) is the dict, bit for bit", () => {
  const tensorArb = fc.oneof(
    fc.array(fc.double(), { maxLength: 12 }).map((v) => tensor(v)),
    fc.array(fc.float(), { maxLength: 12 }).map((v) => tensor(new Float32Array(v))),
  );
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1 }).filter((k) => k !== "__metadata__"), tensorArb, {
        maxKeys: 5,
      }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
      (dict, metadata) => {
        const back = decodeSafetensors(encodeSafetensors(dict, { metadata }));
        deepStrictEqual(Object.keys(back.tensors).sort(), Object.keys(dict).sort());
        for (const [name, t] of Object.entries(dict)) {
          strictEqual(back.tensors[name].dtype, t.dtype);
          deepStrictEqual(bits(back.tensors[name]), bits(t));
        }
        deepStrictEqual({ ...back.metadata }, { ...metadata });
      },
    ),
    { numRuns: 500, seed: 6 },
  );
});
