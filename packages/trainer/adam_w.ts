/**
 * `AdamW`: Adam with decoupled weight decay, as `torch.optim.AdamW`
 * (PyTorch 1.13, single-tensor path).
 *
 * @module
 */

import { Adam, type AdamOptions } from "./adam.ts";

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): each step first
 * shrinks the parameter, θ ← θ·(1 − γλ), then takes Adam's step without
 * adding λθ to the gradient. Same options as `Adam`; `weightDecay` defaults
 * to 1e-2 as in PyTorch.
 *
 * @example
 * ```ts
 * import { Parameter } from "@glassbox/layers";
 * import { AdamW } from "@glassbox/trainer";
 * import { assertClose, tensor } from "@glassbox/tensor";
 * import { strictEqual } from "node:assert/strict";
 *
 * const w = new Parameter("w", tensor([2]));
 * const opt = new AdamW({ lr: 0.1, weightDecay: 0.5, params: [w] });
 * strictEqual(opt.name, "AdamW");
 * opt.step(); // zero gradient: only the decay acts
 * assertClose(w.value, [2 * (1 - 0.1 * 0.5)], { rtol: 1e-15 });
 * ```
 */
export class AdamW extends Adam {
  /** `"AdamW"`. */
  override readonly name: string = "AdamW";

  /**
   * Creates the optimizer.
   *
   * @param options `lr`, `betas`, `eps`, `weightDecay` (default 1e-2), `amsgrad`, `maximize`, `params`.
   *
   * @example
   * ```ts
   * import { AdamW } from "@glassbox/trainer";
   * import { strictEqual } from "node:assert/strict";
   *
   * strictEqual(new AdamW().weightDecay, 1e-2);
   * ```
   */
  constructor(options: AdamOptions = {}) {
    super(options);
  }

  /** True: the decay multiplies the parameter instead of joining the gradient. */
  override get decoupled(): boolean {
    return true;
  }
}
