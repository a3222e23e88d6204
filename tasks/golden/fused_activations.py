"""Golden fixtures for the pointwise activations added as fused backend ops (Softplus, ELU),
from PyTorch 1.13, float64 and float32.

One table, ACTIVATIONS, says per activation: the fixture name, the torch module built from
a case's arguments, the argument grid of the layer on its own (one seed per row), how its
input is made (the scale of the random part and the edge values of its last row), and the
arguments of the Dense cases. Each row writes tests/golden/<name>.json with:

- "activation": the module on its own, for every row of the grid and both dtypes: input x
  (a 4x6 random part times the scale, then a row of edge values), upstream gradient g,
  output y and dL/dx for L = sum(y * g); the case carries its arguments by name.
- "dense": nn.Linear(5, 4) followed by the module, for each entry of the Dense grid and
  both dtypes: x, g, the parameters, y and the gradients of weight, bias and x.
- "training": a 3-8-1 MLP (nn.Linear, the module with its defaults, nn.Linear) in float64
  with PyTorch's default initialisation, trained with SGD (lr 0.05, momentum 0.9) on MSE
  in mini-batches of 8 taken in order, 6 epochs: the initial state dict, x, y, the loss of
  every step and the final state dict.

A new activation is one more row here and one in tests/fused_activation_golden_test.ts.
"""

import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def softplus_edges(beta, threshold):
    # Both sides of the threshold (beta * x = threshold +- 0.5), far below 0, 0, and large.
    return [(threshold - 0.5) / beta, (threshold + 0.5) / beta, -40.0, 0.0, 25.0, -1e-3]


def elu_edges(alpha):  # the same for every alpha
    # 0 exactly (PyTorch takes the negative branch there: y = 0, dL/dx = g * alpha), tiny
    # and large negatives, a large positive, a moderate negative, a tiny positive.
    return [0.0, -1e-3, -40.0, 25.0, -0.75, 1e-3]


ACTIVATIONS = [
    {
        "name": "softplus",
        "module": nn.Softplus,
        "grid": [{"beta": 1.0, "threshold": 20.0}, {"beta": 2.0, "threshold": 5.0},
                 {"beta": 0.5, "threshold": 1.0}, {"beta": 3.0, "threshold": 30.0}],
        "scale": 4,
        "edges": softplus_edges,
        "dense": [{}],
    },
    {
        "name": "elu",
        "module": nn.ELU,
        "grid": [{"alpha": 1.0}, {"alpha": 0.5}, {"alpha": 2.0}, {"alpha": 0.1}],
        "scale": 3,
        "edges": elu_edges,
        "dense": [{"alpha": 1.0}, {"alpha": 0.5}],
    },
]


def activation_cases(act):
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, args in enumerate(act["grid"]):
            torch.manual_seed(seed)
            core = torch.randn(4, 6, dtype=torch.float64) * act["scale"]
            edges = torch.tensor(act["edges"](**args), dtype=torch.float64)
            x = torch.cat([core, edges.reshape(1, 6)]).to(dtype).requires_grad_(True)
            g = torch.randn(5, 6, dtype=torch.float64).to(dtype)
            y = act["module"](**args)(x)
            (y * g).sum().backward()
            cases.append({"dtype": dtype_name, **args, "x": x, "g": g, "y": y, "dx": x.grad})
    return cases


def dense_cases(act):
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for args in act["dense"]:
            torch.manual_seed(7)
            linear = nn.Linear(5, 4, dtype=dtype)
            x = (torch.randn(6, 5, dtype=torch.float64) * 3).to(dtype).requires_grad_(True)
            g = torch.randn(6, 4, dtype=torch.float64).to(dtype)
            y = act["module"](**args)(linear(x))
            (y * g).sum().backward()
            cases.append({
                "dtype": dtype_name, **args, "x": x, "g": g,
                "weight": linear.weight, "bias": linear.bias, "y": y,
                "dWeight": linear.weight.grad, "dBias": linear.bias.grad, "dx": x.grad,
            })
    return cases


def training(act):
    dtype = torch.float64
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(3, 8, dtype=dtype), act["module"](), nn.Linear(8, 1, dtype=dtype))
    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x = torch.randn(40, 3, dtype=dtype)
    y = (x[:, :1] ** 2 - x[:, 1:2] + 0.5 * torch.randn(40, 1, dtype=dtype))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(6):
        for start in range(0, 40, 8):
            opt.zero_grad()
            loss = loss_fn(model(x[start:start + 8]), y[start:start + 8])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return {
        "initial": initial, "x": x, "y": y, "batchSize": 8, "epochs": 6,
        "lr": 0.05, "momentum": 0.9, "losses": losses,
        "final": {k: v.detach().clone() for k, v in model.state_dict().items()},
    }


def main():
    for act in ACTIVATIONS:
        write_fixture(act["name"], {
            "torch": torch.__version__,
            "activation": activation_cases(act),
            "dense": dense_cases(act),
            "training": training(act),
        })


if __name__ == "__main__":
    main()
