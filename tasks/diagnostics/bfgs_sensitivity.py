"""How sensitive SciPy's BFGS on the assignment's 1-N-1 sigmoid MLPs is to last-bit changes.

The notebooks test (tests/notebooks_test.ts) holds glassbox's BFGS runs of the widths 1, 3
and 10 to SciPy's within 5% of the final training cost, and width 2 to 1e-9. This script
measures why a tighter bound would test the rounding, not the algorithm: PyTorch + SciPy
themselves, run twice with changes that only move the last bits, end on costs that differ by
tenths of a percent and iteration counts that differ by thousands.

  1. the initial weights moved by one ulp (np.nextafter);
  2. the same model written as 1/(1+exp(-z)) and ((pred - y)**2).sum()/n instead of
     torch.sigmoid and F.mse_loss.

Run: OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tasks/diagnostics/bfgs_sensitivity.py
(needs python3-torch, python3-scipy, python3-sklearn; about a minute). Prints one line per width.
"""

import contextlib
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

import notebooks as nb  # noqa: E402

XT, YT, _, _ = nb.curve(nb.CURVE_TRAIN)


def run(sizes, nudge=False, rewritten=False):
    """SciPy BFGS from the notebook's initial weights; returns (final cost, iterations)."""
    torch.manual_seed(0)
    init = nb.assignment_params(sizes)
    shapes = [p.shape for p in init]

    def sigmoid(z):
        return 1 / (1 + torch.exp(-z)) if rewritten else torch.sigmoid(z)

    def fun(flat):
        params = [p.requires_grad_(True) for p in nb.unflatten([float(v) for v in flat], shapes)]
        pred = nb.assignment_forward(params, sigmoid, XT)
        loss = ((pred - YT) ** 2).sum() / YT.numel() if rewritten else F.mse_loss(pred, YT)
        loss.backward()
        return loss.item(), np.array(torch.cat([p.grad.flatten() for p in params]).tolist())

    x0 = np.array(torch.cat([p.flatten() for p in init]).tolist())
    if nudge:
        x0 = np.nextafter(x0, np.inf)
    with contextlib.redirect_stdout(io.StringIO()):
        res = minimize(fun, x0, jac=True, method="BFGS")
    return res.fun, res.nit


for width in [1, 2, 3, 10]:
    sizes = [1, width, 1]
    base, nudged, rewritten = run(sizes), run(sizes, nudge=True), run(sizes, rewritten=True)
    rel = lambda other: abs(other[0] - base[0]) / base[0]  # noqa: E731
    print(f"width {width}: cost {base[0]:.6f} ({base[1]} iterations); x0 + 1 ulp: "
          f"{nudged[0]:.6f} ({nudged[1]}), rel {rel(nudged):.1e}; rewritten sigmoid and mean: "
          f"{rewritten[0]:.6f} ({rewritten[1]}), rel {rel(rewritten):.1e}")
