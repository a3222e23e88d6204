// The adversarial harness's child for library calls: `deno run … _probe.ts <op> <json>` runs
// one operation and prints one JSON line, {"ok":true,…} or {"ok":false,"name","message"}.
// Anything else (an uncaught error, a signal, no line) is the harness's evidence of a crash.

import { loadSafetensors } from "@glassbox/layers";
import {
  arange,
  cpuMemory,
  eye,
  full,
  type NestedArray,
  ones,
  randn,
  type Tensor,
  tensor,
  zeros,
} from "@glassbox/tensor";

type Json = Record<string, unknown>;
const text = Deno.args[1] ?? "{}";
const op = Deno.args[0];
const arg = JSON.parse(text.startsWith("@") ? Deno.readTextFileSync(text.slice(1)) : text) as Json;

function finiteCount(t: Tensor): number {
  return t.toTypedArray().filter((x) => Number.isFinite(x)).length;
}

async function run(): Promise<Json> {
  switch (op) {
    case "load": {
      const { tensors } = await loadSafetensors(arg.path as string);
      let elements = 0;
      for (const t of Object.values(tensors)) {
        if (t.size < 1_000_000) t.toArray(); // nested arrays: deep shapes overflow here if anywhere
        elements += t.size;
        finiteCount(t);
      }
      return { tensors: Object.keys(tensors).length, elements };
    }
    case "create": {
      const fns: Record<string, (...a: never[]) => Tensor> = {
        zeros,
        ones,
        full,
        randn,
        eye,
        arange,
        tensor,
      };
      const t = fns[arg.fn as string](...(arg.args as never[]));
      t.toArray();
      return { shape: t.shape, size: t.size };
    }
    case "method": {
      // A method on a small tensor with hostile arguments, e.g. reshape, sum, transpose.
      const t = arg.of === undefined
        ? tensor([[1, 2, 3], [4, 5, 6]])
        : tensor(arg.of as NestedArray);
      const m = (t as unknown as Record<string, (...a: unknown[]) => unknown>)[arg.name as string];
      const out = m.apply(t, arg.args as unknown[]) as Tensor;
      return { shape: out.shape, values: out.toArray() };
    }
    case "matmul": {
      const a = zeros(arg.a as number[]);
      const b = zeros(arg.b as number[]);
      return { shape: a.matmul(b).shape };
    }
    case "memory": {
      const before = cpuMemory().allocatedBytes;
      for (let i = 0; i < (arg.n as number); i++) {
        const a = randn([256, 256]);
        const b = a.matmul(a).relu();
        b.sum().item();
        a.dispose();
        b.dispose();
      }
      return {
        before,
        after: cpuMemory().allocatedBytes,
        rssMb: Deno.memoryUsage().rss / 2 ** 20,
      };
    }
    default:
      throw new Error(`probe: unknown op ${op}`);
  }
}

try {
  console.log(JSON.stringify({ ok: true, ...(await run()) }));
} catch (error) {
  const e = error as Error;
  console.log(JSON.stringify({ ok: false, name: e?.name, message: String(e?.message ?? e) }));
}
