// Every loss of @glassbox/losses against PyTorch autograd (tests/golden/losses.json,
// written by tasks/golden/losses.py): the loss and ∂L/∂pred for every reduction,
// float64 and float32, including logits of ±1000, label smoothing, probability
// targets, ignored targets and probabilities at or near 0 and 1.
// Numerics contract: float64 within rtol 1e-12, float32 within rtol 1e-4, atol 1e-5.

import { assertClose, type DType, type Tensor } from "@glassbox/tensor";
import { lossFixture as fixture, makeLoss, type Stored, storedTensor } from "./_loss_fixture.ts";

function load(stored: Stored, dtype: DType): Tensor {
  return storedTensor(stored, { dtype });
}

const TOLERANCE = {
  float64: { rtol: 1e-12, atol: 0 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

Deno.test(`losses match PyTorch ${fixture.torch} autograd (${fixture.cases.length} cases)`, async (t) => {
  for (const c of fixture.cases) {
    await t.step(`${c.loss}: ${c.name}`, () => {
      const loss = makeLoss(c, { dtype: c.dtype });
      const value = loss.forward(load(c.pred, c.dtype), load(c.target, c.dtype));
      const tol = TOLERANCE[c.dtype];
      assertClose(value, load(c.value, "float64").reshape(c.value.shape), {
        ...tol,
        equalNan: true,
        message: `${c.name}: loss`,
      });
      const grad = c.gradOutput === null
        ? loss.backward()
        : loss.backward(load(c.gradOutput, c.dtype));
      assertClose(grad, load(c.grad, "float64"), {
        ...tol,
        equalNan: true,
        message: `${c.name}: gradient`,
      });
    });
  }
});
