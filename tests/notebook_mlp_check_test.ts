// The check printed in one of the seed notebooks: after torch.manual_seed(0),
// torch.randn of shapes [2,3], [3], [3,4], [4], [4,2], [2] (float32) are the
// weights and biases of a 2-3-4-2 ReLU MLP; on input [[-1, 2], [1, -2]] it
// prints [[0.8315, -3.6792], [4.8448, -6.8813]].

import { assertClose, manualSeed, randn, type Tensor, tensor } from "@glassbox/tensor";

interface MlpFixture {
  x: number[][];
  params: Record<string, number[]>;
  out: number[][];
}

const fixture: { mlp: MlpFixture } = JSON.parse(
  await Deno.readTextFile(new URL("./golden/torch_random.json", import.meta.url)),
);

function forward(x: Tensor, p: Tensor[]): Tensor {
  const [w1, b1, w2, b2, w3, b3] = p;
  const h1 = x.matmul(w1).add(b1).relu();
  const h2 = h1.matmul(w2).add(b2).relu();
  return h2.matmul(w3).add(b3);
}

Deno.test("notebook 2-3-4-2 ReLU MLP check gives the printed output after manualSeed(0)", () => {
  manualSeed(0);
  const shapes = [[2, 3], [3], [3, 4], [4], [4, 2], [2]];
  const params = shapes.map((shape) => randn(shape, { dtype: "float32" }));
  const names = ["W1", "b1", "W2", "b2", "W3", "b3"];
  params.forEach((p, i) =>
    assertClose(p.flatten(), fixture.mlp.params[names[i]], { rtol: 0, atol: 0, message: names[i] })
  );
  const out = forward(tensor(fixture.mlp.x, { dtype: "float32" }), params);
  // The notebook prints four decimals.
  assertClose(out, [[0.8315, -3.6792], [4.8448, -6.8813]], { rtol: 0, atol: 5e-5 });
  // And PyTorch's float32 forward pass, within the float32 contract.
  assertClose(out, fixture.mlp.out, { rtol: 1e-4, atol: 1e-5 });
});
