"""Reference figures for the notebooks in notebooks/, from PyTorch 1.13 and scikit-learn 1.2.

The notebooks (Deno kernel, no Python) print their own numbers next to these
and the notebook test (tests/notebooks_test.ts) checks the printed figures.
Each scenario follows its seed notebook with the seeds fixed (the seed
notebooks draw theirs, and make_regression's bias, at random):

- "linear" (1.1 simple linear regression): make_regression(10100, 1 feature,
  bias 0.5, noise 1, random_state 0); first 100 rows train, 10000 validate.
  torch.manual_seed(0), then nn.Linear(1, 1) (the torch.nn model), then the
  scratch model's w = randn(1), b = randn(1). SGD lr 0.01, batch 100 // 3 = 33,
  16 epochs.
- "multivariate" (1.2): make_regression(10100, 6 features, 3 targets,
  n_informative 5, bias 0.5, noise 1, random_state 0); 100 train / 10000
  validate. manual_seed(0), nn.Linear(6, 3), then w = randn(6, 3), b = randn(3).
  SGD lr 0.01, batch 33, 16 epochs.
- "mlp" (3.1): make_regression(10100, 6, 3 targets, n_informative 5, noise 1,
  random_state 0); 1000 train / 9100 validate. manual_seed(0), then the torch
  model 6-32(Tanh)-32(Softmax)-32(Sigmoid)-32(ReLU)-3, then the scratch model:
  its input layer's randn(10, 6), then per Dense randn(n_in, units), randn(units).
  MSE, SGD lr 0.01, batch 333, 32 epochs.
- "classification": make_classification(1100, 5, 3 classes, n_informative 4,
  n_redundant 0, random_state 0), one-hot targets; 100 train / 1000 validate.
  manual_seed(0), torch model 5-32-32-32-3 ReLU (logits), then the scratch
  model (input layer randn(10, 5), per Dense randn(n_in, units), randn(units)).
  nn.CrossEntropyLoss on logits with one-hot (probability) targets, SGD lr
  0.08, batch 33, 32 epochs.
- "assignment": logistic regression and the 2-3-4-2 MLP check (float32,
  manual_seed(0)); on the 1-D curve of tasks/golden/experiments.py (150 train /
  50 validate), the assignment's MLP(sizes, phi) in float64 (weights [in, out]
  drawn as randn(in, out) / sqrt(in), biases randn(out) / sqrt(out), layer by
  layer after torch.manual_seed(0), repetitions drawn one after another)
  trained with SciPy's minimize(method="BFGS", jac=True) on the MSE, the
  gradient from autograd, the parameters flattened in order W0, b0, W1, b1, …:
  [2] with 1 and 3 repetitions, [N] for N in WIDTHS (1 repetition each), and
  [4, 5, 6] with ReLU (3 repetitions). These runs happen in a child process
  with OpenBLAS pinned to its AVX-512 SkylakeX kernels (as tasks/golden/bfgs.py
  does: NumPy's products inside BFGS follow that kernel's summation order);
  the rest runs with the machine's defaults, as the other fixtures. Then a
  1-50-1 sigmoid network (nn.Linear init after manual_seed(0)) with Adam (lr
  0.01, full batch, ADAM_EPOCHS epochs; the cost is the loss before each
  step); and one example's forward pass and deltas through a 1-50-1 sigmoid
  network (manual_seed(0)) with autograd.

Stored per regression/classification scenario: the initial torch.nn
parameters (state-dict keys), the modified MAPE between the scratch and the
torch.nn predictions before copying, per-epoch losses of the torch.nn run
(mean of the batch losses before each step; validation loss after the
epoch), and the final parameters.

Writes tests/golden/notebooks.json.
"""

import contextlib
import io
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.optimize import minimize
from sklearn.datasets import make_classification, make_regression
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402
from experiments import curve  # noqa: E402

F64 = torch.float64
WIDTHS = [1, 2, 3, 10]
# The 1-D curve's training rows (tasks/golden/experiments.py: the first 150 of 200 train).
CURVE_TRAIN = 150
ADAM_EPOCHS = 300


def mape(pred, true):
    """The notebooks' modified MAPE in percent: |(t - p) / t|, or |p| where t = 0."""
    p, t = pred.detach().flatten().double(), true.detach().flatten().double()
    safe = torch.where(t == 0, torch.ones_like(t), t)
    err = torch.where(t == 0, p.abs(), ((t - p) / safe).abs())
    return err.mean().item() * 100


def sgd_run(model, loss_fn, data, lr, batch, epochs):
    xt, yt, xv, yv = data
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        losses = []
        for i in range(0, xt.shape[0], batch):
            opt.zero_grad()
            value = loss_fn(model(xt[i:i + batch]), yt[i:i + batch])
            value.backward()
            opt.step()
            losses.append(value.item())
        with torch.no_grad():
            valid = loss_fn(model(xv), yv).item()
        history.append({"loss": sum(losses) / len(losses), "validLoss": valid})
    return history


def state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def linear(n_features, n_targets, bias):
    with threadpool_limits(2):
        X, Y = make_regression(n_samples=10100, n_features=n_features, n_targets=n_targets,
                               n_informative=max(1, n_features - 1), bias=bias, noise=1, random_state=0)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    if n_targets == 1:
        y = y.unsqueeze(1)
    data = (x[:100], y[:100], x[100:], y[100:])
    torch.manual_seed(0)
    model = nn.Linear(n_features, n_targets, dtype=F64)
    w = torch.randn(n_features, n_targets, dtype=F64) if n_targets > 1 else torch.randn(1, dtype=F64)
    b = torch.randn(n_targets, dtype=F64)
    initial = state(model)
    with torch.no_grad():
        xv = data[2]
        scratch = (xv @ w + b) if n_targets > 1 else (b + w * xv[:, 0]).unsqueeze(1)
        before = mape(scratch, model(xv))
    history = sgd_run(model, nn.MSELoss(), data, 0.01, 100 // 3, 16)
    return {"initial": initial, "mapeBeforeCopy": before, "history": history, "final": state(model)}


def scratch_init(sizes):
    """The scratch model's draws: the input layer's randn(10, n), then per Dense randn(n_in, units), randn(units)."""
    torch.randn(10, sizes[0], dtype=F64)
    params = []
    for i in range(1, len(sizes)):
        params.append((torch.randn(sizes[i - 1], sizes[i], dtype=F64), torch.randn(sizes[i], dtype=F64)))
    return params


def scratch_forward(params, acts, x):
    for (w, b), act in zip(params, acts):
        x = act(x @ w + b)
    return x


def mlp():
    with threadpool_limits(2):
        X, Y = make_regression(n_samples=10100, n_features=6, n_targets=3, n_informative=5, noise=1,
                               random_state=0)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    data = (x[:1000], y[:1000], x[1000:], y[1000:])
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(6, 32, dtype=F64), nn.Tanh(), nn.Linear(32, 32, dtype=F64), nn.Softmax(dim=1),
        nn.Linear(32, 32, dtype=F64), nn.Sigmoid(), nn.Linear(32, 32, dtype=F64), nn.ReLU(),
        nn.Linear(32, 3, dtype=F64))
    initial = state(model)
    params = scratch_init([6, 32, 32, 32, 32, 3])
    acts = [torch.tanh, lambda z: torch.softmax(z, 1), torch.sigmoid, torch.relu, lambda z: z]
    with torch.no_grad():
        before = mape(scratch_forward(params, acts, data[2]), model(data[2]))
    history = sgd_run(model, nn.MSELoss(), data, 0.01, 1000 // 3, 32)
    return {"initial": initial, "mapeBeforeCopy": before, "history": history, "final": state(model)}


def classification():
    X, Y = make_classification(n_samples=1100, n_features=5, n_classes=3, n_informative=4, n_redundant=0,
                               random_state=0)
    x = torch.from_numpy(X)
    y = F.one_hot(torch.from_numpy(Y).long(), 3).double()
    data = (x[:100], y[:100], x[100:], y[100:])
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(5, 32, dtype=F64), nn.ReLU(), nn.Linear(32, 32, dtype=F64), nn.ReLU(),
        nn.Linear(32, 32, dtype=F64), nn.ReLU(), nn.Linear(32, 3, dtype=F64))
    initial = state(model)
    params = scratch_init([5, 32, 32, 32, 3])
    acts = [torch.relu, torch.relu, torch.relu, lambda z: torch.softmax(z, 1)]
    with torch.no_grad():
        scratch = scratch_forward(params, acts, data[2])
        logits = model(data[2])
        before = {"logits": mape(scratch, logits), "softmax": mape(scratch, torch.softmax(logits, 1))}
    history = sgd_run(model, nn.CrossEntropyLoss(), data, 0.08, 100 // 3, 32)
    with torch.no_grad():
        accuracy = (model(data[2]).argmax(1) == data[3].argmax(1)).double().mean().item()
    return {"initial": initial, "mapeBeforeCopy": before, "history": history, "final": state(model),
            "validAccuracy": accuracy}


def build(sizes, act):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=F64))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def unflatten(flat, shapes):
    """A flat list of floats as float64 tensors of the given shapes, in order."""
    out, offset = [], 0
    for shape in shapes:
        size = math.prod(shape)
        out.append(torch.tensor(flat[offset:offset + size], dtype=F64).reshape(shape))
        offset += size
    return out


def assignment_params(sizes):
    """The assignment's MLP init: per layer randn(in, out) / sqrt(in), randn(out) / sqrt(out)."""
    params = []
    for i in range(1, len(sizes)):
        params.append(torch.randn(sizes[i - 1], sizes[i], dtype=F64) / math.sqrt(sizes[i - 1]))
        params.append(torch.randn(sizes[i], dtype=F64) / math.sqrt(sizes[i]))
    return params


def assignment_forward(params, phi, x):
    for i in range(0, len(params), 2):
        x = x @ params[i] + params[i + 1].unsqueeze(0)
        if i < len(params) - 2:
            x = phi(x)
    return x


def bfgs_runs(sizes, phi_name, nreps, data):
    """train1(hidden, nreps) with SciPy's BFGS: every repetition's result and disp lines."""
    phi = {"sigmoid": torch.sigmoid, "relu": torch.relu}[phi_name]
    xt, yt, xv, yv = data
    torch.manual_seed(0)
    runs = []
    for _ in range(nreps):
        init = assignment_params(sizes)
        shapes = [p.shape for p in init]

        def fun(flat):
            params = [p.requires_grad_(True) for p in unflatten([float(v) for v in flat], shapes)]
            loss = F.mse_loss(assignment_forward(params, phi, xt), yt)
            loss.backward()
            return loss.item(), np.array(torch.cat([p.grad.flatten() for p in params]).tolist())

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            res = minimize(fun, np.array(torch.cat([p.flatten() for p in init]).tolist()), jac=True,
                           method="BFGS", options={"disp": True})
        final = unflatten([float(v) for v in res.x], shapes)
        with torch.no_grad():
            train = F.mse_loss(assignment_forward(final, phi, xt), yt).item()
            valid = F.mse_loss(assignment_forward(final, phi, xv), yv).item()
        runs.append({"fun": float(res.fun), "nit": int(res.nit), "nfev": int(res.nfev), "njev": int(res.njev),
                     "status": int(res.status), "message": res.message, "disp": out.getvalue().splitlines(),
                     "train": train, "valid": valid})
    return runs


def bfgs_part():
    """The BFGS runs (in the child process with OpenBLAS pinned); printed as JSON."""
    data = curve(CURVE_TRAIN)
    out = {
        "bfgs2": bfgs_runs([1, 2, 1], "sigmoid", 1, data),
        "repetitions2": bfgs_runs([1, 2, 1], "sigmoid", 3, data),
        "widths": {str(w): bfgs_runs([1, w, 1], "sigmoid", 1, data)[0] for w in WIDTHS},
        "depth": bfgs_runs([1, 4, 5, 6, 1], "relu", 3, data),
    }
    print(json.dumps(out))


def bfgs_in_child():
    env = {**os.environ, "OPENBLAS_CORETYPE": "SkylakeX", "OPENBLAS_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--bfgs"], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def assignment():
    out = {}
    # 1a: logistic regression, float32 as in the assignment.
    torch.manual_seed(0)
    W = torch.randn(3, 2) / math.sqrt(3)
    b = torch.randn(2) / math.sqrt(2)
    x = torch.rand(3)
    out["logistic"] = {"W": W, "b": b, "x": x, "probabilities": F.log_softmax(W.t() @ x + b, dim=-1).exp()}
    # 1b/1c: the 2-3-4-2 ReLU check.
    torch.manual_seed(0)
    shapes = [(2, 3), (3,), (3, 4), (4,), (4, 2), (2,)]
    p = [torch.randn(s) for s in shapes]
    h = torch.tensor([[-1.0, 2.0], [1.0, -2.0]])
    for i in range(0, 6, 2):
        h = h @ p[i] + p[i + 1]
        if i < 4:
            h = torch.relu(h)
    out["mlpCheck"] = h
    data = curve(CURVE_TRAIN)
    out.update(bfgs_in_child())
    # Adam, full batch.
    torch.manual_seed(0)
    model = build([1, 50, 1], nn.Sigmoid)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    costs = []
    for _ in range(ADAM_EPOCHS):
        opt.zero_grad()
        value = F.mse_loss(model(data[0]), data[1])
        value.backward()
        opt.step()
        costs.append(value.item())
    out["adam"] = {"costs": costs, "valid": F.mse_loss(model(data[2]), data[3]).item()}
    # Backprop on one validation example.
    torch.manual_seed(0)
    model = build([1, 50, 1], nn.Sigmoid)
    lin1, lin2 = model[0], model[2]
    x = data[2][1:2].clone().requires_grad_(True)
    y = data[3][1:2]
    z1 = x @ lin1.weight.t()
    z2 = z1 + lin1.bias
    z3 = torch.sigmoid(z2)
    z4 = z3 @ lin2.weight.t()
    yhat = z4 + lin2.bias
    loss = F.mse_loss(yhat, y)
    for t in (z1, z2, z3, z4, yhat):
        t.retain_grad()
    loss.backward()
    out["backprop"] = {
        "x": x, "y": y, "z1": z1, "z2": z2, "z3": z3, "z4": z4, "yhat": yhat, "loss": loss.item(),
        "dyhat": yhat.grad, "dz4": z4.grad, "dz3": z3.grad, "dz2": z2.grad, "dz1": z1.grad,
        "db2": lin2.bias.grad, "dW2": lin2.weight.grad, "db1": lin1.bias.grad, "dW1": lin1.weight.grad,
        "dx": x.grad,
    }
    return out


def main():
    torch.set_num_threads(1)
    write_fixture("notebooks", {
        "linear": linear(1, 1, 0.5),
        "multivariate": linear(6, 3, 0.5),
        "mlp": mlp(),
        "classification": classification(),
        "assignment": assignment(),
    })


if __name__ == "__main__":
    if "--bfgs" in sys.argv:
        bfgs_part()
    else:
        main()
