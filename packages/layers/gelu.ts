/**
 * `GELU`: y = x · Φ(x), the exact (erf) form.
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { Activation } from "./activation.ts";
import { erf } from "./_erf.ts";

/** 1/√2 (C's M_SQRT1_2). */
const SQRT1_2 = 0.7071067811865476;
/** 1/√(2π), computed as PyTorch does: M_2_SQRTPI · M_SQRT1_2 · 0.5. */
const INV_SQRT_2PI = 1.1283791670955126 * 0.7071067811865476 * 0.5;

/**
 * The Gaussian error linear unit, `nn.GELU()` (PyTorch's default, exact
 * form): y = x · Φ(x) with Φ(x) = ½(1 + erf(x/√2)) the standard normal CDF;
 * ∂L/∂x = Δ ⊙ (Φ(x) + x · φ(x)) with φ(x) = e^(−x²/2)/√(2π). `erf` is
 * W. J. Cody's rational approximation, accurate to about one unit in the
 * last place in float64.
 *
 * @example
 * ```ts
 * import { GELU } from "@glassbox/layers";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const g = new GELU();
 * assertClose(g.forward(tensor([0, 1])), [0, 0.8413447460685429]);
 * assertClose(g.backward(tensor([1, 1])), [0.5, 1.0833154705876864]);
 * ```
 */
export class GELU extends Activation {
  /** y = x · ½ · (1 + erf(x/√2)). */
  protected compute(x: Tensor): Tensor {
    return x.mul(0.5).mul(erf(x.mul(SQRT1_2)).add(1));
  }

  /** ∂L/∂x = Δ ⊙ (Φ(x) + x · φ(x)). */
  protected gradient(gradOut: Tensor, x: Tensor): Tensor {
    const cdf = erf(x.mul(SQRT1_2)).add(1).mul(0.5);
    const pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
    return gradOut.mul(cdf.add(x.mul(pdf)));
  }
}
