// Notebook 1.2's [Extra]: the weight gradient of Y = XW + b under the MSE,
// computed through the Kronecker product and through einsum, equals Xᵀδ —
// and Xᵀδ is the gradient (checked against central finite differences).

import {
  assertClose,
  einsum,
  eye,
  gradcheck,
  kron,
  manualSeed,
  randn,
  type Tensor,
} from "@glassbox/tensor";
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { describeExtraGradients, extraGradients } from "../tasks/experiments/extra_gradient.ts";

const M = 33, N = 6, O = 3; // the notebook's batch (len(X_train) // 3), 6 features, 3 targets

function problem() {
  manualSeed(12);
  return { x: randn([M, N]), w: randn([N, O]), b: randn([O]), y: randn([M, O]).mul(10) };
}

Deno.test("the MSE weight gradient through kron and einsum equals Xᵀδ (float64)", () => {
  const { x, w, b, y } = problem();
  const delta = x.matmul(w).add(b).sub(y).mul(2 / (M * O));
  const xtDelta = x.matmul(delta, { transposeA: true });

  // The notebook: w_der = kron(x.unsqueeze(1).unsqueeze(3), eye.unsqueeze(0).unsqueeze(2)).
  const wDer = kron(x.unsqueeze(1).unsqueeze(3), eye(O).unsqueeze(0).unsqueeze(2));
  deepStrictEqual(wDer.shape, [M, O, N, O]);
  // ∂Ŷ[p, q]/∂W[i, j] = X[p, i]·[q = j]: exactly that, element by element.
  const xs = x.toTypedArray(), d = wDer.toTypedArray();
  for (let p = 0; p < M; p++) {
    for (let q = 0; q < O; q++) {
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < O; j++) {
          strictEqual(d[((p * O + q) * N + i) * O + j], xs[p * N + i] * (q === j ? 1 : 0));
        }
      }
    }
  }
  const viaKron = einsum("pq,pqij->ij", delta, wDer);
  const viaEinsum = einsum("pi,pj->ij", x, delta);
  deepStrictEqual(viaKron.shape, [N, O]);
  assertClose(viaKron, xtDelta, { rtol: 1e-12, atol: 1e-15 });
  assertClose(viaEinsum, xtDelta, { rtol: 1e-12, atol: 1e-15 });
});

Deno.test("Xᵀδ is the gradient of the MSE with respect to W (central differences)", () => {
  const { x, w, b, y } = problem();
  let delta: Tensor | null = null;
  gradcheck(
    {
      forward: (wt) => {
        const diff = x.matmul(wt).add(b).sub(y);
        delta = diff.mul(2 / (M * O));
        return diff.square().mean();
      },
      backward: (g) => x.matmul(delta!, { transposeA: true }).mul(g),
    },
    [w],
    { rtol: 1e-6, atol: 1e-8 },
  );
});

Deno.test("extraGradients() returns the three gradients and their differences for the experiment", () => {
  const { x, w, b, y } = problem();
  const g = extraGradients(x, y, { w, b });
  const delta = x.matmul(w).add(b).sub(y).mul(2 / (M * O));
  assertClose(g.matmul, x.matmul(delta, { transposeA: true }), { rtol: 0 });
  assertClose(g.kron, g.matmul, { rtol: 1e-12, atol: 1e-15 });
  assertClose(g.einsum, g.matmul, { rtol: 1e-12, atol: 1e-15 });
  const scale = Math.max(...Array.from(g.matmul.toTypedArray(), Math.abs));
  strictEqual(g.maxAbsDiffKron <= 1e-12 * scale, true, `kron differs by ${g.maxAbsDiffKron}`);
  strictEqual(g.maxAbsDiffEinsum <= 1e-12 * scale, true, `einsum differs by ${g.maxAbsDiffEinsum}`);
  const lines = describeExtraGradients(g);
  strictEqual(lines.length, 3);
  match(lines[0], /dL\/dW \[6, 3\]/);
  match(lines[1], /Kronecker product \+ einsum: max \|diff\| = \d\.\d{3}e[+-]\d+$/);
});
