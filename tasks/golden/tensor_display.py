"""Golden fixture for the printed form of a tensor: PyTorch's value layout.

Run with the Debian python that has torch (`/usr/bin/python3 tasks/golden/tensor_display.py`);
writes tests/golden/tensor_display.json, replayed by tests/tensor_display_golden_test.ts.

Each case holds a tensor's values and torch's printed values at the default print
options (precision 4, threshold 1000, edgeitems 3, linewidth 80): the text that
follows "tensor(" in `repr(t)`, before any ", dtype=..." suffix — what
torch._tensor_str._tensor_str(t, indent=7) returns. glassbox prints the same text
and then its own shape, dtype and device.

A case is {"name", "dtype", "shape", "data"} (flat C order, float64 JSON numbers,
or "NaN"/"Infinity"/"-Infinity") or, for tensors too large to store, "arange":
torch.arange(n, dtype) reshaped to "shape", times "scale", divided by "divisor".
"""

import os
import sys

import numpy as np
import torch
from torch._tensor_str import _tensor_str

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

rs = np.random.RandomState(20261203)
DT = {"float64": torch.float64, "float32": torch.float32}
INF, NAN = float("inf"), float("nan")
cases = []


def add(name, t, **recipe):
    torch.set_printoptions(profile="default")
    assert t.numel() > 0
    case = {"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    if recipe:
        case.update(recipe)
    else:
        case["data"] = t.double().reshape(-1).tolist()
    case["text"] = _tensor_str(t, len("tensor("))
    cases.append(case)


def values(data, dtype="float64", shape=None):
    t = torch.tensor(data, dtype=torch.float64).to(DT[dtype])
    return t if shape is None else t.reshape(shape)


def arange(n, dtype, shape, scale=1.0, divisor=1.0):
    t = torch.arange(n, dtype=DT[dtype]).reshape(shape) * scale / divisor
    add(f"arange({n}) {shape} * {scale} / {divisor} {dtype}", t,
        arange=n, scale=scale, divisor=divisor)


def main():
    add("normal [2, 3] float64", values(rs.standard_normal((2, 3))))
    add("normal [3, 4] float32", values(rs.standard_normal((3, 4)), "float32"))
    add("normal [4, 5, 2] float64", values(rs.standard_normal((4, 5, 2))))
    add("normal [7, 9] x 100 float64 (wraps lines)", values(rs.standard_normal((7, 9)) * 100))
    add("integers", values([[1, 2, 3], [4, 5, 6]]))
    add("negative integers", values([-3, 0, 12, -100]))
    add("integers over 1e8 (scientific)", values([1, 2e8, -3]))
    add("integers spanning 1000x (scientific)", values([1, 5000, 7]))
    add("mixed magnitudes (scientific)", values([0.125, 0.375, -2.5e-5, 1e9]))
    add("small values (scientific)", values([1e-5, 2e-5, 3.5e-5]))
    add("NaN and infinities with decimals", values([1.5, NAN, -INF, INF]))
    add("NaN and infinities with integers", values([1, NAN, -INF]))
    add("NaN and infinities in scientific", values([1e10, 1, NAN, -INF]))
    add("all non-finite", values([NAN, INF]))
    add("zeros", values([[0, 0], [0, 0]]))
    add("negative zero", values([-0.0, 1.5]))
    add("scalar", values(3.5))
    add("integer scalar", values(-7.0))
    add("float32 scalar", values(0.1, "float32"))
    add("fixed-point ties round half to even", values([0.03125, 0.09375, 1.40625, -0.03125, 2.5]))
    add("scientific ties round half to even", values([123465000.0, 1.0, 2.5e-4]))
    add("float32 thirds", values([1 / 3, 2 / 3, 1e-3 / 3], "float32"))
    arange(2000, "float64", [2, 10, 100])
    arange(1200, "float64", [40, 30], 1.0, 7.0)
    arange(1001, "float32", [1001], 0.5, 1.0)
    arange(1000, "float64", [1000], 0.5, 1.0)
    arange(4096, "float64", [4, 4, 4, 4, 4, 4], 1.0, 3.0)
    write_fixture("tensor_display", {"torch": torch.__version__, "cases": cases})


if __name__ == "__main__":
    main()
