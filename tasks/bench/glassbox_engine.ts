/**
 * The glassbox engine of `deno task bench`, one path per process:
 *
 *   GLASSBOX_WASM=off deno run tasks/bench/glassbox_engine.ts ts      < workloads.json
 *   GLASSBOX_WASM=auto deno run tasks/bench/glassbox_engine.ts wasm < workloads.json
 *   deno run tasks/bench/glassbox_engine.ts webgpu                    < workloads.json
 *
 * The CPU paths are chosen by the environment only (the runner sets
 * `GLASSBOX_WASM`), so the harness relies on no internals. WebGPU runs
 * float32 only, the same training step through the backend's fused
 * primitives. The `micro` group's runners are in tasks/bench/micro_runners.ts,
 * the assignment experiments' in tasks/bench/assignment_runner.ts. See
 * tasks/bench/protocol.ts for what is written to stdout.
 *
 * @module
 */

import { mlp, type Sequential } from "@glassbox/layers";
import { CrossEntropyLoss } from "@glassbox/losses";
import { type Device, manualSeed, type Tensor, tensor } from "@glassbox/tensor";
import { SGD } from "@glassbox/trainer";
import { requestWebGPU, type WebGPUDevice } from "@glassbox/webgpu-kernels";
import { parseTrainFlags } from "../experiments/flags.ts";
import { findExperiment } from "../experiments/registry.ts";
import { runExperiment } from "../experiments/run_experiment.ts";
import { assignmentRunner } from "./assignment_runner.ts";
import { measure, type Measurement, type Runner } from "./measure.ts";
import { microRunner } from "./micro_runners.ts";
import { emit, readWorkloads, runAll } from "./protocol.ts";
import type { BenchDType, Workload } from "./suite.ts";
import { cyclicLabels, lcgValues } from "./values.ts";

const PATHS = ["ts", "wasm", "webgpu"] as const;
type Path = typeof PATHS[number];
/** The environment variables that steer glassbox's CPU kernels, reported when set. */
const KNOBS = ["GLASSBOX_WASM", "GLASSBOX_THREADS"];

function values(shape: number[], seed: number, dtype: BenchDType, device?: Device): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(lcgValues(size, seed), { shape, dtype, device });
}

function matmulRunner(w: Workload & { kind: "matmul" }, gpu?: WebGPUDevice): Runner {
  const a = values([w.n, w.n], 1, w.dtype, gpu), b = values([w.n, w.n], 2, w.dtype, gpu);
  const options = { transposeA: w.variant[0] === "t", transposeB: w.variant[1] === "t" };
  return { run: () => a.matmul(b, options).dispose(), sync: gpu && (() => settle(gpu)) };
}

/** One SGD training step of the MLP: zero, forward, loss, backward, update — the step `fit` takes. */
function mlpRunner(w: Workload & { kind: "mlp" }, gpu?: WebGPUDevice): Runner {
  manualSeed(0);
  const model: Sequential = mlp(w.sizes, { activation: "relu", dtype: w.dtype });
  if (gpu !== undefined) model.to(gpu);
  const x = values([w.batch, w.sizes[0]], 3, w.dtype, gpu);
  const labels = Array.from(cyclicLabels(w.batch, w.sizes.at(-1)!));
  const y = tensor(labels, { dtype: w.dtype, device: gpu }); // on the GPU: fused cross entropy
  const loss = new CrossEntropyLoss();
  const opt = new SGD({ lr: w.lr, params: model.parameters() });
  return {
    run: () => {
      model.zeroGrad();
      const out = model.forward(x);
      loss.forward(out, y).dispose();
      const grad = loss.backward();
      model.accumulateGrad(grad); // no ∂L/∂x, as in PyTorch, where x does not require a gradient
      grad.dispose();
      out.dispose();
      opt.step();
      model.release(); // what forward kept for backward: the next step reuses its buffers
      loss.release();
    },
    sync: gpu && (() => settle(gpu)),
  };
}

function experimentRunner(w: Workload & { kind: "experiment" }): Runner {
  const { config } = parseTrainFlags(["--experiment", w.experiment]);
  const spec = findExperiment(config.experiment);
  if (spec === undefined) throw new RangeError(`unknown experiment ${w.experiment}`);
  const dataset = spec.data(config.seed, config.trainRows!); // built once: data generation is not timed
  return {
    run: async () => {
      await runExperiment(config, dataset);
    },
  };
}

/** What one warm run asks of the device: dispatches, submits, read-backs, buffers and bind groups made. */
async function countsPerRun(gpu: WebGPUDevice, runner: Runner): Promise<Record<string, number>> {
  await settle(gpu);
  const before = gpu.memory();
  await runner.run();
  await settle(gpu);
  const after = gpu.memory();
  return {
    dispatches: after.dispatches - before.dispatches,
    submits: after.submits - before.submits,
    readbacks: after.readbacks - before.readbacks,
    buffersCreated: after.createdBuffers - before.createdBuffers,
    bindGroupsCreated: after.bindGroups - before.bindGroups,
  };
}

async function settle(gpu: WebGPUDevice): Promise<void> {
  gpu.flush();
  await gpu.gpu.queue.onSubmittedWorkDone();
}

async function main(path: Path): Promise<void> {
  const workloads = await readWorkloads();
  const info: Record<string, string | number | boolean> = { engine: `glassbox-${path}` };
  let gpu: WebGPUDevice | undefined;
  if (path === "webgpu") {
    try {
      gpu = await requestWebGPU();
      info.adapter = gpu.adapter;
    } catch (error) {
      info.available = false;
      info.reason = (error as Error).message;
      emit({ type: "engine", info });
      return;
    }
  }
  for (const name of KNOBS) {
    const value = Deno.env.get(name);
    if (value !== undefined) info[name] = value;
  }
  info.available = true;
  emit({ type: "engine", info });
  await runAll(workloads, async (w): Promise<Measurement | string> => {
    if (gpu !== undefined && w.dtype !== "float32") return "WebGPU runs float32 only";
    switch (w.kind) {
      case "matmul":
        return await measure(matmulRunner(w, gpu), w.timing);
      case "mlp": {
        const runner = mlpRunner(w, gpu);
        const m = await measure(runner, w.timing);
        if (gpu !== undefined) m.perRun = await countsPerRun(gpu, runner);
        return m;
      }
      case "micro":
        if (gpu !== undefined) return "the micro workloads run on the CPU";
        return await measure(microRunner(w), w.timing);
      case "experiment": {
        if (gpu !== undefined) return "the experiments train on the CPU";
        if (w.assignment === undefined) return await measure(experimentRunner(w), w.timing);
        const runner = assignmentRunner(w.experiment);
        const m = await measure(runner, w.timing);
        m.perRun = runner.counts();
        return m;
      }
    }
  });
  if (gpu !== undefined) {
    const m = gpu.memory();
    console.error(`glassbox-webgpu: ${m.liveBuffers} live buffers at exit`);
    gpu.destroy();
  }
}

if (import.meta.main) {
  const path = Deno.args[0] as Path;
  if (!PATHS.includes(path)) {
    console.error(
      `Cannot run glassbox_engine.ts: path ${Deno.args[0]}, expected ${PATHS.join("|")}`,
    );
    Deno.exit(2);
  }
  await main(path);
}
