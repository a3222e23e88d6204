"""The seed linear-regression experiment in PyTorch (autograd), float64.

Mirrors tasks/experiments/linear_regression.ts draw for draw: after
torch.manual_seed(seed), true weights randn(f, 1) * 2, inputs randn(n, f),
noise randn(n, 1), initial weights randn(f, 1) * 0.1, bias 0; the first 80%
of rows train; batches x[i:i+B] in order; plain SGD on the mean squared
error. Writes tests/golden/linear_regression.json.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402


def run(samples, features, epochs, batch_size, lr, noise, seed):
    torch.manual_seed(seed)
    d = torch.float64
    true_w = torch.randn(features, 1, dtype=d) * 2
    true_b = 0.5
    x = torch.randn(samples, features, dtype=d)
    y = x @ true_w + true_b + torch.randn(samples, 1, dtype=d) * noise
    n_train = int(samples * 0.8)
    x_train, y_train = x[:n_train], y[:n_train]
    x_valid, y_valid = x[n_train:], y[n_train:]
    w = (torch.randn(features, 1, dtype=d) * 0.1).requires_grad_()
    b = torch.zeros(1, dtype=d, requires_grad=True)
    history = []
    for epoch in range(epochs):
        losses = []
        for i in range(0, n_train, batch_size):
            xb, yb = x_train[i:i + batch_size], y_train[i:i + batch_size]
            loss = ((xb @ w + b - yb) ** 2).mean()
            losses.append(loss.item())
            w.grad = None
            b.grad = None
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
        with torch.no_grad():
            valid = ((x_valid @ w + b - y_valid) ** 2).mean().item()
        history.append({"epoch": epoch, "loss": sum(losses) / len(losses), "validLoss": valid})
    return {
        "config": {"samples": samples, "features": features, "epochs": epochs, "batchSize": batch_size,
                   "lr": lr, "noise": noise, "seed": seed},
        "trueWeights": true_w.flatten(),
        "x": x.flatten(),
        "weights": w.detach().flatten(),
        "bias": b.detach().flatten(),
        "history": history,
    }


def main():
    cases = [
        run(1000, 3, 32, 100, 0.02, 0.5, 2),  # the defaults of `deno task train`
        run(257, 5, 12, 33, 0.05, 0.1, 7),  # a short last batch
    ]
    write_fixture("linear_regression", {"torch": torch.__version__, "cases": cases})


if __name__ == "__main__":
    main()
