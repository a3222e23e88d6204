// The adversarial harness's child for library calls: `deno run … _probe.ts <op> <json>` runs
// one operation and prints one JSON line, {"ok":true,…} or {"ok":false,"name","message"}.
// Anything else (an uncaught error, a signal, no line) is the harness's evidence of a crash.

import { loadSafetensors, mlp } from "@glassbox/layers";
import { MSELoss } from "@glassbox/losses";
import { Adam, fit, LBFGS, loadCheckpoint, ModelCheckpoint } from "@glassbox/trainer";
import { requestWebGPU } from "@glassbox/webgpu-kernels";
import {
  arange,
  cpuMemory,
  eye,
  full,
  manualSeed,
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
  const values = t.toTypedArray();
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++;
  return count;
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
    case "fits": {
      // n small fits (CPU or WebGPU), each model disposed: RSS and live GPU buffers after
      // the first 20 and after all of them.
      const gpu = arg.device === "webgpu" ? await requestWebGPU() : undefined;
      const dtype = gpu === undefined ? "float64" : "float32";
      manualSeed(0);
      const x = randn([64, 6], { dtype }), y = randn([64, 3], { dtype });
      const sample = () => {
        (globalThis as { gc?: () => void }).gc?.();
        return { rssMb: Deno.memoryUsage().rss / 2 ** 20, buffers: gpu?.liveBuffers() ?? 0 };
      };
      let warm = sample();
      for (let i = 0; i < (arg.n as number); i++) {
        const model = mlp([6, 32, 32, 3], { dtype });
        if (gpu !== undefined) model.to(gpu);
        const optimizer = arg.optimizer === "lbfgs"
          ? new LBFGS({ maxIter: 2 })
          : new Adam({ lr: 0.01 });
        await fit(model, {
          x,
          y,
          validation: { x, y },
          loss: new MSELoss(),
          optimizer,
          epochs: 2,
          batchSize: 32,
        });
        for (const p of model.parameters()) p.value.dispose();
        if (i === 19) warm = sample();
      }
      const end = sample();
      gpu?.destroy();
      return { warm, end, memory: cpuMemory() };
    }
    case "checkpoint": {
      // Two real ModelCheckpoint folders (different saves), one mutated, then loadCheckpoint.
      const save = async (dir: string, epochs: number) => {
        manualSeed(0);
        const x = randn([16, 2]), y = randn([16, 1]);
        await fit(mlp([2, 3, 1]), {
          x,
          y,
          loss: new MSELoss(),
          optimizer: new Adam({ lr: 0.1 }),
          epochs,
          callbacks: [new ModelCheckpoint({ dir, saveBest: false, saveOptimizer: true })],
        });
      };
      const dir = arg.dir as string, other = `${dir}_other`;
      await save(dir, 2);
      await save(other, 3);
      const model = `${dir}/last.safetensors`, opt = `${dir}/last.optimizer.safetensors`;
      switch (arg.mutate) {
        case "delete-model":
          await Deno.remove(model);
          break;
        case "truncate-model":
          await Deno.truncate(model, 20);
          break;
        case "garbage-optimizer":
          await Deno.writeTextFile(opt, "not a safetensors file at all");
          break;
        case "swap-optimizer":
          await Deno.copyFile(`${other}/last.optimizer.safetensors`, opt);
          break;
        case "optimizer-is-dir":
          await Deno.remove(opt);
          await Deno.mkdir(opt);
          break;
        case "model-is-fifo":
          await Deno.remove(model);
          await new Deno.Command("mkfifo", { args: [model] }).output();
          break;
        case "delete-optimizer":
          await Deno.remove(opt);
          break;
      }
      const last = await loadCheckpoint(dir);
      return { epoch: last.metadata.epoch, optimizer: last.optimizer !== null };
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
