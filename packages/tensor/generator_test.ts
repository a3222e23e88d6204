import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { DEFAULT_SEED, Generator, type GeneratorState } from "./generator.ts";
import { glibcCos, glibcSin, glibcSincos } from "./_glibc_sincos.ts";
import { fma as fma64, fmaf as fma32 } from "./fma.ts";

interface Call {
  op: "randn" | "rand" | "normal" | "uniform" | "random31" | "random62";
  dtype: "float32" | "float64" | "int64";
  n: number;
  mean?: number;
  std?: number;
  from?: number;
  to?: number;
  values: (number | string)[];
}
interface Sequence {
  name: string;
  seed: string | null;
  initialSeed: string;
  calls: Call[];
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/golden/torch_random.json", import.meta.url)),
) as {
  sequences: Sequence[];
  torchStates: {
    midStream: { seed: string; state: string; calls: Call[] };
    fresh: { seed: string; state: string };
  };
  mlp: { shapes: Record<string, number[]>; params: Record<string, number[]> };
};

/** Runs one recorded call on `g`; returns what glassbox produced. */
function run(g: Generator, call: Call): (number | string)[] {
  const out = call.dtype === "float32" ? new Float32Array(call.n) : new Float64Array(call.n);
  switch (call.op) {
    case "randn":
      g.fillNormal(out);
      return Array.from(out);
    case "normal":
      g.fillNormal(out, call.mean, call.std);
      return Array.from(out);
    case "rand":
      g.fillUniform(out);
      return Array.from(out);
    case "uniform":
      g.fillUniform(out, call.from, call.to);
      return Array.from(out);
    case "random31":
      return Array.from({ length: call.n }, () => g.random() & 0x7fffffff);
    case "random62":
      return Array.from({ length: call.n }, () => (g.random64() % (1n << 62n)).toString());
  }
}

/** Asserts a call's output equals PyTorch's exactly (difference 0, same sign of zero). */
function check(g: Generator, call: Call, where: string): void {
  const actual = run(g, call);
  for (let i = 0; i < call.n; i++) {
    const [a, e] = [actual[i], call.values[i]];
    ok(
      Object.is(a, e),
      `${where} (${call.op} ${call.dtype} n=${call.n}) element ${i}: got ${a}, PyTorch ${e}`,
    );
  }
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test("Generator replays PyTorch 1.13's streams bit for bit", async (t) => {
  for (const seq of fixture.sequences) {
    await t.step(seq.name, () => {
      const g = seq.seed === null ? new Generator() : new Generator(BigInt(seq.seed));
      strictEqual(g.initialSeed().toString(), seq.initialSeed);
      seq.calls.forEach((call, i) => check(g, call, `${seq.name}, call ${i}`));
    });
  }
});

Deno.test("fillNormal() gives the MLP fixture's float32 weights after manualSeed(0)", () => {
  const g = new Generator(0);
  for (const [name, values] of Object.entries(fixture.mlp.params)) {
    const out = new Float32Array(values.length);
    g.fillNormal(out);
    deepStrictEqual(Array.from(out), values, name);
  }
});

Deno.test("Generator() starts from PyTorch's default seed", () => {
  strictEqual(new Generator().initialSeed(), 67280421310721n);
  strictEqual(DEFAULT_SEED, 67280421310721n);
});

Deno.test("manualSeed() seeds the engine with the low 32 bits and keeps the full seed", () => {
  const a = new Generator(2 ** 32 + 5);
  const b = new Generator(5n);
  strictEqual(a.initialSeed(), 4294967301n);
  deepStrictEqual([a.random(), a.random()], [b.random(), b.random()]);
});

Deno.test("manualSeed() wraps negative seeds to 2^64 + seed", () => {
  strictEqual(new Generator(-7).initialSeed(), 2n ** 64n - 7n);
  strictEqual(new Generator(-(2n ** 63n)).initialSeed(), 2n ** 63n);
  strictEqual(new Generator(2n ** 64n - 1n).initialSeed(), 2n ** 64n - 1n);
});

Deno.test("manualSeed() clears the cached normal sample", () => {
  const one = new Float64Array(1);
  const g = new Generator(0);
  g.fillNormal(one);
  const first = one[0];
  g.manualSeed(0).fillNormal(one); // a stale cache would give the partner sample here
  strictEqual(one[0], first);
});

Deno.test("manualSeed() rejects seeds PyTorch rejects, naming the seed", () => {
  const g = new Generator(1);
  throws(() => g.manualSeed(NaN), { name: "RangeError", message: /seed NaN is not an integer/ });
  throws(() => g.manualSeed(1.5), { name: "RangeError", message: /seed 1\.5 is not an integer/ });
  throws(() => g.manualSeed(Infinity), { name: "RangeError", message: /seed Infinity/ });
  throws(() => g.manualSeed(2n ** 64n), {
    name: "RangeError",
    message: /^Cannot seed generator: seed 18446744073709551616 is out of range/,
  });
  throws(() => g.manualSeed(-(2n ** 63n) - 1n), { name: "RangeError", message: /out of range/ });
  throws(() => g.manualSeed("3" as unknown as number), {
    name: "TypeError",
    message: /seed 3 is a string, expected a number or bigint/,
  });
  strictEqual(g.initialSeed(), 1n); // failed calls change nothing
});

Deno.test("fillUniform() and fillNormal() reject bad buffers and parameters", () => {
  const g = new Generator(0);
  throws(() => g.fillUniform([0, 0] as unknown as Float64Array), {
    name: "TypeError",
    message: /^Cannot fill uniform: out is a Array, expected a Float64Array or Float32Array$/,
  });
  throws(() => g.fillUniform(new Float64Array(2), 1, 0), {
    name: "RangeError",
    message: /from <= to/,
  });
  throws(() => g.fillUniform(new Float32Array(2), 0, 1e39), {
    name: "RangeError",
    message: /to 1e\+39 is not a finite float32/,
  });
  throws(() => g.fillUniform(new Float64Array(2), NaN, 1), {
    name: "RangeError",
    message: /from NaN/,
  });
  throws(() => g.fillNormal(new Float32Array(2), 0, -1), {
    name: "RangeError",
    message: /std -1 must be >= 0/,
  });
  throws(() => g.fillNormal(new Float64Array(2), 0, NaN), {
    name: "RangeError",
    message: /std NaN/,
  });
});

Deno.test("fillNormal() and fillUniform() leave empty buffers and the stream alone", () => {
  const a = new Generator(4);
  a.fillNormal(new Float64Array(0));
  a.fillUniform(new Float32Array(0));
  strictEqual(a.random(), new Generator(4).random());
});

Deno.test("getState() and setState() round-trip through JSON, cached normal included", () => {
  const g = new Generator(2n ** 63n + 9n);
  g.fillNormal(new Float64Array(3)); // leaves a cached sample
  const saved = JSON.parse(JSON.stringify(g.getState())) as GeneratorState;
  ok(saved.nextNormal !== null);
  const expected = new Float64Array(5);
  g.fillNormal(expected);
  const actual = new Float64Array(5);
  new Generator().setState(saved).fillNormal(actual);
  deepStrictEqual(actual, expected);
  strictEqual(new Generator().setState(saved).initialSeed(), 2n ** 63n + 9n);
});

Deno.test("setState() rejects malformed states", () => {
  const good = new Generator(0).getState();
  throws(() => new Generator().setState({ ...good, mt: good.mt.slice(1) }), {
    name: "RangeError",
    message: /expected 624 words .* got 623 words/,
  });
  throws(() => new Generator().setState({ ...good, mt: [-1, ...good.mt.slice(1)] }), {
    name: "RangeError",
    message: /word 0 is -1/,
  });
  throws(() => new Generator().setState({ ...good, index: 625 }), {
    name: "RangeError",
    message: /index 625/,
  });
  throws(() => new Generator().setState({ ...good, seed: "-1" }), {
    name: "TypeError",
    message: /seed "-1"/,
  });
  throws(() => new Generator().setState(null as unknown as GeneratorState), { name: "TypeError" });
});

Deno.test("getTorchState() gives torch.get_rng_state()'s bytes", () => {
  const { fresh, midStream } = fixture.torchStates;
  deepStrictEqual(new Generator(BigInt(fresh.seed)).getTorchState(), fromBase64(fresh.state));
  const g = new Generator(BigInt(midStream.seed));
  g.fillNormal(new Float64Array(3));
  g.fillUniform(new Float32Array(7));
  deepStrictEqual(g.getTorchState(), fromBase64(midStream.state));
});

Deno.test("setTorchState() continues a PyTorch stream, cached normal included", () => {
  const { midStream } = fixture.torchStates;
  const g = new Generator().setTorchState(fromBase64(midStream.state));
  strictEqual(g.initialSeed().toString(), midStream.seed);
  midStream.calls.forEach((call, i) => check(g, call, `after torch state, call ${i}`));
  throws(() => g.setTorchState(new Uint8Array(10)), { name: "TypeError", message: /got 10 bytes/ });
  const bad = fromBase64(midStream.state);
  new DataView(bad.buffer).setInt32(8, 7, true); // left inconsistent with next
  throws(() => g.setTorchState(bad), { name: "RangeError", message: /left=7/ });
});

Deno.test("fma32() and fma64() round once", () => {
  // 0.1 * 10 is 1 + 2^-54 exactly in float64 terms; an unfused product would round it to 1.
  strictEqual(fma64(0.1, 10, -1), 5.551115123125783e-17);
  strictEqual(fma64(-0.1, 10, 1), -5.551115123125783e-17);
  strictEqual(fma64(3, 5, 0.5), 15.5);
  // a·a − 1 with a = 1 + 3·2^-13 is 3·2^-12 + 9·2^-26 exactly, a float32; unfused loses 2^-26.
  const a = Math.fround(1 + 3 * 2 ** -13);
  strictEqual(fma32(a, a, -1), 3 * 2 ** -12 + 9 * 2 ** -26);
  // Here a·b + c lies just above a float32 midpoint but rounds onto it in float64:
  // float64-then-float32 would round twice (to 33554432), fma32 rounds once.
  strictEqual(Math.fround(1.414527177810669 * 1.4139000177383423 + 33554432), 33554432);
  strictEqual(fma32(1.414527177810669, 1.4139000177383423, 33554432), 33554436);
});

Deno.test("glibcSincos() gives glibc's sin and cos where V8's Math.sin and Math.cos do not", () => {
  // [x, glibc sin x, glibc cos x], one pair per code path (table, near π/2, reduced);
  // V8 is one ulp off in each case.
  const cases = [
    [0.7381472413552885, 0.6729185510862399, 0.7397165832966],
    [0.7299277767817294, 0.6668158143709739, 0.7452225638725486],
    [1.1595885298287414, 0.9166387148609358, 0.39971673272217656],
    [1.7291760165853762, 0.9874841322438849, -0.15771838373043828],
    [3.4021060748080805, -0.257576683106882, -0.9662578601593143],
    [5.859413470798051, -0.41120156642850614, 0.9115444431111095],
  ];
  const out = new Float64Array(2);
  for (const [x, sin, cos] of cases) {
    glibcSincos(x, out);
    deepStrictEqual([...out, glibcSin(x), glibcCos(x)], [sin, cos, sin, cos], `x = ${x}`);
    ok(Math.sin(x) !== sin || Math.cos(x) !== cos);
  }
  // glibc's sincos and sin disagree here (π/2 − x is split differently); both are kept.
  glibcSincos(1.6762650767948966, out);
  deepStrictEqual([...out], [0.9944433251316939, -0.10527332568613994]);
  strictEqual(glibcSin(1.6762650767948966), 0.994443325131694);
  throws(() => glibcSin(2 ** 30), { name: "RangeError", message: /huge-argument reduction/ });
});
