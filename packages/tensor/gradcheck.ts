/**
 * `gradcheck`: checks a hand-written backward pass against central finite
 * differences of its forward pass, in float64.
 *
 * @module
 */

import { AssertionError } from "./assertion_error.ts";
import { tensor } from "./creation.ts";
import { Generator } from "./generator.ts";
import { describe, fmtShape, sizeOf, unravelIndex } from "@glassbox/internal";
import { storageOf, Tensor } from "./tensor.ts";

/**
 * A function with a hand-written gradient, as `gradcheck` sees it: any layer
 * or loss fits once wrapped in two closures.
 */
export interface Differentiable {
  /** Computes the output from the inputs (float64 tensors, in the order given to `gradcheck`). */
  forward(...inputs: Tensor[]): Tensor;
  /**
   * Given ∂s/∂output (shaped like the output), returns ∂s/∂input for every
   * input, in order: an array, or a single tensor when there is one input.
   * It always follows a `forward` at the unperturbed inputs.
   */
  backward(gradOutput: Tensor): Tensor | readonly Tensor[];
}

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Step of the central differences (default 1e-6). */
  eps?: number;
  /** Relative tolerance: an element passes when `|a − n| ≤ atol + rtol·|n|` (default 1e-3). */
  rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /**
   * The upstream gradient passed to `backward`, shaped like the output
   * (float64). Default: 1 for a scalar output; otherwise fixed pseudo-random
   * values in [-1, 1) (seeded by `seed`), so that a backward that mixes up
   * elements or ignores its `gradOutput` is caught.
   */
  gradOutput?: Tensor;
  /** Seed of the default `gradOutput` (default 0). */
  seed?: number;
  /** Throw an AssertionError when a gradient differs (default true); otherwise only report. */
  throwOnFailure?: boolean;
}

/** One compared element: its analytical and numerical derivative. */
export interface GradcheckElement {
  /** Multi-index of the element in its input. */
  index: number[];
  /** What `backward` returned. */
  analytical: number;
  /** The central difference `(s(x + ε) − s(x − ε)) / 2ε`. */
  numerical: number;
  /** `|analytical − numerical|`. */
  absError: number;
  /** `|analytical − numerical| / |numerical|`. */
  relError: number;
}

/** The comparison for one input. */
export interface GradcheckInputReport {
  /** Position of the input in the `inputs` array. */
  input: number;
  /** Shape of the input (and of its gradient). */
  shape: readonly number[];
  /** Number of elements outside the tolerance. */
  failures: number;
  /** Largest absolute error over the input's elements. */
  maxAbsError: number;
  /** Largest relative error over the input's elements. */
  maxRelError: number;
  /** The element furthest outside (or closest to) the tolerance; null for an empty input. */
  worst: GradcheckElement | null;
}

/** What `gradcheck` found. */
export interface GradcheckReport {
  /** Whether every element of every gradient is within the tolerance. */
  ok: boolean;
  /** One report per input, in order. */
  inputs: GradcheckInputReport[];
  /** The upstream gradient that was used. */
  gradOutput: Tensor;
  /** Number of `forward` calls made. */
  evaluations: number;
  /** A one-line summary, the AssertionError's message on failure. */
  message: string;
}

/**
 * Checks the analytical gradient of `fn` against central differences in
 * float64. With `s(inputs) = Σ gradOutput ⊙ fn.forward(...inputs)` (just the
 * output when it is a scalar and `gradOutput` is 1), `fn.backward(gradOutput)`
 * must return `∂s/∂inputs[k]` for every k. Each element `x` of each input is
 * moved to `x ± eps` in turn and compared with `(s(x + ε) − s(x − ε)) / 2ε`.
 *
 * Call order: `forward(...inputs)`, `backward(gradOutput)`, then `forward` at
 * each perturbed point (2 per element), then `forward(...inputs)` once more,
 * so a layer or loss that caches its last forward is left as it was.
 *
 * Inputs must be float64 CPU tensors: finite differences in float32 are too
 * coarse to check anything. Cost: 2 forward passes per input element, so
 * check small shapes.
 *
 * @param fn `forward` and `backward` of the function under test.
 * @param inputs The point to check at: float64 CPU tensors.
 * @param options `eps` (1e-6), `rtol` (1e-3), `atol` (1e-5), `gradOutput`, `seed`, `throwOnFailure` (true).
 * @returns The report; throws an AssertionError naming the worst element of each
 *   failing input unless `throwOnFailure` is false.
 *
 * @example A custom layer y = x·W and its backward
 * ```ts
 * import { gradcheck, type Tensor, tensor } from "@glassbox/tensor";
 * import { ok, throws } from "node:assert/strict";
 *
 * class MatmulLayer {
 *   #x: Tensor | null = null;
 *   #w: Tensor | null = null;
 *   forward(x: Tensor, w: Tensor): Tensor {
 *     this.#x = x;
 *     this.#w = w;
 *     return x.matmul(w);
 *   }
 *   // ∂L/∂X = Δ·Wᵀ, ∂L/∂W = Xᵀ·Δ
 *   backward(delta: Tensor): Tensor[] {
 *     return [delta.matmul(this.#w!, { transposeB: true }), this.#x!.matmul(delta, { transposeA: true })];
 *   }
 * }
 *
 * const x = tensor([[1, 2], [3, -1]]);
 * const w = tensor([[0.5, -1, 2], [1, 0.25, -0.5]]);
 * ok(gradcheck(new MatmulLayer(), [x, w]).ok);
 *
 * // A backward that forgets a transpose is caught, and the message says where.
 * class Broken extends MatmulLayer {
 *   override backward(delta: Tensor): Tensor[] {
 *     const [, dw] = super.backward(delta);
 *     return [delta.matmul(w.reshape([3, 2])), dw];
 *   }
 * }
 * throws(() => gradcheck(new Broken(), [x, w]), /gradient of inputs\[0\] \(shape \[2, 2\]\)/);
 * ```
 */
export function gradcheck(
  fn: Differentiable,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const eps = options.eps ?? 1e-6, rtol = options.rtol ?? 1e-3, atol = options.atol ?? 1e-5;
  for (const [name, v] of [["eps", eps], ["rtol", rtol], ["atol", atol]] as const) {
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v) || (name === "eps" && v === 0)) {
      throw new RangeError(
        `Cannot gradcheck: ${name} ${v} is invalid, expected a finite number ${
          name === "eps" ? "> 0" : "≥ 0"
        }`,
      );
    }
  }
  if (typeof fn?.forward !== "function" || typeof fn?.backward !== "function") {
    throw new TypeError(
      "Cannot gradcheck: fn must have forward(...inputs) and backward(gradOutput) methods",
    );
  }
  if (!Array.isArray(inputs)) {
    throw new TypeError("Cannot gradcheck: inputs must be an array of tensors");
  }
  inputs.forEach((x, k) => checkFloat64(x, `inputs[${k}]`));

  const output = fn.forward(...inputs);
  checkFloat64(output, "the output of forward");
  const gradOutput = options.gradOutput ?? defaultGradOutput(output.shape, options.seed ?? 0);
  checkFloat64(gradOutput, "gradOutput");
  checkShape(gradOutput.shape, output.shape, "gradOutput", "the output of forward");
  const analytical = gradients(fn.backward(gradOutput), inputs);
  const g = gradOutput.toTypedArray();

  let evaluations = 1;
  const objective = (args: Tensor[]): number => {
    evaluations++;
    const y = fn.forward(...args);
    checkFloat64(y, "the output of forward");
    checkShape(
      y.shape,
      output.shape,
      "the output of forward at a perturbed input",
      "at the unperturbed inputs",
    );
    const values = y.toTypedArray();
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[i] * g[i];
    return s;
  };

  const reports = inputs.map((x, k): GradcheckInputReport => {
    const host = Float64Array.from(x.toTypedArray());
    const grad = analytical[k].toTypedArray();
    const args = [...inputs];
    const at = (values: Float64Array): number => {
      args[k] = tensor(values, { shape: x.shape, dtype: "float64", device: x.device });
      return objective(args);
    };
    const report: GradcheckInputReport = {
      input: k,
      shape: x.shape,
      failures: 0,
      maxAbsError: 0,
      maxRelError: 0,
      worst: null,
    };
    let worstExcess = -Infinity;
    for (let j = 0; j < host.length; j++) {
      const value = host[j];
      const up = value + eps, down = value - eps;
      host[j] = up;
      const sUp = at(host);
      host[j] = down;
      const sDown = at(host);
      host[j] = value;
      const numerical = (sUp - sDown) / (up - down);
      const a = grad[j];
      const absError = Math.abs(a - numerical);
      const relError = absError / Math.abs(numerical);
      // NaN anywhere fails (excess NaN is "not ≤ 0" and beats every other excess).
      const excess = absError - (atol + rtol * Math.abs(numerical));
      if (!(excess <= 0)) report.failures++;
      if (!(absError <= report.maxAbsError)) report.maxAbsError = absError;
      if (!(relError <= report.maxRelError)) report.maxRelError = relError;
      if (!(excess <= worstExcess)) {
        worstExcess = excess;
        report.worst = {
          index: unravelIndex(j, x.shape),
          analytical: a,
          numerical,
          absError,
          relError,
        };
      }
    }
    return report;
  });
  fn.forward(...inputs);
  evaluations++;

  const failing = reports.filter((r) => r.failures > 0);
  const tolerance = `eps ${eps}, atol ${atol}, rtol ${rtol}`;
  const message = failing.length === 0
    ? `gradcheck passed: ${reports.length} input gradient(s) match central differences (${tolerance})`
    : "gradcheck failed: " + failing.map((r) => {
      const w = r.worst!;
      return `the gradient of inputs[${r.input}] (shape ${
        fmtShape(r.shape)
      }) differs from central differences at ${r.failures} of ${
        sizeOf(r.shape)
      } elements (${tolerance}); worst at [${
        w.index.join(", ")
      }]: analytical ${w.analytical}, numerical ${w.numerical}, abs error ${w.absError}, rel error ${w.relError}`;
    }).join("; ");
  const report: GradcheckReport = {
    ok: failing.length === 0,
    inputs: reports,
    gradOutput,
    evaluations,
    message,
  };
  if (!report.ok && (options.throwOnFailure ?? true)) throw new AssertionError(message);
  return report;
}

function checkFloat64(x: unknown, name: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(
      `Cannot gradcheck: ${name} must be a Tensor, got ${describe(x)}`,
    );
  }
  if (x.dtype !== "float64") {
    throw new TypeError(
      `Cannot gradcheck: ${name} is ${x.dtype}, finite differences need float64 (convert with .to("float64"))`,
    );
  }
  if (x.device.backend.readSync(storageOf(x, "gradcheck"), x.dtype) === undefined) {
    throw new TypeError(`Cannot gradcheck: ${name} is on ${x.device.name}, expected a CPU tensor`);
  }
}

function checkShape(
  got: readonly number[],
  want: readonly number[],
  name: string,
  what: string,
): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new TypeError(
      `Cannot gradcheck: ${name} has shape ${fmtShape(got)}, expected ${
        fmtShape(want)
      } like ${what}`,
    );
  }
}

/** 1 for a scalar; otherwise uniform in [-1, 1) from a private generator (no global state touched). */
function defaultGradOutput(shape: readonly number[], seed: number): Tensor {
  const values = new Float64Array(sizeOf(shape));
  if (shape.length === 0) values[0] = 1;
  else new Generator(seed).fillUniform(values, -1, 1);
  return tensor(values, { shape, dtype: "float64" });
}

function gradients(result: Tensor | readonly Tensor[], inputs: readonly Tensor[]): Tensor[] {
  const grads = result instanceof Tensor ? [result] : Array.isArray(result) ? [...result] : null;
  if (grads === null || grads.length !== inputs.length) {
    const got = grads === null ? `a ${typeof result}` : `${grads.length} gradient(s)`;
    throw new TypeError(
      `Cannot gradcheck: backward returned ${got} for ${inputs.length} input(s), expected one gradient per input`,
    );
  }
  grads.forEach((gr, k) => {
    checkFloat64(gr, `the gradient of inputs[${k}]`);
    checkShape(gr.shape, inputs[k].shape, `the gradient of inputs[${k}]`, "the input");
  });
  return grads;
}
