"""Golden fixture for einsum, kron and eye: inputs and PyTorch's float64 outputs.

Run with the Debian python that has torch (`/usr/bin/python3 tasks/golden/einsum.py`);
writes tests/golden/einsum.json, replayed by tests/einsum_golden_test.ts.

Case layout:
  einsum: {"name", "equation", "inputs": [{"shape", "data"}, ...], "expected": {"shape", "data"}}
  kron:   {"name", "inputs": [a, b], "expected"}
  eye:    {"n", "m", "expected"}   (m is null when torch.eye(n) is called with one argument)
Data is flat, C order; inputs are standard normal draws from NumPy's RandomState.
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

rs = np.random.RandomState(20261203)


def enc(t):
    return {"shape": list(t.shape), "data": t.double().reshape(-1).tolist()}


def randn(*shape):
    return torch.from_numpy(np.ascontiguousarray(rs.standard_normal(shape)))


EINSUM = [
    ("matmul", "ij,jk->ik", [(4, 5), (5, 3)]),
    ("batch matmul", "bij,bjk->bik", [(3, 4, 5), (3, 5, 2)]),
    ("outer product", "i,j->ij", [(4,), (6,)]),
    ("dot product", "i,i->", [(7,)] * 2),
    ("trace", "ii->", [(5, 5)]),
    ("diagonal", "ii->i", [(5, 5)]),
    ("transpose", "ij->ji", [(3, 6)]),
    ("sum over one axis", "ijk->ik", [(3, 4, 5)]),
    ("sum over all axes", "ijk->", [(3, 4, 5)]),
    ("bilinear", "bn,anm,bm->ba", [(4, 5), (3, 5, 6), (4, 6)]),
    ("ellipsis broadcasting", "...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ellipsis summed", "...ij->ij", [(2, 3, 4, 5)]),
    ("implicit matmul", "ij,jk", [(3, 4), (4, 5)]),
    ("implicit transpose and trace", "ba,cc", [(3, 4), (2, 2)]),
    ("implicit with ellipsis", "...ij,jk", [(2, 3, 4), (4, 2)]),
    ("diagonal of a 3-D operand", "iij->ji", [(4, 4, 3)]),
    ("elementwise and row sums", "ij,ij->i", [(5, 6), (5, 6)]),
    ("chain of three", "ab,bc,cd->ad", [(3, 4), (4, 5), (5, 2)]),
    ("notebook 1.2 gradient", "pq,pqij->ij", [(8, 3), (8, 3, 6, 3)]),
    ("size-1 broadcast", "ij,j->ij", [(4, 3), (1,)]),
]

KRON = [
    ("1-D", [(3,), (4,)]),
    ("2-D", [(2, 3), (3, 2)]),
    ("3-D", [(2, 2, 3), (2, 3, 2)]),
    ("1-D and 2-D", [(3,), (2, 4)]),
    ("3-D and 2-D", [(2, 3, 2), (3, 2)]),
    ("2-D and 3-D", [(2, 2), (2, 1, 3)]),
    ("scalar and 2-D", [(), (2, 3)]),
]

EYE = [(1, None), (4, None), (3, 5), (5, 2), (0, None), (3, 0)]


def main():
    einsum_cases = []
    for name, equation, shapes in EINSUM:
        inputs = [randn(*s) for s in shapes]
        out = torch.einsum(equation, *inputs)
        einsum_cases.append({
            "name": name,
            "equation": equation,
            "inputs": [enc(x) for x in inputs],
            "expected": enc(out),
        })
    kron_cases = []
    for name, shapes in KRON:
        a, b = (randn(*s) for s in shapes)
        kron_cases.append({
            "name": name,
            "inputs": [enc(a), enc(b)],
            "expected": enc(torch.kron(a, b)),
        })
    eye_cases = []
    for n, m in EYE:
        out = torch.eye(n, dtype=torch.float64) if m is None else torch.eye(n, m, dtype=torch.float64)
        eye_cases.append({"n": n, "m": m, "expected": enc(out)})
    write_fixture("einsum", {
        "torch": torch.__version__,
        "einsum": einsum_cases,
        "kron": kron_cases,
        "eye": eye_cases,
    })


if __name__ == "__main__":
    main()
