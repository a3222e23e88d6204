"""Golden fixture: PyTorch 1.13's CPU generator (torch.manual_seed, randn, rand,
normal_, uniform_) for glassbox's Generator.

Writes tests/golden/torch_random.json:
- "sequences": per seed, the calls made in order on one generator, each with
  its arguments and the values it produced, so a test can replay the stream.
  Sizes 1–1000 cover both normal_ paths (per-element Box–Muller with the cached
  sample below 16 elements, blocks of 16 from 16 up, ragged tails redrawn) and
  both dtypes, interleaved so the cache crosses calls and dtypes.
- "torchStates": torch.get_rng_state() bytes (base64) mid-stream, with the
  values drawn right after, to test state import/export.
- "mlp": torch.manual_seed(0), then randn weights of a 2-3-4-2 ReLU network in
  float32 and its output on x = [[-1, 2], [1, -2]].

Run with Debian's PyTorch: /usr/bin/python3 tasks/golden/torch_random.py
"""

import base64
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

torch.set_num_threads(1)
F32, F64 = torch.float32, torch.float64
DTYPE_NAMES = {F32: "float32", F64: "float64"}
KAIMING = 1 / math.sqrt(6)  # nn.Linear's uniform bound for 6 inputs


def call(g, op, dtype, n, a=None, b=None):
    """Runs one generator call in PyTorch; returns its fixture record."""
    rec = {"op": op, "dtype": DTYPE_NAMES.get(dtype, "int64"), "n": n}
    if op == "randn":
        t = torch.randn(n, dtype=dtype, generator=g)
    elif op == "rand":
        t = torch.rand(n, dtype=dtype, generator=g)
    elif op == "normal":
        t = torch.empty(n, dtype=dtype).normal_(a, b, generator=g)
        rec.update(mean=a, std=b)
    elif op == "uniform":
        t = torch.empty(n, dtype=dtype).uniform_(a, b, generator=g)
        rec.update({"from": a, "to": b})
    elif op == "random31":  # random() % 2^31: checks the raw 32-bit stream
        t = torch.randint(0, 2**31, (n,), generator=g)
    elif op == "random62":  # random64() % 2^62: checks the raw 64-bit stream
        return {**rec, "values": [str(v) for v in torch.randint(0, 2**62, (n,), generator=g).tolist()]}
    else:
        raise ValueError(op)
    rec["values"] = t
    return rec


# Each plan is a list of (op, dtype, n[, a, b]); plans are reused across seeds.
PLAN_SMALL_AND_BLOCKS = [
    ("randn", F32, 3), ("randn", F32, 3), ("randn", F64, 1), ("randn", F32, 1),
    ("randn", F64, 15), ("randn", F32, 16), ("randn", F64, 16), ("randn", F32, 17),
    ("randn", F64, 17), ("rand", F32, 15), ("rand", F64, 16), ("randn", F64, 3),
    ("normal", F32, 31, 0.5, 2.0), ("normal", F64, 31, -1.25, 0.75), ("randn", F32, 32),
    ("randn", F64, 32), ("randn", F32, 33), ("randn", F64, 33),
    ("normal", F64, 5, 10.0, 0.1), ("normal", F32, 15, -0.3, 3.0),
    ("uniform", F32, 32, -KAIMING, KAIMING), ("uniform", F64, 33, -KAIMING, KAIMING),
    ("uniform", F32, 17, -0.3, 0.7), ("uniform", F64, 17, 2.5, 7.25),
    ("random31", None, 5), ("random62", None, 3),
    ("randn", F32, 100), ("normal", F64, 100, 0.3, 1.7), ("uniform", F32, 100, -1.0, 1.0),
]
PLAN_LARGE = [
    ("randn", F32, 1000), ("randn", F64, 1),
    ("normal", F64, 1000, -0.7, 2.3), ("randn", F32, 2),
    ("uniform", F32, 1000, -KAIMING, KAIMING), ("rand", F64, 1000),
]


def sequence(name, seed, plan):
    """Seeds PyTorch's global generator (or a fresh torch.Generator() when seed is None), replays plan."""
    if seed is None:
        g = torch.Generator()
    else:
        torch.manual_seed(seed)
        g = torch.default_generator
    calls = [call(g, *step) for step in plan]
    return {"name": name, "seed": None if seed is None else str(seed), "initialSeed": str(g.initial_seed()), "calls": calls}


def torch_state_case(seed):
    """A state with a cached normal, exported mid-stream, and what follows it."""
    torch.manual_seed(seed)
    torch.randn(3, dtype=F64)  # odd count: leaves a cached sample
    torch.rand(7)
    state = torch.get_rng_state().numpy().tobytes()
    after = [call(None, "randn", F64, 1), call(None, "randn", F32, 20), call(None, "rand", F64, 3)]
    return {"seed": str(seed), "state": base64.b64encode(state).decode(), "calls": after}


def fresh_state(seed):
    torch.manual_seed(seed)
    return {"seed": str(seed), "state": base64.b64encode(torch.get_rng_state().numpy().tobytes()).decode()}


def mlp():
    torch.manual_seed(0)
    shapes = {"W1": [2, 3], "b1": [3], "W2": [3, 4], "b2": [4], "W3": [4, 2], "b3": [2]}
    p = {k: torch.randn(*s) for k, s in shapes.items()}
    x = torch.tensor([[-1.0, 2.0], [1.0, -2.0]])
    h = torch.relu(x @ p["W1"] + p["b1"])
    h = torch.relu(h @ p["W2"] + p["b2"])
    out = h @ p["W3"] + p["b3"]
    print("mlp output", out.tolist())
    return {
        "seed": 0, "dtype": "float32", "shapes": shapes, "x": x,
        "params": {k: v.reshape(-1) for k, v in p.items()}, "out": out,
    }


def cpu_capability():
    """The kernel set PyTorch dispatches to; the float32 normal_ path depends on it."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def main():
    if cpu_capability() != "AVX2":
        sys.exit(f"expected CPU capability AVX2 (glassbox reproduces normal_fill_AVX2), got {cpu_capability()}")

    seqs = [
        sequence("seed 0", 0, PLAN_SMALL_AND_BLOCKS + PLAN_LARGE),
        sequence("seed 1", 1, PLAN_SMALL_AND_BLOCKS),
        sequence("seed 42", 42, PLAN_LARGE + PLAN_SMALL_AND_BLOCKS),
        sequence("seed 2**32 + 5 (low 32 bits: 5)", 2**32 + 5, PLAN_SMALL_AND_BLOCKS),
        sequence("seed -7 (wraps to 2**64 - 7)", -7, PLAN_SMALL_AND_BLOCKS),
        sequence("seed 2**63 + 12345", 2**63 + 12345, PLAN_SMALL_AND_BLOCKS[:12]),
        sequence("default seed (torch.Generator())", None, PLAN_SMALL_AND_BLOCKS),
    ]
    write_fixture("torch_random", {
        "torch": torch.__version__,
        "cpuCapability": cpu_capability(),
        "sequences": seqs,
        "torchStates": {"midStream": torch_state_case(3), "fresh": fresh_state(11)},
        "mlp": mlp(),
    })


if __name__ == "__main__":
    main()
