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
- mlp: the assignment notebook's MLP([1, h, 1], sigmoid) (parameters
  `0_weight` [1, h], `0_bias` [h], `1_weight` [h, 1], `1_bias` [1] used as
  `x @ W + b`, flattened in `named_parameters` order) with the MSE loss, on a
  fixed 1-D data set made here (torch.manual_seed(0): 100 inputs uniform on
  [0, 13], targets sin-shaped plus noise), from initial weights drawn as the
  notebook's MLP draws them (randn / sqrt(fan_in), float64) after
  torch.manual_seed(seed). The loss and gradient BFGS sees are backpropagated
  by hand in plain floats with an exp built from + - * / (`exp_ieee`), not
  by PyTorch: BFGS runs hundreds of iterations on this non-convex loss, and a
  one-ulp difference in one gradient (PyTorch's vectorised exp and BLAS sums
  against JavaScript's) changes the path, so only an objective both sides
  compute to the same bits isolates the optimizer. Each case also stores
  PyTorch's autograd loss and gradient at x0, which the test checks the
  hand-written objective against (1e-12).
- nan_start: a function whose value and gradient are NaN at x0 (status 3).
- wall: a 1-D quadratic that is +inf past a wall, so that trial steps see
  infinite values.
"""

import contextlib
import io
import math
import os
import sys

# NumPy's products go to OpenBLAS, whose kernel (chosen from the CPU) fixes their summation
# order, and BFGS feeds those sums back into every step. Pin the AVX-512 "SkylakeX" kernels, the
# order `npDot` in @glassbox/internal reproduces, so the fixture is the same on any AVX-512
# machine (OpenBLAS 0.3.21 falls back to its generic Prescott kernels on CPUs it does not know).
# Two threads: the products of up to 31 variables here stay on one thread either way.
def _has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return " avx512f" in f.read()
    except OSError:
        return False


if not _has_avx512():
    sys.exit("bfgs.py: needs a CPU with AVX-512 (OpenBLAS's SkylakeX kernels fix the fixture's sums)")
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


def wall(x, at):
    """x₀² − 100·x₀, but +inf (value and gradient) from x₀ = at on: steps past the wall see f = inf."""
    v = x[0]
    if v < at:
        return v * v - 100.0 * v, [2.0 * v - 100.0]
    return math.inf, [math.inf]


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


LN2_HI = 6.93147180369123816490e-01  # ln 2 to 32 bits: k * LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e00
EXP_COEFFS = [1.0 / math.factorial(n) for n in range(13, -1, -1)]  # 1/13!, ..., 1/1!, 1/0!


def exp_ieee(v):
    """e^v from + - * / only (Cody-Waite reduction, Taylor to degree 13), so TypeScript gets the same bits."""
    if v != v:
        return v
    if v > 700.0:
        return math.inf
    if v < -700.0:
        return 0.0
    k = math.floor(v * INV_LN2 + 0.5)
    r = (v - k * LN2_HI) - k * LN2_LO
    p = 0.0
    for c in EXP_COEFFS:
        p = p * r + c
    return p * math.ldexp(1.0, k)


def mlp_loss_grad(flat, hidden, xs, ys):
    """MSE of MLP([1, hidden, 1], sigmoid) and its gradient, backpropagated by hand in a fixed order."""
    w0 = flat[0:hidden]
    b0 = flat[hidden:2 * hidden]
    w1 = flat[2 * hidden:3 * hidden]
    b1 = flat[3 * hidden]
    n = len(xs)
    gw0, gb0, gw1 = [0.0] * hidden, [0.0] * hidden, [0.0] * hidden
    gb1 = 0.0
    loss = 0.0
    for i in range(n):
        h = [1.0 / (1.0 + exp_ieee(-(xs[i] * w0[j] + b0[j]))) for j in range(hidden)]
        out = 0.0
        for j in range(hidden):
            out += h[j] * w1[j]
        out += b1
        r = out - ys[i]
        loss += r * r
        d = 2.0 * r / n
        gb1 += d
        for j in range(hidden):
            gw1[j] += d * h[j]
            dz = d * w1[j] * h[j] * (1.0 - h[j])
            gb0[j] += dz
            gw0[j] += dz * xs[i]
    return loss / n, gw0 + gb0 + gw1 + [gb1]


def mlp_torch(flat, hidden, x, y):
    """The notebook's model in PyTorch float64: loss and autograd gradient, flattened in named_parameters order."""
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


def mlp_objective(hidden):
    x, y = mlp_data()
    xs, ys = x.flatten().tolist(), y.flatten().tolist()
    return lambda flat: mlp_loss_grad(flat, hidden, xs, ys)


OBJECTIVES = {"rosen": rosen, "quadratic": quadratic, "nan_start": nan_start}


def run(name, objective, x0, options=None, note="", **settings):
    if objective == "mlp":
        fn = mlp_objective(settings["hidden"])
    elif objective == "wall":
        fn = lambda x: wall(x, settings["at"])  # noqa: E731
    else:
        fn = OBJECTIVES[objective]
    extra = {}
    if objective == "mlp":
        # The same model through PyTorch's autograd at x0: what ties the hand-written objective to
        # the notebook's MLP (they agree to about 1e-15; the test checks 1e-12).
        x, y = mlp_data()
        loss, grad = mlp_torch(x0, settings["hidden"], x, y)
        extra["torchAtX0"] = {"loss": loss, "grad": grad}
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
        **extra,
    }


def interpolation_cases(count=300):
    """SciPy's _cubicmin and _quadmin on random brackets (None → null).

    `powExact` says whether C's pow gave the correctly rounded x² and x³ for
    every power _cubicmin takes (Python's `x ** 2` is glibc's pow, which errs
    by up to 0.52 ulp); the test demands equality where it did.
    """
    from fractions import Fraction
    from scipy.optimize._linesearch import _cubicmin, _quadmin

    def exact_pow(x, k):
        return float(Fraction(x) ** k) == x ** k

    rng = np.random.default_rng(5)
    cases = []
    for _ in range(count):
        a = float(rng.uniform(0, 1))
        b = a + float(rng.uniform(0.001, 1))
        c = b + float(rng.uniform(0.001, 1))
        fa, fpa, fb, fc = (float(v) for v in rng.standard_normal(4))
        fpa = -abs(fpa)
        db, dc = b - a, c - a
        pow_exact = all([exact_pow(db * dc, 2), exact_pow(dc, 2), exact_pow(db, 2),
                         exact_pow(dc, 3), exact_pow(db, 3)])
        cubic = _cubicmin(a, fa, fpa, b, fb, c, fc)
        quad = _quadmin(a, fa, fpa, b, fb)
        cases.append({"args": [a, fa, fpa, b, fb, c, fc], "cubic": cubic, "quad": quad,
                      "powExact": pow_exact})
    # Degenerate brackets: coincident points and zero curvature give None.
    cases.append({"args": [1.0, 0.0, -1.0, 1.0, 0.0, 2.0, 1.0], "cubic": _cubicmin(1.0, 0.0, -1.0, 1.0, 0.0, 2.0, 1.0),
                  "quad": _quadmin(1.0, 0.0, -1.0, 1.0, 0.0), "powExact": True})
    cases.append({"args": [0.0, 0.0, -1.0, 1.0, -1.0, 1.0, -1.0], "cubic": _cubicmin(0.0, 0.0, -1.0, 1.0, -1.0, 1.0, -1.0),
                  "quad": _quadmin(0.0, 0.0, -1.0, 1.0, -1.0), "powExact": True})
    return [{k: (float(v) if isinstance(v, np.floating) else v) for k, v in c.items()} for c in cases]


def main():
    rng = np.random.default_rng(0)
    rosen10_x0 = rng.uniform(-2.0, 2.0, 10).tolist()
    cases = [
        run("rosen2", "rosen", [-1.2, 1.0], note="Rosenbrock, n = 2, from (-1.2, 1)"),
        run("rosen5", "rosen", [1.3, 0.7, 0.8, 1.9, 1.2], note="Rosenbrock, n = 5, SciPy's tutorial start"),
        run("rosen10", "rosen", rosen10_x0, note="Rosenbrock, n = 10, uniform(-2, 2) start"),
        run("quadratic", "quadratic", [3.0, -1.0, 2.0, 0.5], note="a 4-variable convex quadratic"),
        run("mlp_1_2_1", "mlp", mlp_x0(2, 0), hidden=2, seed=0,
            note="MLP([1, 2, 1], sigmoid), MSE on the 100-point data set; converges to a local minimum"),
        run("mlp_1_2_1_precision_loss", "mlp", mlp_x0(2, 1), hidden=2, seed=1,
            note="MLP([1, 2, 1], sigmoid) from another start: reaches the better minimum, then "
                 "dcsrch fails, the fallback search runs, and finally both fail (status 2)"),
        run("mlp_1_10_1", "mlp", mlp_x0(10, 2), hidden=10, seed=2,
            note="MLP([1, 10, 1], sigmoid), MSE on the 100-point data set"),
        run("rosen10_maxiter", "rosen", rosen10_x0, {"maxiter": 15},
            note="stops at maxiter (status 1)"),
        run("quadratic_precision_loss", "quadratic", [3.0, -1.0, 2.0, 0.5], {"gtol": 1e-300},
            note="gtol below what float64 can reach: the line search fails (status 2)"),
        run("quadratic_xrtol", "quadratic", [3.0, -1.0, 2.0, 0.5], {"xrtol": 1e-3, "norm": 2.0},
            note="the relative step test and the 2-norm"),
        run("nan_start", "nan_start", [-1.0, 2.0], note="NaN at x0 (status 3)"),
        run("wall_60", "wall", [0.0], at=60.0,
            note="inf beyond x = 60, never reached: converges to 50"),
        run("wall_1_5", "wall", [0.0], at=1.5,
            note="inf beyond x = 1.5: dcsrch meets inf (its cubic step is NaN and MAX(NaN, stpmin) "
                 "= stpmin), fails, the fallback fails too (status 2)"),
        run("wall_0_5", "wall", [0.0], at=0.5,
            note="inf at the very first trial step (status 2)"),
    ]
    x, y = mlp_data()
    write_fixture("bfgs", {
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mlpData": {"x": x.flatten().tolist(), "y": y.flatten().tolist()},
        "interpolation": interpolation_cases(),
        "cases": cases,
    })


if __name__ == "__main__":
    main()
