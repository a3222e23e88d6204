/**
 * The TensorFlow.js engine of `deno task bench`: `@tensorflow/tfjs`
 * with `@tensorflow/tfjs-backend-wasm` (versions pinned here and in
 * tasks/dev.lock, the lockfile of the tests and benchmarks), float32 only.
 *
 *   deno run --cached-only --lock=tasks/dev.lock --allow-read=<tfjs-backend-wasm>/dist tasks/bench/tfjs_engine.ts < workloads.json
 *
 * The wasm backend loads its `.wasm` binary from its own npm package folder
 * with `fs` (its Node build), so the only permission it needs is reading
 * that folder; nothing is fetched at run time. It runs the single-threaded
 * SIMD build: tfjs reports no multithread support under Deno, and forcing
 * its threaded build fails to start its workers (Deno's `worker_threads`
 * rejects the worker path Emscripten passes, ERR_WORKER_PATH).
 *
 * The MLP step is written with tfjs-core ops (no tfjs-layers model):
 * weights `[in, out]` as variables, `matMul` + `add` + `relu`,
 * `losses.softmaxCrossEntropy` on one-hot labels, and `train.sgd`'s
 * `minimize`, which records the tape, computes the gradients and updates.
 *
 * @module
 */

import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { getThreadsCount } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import { measure, type Measurement, type Runner } from "./measure.ts";
import { emit, readWorkloads, runAll } from "./protocol.ts";
import type { Workload } from "./suite.ts";
import { cyclicLabels, lcgValues } from "./values.ts";

function values(shape: number[], seed: number, scale = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from(lcgValues(size, seed), (v) => v * scale);
  return tf.tensor(data, shape, "float32");
}

function matmulRunner(w: Workload & { kind: "matmul" }): Runner {
  const a = values([w.n, w.n], 1), b = values([w.n, w.n], 2);
  const ta = w.variant[0] === "t", tb = w.variant[1] === "t";
  // The wasm backend computes synchronously inside the op call.
  return { run: () => tf.matMul(a, b, ta, tb).dispose() };
}

function mlpRunner(w: Workload & { kind: "mlp" }): Runner {
  const layers = w.sizes.slice(1).map((out, i) => {
    const fanIn = w.sizes[i];
    const bound = 1 / Math.sqrt(fanIn); // PyTorch's nn.Linear range
    return {
      weight: tf.variable(values([fanIn, out], 10 + i, bound)),
      bias: tf.variable(values([out], 20 + i, bound)),
    };
  });
  const x = values([w.batch, w.sizes[0]], 3);
  const classes = w.sizes.at(-1)!;
  const labels = tf.oneHot(tf.tensor1d(cyclicLabels(w.batch, classes), "int32"), classes);
  const optimizer = tf.train.sgd(w.lr);
  const vars = layers.flatMap((l) => [l.weight, l.bias]);
  return {
    run: () => {
      const cost = optimizer.minimize(
        () => {
          let h: tf.Tensor = x;
          layers.forEach((l, i) => {
            h = tf.add(tf.matMul(h, l.weight), l.bias);
            if (i < layers.length - 1) h = tf.relu(h);
          });
          return tf.losses.softmaxCrossEntropy(labels, h) as tf.Scalar;
        },
        true,
        vars,
      );
      cost!.dataSync();
      cost!.dispose();
    },
  };
}

async function main(): Promise<void> {
  const workloads = await readWorkloads();
  const info: Record<string, string | number | boolean> = {
    engine: "tfjs",
    version: tf.version_core,
  };
  let ok = false;
  try {
    ok = await tf.setBackend("wasm");
  } catch (error) {
    info.reason = (error as Error).message;
  }
  if (!ok) {
    info.available = false;
    info.reason ??= "tf.setBackend('wasm') returned false";
    emit({ type: "engine", info });
    return;
  }
  info.backend = tf.getBackend();
  info.simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  info.threads = getThreadsCount();
  info.available = true;
  emit({ type: "engine", info });
  await runAll(workloads, async (w): Promise<Measurement | string> => {
    if (w.dtype !== "float32") return "the tfjs wasm backend is float32 only";
    switch (w.kind) {
      case "matmul":
        return await measure(matmulRunner(w), w.timing);
      case "mlp":
        return await measure(mlpRunner(w), w.timing);
      case "micro":
      case "experiment":
        return "not ported to tfjs (float64 workloads)";
    }
  });
}

if (import.meta.main) await main();
