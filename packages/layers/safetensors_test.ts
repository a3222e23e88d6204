import { tensor } from "@glassbox/tensor";
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "./mod.ts";

function headerOf(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

Deno.test("encodeSafetensors() writes a compact header padded to 8 bytes, metadata first, F64 before F32", () => {
  const bytes = encodeSafetensors(
    { small: tensor(new Float32Array([1])), big: tensor([[2, 3]]) },
    { metadata: { format: "pt" } },
  );
  const header = headerOf(bytes);
  strictEqual(header.length % 8, 0);
  strictEqual(
    header.trimEnd(),
    '{"__metadata__":{"format":"pt"},"big":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]},' +
      '"small":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}',
  );
  strictEqual(bytes.length, 8 + header.length + 20);
  const view = new DataView(bytes.buffer, 8 + header.length);
  deepStrictEqual([view.getFloat64(0, true), view.getFloat64(8, true), view.getFloat32(16, true)], [
    2,
    3,
    1,
  ]);
});

Deno.test("encodeSafetensors() omits __metadata__ without metadata and decodes to an empty object", () => {
  const bytes = encodeSafetensors({ w: tensor([1]) });
  strictEqual(headerOf(bytes).trimEnd(), '{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}');
  deepStrictEqual(decodeSafetensors(bytes).metadata, {});
  deepStrictEqual(decodeSafetensors(encodeSafetensors({})).tensors, {});
});

Deno.test("decodeSafetensors() keeps unusual tensor names as plain keys", () => {
  const dict = Object.fromEntries([["__proto__", tensor([1])], ["constructor", tensor([2])], [
    "é",
    tensor([3]),
  ]]);
  const { tensors } = decodeSafetensors(encodeSafetensors(dict));
  deepStrictEqual(Object.keys(tensors).sort(), ["__proto__", "constructor", "é"]);
  deepStrictEqual(tensors["__proto__"].toArray(), [1]);
  strictEqual(Object.getPrototypeOf(tensors), Object.prototype);
});

Deno.test("encodeSafetensors() rejects what it cannot write", () => {
  throws(
    () => encodeSafetensors(null as never),
    /Cannot encode safetensors: expected an object of tensors by name, got null/,
  );
  throws(() => encodeSafetensors({ w: 1 as never }), /w is a number, expected a Tensor/);
  throws(
    () => encodeSafetensors({}, { metadata: [] as never }),
    /metadata is an array, expected an object of strings/,
  );
  throws(
    () => decodeSafetensors([1, 2] as never),
    /Cannot decode safetensors: expected a Uint8Array, got an array/,
  );
});
