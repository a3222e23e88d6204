"""Golden BFGS runs from SciPy's minimize(method="BFGS", jac=True) (Debian's python3-scipy).

Writes tests/golden/bfgs.json. Each case stores the objective's name and
settings, x0, the options, SciPy's result (x, fun, jac, nit, nfev, njev,
status, success, message), the lines `disp=True` prints, and a trace: the
value at every point where SciPy called the objective, in order, so that a
mismatch shows the first evaluation where the two runs part.

Run on a CPU with AVX-512 (see OPENBLAS_CORETYPE below).

Objectives:
- rosen, quadratic: written here with plain Python floats in a fixed order
  (loops, no numpy reductions), so that the test computes the very same
  doubles in TypeScript and any difference is the optimizer's.
- mlp: the assignment notebook's MLP([1, h, 1], sigmoid) in PyTorch float64
  (parameters `0_weight` [1, h], `0_bias` [h], `1_weight` [h, 1], `1_bias`
  [1] used as `x @ W + b`, flattened in `named_parameters` order), with the
  MSE loss and its gradient from autograd, on a fixed 1-D data set made here
  (torch.manual_seed(0): 100 inputs uniform on [0, 13], targets sin-shaped
  plus noise) and initial weights drawn as the notebook's MLP draws them
  (randn / sqrt(fan_in)) after torch.manual_seed(seed).
- nan_start: a function whose value and gradient are NaN at x0 (status 3).
"""

import contextlib
import io
import math
import os
import sys

# NumPy's products go to OpenBLAS, whose kernel (chosen from the CPU) fixes their summation
# order, and BFGS feeds those sums back into every step. Pin the AVX-512 "SkylakeX" kernels, the
# order `npDot` in @glassbox/datasets reproduces, so the fixture is the same on any AVX-512
# machine (OpenBLAS 0.3.21 falls back to its generic Prescott kernels on CPUs it does not know).
# Two threads: the products of up to 31 variables here stay on one thread either way.
os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np
import scipy
import torch
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

F64 = torch.float64


def rosen(x):
    """Rosenbrock's function, summed left to right, and its gradient."""
    n = len(x)
    value = 0.0
    grad = [0.0] * n
    for i in range(n - 1):
        t = x[i + 1] - x[i] * x[i]
        u = 1.0 - x[i]
        value += 100.0 * t * t + u * u
        grad[i] += -400.0 * x[i] * t - 2.0 * u
        grad[i + 1] += 200.0 * t
    return value, grad


QUAD_A = [
    [4.0, 1.0, 0.5, 0.0],
    [1.0, 3.0, 0.25, 0.125],
    [0.5, 0.25, 2.0, 0.75],
    [0.0, 0.125, 0.75, 1.5],
]
QUAD_B = [1.0, -2.0, 0.5, 3.0]


def quadratic(x):
    """f = ½ xᵀAx − bᵀx with the fixed SPD matrix above; gradient Ax − b (row sums left to right)."""
    n = len(x)
    value = 0.0
    grad = [0.0] * n
    for i in range(n):
        ax = 0.0
        for j in range(n):
            ax += QUAD_A[i][j] * x[j]
        value += 0.5 * x[i] * ax - QUAD_B[i] * x[i]
        grad[i] = ax - QUAD_B[i]
    return value, grad


def nan_start(x):
    """Σ xᵢ², but NaN (value and gradient) wherever x₀ < 0."""
    if x[0] < 0:
        return float("nan"), [float("nan")] * len(x)
    return sum(v * v for v in x), [2.0 * v for v in x]


def mlp_data():
    torch.manual_seed(0)
    x = torch.rand(100, 1, dtype=F64) * 13
    y = torch.sin(x) * 1.5 + 0.1 * x + 0.2 * torch.randn(100, 1, dtype=F64)
    return x, y


def mlp_x0(hidden, seed):
    """The notebook's MLP init for sizes [1, hidden, 1], flattened in named_parameters order."""
    torch.manual_seed(seed)
    sizes = [1, hidden, 1]
    parts = []
    for i in range(1, len(sizes)):
        w = torch.randn(sizes[i - 1], sizes[i], dtype=F64) / math.sqrt(sizes[i - 1])
        b = torch.randn(sizes[i], dtype=F64) / math.sqrt(sizes[i])
        parts += [w.flatten(), b]
    return torch.cat(parts).tolist()


def mlp_objective(hidden):
    x, y = mlp_data()

    def f(flat):
        t = torch.tensor(flat, dtype=F64)
        shapes = [(1, hidden), (hidden,), (hidden, 1), (1,)]
        params, offset = [], 0
        for shape in shapes:
            size = math.prod(shape)
            params.append(t[offset:offset + size].reshape(shape).clone().requires_grad_(True))
            offset += size
        w0, b0, w1, b1 = params
        h = torch.sigmoid(x @ w0 + b0.unsqueeze(0))
        out = h @ w1 + b1.unsqueeze(0)
        loss = torch.nn.functional.mse_loss(out, y)
        loss.backward()
        return loss.item(), torch.cat([p.grad.flatten() for p in params]).tolist()

    return f


OBJECTIVES = {"rosen": rosen, "quadratic": quadratic, "nan_start": nan_start}


def run(name, objective, x0, options=None, note="", **settings):
    fn = mlp_objective(settings["hidden"]) if objective == "mlp" else OBJECTIVES[objective]
    trace = []

    def fun(x):
        value, grad = fn([float(v) for v in x])
        trace.append(float(value))
        return value, np.array(grad, dtype=np.float64)

    opts = dict(options or {})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        res = minimize(fun, np.array(x0, dtype=np.float64), jac=True, method="BFGS",
                       options={**opts, "disp": True})
    return {
        "name": name,
        "note": note,
        "objective": objective,
        "settings": settings,
        "x0": [float(v) for v in x0],
        "options": opts,
        "x": res.x,
        "fun": float(res.fun),
        "jac": res.jac,
        "nit": int(res.nit),
        "nfev": int(res.nfev),
        "njev": int(res.njev),
        "status": int(res.status),
        "success": bool(res.success),
        "message": res.message,
        "disp": out.getvalue().splitlines(),
        "trace": trace,
    }


def main():
    rng = np.random.default_rng(0)
    rosen10_x0 = rng.uniform(-2.0, 2.0, 10).tolist()
    cases = [
        run("rosen2", "rosen", [-1.2, 1.0], note="Rosenbrock, n = 2, from (-1.2, 1)"),
        run("rosen5", "rosen", [1.3, 0.7, 0.8, 1.9, 1.2], note="Rosenbrock, n = 5, SciPy's tutorial start"),
        run("rosen10", "rosen", rosen10_x0, note="Rosenbrock, n = 10, uniform(-2, 2) start"),
        run("quadratic", "quadratic", [3.0, -1.0, 2.0, 0.5], note="a 4-variable convex quadratic"),
        run("mlp_1_2_1", "mlp", mlp_x0(2, 1), hidden=2, seed=1,
            note="MLP([1, 2, 1], sigmoid), MSE on the 100-point data set"),
        run("mlp_1_10_1", "mlp", mlp_x0(10, 2), hidden=10, seed=2,
            note="MLP([1, 10, 1], sigmoid), MSE on the 100-point data set"),
        run("rosen10_maxiter", "rosen", rosen10_x0, {"maxiter": 15},
            note="stops at maxiter (status 1)"),
        run("quadratic_precision_loss", "quadratic", [3.0, -1.0, 2.0, 0.5], {"gtol": 1e-300},
            note="gtol below what float64 can reach: the line search fails (status 2)"),
        run("quadratic_xrtol", "quadratic", [3.0, -1.0, 2.0, 0.5], {"xrtol": 1e-3, "norm": 2.0},
            note="the relative step test and the 2-norm"),
        run("nan_start", "nan_start", [-1.0, 2.0], note="NaN at x0 (status 3)"),
    ]
    x, y = mlp_data()
    write_fixture("bfgs", {
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mlpData": {"x": x.flatten().tolist(), "y": y.flatten().tolist()},
        "cases": cases,
    })


if __name__ == "__main__":
    main()
