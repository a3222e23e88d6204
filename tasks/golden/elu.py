"""Golden fixtures for the ELU activation from PyTorch 1.13, float64 and float32.

Writes tests/golden/elu.json:

- "activation": nn.ELU(alpha) on its own, for several alphas and both dtypes: input x
  (random values, 0 exactly, tiny and large negatives, a large positive), upstream
  gradient g, output y and dL/dx for L = sum(y * g). At x = 0 PyTorch takes the
  negative branch (y = 0, dL/dx = g * alpha), which the fixture pins down.
- "dense": nn.Linear(5, 4) followed by nn.ELU(alpha) for alpha 1 and 0.5: x, g, the
  parameters, y and the gradients of weight, bias and x.
- "training": a 3-8-1 MLP (nn.Linear, nn.ELU(), nn.Linear) in float64 with PyTorch's
  default initialisation, trained with SGD (lr 0.05, momentum 0.9) on MSE in mini-batches
  of 8 taken in order, 6 epochs: the initial state dict, x, y, the loss of every step and
  the final state dict.
"""

import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def activation_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, alpha in [(0, 1.0), (1, 0.5), (2, 2.0), (3, 0.1)]:
            torch.manual_seed(seed)
            core = torch.randn(4, 6, dtype=torch.float64) * 3
            edges = torch.tensor([0.0, -1e-3, -40.0, 25.0, -0.75, 1e-3], dtype=torch.float64)
            x = torch.cat([core, edges.reshape(1, 6)]).to(dtype).requires_grad_(True)
            g = torch.randn(5, 6, dtype=torch.float64).to(dtype)
            y = nn.ELU(alpha=alpha)(x)
            (y * g).sum().backward()
            cases.append({
                "dtype": dtype_name, "alpha": alpha,
                "x": x, "g": g, "y": y, "dx": x.grad,
            })
    return cases


def dense_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for alpha in [1.0, 0.5]:
            torch.manual_seed(7)
            linear = nn.Linear(5, 4, dtype=dtype)
            x = (torch.randn(6, 5, dtype=torch.float64) * 3).to(dtype).requires_grad_(True)
            g = torch.randn(6, 4, dtype=torch.float64).to(dtype)
            y = nn.ELU(alpha=alpha)(linear(x))
            (y * g).sum().backward()
            cases.append({
                "dtype": dtype_name, "alpha": alpha, "x": x, "g": g,
                "weight": linear.weight, "bias": linear.bias, "y": y,
                "dWeight": linear.weight.grad, "dBias": linear.bias.grad, "dx": x.grad,
            })
    return cases


def training():
    dtype = torch.float64
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(3, 8, dtype=dtype), nn.ELU(), nn.Linear(8, 1, dtype=dtype))
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
    write_fixture("elu", {
        "torch": torch.__version__,
        "activation": activation_cases(),
        "dense": dense_cases(),
        "training": training(),
    })


if __name__ == "__main__":
    main()
