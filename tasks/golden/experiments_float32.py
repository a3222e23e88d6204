"""The notebook experiments of `deno task train` in float32, run in PyTorch 1.13.

Writes tests/golden/experiments_float32.json: the same cases as experiments.py
(same data, seeds, models, loops; see its docstring) with `--dtype float32`:
the float64 data and initial weights cast once, the model created in float32
(nn.Linear(..., dtype=torch.float32) draws its own float32 initialisation).
tests/experiments_float32_golden_test.ts trains them on the CPU and, where a
WebGPU adapter exists, on WebGPU, and compares within the float32 contract
for whole training runs (1e-3). The L-BFGS case also records `spread`: how
far PyTorch's own float32 result moves when one initial weight moves by one
ulp (see experiments.spread); its final weights and predictions are checked
against that measured sensitivity, since no implementation that is not bit
for bit PyTorch's can be closer.
"""

import os
import sys

os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")  # before NumPy loads: see experiments.py

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402
from experiments import config, run  # noqa: E402


def cases():
    f32 = ["--dtype", "float32"]
    return [
        run(f32, config("mlp-regression", dtype="float32")),
        run(["--experiment", "mlp-classification", *f32], config("mlp-classification", dtype="float32")),
        run(["--experiment", "linear-regression", *f32], config("linear-regression", dtype="float32")),
        run(["--experiment", "multivariate-linear-regression", *f32],
            config("multivariate-linear-regression", dtype="float32")),
        run(["--experiment", "logistic-regression", *f32], config("logistic-regression", dtype="float32")),
        run(["--experiment", "mlp-classification", "--optimizer", "adam", "--lr", "0.005", "--epochs", "12", *f32],
            config("mlp-classification", optimizer="adam", lr=0.005, epochs=12, dtype="float32")),
        run(["--experiment", "mlp-1d", "--layers", "2", "--layers", "8", "--epochs", "1", "--restarts", "2", *f32],
            config("mlp-1d", architectures=[[2], [8]], epochs=1, restarts=2, dtype="float32"), with_spread=True),
    ]


def main():
    write_fixture("experiments_float32", {"torch": torch.__version__, "numpy": np.__version__, "cases": cases()})


if __name__ == "__main__":
    main()
