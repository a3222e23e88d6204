import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { RandomState, type RandomStateSnapshot } from "./random_state.ts";

type Size = number | number[] | null;
interface Call {
  op: string;
  out?: unknown;
  size?: Size;
  [arg: string]: unknown;
}
interface Case {
  name: string;
  seed: number;
  calls: Call[];
}

const fixture: { numpy: string; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/golden/numpy_random.json", import.meta.url)),
);

/** Plain values for comparison: typed arrays become arrays. */
function plain(value: unknown): unknown {
  return ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value;
}

/** Performs one fixture call on rs, returning what NumPy's call returned. */
function replay(rs: RandomState, call: Call): unknown {
  const size = call.size ?? undefined;
  const n = (name: string) => call[name] as number;
  // The overloads pick the return type from `size`; the fixture mixes both.
  const sized = rs as unknown as Record<string, (...args: unknown[]) => unknown>;
  switch (call.op) {
    case "randomSample":
      return sized.randomSample.call(rs, size);
    case "standardNormal":
      return sized.standardNormal.call(rs, size);
    case "normal":
      return sized.normal.call(rs, n("loc"), n("scale"), size);
    case "uniform":
      return sized.uniform.call(rs, n("low"), n("high"), size);
    case "randint":
      return sized.randint.call(rs, n("low"), call.high ?? undefined, size);
    case "shuffle": {
      const xs = Array.from({ length: n("n") }, (_, i) => i);
      rs.shuffle(xs);
      return xs;
    }
    case "shuffleRows": {
      const m = Float64Array.from({ length: n("rows") * n("cols") }, (_, i) => i);
      rs.shuffleRows(m, n("cols"));
      return m;
    }
    case "permutation":
      return "n" in call ? rs.permutation(n("n")) : rs.permutation(call.array as number[]);
    case "choice": {
      const options = {
        size,
        replace: call.replace as boolean,
        p: (call.p as number[] | null) ?? undefined,
      };
      return sized.choice.call(rs, call.a, options);
    }
    case "seed":
      rs.seed(n("seed"));
      return undefined;
    case "setState":
      rs.setState({
        algorithm: "MT19937",
        ...(call.state as Omit<RandomStateSnapshot, "algorithm">),
      });
      return undefined;
    case "getState": {
      const { algorithm: _, ...state } = rs.getState();
      return state;
    }
  }
  throw new Error(`unknown fixture op ${call.op}`);
}

Deno.test(`RandomState matches NumPy ${fixture.numpy} exactly on every fixture sequence`, async (t) => {
  for (const c of fixture.cases) {
    await t.step(c.name, () => {
      const rs = new RandomState(c.seed);
      c.calls.forEach((call, i) => {
        const actual = plain(replay(rs, call));
        const where = `${c.name}, call ${i} (${call.op} ${
          JSON.stringify({ ...call, out: undefined })
        })`;
        if (call.out === undefined) strictEqual(actual, undefined, where);
        else deepStrictEqual(actual, call.out, where);
      });
    });
  }
});

Deno.test("RandomState() draws a random seed when none is given", () => {
  const a = new RandomState().randomSample(4);
  const b = new RandomState().randomSample(4);
  strictEqual(a.length, 4);
  strictEqual(a.every((x) => x >= 0 && x < 1), true);
  strictEqual(a.every((x, i) => x === b[i]), false);
});

Deno.test("RandomState.seed() resets the cached Gaussian when it reseeds", () => {
  const rs = new RandomState(0);
  rs.standardNormal();
  rs.seed(0);
  strictEqual(rs.getState().hasGauss, false);
  strictEqual(rs.standardNormal(), new RandomState(0).standardNormal());
});

Deno.test("RandomState.shuffle() permutes typed arrays the same way as JS arrays", () => {
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const ys = Int32Array.from(xs);
  new RandomState(9).shuffle(xs);
  new RandomState(9).shuffle(ys);
  deepStrictEqual(Array.from(ys), xs);
});

Deno.test("RandomState.permutation() copies its input and keeps its kind", () => {
  const input = Float32Array.of(1, 2, 3, 4);
  const out = new RandomState(0).permutation(input);
  strictEqual(out instanceof Float32Array, true);
  deepStrictEqual(Array.from(input), [1, 2, 3, 4]);
  deepStrictEqual(Array.from(out).sort(), [1, 2, 3, 4]);
});

Deno.test("RandomState.getState() round-trips through JSON and setState()", () => {
  const rs = new RandomState(11);
  rs.standardNormal(3); // leaves a cached Gaussian
  const saved = JSON.parse(JSON.stringify(rs.getState()));
  const expected = rs.standardNormal(5);
  const other = new RandomState(0);
  other.setState(saved);
  deepStrictEqual(other.standardNormal(5), expected);
});

/** Asserts that fn throws the given error class with a message containing every fragment. */
function throwsWith(fn: () => unknown, kind: ErrorConstructor, ...fragments: string[]): void {
  throws(fn, (e: unknown) => {
    strictEqual(e instanceof kind, true, `expected ${kind.name}, got ${e}`);
    for (const f of fragments) {
      strictEqual((e as Error).message.includes(f), true, `"${(e as Error).message}" lacks "${f}"`);
    }
    strictEqual((e as Error).message.startsWith("Cannot "), true);
    return true;
  });
}

Deno.test("RandomState() throws when the seed is not an integer in [0, 2^32 - 1]", () => {
  throwsWith(() => new RandomState(-1), RangeError, "seed", "-1");
  throwsWith(() => new RandomState(2 ** 32), RangeError, "seed", "4294967296");
  throwsWith(() => new RandomState(1.5), RangeError, "seed", "1.5");
  throwsWith(() => new RandomState(NaN), RangeError, "seed", "NaN");
  throwsWith(() => new RandomState(Infinity), RangeError, "seed", "Infinity");
  throwsWith(() => new RandomState("3" as unknown as number), TypeError, "seed", '"3"');
  throwsWith(() => new RandomState(0).seed(-5), RangeError, "seed", "-5");
});

Deno.test("RandomState methods throw when size is not a count or shape", () => {
  const rs = new RandomState(0);
  throwsWith(() => rs.randomSample(-1), RangeError, "size", "-1");
  throwsWith(() => rs.standardNormal([2, 1.5]), RangeError, "size", "[2, 1.5]");
  throwsWith(() => rs.uniform(0, 1, "3" as unknown as number), TypeError, "size", '"3"');
  throwsWith(() => rs.randint(0, 5, [NaN]), RangeError, "size", "[NaN]");
});

Deno.test("RandomState.normal() and uniform() throw on bad parameters", () => {
  const rs = new RandomState(0);
  throwsWith(() => rs.normal(0, -1), RangeError, "scale", "-1");
  throwsWith(() => rs.normal("0" as unknown as number, 1), TypeError, "loc", '"0"');
  throwsWith(() => rs.uniform(-Infinity, 1), RangeError, "high - low", "-Infinity");
  throwsWith(() => rs.uniform(0, NaN), RangeError, "high - low", "NaN");
});

Deno.test("RandomState.randint() throws when the bounds are not safe integers with low < high", () => {
  const rs = new RandomState(0);
  throwsWith(() => rs.randint(0), RangeError, "high", "0");
  throwsWith(() => rs.randint(5, 5), RangeError, "low", "high", "5");
  throwsWith(() => rs.randint(0.5, 3), RangeError, "low", "0.5");
  throwsWith(() => rs.randint(0, 2 ** 53 + 2), RangeError, "high", "9007199254740994");
  throwsWith(() => rs.randint(0, undefined, 3), RangeError, "high", "0");
});

Deno.test("RandomState.shuffleRows() and permutation() throw on bad lengths", () => {
  const rs = new RandomState(0);
  throwsWith(() => rs.shuffleRows(new Float64Array(6), 4), RangeError, "rowLength", "4", "6");
  throwsWith(() => rs.shuffleRows(new Float64Array(6), 0), RangeError, "rowLength", "0");
  throwsWith(() => rs.permutation(-2), RangeError, "n", "-2");
});

Deno.test("RandomState.choice() throws on bad populations, sizes and probabilities", () => {
  const rs = new RandomState(0);
  throwsWith(() => rs.choice(0, { size: 2 }), RangeError, "population", "0");
  throwsWith(() => rs.choice([], { size: 2 }), RangeError, "population", "length 0");
  throwsWith(() => rs.choice(-3), RangeError, "a", "-3");
  throwsWith(() => rs.choice(3, { size: 4, replace: false }), RangeError, "size", "4", "3");
  throwsWith(() => rs.choice(3, { p: [0.5, 0.5] }), RangeError, "p", "2", "3");
  throwsWith(() => rs.choice(2, { p: [1.5, -0.5] }), RangeError, "p[1]", "-0.5");
  throwsWith(() => rs.choice(2, { p: [0.5, NaN] }), RangeError, "p", "NaN");
  throwsWith(() => rs.choice(2, { p: [0.5, 0.6] }), RangeError, "p", "1.1");
  throwsWith(
    () => rs.choice(3, { size: 2, replace: false, p: [1, 0, 0] }),
    RangeError,
    "p",
    "1",
    "2",
  );
});

Deno.test("RandomState.setState() throws on malformed states", () => {
  const rs = new RandomState(0);
  const good = rs.getState();
  throwsWith(() => rs.setState({ ...good, key: good.key.slice(1) }), RangeError, "key", "623");
  throwsWith(
    () => rs.setState({ ...good, key: [-1, ...good.key.slice(1)] }),
    RangeError,
    "key[0]",
    "-1",
  );
  throwsWith(() => rs.setState({ ...good, pos: 625 }), RangeError, "pos", "625");
  throwsWith(
    () => rs.setState({ ...good, hasGauss: 1 as unknown as boolean }),
    TypeError,
    "hasGauss",
    "1",
  );
  throwsWith(
    () => rs.setState({ ...good, algorithm: "PCG64" as "MT19937" }),
    RangeError,
    "algorithm",
    "PCG64",
  );
});
