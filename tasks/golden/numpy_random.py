"""Golden fixture for RandomState: NumPy's legacy numpy.random.RandomState.

Writes tests/golden/numpy_random.json. Each case names a seed and a sequence of
calls; each call records its arguments and NumPy's output, so the TypeScript
test replays the sequence generically and compares every value exactly.

Call records (sizes are null, an int, or a shape list; outputs with a size are
flattened in C order; without a size they are a single number):
  {"op": "randomSample", "size"}
  {"op": "standardNormal", "size"}
  {"op": "normal", "loc", "scale", "size"}
  {"op": "uniform", "low", "high", "size"}
  {"op": "randint", "low", "high", "size"}          high may be null
  {"op": "shuffle", "n"}                            shuffles arange(n)
  {"op": "shuffleRows", "rows", "cols"}             shuffles arange(rows*cols).reshape(rows, cols)
  {"op": "permutation", "n"} or {"op": "permutation", "array"}
  {"op": "choice", "a", "size", "replace", "p"}     a is an int or a list; p may be null
  {"op": "seed", "seed"}                            reseeds; no output
  {"op": "setState", "state"}                       loads a state; no output
  {"op": "getState"}                                out = {"key", "pos", "hasGauss", "gauss"}

Run with /usr/bin/python3 (NumPy 1.24):  /usr/bin/python3 tasks/golden/numpy_random.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402


def _flat(values, size):
    if size is None:
        return values.item() if isinstance(values, np.generic) else values
    return np.asarray(values).ravel().tolist()


def _state(rs):
    name, key, pos, has_gauss, gauss = rs.get_state()
    assert name == "MT19937"
    return {"key": key.tolist(), "pos": int(pos), "hasGauss": bool(has_gauss), "gauss": float(gauss)}


def run(rs, call):
    """Performs one call on rs and returns its output (None for calls without one)."""
    op = call["op"]
    size = call.get("size")
    shape = tuple(size) if isinstance(size, list) else size
    if op == "randomSample":
        return _flat(rs.random_sample(shape), size)
    if op == "standardNormal":
        return _flat(rs.standard_normal(shape), size)
    if op == "normal":
        return _flat(rs.normal(call["loc"], call["scale"], shape), size)
    if op == "uniform":
        return _flat(rs.uniform(call["low"], call["high"], shape), size)
    if op == "randint":
        return _flat(rs.randint(call["low"], call["high"], shape), size)
    if op == "shuffle":
        x = np.arange(call["n"])
        rs.shuffle(x)
        return x.tolist()
    if op == "shuffleRows":
        x = np.arange(call["rows"] * call["cols"], dtype=np.float64).reshape(call["rows"], call["cols"])
        rs.shuffle(x)
        return x.ravel().tolist()
    if op == "permutation":
        arg = call["n"] if "n" in call else np.array(call["array"])
        return rs.permutation(arg).tolist()
    if op == "choice":
        a = call["a"] if isinstance(call["a"], int) else np.array(call["a"], dtype=np.float64)
        p = None if call["p"] is None else np.array(call["p"], dtype=np.float64)
        return _flat(rs.choice(a, shape, call["replace"], p), size)
    if op == "seed":
        rs.seed(call["seed"])
        return None
    if op == "setState":
        s = call["state"]
        rs.set_state(("MT19937", np.array(s["key"], dtype=np.uint32), s["pos"], int(s["hasGauss"]), s["gauss"]))
        return None
    if op == "getState":
        return _state(rs)
    raise ValueError(f"unknown op {op}")


def C(op, **kw):
    return {"op": op, **kw}


def mixed_sequence(seed):
    """Interleaves every method, with odd Gaussian counts so the cached value crosses calls."""
    calls = [
        C("randomSample", size=None),
        C("randomSample", size=7),
        C("standardNormal", size=None),
        C("standardNormal", size=None),
        C("standardNormal", size=5),
        C("normal", loc=3.5, scale=0.25, size=None),
        C("randomSample", size=[2, 3]),
        C("normal", loc=-1000.0, scale=7.0, size=[3, 3]),
        C("standardNormal", size=4),
        C("uniform", low=-2.0, high=5.0, size=None),
        C("uniform", low=0.1, high=0.3, size=9),
        C("uniform", low=10.0, high=-10.0, size=3),
        C("standardNormal", size=[1, 3]),
        C("randint", low=10, high=None, size=None),
        C("randint", low=0, high=10, size=20),
        C("randint", low=-5, high=5, size=[2, 5]),
        C("randint", low=7, high=8, size=4),
        C("randint", low=3, high=1003, size=10),
        C("randint", low=0, high=2**31 + 1, size=6),
        C("randint", low=0, high=2**32 - 1, size=6),
        C("randint", low=0, high=2**32, size=6),
        C("randint", low=-(2**31), high=2**31, size=4),
        C("randint", low=0, high=2**32 + 1, size=6),
        C("randint", low=-(2**40), high=2**40, size=6),
        C("randint", low=10**15, high=10**15 + 3, size=6),
        C("randint", low=5, high=2**33 + 5, size=6),
        C("randint", low=-(2**53 - 1), high=2**53 - 1, size=6),
        C("randint", low=0, high=2**53, size=None),
        C("standardNormal", size=3),
        C("shuffle", n=0),
        C("shuffle", n=1),
        C("shuffle", n=2),
        C("shuffle", n=5),
        C("shuffle", n=17),
        C("shuffle", n=100),
        C("normal", loc=0.0, scale=0.0, size=3),
        C("shuffleRows", rows=5, cols=3),
        C("shuffleRows", rows=1, cols=4),
        C("shuffleRows", rows=8, cols=2),
        C("permutation", n=10),
        C("permutation", array=[0.5, -1.5, 2.25, 3.0, 1e300, -0.0]),
        C("choice", a=10, size=None, replace=True, p=None),
        C("choice", a=10, size=8, replace=True, p=None),
        C("choice", a=[1.5, 2.5, -3.25, 4.0], size=[2, 3], replace=True, p=None),
        C("choice", a=12, size=5, replace=False, p=None),
        C("choice", a=20, size=[2, 3], replace=False, p=None),
        C("choice", a=4, size=10, replace=True, p=[0.1, 0.2, 0.3, 0.4]),
        C("choice", a=[10.0, 20.0, 30.0], size=None, replace=True, p=[0.5, 0.0, 0.5]),
        C("choice", a=6, size=4, replace=False, p=[0.05, 0.3, 0.1, 0.25, 0.0, 0.3]),
        C("choice", a=5, size=5, replace=False, p=[0.2, 0.2, 0.2, 0.2, 0.2]),
        C("choice", a=3, size=None, replace=False, p=None),
        C("standardNormal", size=1),
        C("seed", seed=(seed + 1) % 2**32),
        C("standardNormal", size=3),
        C("randomSample", size=2),
    ]
    return calls


def long_sequence():
    """Enough draws to cross several MT19937 twists, Gaussians in odd-sized chunks."""
    calls = []
    for size in (1, 333, 2, 501, 7):
        calls.append(C("standardNormal", size=size))
        calls.append(C("randint", low=0, high=1000, size=3))
    calls.append(C("randomSample", size=400))
    calls.append(C("shuffle", n=600))
    calls.append(C("normal", loc=1.0, scale=2.0, size=301))
    return calls


def build():
    cases = []

    def add(name, seed, calls):
        rs = np.random.RandomState(seed)
        for call in calls:
            out = run(rs, call)
            if out is not None:
                call["out"] = out
        cases.append({"name": name, "seed": seed, "calls": calls})

    for seed in (0, 1, 42, 1234, 2**31, 123456789, 2**32 - 1):
        add(f"mixed sequence, seed {seed}", seed, mixed_sequence(seed))

    add("long Gaussian run, seed 0", 0, long_sequence())
    add("long Gaussian run, seed 2024", 2024, long_sequence())

    # State round trip: a state captured from another generator with a cached Gaussian.
    donor = np.random.RandomState(7)
    donor.random_sample(3)
    donor.standard_normal(1)
    donor_state = _state(donor)
    assert donor_state["hasGauss"]
    add("getState and setState, seed 5", 5, [
        C("standardNormal", size=3),
        C("getState"),
        C("setState", state=donor_state),
        C("standardNormal", size=3),
        C("randint", low=0, high=100, size=5),
        C("getState"),
    ])

    # Unseeded-style sizes: empty shapes and zero counts consume nothing.
    add("empty sizes, seed 3", 3, [
        C("randomSample", size=0),
        C("standardNormal", size=[2, 0]),
        C("randomSample", size=[]),
        C("randint", low=0, high=5, size=[]),
        C("standardNormal", size=[]),
        C("choice", a=5, size=0, replace=True, p=None),
        C("randomSample", size=None),
    ])
    return {
        "generator": "tasks/golden/numpy_random.py",
        "numpy": np.__version__,
        "cases": cases,
    }


if __name__ == "__main__":
    write_fixture("numpy_random", build())
