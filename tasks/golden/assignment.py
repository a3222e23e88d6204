"""Golden runs of the assignment notebook (IE678 assignment 1) in PyTorch 1.13 and SciPy.

Writes tests/golden/assignment.json. Everything in float64, from the notebook's
own code (its train1 and MLP; train_scipy and fnn_train come from a helper file
the notebook does not include, so they are written here the way glassbox's
experiments read them):

- data: glassbox's stand-in for the notebook's 1-D data set, drawn from
  torch.Generator().manual_seed(2): X1 = rand(100, 1) * 13, y1 = f(X1) +
  0.075 * randn(100, 1), then X1test and y1test the same way, with
  f(x) = 1.5 exp(-(x-2.5)^2/1.5) - exp(-(x-6.5)^2/2) + 0.8 exp(-(x-10.5)^2/1.2).
- logistic: LogisticRegression(3, 2) after torch.manual_seed(0) (W = randn(3, 2)/sqrt(3),
  b = randn(2)/sqrt(2)) on x = torch.rand(3): log_softmax(W^T x + b).
- mlp_check: MLP([2, 3, 4, 2], relu) with every parameter replaced by randn after
  torch.manual_seed(0), on [-1, 2] and [[-1, 2], [1, -2]] (the notebook: [0.8315, -3.6792]).
- train1: torch.manual_seed(0); train1(hidden, nreps=3) with train_scipy =
  scipy.optimize.minimize(fun, x0, jac=True, method="BFGS", options={"disp": True, ...})
  over the parameters flattened in named_parameters() order, fun = F.mse_loss(y1, model(X1))
  and its autograd gradient. The notebook's printed lines are captured.
  [1] runs to convergence. [2] stops at maxiter 30: run to convergence, its
  repetitions end in a precision-loss stop at the noise floor of the cost,
  where one-ulp differences between PyTorch's vectorised exp and glassbox's
  decide the line search's last steps, so the counts there are not a property
  of the algorithm.
- adam: torch.manual_seed(0); train1([10], nreps=1) with fnn_train: Adam lr 0.01, full
  batch, each epoch the cost, stop when it changed by less than tol=1e-8 since the
  previous epoch, else backward and step; max_epochs 300.
- backprop: MLP([1, 5, 1]) after torch.manual_seed(3); on x = X1test[1], y = y1test[1]:
  autograd's deltas of torch.nn.MSELoss()(model(x), y) for yhat, y, x and every parameter.
"""

import contextlib
import io
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

F64 = torch.float64


def curve(x):
    bump = lambda c, w: torch.exp(-((x - c) ** 2) / w)  # noqa: E731
    return bump(2.5, 1.5) * 1.5 - bump(6.5, 2) + bump(10.5, 1.2) * 0.8


def data(seed=2):
    g = torch.Generator().manual_seed(seed)
    out = {}
    for xs, ys in (("X1", "y1"), ("X1test", "y1test")):
        x = torch.rand(100, 1, generator=g, dtype=F64) * 13
        noise = torch.randn(100, 1, generator=g, dtype=F64)
        out[xs], out[ys] = x, curve(x) + noise * 0.075
    return out


class MLP(nn.Module):
    """The notebook's batched MLP (1c), in float64."""

    def __init__(self, sizes, phi=torch.sigmoid):
        super().__init__()
        self.sizes, self.phi = sizes, phi
        for i in range(1, len(sizes)):
            w = torch.randn(sizes[i - 1], sizes[i], dtype=F64) / math.sqrt(sizes[i - 1])
            b = torch.randn(sizes[i], dtype=F64) / math.sqrt(sizes[i])
            self.register_parameter(f"{i - 1}_weight", nn.Parameter(w))
            self.register_parameter(f"{i - 1}_bias", nn.Parameter(b))

    def num_layers(self):
        return len(self.sizes) - 1

    def forward(self, x):
        for i in range(self.num_layers()):
            x = x @ getattr(self, f"{i}_weight") + getattr(self, f"{i}_bias").unsqueeze(0)
            if i < self.num_layers() - 1:
                x = self.phi(x)
        return x


def flat(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()]).numpy().copy()


def assign(model, x):
    at = 0
    with torch.no_grad():
        for p in model.parameters():
            n = p.numel()
            p.copy_(torch.from_numpy(x[at:at + n]).reshape(p.shape))
            at += n


def train_scipy(X, y, model, **options):
    def fun(x):
        assign(model, x)
        model.zero_grad()
        cost = F.mse_loss(y, model(X))
        cost.backward()
        grad = torch.cat([p.grad.flatten() for p in model.parameters()]).numpy().copy()
        return cost.item(), grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(fun, flat(model), jac=True, method="BFGS", options={"disp": True, **options})
    assign(model, res.x)
    return res


def fnn_train(X, y, model, optimizer, max_epochs, tol, verbose=True):
    previous, costs = math.inf, []
    for epoch in range(max_epochs):
        optimizer.zero_grad()
        cost = F.mse_loss(y, model(X))
        costs.append(cost.item())
        if verbose:
            print(f"Epoch {epoch:5d}: cost={cost.item():8.3f} ")
        if abs(previous - cost.item()) < tol:
            print(f"Converged: the cost changed by less than tol after {epoch + 1} epochs.")
            return costs
        cost.backward()
        optimizer.step()
        previous = cost.item()
    print(f"Stopped after max_epochs={max_epochs} epochs.")
    return costs


def train1(d, hidden_sizes, nreps, train):
    """The notebook's train1 (without its debugging line `X1 shape: ...`)."""
    best_model, best_cost, reps = None, math.inf, []
    for rep in range(nreps):
        model = MLP([1] + hidden_sizes + [1])
        x0 = flat(model)
        print(f"Repetition {rep: 2d}: ", end="")
        info = train(model)
        mse = F.mse_loss(d["y1"], model(d["X1"])).item()
        if mse < best_cost:
            best_model, best_cost = model, mse
        print(f"best_cost={best_cost:.3f}")
        reps.append({"x0": x0, "x": flat(model), "cost": mse, **info})
    return best_model, best_cost, reps


def bfgs_case(d, hidden, nreps, **options):
    def train(model):
        r = train_scipy(d["X1"], d["y1"], model, **options)
        return {"fun": r.fun, "nit": r.nit, "nfev": r.nfev, "njev": r.njev,
                "status": r.status, "message": r.message}

    torch.manual_seed(0)
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        best, best_cost, reps = train1(d, hidden, nreps, train)
    return {"hidden": hidden, "nreps": nreps, "options": options, "printed": text.getvalue(),
            "bestCost": best_cost, "best": flat(best), "reps": reps,
            "testError": F.mse_loss(d["y1test"], best(d["X1test"])).item()}


def adam_case(d, hidden, epochs, lr=0.01, tol=1e-8):
    def train(model):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        costs = fnn_train(d["X1"], d["y1"], model, opt, epochs, tol)
        return {"costs": costs}

    torch.manual_seed(0)
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        best, best_cost, reps = train1(d, hidden, 1, train)
    return {"hidden": hidden, "epochs": epochs, "lr": lr, "tol": tol, "printed": text.getvalue(),
            "bestCost": best_cost, "best": flat(best), "reps": reps}


def backprop_case(d):
    torch.manual_seed(3)
    model = MLP([1, 5, 1])
    x = d["X1test"][1, :].clone().requires_grad_(True)
    y = d["y1test"][1, :].clone().requires_grad_(True)
    yhat = model(x)
    yhat.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MSELoss warns about broadcasting [1, 1] against [1]
        loss = nn.MSELoss()(yhat, y)
    loss.backward()
    p = dict(model.named_parameters())
    return {
        "parameters": {k: v.detach() for k, v in p.items()},
        "x": x.item(), "y": y.item(), "yhat": yhat.item(), "l": loss.item(),
        "deltas": {"y": y.grad, "yhat": yhat.grad, "b2": p["1_bias"].grad, "W2": p["1_weight"].grad,
                   "b1": p["0_bias"].grad, "W1": p["0_weight"].grad, "x": x.grad},
    }


def logistic_case():
    torch.manual_seed(0)
    W = torch.randn(3, 2, dtype=F64) / math.sqrt(3)
    b = torch.randn(2, dtype=F64) / math.sqrt(2)
    x = torch.rand(3, dtype=F64)
    return {"W": W, "b": b, "x": x, "logprob": F.log_softmax(W.t() @ x + b, dim=-1)}


def mlp_check_case():
    mlp = MLP([2, 3, 4, 2], torch.relu)
    with torch.no_grad():
        torch.manual_seed(0)
        for name, p in mlp.named_parameters():
            p[:] = torch.randn(p.shape, dtype=F64)
        one = mlp(torch.tensor([-1.0, 2.0], dtype=F64))
        two = mlp(torch.tensor([[-1.0, 2.0], [1.0, -2.0]], dtype=F64))
    return {"one": one, "two": two}


def main():
    d = data()
    write_fixture("assignment", {
        "torch": torch.__version__,
        "data": d,
        "logistic": logistic_case(),
        "mlpCheck": mlp_check_case(),
        "bfgs": [bfgs_case(d, [1], 3), bfgs_case(d, [2], 3, maxiter=30)],
        "adam": adam_case(d, [10], 300),
        "backprop": backprop_case(d),
    })


if __name__ == "__main__":
    main()
