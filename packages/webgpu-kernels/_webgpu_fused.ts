// The fused Backend primitives on WebGPU, one dispatch each (two for a dense
// layer's backward pass with ∂x): the dense GEMMs with bias, activation and
// its derivative fused in (_wgsl_dense.ts), the loss value and gradient with
// its accumulator (_wgsl_loss.ts), and one optimizer update over every
// parameter packed into flat buffers (_param_pack.ts, _wgsl_update.ts).

import type {
  ActivationSpec,
  AssignRule,
  DenseBackwardInfo,
  DenseForward,
  DenseGrads,
  DenseInfo,
  GradientRule,
  LossInfo,
  LossKind,
  LossValueGrad,
  Storage,
} from "@glassbox/tensor/backend";
import { checkAssignRule } from "@glassbox/tensor/backend";
import type { GpuRuntime, GpuStorage } from "./_runtime.ts";
import { grid, MAX_GROUPS } from "./_wgsl_common.ts";
import {
  activationBackwardWgsl,
  activationForwardWgsl,
  activationKey,
} from "./_wgsl_activation.ts";
import {
  type DenseGemm,
  denseGrid,
  denseKey,
  denseVariant,
  denseWgsl,
  storesPre,
} from "./_wgsl_dense.ts";
import { lossWgsl } from "./_wgsl_loss.ts";
import { stateCount, updateKey, updateParams, updateWgsl } from "./_wgsl_update.ts";
import { packOf, prepareParams } from "./_param_pack.ts";

/** Checks a storage of this device and returns it. */
export type StorageCheck = (s: Storage, action: string) => GpuStorage;

/** Records one dense GEMM of m×n×k. */
function gemm(
  rt: GpuRuntime,
  g: DenseGemm,
  size: { m: number; n: number; k: number },
  bindings: GpuStorage[],
  action: string,
): void {
  const { m, n, k } = size;
  const variant = denseVariant(g, m, n);
  const [x, y] = denseGrid(variant, m, n);
  if (Math.max(x, y) > MAX_GROUPS) {
    throw new RangeError(
      `Cannot ${action}: a ${m}×${n} product needs ${Math.max(x, y)} tiles along one side, ` +
        `more than ${MAX_GROUPS} per dispatch`,
    );
  }
  const [a, b, c, ...rest] = bindings;
  rt.dispatch(
    denseKey(g, variant),
    () => denseWgsl(g, variant),
    [a, b, c, new Uint32Array([m, n, k]), ...rest],
    [Math.max(1, x), Math.max(1, y)],
  );
}

/** The fused primitives of one device's runtime. */
export class FusedKernels {
  readonly #rt: GpuRuntime;
  readonly #check: StorageCheck;

  constructor(rt: GpuRuntime, check: StorageCheck) {
    this.#rt = rt;
    this.#check = check;
  }

  activationForward(spec: ActivationSpec, z: Storage, size: number): Storage {
    const action = "activationForward";
    const src = this.#check(z, action);
    const out = this.#rt.alloc(size, action);
    if (size > 0) {
      const key = `activation:forward:${activationKey(spec)}`;
      const params = new Uint32Array([size]);
      this.#rt.dispatch(key, () => activationForwardWgsl(spec), [src, out, params], grid(size));
    }
    return out;
  }

  activationBackward(spec: ActivationSpec, g: Storage, saved: Storage, size: number): Storage {
    const action = "activationBackward";
    const [gs, ss] = [this.#check(g, action), this.#check(saved, action)];
    const out = this.#rt.alloc(size, action);
    if (spec.op === "identity") this.#rt.copy(gs, out, size * 4, action); // g·1
    else if (size > 0) {
      const key = `activation:backward:${activationKey(spec)}`;
      const code = () => activationBackwardWgsl(spec);
      this.#rt.dispatch(key, code, [gs, ss, out, new Uint32Array([size])], grid(size));
    }
    return out;
  }

  denseForward(x: Storage, w: Storage, b: Storage | null, info: DenseInfo): DenseForward {
    const action = "denseForward";
    const { rows, inFeatures, outFeatures, activation } = info;
    const inputs = [this.#check(x, action), this.#check(w, action)];
    const bias = b === null ? null : this.#check(b, action);
    const g: DenseGemm = { kind: "forward", activation, bias: bias !== null };
    const out = this.#rt.alloc(rows * outFeatures, action);
    const pre = storesPre(g) ? this.#rt.alloc(rows * outFeatures, action) : null;
    if (rows * outFeatures > 0) {
      const extra = [...(bias === null ? [] : [bias]), ...(pre === null ? [] : [pre])];
      gemm(this.#rt, g, { m: rows, n: outFeatures, k: inFeatures }, [
        ...inputs,
        out,
        ...extra,
      ], action);
    }
    return { out, pre };
  }

  denseBackward(
    gradOut: Storage,
    x: Storage,
    w: Storage,
    saved: Storage,
    info: DenseBackwardInfo,
  ): DenseGrads {
    const action = "denseBackward";
    const { rows, inFeatures, outFeatures, activation } = info;
    const g = this.#check(gradOut, action);
    const xs = this.#check(x, action), ws = this.#check(w, action);
    const s = activation.op === "identity" ? [] : [this.#check(saved, action)];
    const rt = this.#rt;
    const dw = rt.alloc(outFeatures * inFeatures, action);
    const db = info.bias ? rt.alloc(outFeatures, action) : null;
    if (outFeatures > 0) {
      const wg: DenseGemm = { kind: "weightGrad", activation, bias: info.bias };
      gemm(rt, wg, { m: outFeatures, n: inFeatures, k: rows }, [
        g,
        xs,
        dw,
        ...s,
        ...(db === null ? [] : [db]),
      ], action);
    }
    let dx: GpuStorage | null = null;
    if (info.inputGrad) {
      dx = rt.alloc(rows * inFeatures, action);
      if (rows * inFeatures > 0) {
        const ig: DenseGemm = { kind: "inputGrad", activation };
        gemm(rt, ig, { m: rows, n: inFeatures, k: outFeatures }, [g, ws, dx, ...s], action);
      }
    }
    return { dw, db, dx };
  }

  lossValueGrad(kind: LossKind, pred: Storage, target: Storage, info: LossInfo): LossValueGrad {
    const action = "lossValueGrad";
    if (kind !== "mse" && kind !== "softmaxCrossEntropy") {
      throw new TypeError(`Cannot ${action}: the WebGPU backend has no fused ${kind} kernel`);
    }
    const { rows, cols, reduction } = info;
    const p = this.#check(pred, action), t = this.#check(target, action);
    const acc = info.accumulator === undefined ? [] : [this.#check(info.accumulator, action)];
    const value = this.#rt.alloc(1, action);
    const grad = this.#rt.alloc(rows * cols, action);
    const loss = { kind, cols, reduction, accumulate: acc.length > 0 };
    this.#rt.dispatch(
      `loss:${JSON.stringify(loss)}`,
      () => lossWgsl(loss),
      [p, t, grad, value, new Uint32Array([rows]), ...acc],
      [1],
    );
    return { value, grad };
  }

  /** This device's storages of `params`, each checked to hold `sizes[i]` elements. */
  #sized(params: readonly Storage[], sizes: readonly number[], action: string): GpuStorage[] {
    return params.map((s, i) => {
      const p = this.#check(s, action);
      if (p.size !== sizes[i]) {
        throw new RangeError(
          `Cannot ${action}: parameter ${i} has ${p.size} elements, expected ${sizes[i]}`,
        );
      }
      return p;
    });
  }

  /** Packs the parameters a later `optimizerUpdate` updates, so that no step moves them. */
  prepareUpdate(params: readonly Storage[], sizes: readonly number[]): void {
    prepareParams(this.#rt, this.#sized(params, sizes, "prepareUpdate"), "prepareUpdate");
  }

  /** θ ← v: each array uploaded, rounded to float32, and copied in order with the recorded work. */
  assign(rule: AssignRule, params: readonly Storage[], sizes: readonly number[]): void {
    const action = "optimizerUpdate";
    const values = checkAssignRule(rule, sizes);
    this.#sized(params, sizes, action).forEach((p, i) => {
      const src = this.#rt.upload(Float32Array.from(values[i]), action);
      this.#rt.copy(src, p, p.size * 4, action);
      src.release(); // reused only once the copy is submitted
    });
  }

  optimizerUpdate(
    rule: GradientRule,
    params: readonly Storage[],
    grads: readonly Storage[],
    states: readonly (readonly Storage[])[],
    sizes: readonly number[],
  ): void {
    const action = "optimizerUpdate";
    if (params.length === 0) return;
    const kinds = stateCount(rule);
    const ps = params.map((s) => this.#check(s, action));
    const gs = grads.map((s) => this.#check(s, action));
    const ss = states.map((list, i) => {
      if (list.length !== kinds) {
        throw new RangeError(
          `Cannot ${action}: parameter ${i} has ${list.length} state buffers, the rule keeps ${kinds}`,
        );
      }
      return list.map((s) => this.#check(s, action));
    });
    ps.forEach((p, i) => {
      if (p.size !== sizes[i] || gs[i].size !== sizes[i]) {
        throw new RangeError(
          `Cannot ${action}: parameter ${i} has ${p.size} elements and its gradient ` +
            `${gs[i].size}, expected ${sizes[i]}`,
        );
      }
    });
    const rt = this.#rt;
    const pack = packOf(rt, ps, ss, action);
    gs.forEach((g, i) => rt.copy(g, pack.g, g.size * 4, action, { dst: pack.offsets[i] * 4 }));
    const bindings = [pack.p, pack.g, updateParams(rule, pack.size, pack.offsets)];
    if (pack.s !== null) bindings.push(pack.s);
    rt.dispatch(updateKey(rule), () => updateWgsl(rule), bindings, grid(pack.size));
  }
}
