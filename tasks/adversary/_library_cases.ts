// Adversarial cases for the library, each in a child (_probe.ts): hostile safetensors files
// for loadSafetensors, and huge or malformed tensor requests.

import { abnormal, type Case, type Observation, ROOT, type Verdict } from "./_harness.ts";

const PROBE_CODES = new Set([0]);

/** `deno run` of the probe with one operation. */
export function probeCmd(op: string, arg: unknown, read = "/"): string[] {
  let text = JSON.stringify(arg);
  if (text.length > 10_000) {
    // Too long for a command line: the probe reads "@file" instead.
    const path = Deno.makeTempFileSync({ prefix: "glassbox_probe_", suffix: ".json" });
    Deno.writeTextFileSync(path, text);
    text = `@${path}`;
  }
  return [
    Deno.execPath(),
    "run",
    `--allow-read=${read}`,
    "--allow-env=GLASSBOX_THREADS,GLASSBOX_WASM",
    "--v8-flags=--max-old-space-size=2048",
    `${ROOT}/tasks/adversary/_probe.ts`,
    op,
    text,
  ];
}

/** Engine errors that escaped as messages: not a refusal the library made. */
const ENGINE_ERRORS =
  /Maximum call stack|Invalid array length|Invalid typed array length|out of memory|is not a function|Cannot read properties|is not iterable/;

interface ProbeResult {
  ok: boolean;
  name?: string;
  message?: string;
  [k: string]: unknown;
}

function parse(o: Observation): ProbeResult | Verdict {
  const bad = abnormal(o, PROBE_CODES);
  if (bad !== null) return bad;
  const line = o.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as ProbeResult;
  } catch {
    return { outcome: "crash", why: `no result line: ${o.stderr.slice(0, 160)}` };
  }
}

/** The call must be refused: a TypeError, RangeError or format error whose message names `mentions`. */
export function probeRefused(...mentions: (string | RegExp)[]) {
  return (o: Observation): Verdict => {
    const r = parse(o);
    if ("outcome" in r) return r as Verdict;
    if (r.ok) return { outcome: "silent", why: `accepted: ${JSON.stringify(r).slice(0, 160)}` };
    const message = r.message ?? "";
    if (ENGINE_ERRORS.test(message) && !message.startsWith("Cannot ")) {
      return { outcome: "crash", why: `${r.name}: ${message}` };
    }
    if (
      !/^(TypeError|RangeError|SafetensorsFormatError)$/.test(r.name ?? "") &&
      !message.startsWith("Cannot ")
    ) {
      return { outcome: "unclear", why: `${r.name}: ${message}` };
    }
    for (const m of mentions) {
      if (typeof m === "string" ? !message.includes(m) : !m.test(message)) {
        return { outcome: "unclear", why: `message lacks ${m}: ${message.slice(0, 200)}` };
      }
    }
    return { outcome: "handled" };
  };
}

/** The call is legal and must succeed (with `check` on its result). */
export function probeOk(check: (r: ProbeResult) => string | null = () => null) {
  return (o: Observation): Verdict => {
    const r = parse(o);
    if ("outcome" in r) return r as Verdict;
    if (!r.ok) return { outcome: "unclear", why: `refused a legal call: ${r.name}: ${r.message}` };
    const problem = check(r);
    return problem === null ? { outcome: "handled" } : { outcome: "silent", why: problem };
  };
}

/** Little-endian u64 + header + data. */
function file(header: string | Uint8Array, data: Uint8Array = new Uint8Array(), length?: bigint) {
  const h = typeof header === "string" ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f64 = (n: number) => new Uint8Array(new Float64Array(n).fill(1).buffer);
const entry = (dtype: string, shape: unknown, offsets: unknown) =>
  JSON.stringify({ dtype, shape, data_offsets: offsets });

/** Every hostile safetensors file: name, bytes, and what the message must name. */
function hostileFiles(): [string, Uint8Array, (string | RegExp)[]][] {
  const one = (e: string, data = f64(2)) => file(`{"w":${e}}`, data);
  const deep = (rank: number) => one(entry("F64", Array(rank).fill(1), [0, 8]), f64(1));
  return [
    ["empty file", new Uint8Array(), []],
    ["3 bytes", new Uint8Array([1, 2, 3]), []],
    ["header length 0", file(""), []],
    ["header length past the end", file("{}", new Uint8Array(), 1000n), []],
    ["header length 2^63", file("{}", new Uint8Array(), 2n ** 63n), []],
    ["header length 2^64-1", file("{}", new Uint8Array(), 2n ** 64n - 1n), []],
    ["header length 200 MB (over the cap)", file("{}", new Uint8Array(), 200_000_000n), []],
    ["non-JSON header", file("{not json"), ["JSON"]],
    ["JSON array header", file("[1,2]"), []],
    ["JSON null header", file("null"), []],
    ["header of spaces", file("        "), []],
    ["invalid UTF-8 header", file(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), ["UTF-8"]],
    ["trailing garbage after JSON", file('{"w":1}xx'), []],
    ["truncated data", one(entry("F64", [4], [0, 32]), f64(2)), []],
    [
      "overlapping offsets",
      file(`{"a":${entry("F64", [2], [0, 16])},"b":${entry("F64", [2], [8, 24])}}`, f64(3)),
      ["overlaps"],
    ],
    [
      "duplicate keys",
      file(`{"a":${entry("F64", [2], [0, 16])},"a":${entry("F64", [2], [16, 32])}}`, f64(4)),
      [/"a"|duplicate|twice/],
    ],
    ["offsets reversed", one(entry("F64", [2], [16, 0])), ["data_offsets"]],
    ["offsets past the data", one(entry("F64", [2], [0, 160])), []],
    ["offsets negative", one(entry("F64", [2], [-16, 0])), []],
    ["offsets fractional", one(entry("F64", [2], [0, 15.5])), []],
    ["offsets as strings", one(entry("F64", [2], ["0", "16"])), []],
    ["offsets of 3 numbers", one(entry("F64", [2], [0, 8, 16])), []],
    ["offsets missing", file(`{"w":{"dtype":"F64","shape":[2]}}`, f64(2)), []],
    ["bytes owned by no tensor", one(entry("F64", [1], [0, 8])), ["no tensor"]],
    ["shape does not match the bytes", one(entry("F64", [3], [0, 16])), []],
    ["shape negative", one(entry("F64", [-2], [0, 16])), ["shape"]],
    ["shape fractional", one(entry("F64", [0.5, 4], [0, 16])), ["shape"]],
    ["shape of strings", one(entry("F64", ["2"], [0, 16])), ["shape"]],
    ["shape 2^40 × 2^40", one(entry("F64", [2 ** 40, 2 ** 40], [0, 16])), ["shape"]],
    ["shape 2^53+1", one(entry("F64", [2 ** 53 + 2], [0, 16])), ["shape"]],
    [
      "shape product overflow with a 0",
      one(entry("F64", [2 ** 31, 2 ** 31, 2 ** 31, 0], [0, 0]), new Uint8Array()),
      [],
    ],
    ["shape 1e300", one(entry("F64", [1e300], [0, 16])), ["shape"]],
    ["rank 33", deep(33), ["shape"]],
    ["rank 3000", deep(3000), ["shape"]],
    ["rank 100000", deep(100_000), ["shape"]],
    ["shape not an array", one(entry("F64", "2", [0, 16])), ["shape"]],
    ["dtype F16", one(entry("F16", [8], [0, 16])), ["F16"]],
    ["dtype I64", one(entry("I64", [2], [0, 16])), ["I64"]],
    ["dtype BF16", one(entry("BF16", [8], [0, 16])), ["BF16"]],
    ["dtype lowercase f64", one(entry("f64", [2], [0, 16])), ["dtype"]],
    ["dtype a number", one(entry(64 as unknown as string, [2], [0, 16])), ["dtype"]],
    ["dtype missing", file(`{"w":{"shape":[2],"data_offsets":[0,16]}}`, f64(2)), ["dtype"]],
    ["entry not an object", file(`{"w":42}`, f64(2)), []],
    [
      "__metadata__ of numbers",
      file(`{"__metadata__":{"a":1},"w":${entry("F64", [2], [0, 16])}}`, f64(2)),
      ["__metadata__"],
    ],
    [
      "__metadata__ an array",
      file(`{"__metadata__":["a"],"w":${entry("F64", [2], [0, 16])}}`, f64(2)),
      ["__metadata__"],
    ],
    ["deeply nested JSON", file(`{"w":${"[".repeat(100_000)}${"]".repeat(100_000)}}`), []],
    [
      "100000 tensors of one byte offsets",
      file(
        `{${
          Array.from({ length: 100_000 }, (_, i) => `"t${i}":${entry("F64", [2], [0, 16])}`).join(
            ",",
          )
        }}`,
        f64(2),
      ),
      [],
    ],
  ];
}

/** Legal but unusual files: they must load. */
function legalFiles(): [string, Uint8Array][] {
  return [
    ["scalar shape []", file(`{"w":${entry("F64", [], [0, 8])}}`, f64(1))],
    ["empty shape [0]", file(`{"w":${entry("F64", [0], [0, 0])}}`)],
    ["header padded with spaces", file(`{"w":${entry("F64", [2], [0, 16])}}      `, f64(2))],
    ["rank 32 (the limit)", file(`{"w":${entry("F64", Array(32).fill(1), [0, 8])}}`, f64(1))],
    [
      "NaN and Infinity values",
      file(
        `{"w":${entry("F64", [2], [0, 16])}}`,
        new Uint8Array(new Float64Array([NaN, Infinity]).buffer),
      ),
    ],
    ["key __proto__", file(`{"__proto__":${entry("F64", [2], [0, 16])}}`, f64(2))],
    ["unicode key", file(`{"wé🙂":${entry("F32", [2], [0, 8])}}`, new Uint8Array(8))],
  ];
}

/** Every library case; `dir` is a scratch folder for the files. */
export async function libraryCases(dir: string): Promise<Case[]> {
  const cases: Case[] = [];
  for (const [name, bytes, mentions] of hostileFiles()) {
    const path = `${dir}/${name.replace(/[^\w]+/g, "_")}.safetensors`;
    await Deno.writeFile(path, bytes);
    cases.push({
      category: "safetensors",
      name,
      cmd: probeCmd("load", { path }),
      timeoutMs: 30_000,
      judge: probeRefused(path, ...mentions),
    });
  }
  for (const [name, bytes] of legalFiles()) {
    const path = `${dir}/legal_${name.replace(/[^\w]+/g, "_")}.safetensors`;
    await Deno.writeFile(path, bytes);
    cases.push({
      category: "safetensors",
      name: `legal: ${name}`,
      cmd: probeCmd("load", { path }),
      timeoutMs: 30_000,
      judge: probeOk(),
    });
  }
  // Not regular files.
  const fifo = `${dir}/fifo.safetensors`;
  const specials: [string, string, () => Promise<void>][] = [
    ["a FIFO", fifo, async () => {
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
    }],
    [
      "a symlink to /dev/zero",
      `${dir}/zero.safetensors`,
      () => Deno.symlink("/dev/zero", `${dir}/zero.safetensors`),
    ],
    ["a directory", `${dir}/adir.safetensors`, () => Deno.mkdir(`${dir}/adir.safetensors`)],
    ["missing", `${dir}/missing.safetensors`, async () => {}],
    [
      "a symlink loop",
      `${dir}/loop.safetensors`,
      () => Deno.symlink(`${dir}/loop.safetensors`, `${dir}/loop.safetensors`),
    ],
  ];
  for (const [name, path, setup] of specials) {
    cases.push({
      category: "safetensors",
      name,
      cmd: probeCmd("load", { path }),
      setup,
      timeoutMs: 30_000,
      judge: probeRefused(path),
    });
  }
  // Sparse files: a header claiming 2 GiB of data that the file does hold (zeros).
  const sparse = `${dir}/sparse.safetensors`;
  cases.push({
    category: "safetensors",
    name: "legal: 1 GiB sparse file of one huge tensor",
    cmd: probeCmd("load", { path: sparse }),
    setup: async () => {
      const n = 2 ** 30;
      const h = new TextEncoder().encode(`{"w":${entry("F64", [n / 8], [0, n])}}`);
      const f = await Deno.open(sparse, { write: true, create: true });
      const head = file(h);
      await f.write(head);
      await f.truncate(head.length + n);
      f.close();
    },
    timeoutMs: 120_000,
    judge: probeOk(),
  });
  cases.push(...tensorCases());
  // ModelCheckpoint folders damaged between saves: loadCheckpoint refuses, naming the file.
  const damaged: [string, string | RegExp | null][] = [
    ["none", null],
    ["delete-optimizer", null],
    ["delete-model", "last.safetensors"],
    ["truncate-model", "last.safetensors"],
    ["garbage-optimizer", "last.optimizer.safetensors"],
    ["swap-optimizer", "different saves"],
    ["optimizer-is-dir", "last.optimizer.safetensors"],
    ["model-is-fifo", "last.safetensors"],
  ];
  for (const [mutate, mention] of damaged) {
    const ckpt = `${dir}/ckpt_${mutate}`;
    cases.push({
      category: "safetensors",
      name: `loadCheckpoint after ${mutate}`,
      cmd: probeCmd("checkpoint", { dir: ckpt, mutate }).map((a) =>
        a.startsWith("--allow-read") ? `${a} --allow-write=${dir} --allow-run=mkfifo` : a
      ).flatMap((a) => a.split(" ")),
      timeoutMs: 60_000,
      judge: mention === null ? probeOk() : probeRefused(ckpt, mention),
    });
  }
  // Memory over repeated fits, each model disposed: flat after warm-up.
  for (const device of ["cpu", "webgpu"]) {
    for (const optimizer of ["adam", "lbfgs"]) {
      cases.push({
        category: "memory",
        name: `200 ${device} fits with ${optimizer}: RSS and live GPU buffers flat after 20`,
        cmd: [
          ...probeCmd("fits", { n: 200, device, optimizer }).slice(0, 2),
          "--v8-flags=--expose-gc",
          ...probeCmd("fits", { n: 200, device, optimizer }).slice(2),
        ],
        timeoutMs: 240_000,
        judge: probeOk((r) => {
          const warm = r.warm as { rssMb: number; buffers: number };
          const end = r.end as { rssMb: number; buffers: number };
          if (end.buffers > warm.buffers) {
            return `live GPU buffers ${warm.buffers} → ${end.buffers}`;
          }
          const grown = end.rssMb - warm.rssMb;
          return grown > 40 ? `RSS grew ${grown.toFixed(0)} MB over 180 fits` : null;
        }),
      });
    }
  }
  return cases;
}

function tensorCases(): Case[] {
  const cases: Case[] = [];
  const refuse = (name: string, op: string, arg: unknown, ...mentions: (string | RegExp)[]) =>
    cases.push({
      category: "tensor",
      name,
      cmd: probeCmd(op, arg),
      timeoutMs: 120_000,
      judge: probeRefused(...mentions),
    });
  const shapes: [string, unknown][] = [
    ["[1e5, 1e5]", [1e5, 1e5]],
    ["[2^32]", [2 ** 32]],
    ["[2^31, 2^31]", [2 ** 31, 2 ** 31]],
    ["rank 33", Array(33).fill(1)],
    ["rank 3000", Array(3000).fill(1)],
    ["rank 1e6", Array(1e6).fill(1)],
    ["[2^31, 2^31, 0] (no elements)", [2 ** 31, 2 ** 31, 0]],
    ["[65536, 65536, 0] (no elements)", [65536, 65536, 0]],
    ["[-1]", [-1]],
    ["[1.5]", [1.5]],
    ["[NaN]", [null]],
    ["[Infinity]", ["Infinity"]],
    ['["3"]', ["3"]],
    ["not an array", 3],
  ];
  for (const fn of ["zeros", "ones", "randn"]) {
    for (const [label, shape] of shapes) {
      let s = shape;
      if (label === "[Infinity]") s = [1e999];
      refuse(
        `${fn}(${label})`,
        "create",
        { fn, args: [s] },
        fn === "randn" ? /randn|shape/ : /shape|Cannot/,
      );
    }
  }
  refuse("full([2], NaN-string)", "create", { fn: "full", args: [[2], "x"] }, /full|value/);
  refuse("eye(1e6)", "create", { fn: "eye", args: [1e6] }, /eye|elements|size/);
  refuse("eye(-1)", "create", { fn: "eye", args: [-1] }, /eye/);
  refuse("zeros([402653184]).toArray() (past the engine's array limit)", "create", {
    fn: "zeros",
    args: [[402653184]],
  }, /nested arrays/);
  refuse("arange(0, 1e12)", "create", { fn: "arange", args: [0, 1e12] }, /arange/);
  refuse(
    "arange(0, 1, step 0)",
    "create",
    { fn: "arange", args: [0, 1, { step: 0 }] },
    /arange|step/,
  );
  refuse("arange(0, Infinity)", "create", { fn: "arange", args: [0, 1e999] }, /arange/);
  refuse(
    "tensor of ragged rows",
    "create",
    { fn: "tensor", args: [[[1, 2], [3]]] },
    /ragged|shape|length/,
  );
  refuse("tensor of strings", "create", { fn: "tensor", args: [[["a"]]] }, /tensor/);
  refuse("tensor 40-deep nesting", "create", {
    fn: "tensor",
    args: [JSON.parse("[".repeat(40) + "1" + "]".repeat(40))],
  }, /dimensions|rank/);
  refuse("tensor 20000-deep nesting", "create", {
    fn: "tensor",
    args: [JSON.parse("[".repeat(20000) + "1" + "]".repeat(20000))],
  }, /dimensions|rank/);
  refuse("reshape to [2^32]", "method", { name: "reshape", args: [[2 ** 32]] }, /reshape/);
  refuse("reshape to [-1, -1]", "method", { name: "reshape", args: [[-1, -1]] }, /reshape/);
  refuse(
    "reshape to rank 40",
    "method",
    { name: "reshape", args: [[6, ...Array(39).fill(1)]] },
    /reshape/,
  );
  refuse("sum over axis 5", "method", { name: "sum", args: [{ axis: 5 }] }, /axis/);
  refuse("sum over axis 1.5", "method", { name: "sum", args: [{ axis: 1.5 }] }, /axis/);
  refuse("transpose axes [0, 0]", "method", { name: "permute", args: [[0, 0]] }, /permute|axes/);
  refuse("matmul [2,3]×[4,5]", "matmul", { a: [2, 3], b: [4, 5] }, /matmul/);
  refuse(
    "matmul [60000,60000] result",
    "matmul",
    { a: [70000, 1], b: [1, 70000] },
    /matmul|elements/,
  );
  refuse("item() of 6 elements", "method", { name: "item", args: [] }, /item/);
  return cases;
}
