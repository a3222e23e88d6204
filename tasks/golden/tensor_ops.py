"""Golden fixture for every Tensor operation: inputs and PyTorch's outputs.

Run with the Debian python that has torch (`/usr/bin/python3 tasks/golden/tensor_ops.py`);
writes tests/golden/tensor_ops.json, replayed by tests/tensor_ops_golden_test.ts.

Every case holds its inputs (flat C-order data plus shape) and torch's result,
once in float64 and once in float32. float32 inputs are float32 values (the
float64 draws rounded), and the reference is computed by torch in float32.
Operands are stored in the layout glassbox's API takes: for matmul with
`transposeA`, A is stored as [k, m] and torch computes `A.T @ B`.

Case layout:
  {"name", "op", "dtype", "inputs": [operand, ...], "args": {...}, "expected": {"shape", "data"}}
where an operand is {"shape", "data"} (a tensor) or {"number": v} (a plain
number argument, e.g. `x.add(2.5)`).
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

INF = float("inf")
NAN = float("nan")
DTYPES = {"float64": (np.float64, torch.float64), "float32": (np.float32, torch.float32)}

rs = np.random.RandomState(20240607)
cases = []


def fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def enc(t):
    """A torch tensor as {"shape", "data"} (float data widened to float64, which is exact)."""
    t = t.detach()
    return {"shape": list(t.shape), "data": t.double().reshape(-1).tolist()}


def add_case(name, op, dtype, inputs, expected, args=None):
    """inputs: torch tensors (already in `dtype`) or ("number", v)."""
    enc_inputs = []
    for x in inputs:
        if isinstance(x, tuple) and x[0] == "number":
            enc_inputs.append({"number": float(x[1])})
        else:
            assert x.dtype == DTYPES[dtype][1], (name, x.dtype)
            enc_inputs.append(enc(x))
    cases.append({
        "name": f"{op} {dtype} {name}",
        "op": op,
        "dtype": dtype,
        "inputs": enc_inputs,
        "args": args or {},
        "expected": enc(expected),
    })


def as_t(values, dtype):
    """float64 draws → a torch tensor of `dtype` (float32: rounded once; beyond its range, ±inf)."""
    with np.errstate(over="ignore"):
        cast = np.asarray(values, dtype=np.float64).astype(DTYPES[dtype][0])
    return torch.from_numpy(np.ascontiguousarray(cast))


def randn(*shape):
    return rs.standard_normal(shape)


def uniform(lo, hi, *shape):
    return rs.uniform(lo, hi, shape)


def ties(*shape):
    """Half-integers in [-2, 2]: many ties, for comparisons and argmax/argmin."""
    return rs.randint(-4, 5, shape) * 0.5


# ---------------------------------------------------------------- binary ops

BINARY = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "pow": torch.pow,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "equal": lambda a, b: torch.eq(a, b).to(a.dtype),
    "greater": lambda a, b: torch.gt(a, b).to(a.dtype),
    "greaterEqual": lambda a, b: torch.ge(a, b).to(a.dtype),
    "less": lambda a, b: torch.lt(a, b).to(a.dtype),
    "lessEqual": lambda a, b: torch.le(a, b).to(a.dtype),
}

BROADCAST = [([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1], [1, 3]), ([4, 1, 3], [2, 1]), ([], [2, 3]),
             ([1], [3, 1]), ([0, 3], [3])]

# Special values crossed with each other through broadcasting [10,1] op [1,10].
SPECIAL = [0.0, -0.0, 0.5, 1.0, -1.0, 2.0, -2.5, INF, -INF, NAN]


def binary_values(op, shape_a, shape_b):
    if op == "div":
        return randn(*shape_a), rs.choice([-1.0, 1.0], shape_b) * uniform(0.5, 2.0, *shape_b)
    if op == "pow":
        return uniform(0.1, 3.0, *shape_a), uniform(-3.0, 3.0, *shape_b)
    if op in ("add", "sub", "mul"):
        return randn(*shape_a), randn(*shape_b)
    return ties(*shape_a), ties(*shape_b)


for op, f in BINARY.items():
    for shape_a, shape_b in BROADCAST:
        va, vb = binary_values(op, shape_a, shape_b)
        for dtype in DTYPES:
            a, b = as_t(va, dtype), as_t(vb, dtype)
            add_case(f"{fmt(shape_a)}⊕{fmt(shape_b)}", op, dtype, [a, b], f(a, b))
    # A plain number as the right operand (rounded to the tensor's dtype, as torch does).
    va, _ = binary_values(op, [2, 3], [1])
    number = 1.5 if op == "pow" else (-0.75 if op in ("div",) else 0.5)
    for dtype in DTYPES:
        a = as_t(va, dtype)
        add_case("[2,3]⊕number", op, dtype, [a, ("number", number)], f(a, torch.tensor(number, dtype=a.dtype)))
    for dtype in DTYPES:
        a = as_t(np.array(SPECIAL).reshape(10, 1), dtype)
        b = as_t(np.array(SPECIAL).reshape(1, 10), dtype)
        add_case("special values [10,1]⊕[1,10]", op, dtype, [a, b], f(a, b))

# pow with negative bases and integer exponents (odd/even signs).
for dtype in DTYPES:
    a = as_t(randn(3, 4) * 2, dtype)
    b = as_t(rs.randint(-3, 4, (3, 4)).astype(np.float64), dtype)
    add_case("negative base, integer exponent [3,4]⊕[3,4]", "pow", dtype, [a, b], torch.pow(a, b))

# ---------------------------------------------------------------- unary ops

UNARY = {
    "neg": torch.neg,
    "abs": torch.abs,
    "sign": torch.sign,
    "square": torch.square,
    "sqrt": torch.sqrt,
    "reciprocal": torch.reciprocal,
    "exp": torch.exp,
    "log": torch.log,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
}

# Values near the edges of each dtype's range, per op.
LARGE = {
    "float64": {
        "exp": [709.0, 709.78, 710.0, -708.0, -745.0, -746.0, -1000.0, 1000.0],
        "sigmoid": [800.0, -800.0, 40.0, -40.0, 700.0, -700.0, 37.0, -740.0],
        "tanh": [20.0, -20.0, 400.0, -400.0, 1e-10, -1e-10, 0.5, 19.0],
        "log": [1e308, 1e-308, 5e-324, 1e-300, 1.0, 1e300, 2.0, 0.999999],
        "square": [1e154, 1e155, -1e200, 1e-160, 3.0, -1e-170, 1e-200, 1e150],
        "reciprocal": [1e308, -1e-308, 5e-324, 1e-310, 3.0, -7.0, 1e300, 1e-300],
        "sqrt": [1e308, 5e-324, 1e-310, 2.0, 1e-300, 1e300, 0.25, 3.0],
    },
    "float32": {
        "exp": [88.0, 88.7, 89.0, -87.0, -103.0, -104.0, -200.0, 200.0],
        "sigmoid": [800.0, -800.0, 20.0, -20.0, 100.0, -100.0, 17.0, -88.0],
        "tanh": [10.0, -10.0, 400.0, -400.0, 1e-5, -1e-5, 0.5, 9.0],
        "log": [3e38, 1e-38, 1e-45, 1e-30, 1.0, 1e30, 2.0, 0.999999],
        "square": [1e19, 2e19, -1e30, 1e-20, 3.0, -1e-23, 1e-30, 1.8e19],
        "reciprocal": [3e38, -1e-38, 1e-45, 1e-39, 3.0, -7.0, 1e30, 1e-30],
        "sqrt": [3e38, 1e-45, 1e-39, 2.0, 1e-30, 1e30, 0.25, 3.0],
    },
}
SPECIAL_UNARY = [0.0, -0.0, INF, -INF, NAN, 1.0, -1.0, 0.5]


def unary_values(op, shape):
    if op in ("sqrt", "log"):
        return uniform(0.01, 10.0, *shape)
    if op == "reciprocal":
        return rs.choice([-1.0, 1.0], shape) * uniform(0.1, 10.0, *shape)
    return randn(*shape) * 3


for op, f in UNARY.items():
    v = unary_values(op, [3, 4])
    for dtype in DTYPES:
        x = as_t(v, dtype)
        add_case("random [3,4]", op, dtype, [x], f(x))
    for dtype in DTYPES:
        # torch.sign(NaN) is 0 (pytorch/pytorch#41245); glassbox documents NaN → NaN, as NumPy.
        special = [s for s in SPECIAL_UNARY if not (op == "sign" and s != s)]
        x = as_t(special, dtype)
        add_case(f"special values {fmt([len(special)])}", op, dtype, [x], f(x))
    for dtype in DTYPES:
        if op in LARGE[dtype]:
            x = as_t(LARGE[dtype][op], dtype)
            add_case("large magnitude [8]", op, dtype, [x], f(x))

for dtype in DTYPES:
    v = np.concatenate([randn(10) * 2, [INF, -INF, NAN, -0.0, 1.0, -1.0]])
    x = as_t(v, dtype)
    add_case("[16] to [-1, 1]", "clamp", dtype, [x], torch.clamp(x, -1.0, 1.0), {"min": -1.0, "max": 1.0})
    add_case("[16] min 0.25", "clamp", dtype, [x], torch.clamp(x, min=0.25), {"min": 0.25})
    add_case("[16] max -0.5", "clamp", dtype, [x], torch.clamp(x, max=-0.5), {"max": -0.5})

# ---------------------------------------------------------------- matmul


def dyadic(*shape):
    """Multiples of 1/16 in [-2, 2): short to print, and their products sum exactly in
    float64 and float32 alike, so any summation order gives the same result."""
    return rs.randint(-32, 32, shape) / 16.0


def matmul_case(a_shape, b_shape, ta=False, tb=False, draw=randn):
    """a_shape / b_shape: the shapes as stored (the layout our API takes)."""
    va, vb = draw(*a_shape), draw(*b_shape)
    label = f"{fmt(a_shape)}{'ᵀ' if ta else ''}@{fmt(b_shape)}{'ᵀ' if tb else ''}"
    flags = " ".join(x for x, on in (("transposeA", ta), ("transposeB", tb)) if on)
    for dtype in DTYPES:
        a, b = as_t(va, dtype), as_t(vb, dtype)
        ra = a.transpose(-2, -1) if ta else a
        rb = b.transpose(-2, -1) if tb else b
        add_case(f"{flags + ' ' if flags else ''}{label}", "matmul", dtype, [a, b], torch.matmul(ra, rb),
                 {"transposeA": ta, "transposeB": tb})


# Below 4096 multiply-adds the CPU backend runs a plain triple loop; above, packed panels
# (MC = 128 rows, KC = 256 of k per block, 4×4 tiles), so sizes cross 4, 128 and 256.
# Full-precision normal draws where rounding and summation order matter; dyadic values
# (exact sums) elsewhere keep the fixture small while still checking every index.
for a_shape, b_shape in [([3, 4], [4, 5]), ([16, 16], [16, 16]), ([17, 16], [16, 19]), ([70, 300], [300, 45]),
                         ([1, 500], [500, 3]), ([5, 1], [1, 6])]:
    matmul_case(a_shape, b_shape)
matmul_case([65, 65], [65, 65], draw=dyadic)
matmul_case([130, 257], [257, 9], draw=dyadic)
# transposeA: A stored as [k, m]; transposeB: B stored as [n, k].
matmul_case([4, 3], [4, 5], ta=True)
matmul_case([300, 70], [300, 45], ta=True, draw=dyadic)
matmul_case([257, 130], [257, 9], ta=True, draw=dyadic)
matmul_case([3, 4], [5, 4], tb=True)
matmul_case([70, 300], [45, 300], tb=True, draw=dyadic)
matmul_case([130, 257], [9, 257], tb=True, draw=dyadic)
matmul_case([4, 3], [5, 4], ta=True, tb=True)
matmul_case([300, 70], [45, 300], ta=True, tb=True, draw=dyadic)
# Batched and broadcast batches.
matmul_case([2, 3, 4], [4, 5])
matmul_case([2, 3, 4], [2, 4, 5])
matmul_case([2, 1, 3, 4], [3, 4, 2])
matmul_case([3, 40, 50], [50, 36], draw=dyadic)
matmul_case([2, 4, 3], [2, 5, 4], ta=True, tb=True)
matmul_case([2, 40, 30], [3, 1, 20, 40], ta=True, tb=True, draw=dyadic)
# 1-D operands.
matmul_case([4], [4, 5])
matmul_case([3, 4], [4])
matmul_case([4], [4])
matmul_case([4], [2, 4, 5])
matmul_case([2, 3, 4], [4])
matmul_case([300], [300, 70], draw=dyadic)

# ---------------------------------------------------------------- reductions

REDUCE = {
    "sum": lambda x, dim, keep: torch.sum(x, dim=dim, keepdim=keep),
    "mean": lambda x, dim, keep: torch.mean(x, dim=dim, keepdim=keep),
    "max": lambda x, dim, keep: torch.amax(x, dim=dim, keepdim=keep),
    "min": lambda x, dim, keep: torch.amin(x, dim=dim, keepdim=keep),
    "argmax": lambda x, dim, keep: torch.argmax(x, dim=dim, keepdim=keep).to(x.dtype),
    "argmin": lambda x, dim, keep: torch.argmin(x, dim=dim, keepdim=keep).to(x.dtype),
}

for op, f in REDUCE.items():
    index_op = op.startswith("arg") or op in ("max", "min")
    v = ties(3, 4, 5) if index_op else randn(3, 4, 5)
    v1 = ties(7) if index_op else randn(7)
    for dtype in DTYPES:
        x = as_t(v, dtype)
        for keep in (False, True):
            for axis in (0, 1, 2, -1, -3):
                add_case(f"[3,4,5] axis {axis} keepDims {str(keep).lower()}", op, dtype, [x], f(x, axis, keep),
                         {"axis": axis, "keepDims": keep})
            # argmax/argmin take dim=None for "all elements"; the others a tuple of every axis.
            ref = f(x, None, keep).reshape([1, 1, 1] if keep else []) if op.startswith("arg") else f(x, (0, 1, 2), keep)
            add_case(f"[3,4,5] all elements keepDims {str(keep).lower()}", op, dtype, [x], ref,
                     {"axis": None, "keepDims": keep})
        x1 = as_t(v1, dtype)
        add_case("[7] axis 0", op, dtype, [x1], f(x1, 0, False), {"axis": 0, "keepDims": False})
    # NaN wins for max/min/argmax/argmin; sums and means propagate it.
    vn = ties(2, 4)
    vn[0, 2] = NAN
    vn[1, 0] = NAN
    vn[1, 3] = INF
    for dtype in DTYPES:
        x = as_t(vn, dtype)
        add_case("[2,4] with NaN and Infinity axis 1", op, dtype, [x], f(x, 1, False), {"axis": 1, "keepDims": False})
        add_case("[2,4] with NaN and Infinity axis 0", op, dtype, [x], f(x, 0, False), {"axis": 0, "keepDims": False})

for op in ("sum", "mean"):
    v = randn(1000, 3)
    for dtype in DTYPES:
        x = as_t(v, dtype)
        add_case("[1000,3] axis 0", op, dtype, [x], REDUCE[op](x, 0, False), {"axis": 0, "keepDims": False})
        add_case("[1000,3] all elements", op, dtype, [x], REDUCE[op](x, (0, 1), False),
                 {"axis": None, "keepDims": False})

# ---------------------------------------------------------------- softmax

SOFTMAX = {"softmax": torch.softmax, "logSoftmax": torch.log_softmax}
EXTREME_ROWS = [
    [1000.0, 1001.0, 1002.0],
    [-1000.0, 0.0, 1000.0],
    [-INF, 0.0, 1.0],
    [-INF, -INF, 5.0],
    [-1000.0, -1000.5, -1001.0],
    [1e-300, 0.0, -1e-300],
]
NONFINITE_ROWS = [
    [-INF, -INF, -INF],
    [INF, 0.0, 1.0],
    [NAN, 0.0, 1.0],
]

for op, f in SOFTMAX.items():
    v = randn(3, 4, 5) * 3
    for dtype in DTYPES:
        x = as_t(v, dtype)
        for axis in (0, 1, 2, -1, -2):
            add_case(f"[3,4,5] axis {axis}", op, dtype, [x], f(x, axis), {"axis": axis})
        x1 = as_t(v[0, 0], dtype)
        add_case("[5] axis 0", op, dtype, [x1], f(x1, 0), {"axis": 0})
        xe = as_t(EXTREME_ROWS, dtype)
        add_case("large magnitude [6,3] axis -1", op, dtype, [xe], f(xe, -1), {"axis": -1})
        xt = as_t(np.array(EXTREME_ROWS).T.copy(), dtype)
        add_case("large magnitude [3,6] axis 0", op, dtype, [xt], f(xt, 0), {"axis": 0})
        xn = as_t(NONFINITE_ROWS, dtype)
        add_case("rows of -Infinity, +Infinity, NaN [3,3] axis -1", op, dtype, [xn], f(xn, -1), {"axis": -1})

# ---------------------------------------------------------------- shape ops (exact)

for dtype in DTYPES:
    x = as_t(randn(2, 3, 4), dtype)
    add_case("[2,3,4] to [4,-1]", "reshape", dtype, [x], x.reshape(4, -1), {"shape": [4, -1]})
    add_case("[2,3,4] to [6,4]", "reshape", dtype, [x], x.reshape(6, 4), {"shape": [6, 4]})
    add_case("[2,3,4] to [24]", "reshape", dtype, [x], x.reshape(24), {"shape": [24]})
    s = as_t([[3.5]], dtype)
    add_case("[1,1] to []", "reshape", dtype, [s], s.reshape([]), {"shape": []})
    e = as_t(np.zeros((0, 3)), dtype)
    add_case("[0,3] to [3,0]", "reshape", dtype, [e], e.reshape(3, 0), {"shape": [3, 0]})
    add_case("[2,3,4]", "flatten", dtype, [x], x.flatten())
    for axis in (0, 1, 3, -1):
        add_case(f"[2,3,4] axis {axis}", "unsqueeze", dtype, [x], x.unsqueeze(axis), {"axis": axis})
    m = as_t(randn(3, 4), dtype)
    add_case("[3,4] default axes", "transpose", dtype, [m], m.T, {})
    add_case("[2,3,4] axes 0,2", "transpose", dtype, [x], x.transpose(0, 2), {"axis0": 0, "axis1": 2})
    add_case("[2,3,4] axes -1,1", "transpose", dtype, [x], x.transpose(-1, 1), {"axis0": -1, "axis1": 1})
    add_case("[2,3,4] default axes", "transpose", dtype, [x], x.transpose(-2, -1), {})
    add_case("[2,3,4] perm [2,0,1]", "permute", dtype, [x], x.permute(2, 0, 1), {"perm": [2, 0, 1]})
    add_case("[2,3,4] perm [0,1,2]", "permute", dtype, [x], x.permute(0, 1, 2), {"perm": [0, 1, 2]})
    x4 = as_t(randn(2, 3, 1, 4), dtype)
    add_case("[2,3,1,4] perm [1,0,3,2]", "permute", dtype, [x4], x4.permute(1, 0, 3, 2), {"perm": [1, 0, 3, 2]})
    add_case("[2,3,1,4] perm [-1,0,-2,1]", "permute", dtype, [x4], x4.permute(3, 0, 2, 1), {"perm": [-1, 0, -2, 1]})
    r = as_t(randn(5, 3), dtype)
    for start, end in ((1, 3), (-2, None), (3, 100), (2, 1), (-100, 2), (0, None)):
        add_case(f"[5,3] rows {start}:{'' if end is None else end}", "slice", dtype, [r], r[start:end],
                 {"start": start, "end": end})
    v1 = as_t(randn(6), dtype)
    add_case("[6] rows 2:5", "slice", dtype, [v1], v1[2:5], {"start": 2, "end": 5})
    g = as_t(randn(4, 3), dtype)
    add_case("[4,3] index [2,0,2,-1]", "gather", dtype, [g], g[[2, 0, 2, 3]], {"index": [2, 0, 2, -1]})
    add_case("[4,3] index []", "gather", dtype, [g], g[[]], {"index": []})
    add_case("[6] index [5,-6,1]", "gather", dtype, [v1], v1[[5, 0, 1]], {"index": [5, -6, 1]})
    add_case("[2,3,4] index [1,1,0]", "gather", dtype, [x], x[[1, 1, 0]], {"index": [1, 1, 0]})
    c1, c2, c3 = as_t(randn(2, 3), dtype), as_t(randn(1, 3), dtype), as_t(randn(4, 3), dtype)
    add_case("[2,3]+[1,3]+[4,3] axis 0", "concat", dtype, [c1, c2, c3], torch.cat([c1, c2, c3], 0), {"axis": 0})
    d1, d2 = as_t(randn(2, 3, 2), dtype), as_t(randn(2, 3, 5), dtype)
    add_case("[2,3,2]+[2,3,5] axis -1", "concat", dtype, [d1, d2], torch.cat([d1, d2], -1), {"axis": -1})
    f1, f2 = as_t(randn(2, 1, 4), dtype), as_t(randn(2, 3, 4), dtype)
    add_case("[2,1,4]+[2,3,4] axis 1", "concat", dtype, [f1, f2], torch.cat([f1, f2], 1), {"axis": 1})
    z0 = as_t(np.zeros((2, 0)), dtype)
    add_case("[2,3]+[2,0] axis 1", "concat", dtype, [c1, z0], torch.cat([c1, z0], 1), {"axis": 1})
    add_case("[2,3]", "clone", dtype, [c1], c1.clone())

# dtype conversion: float64 → float32 rounds to nearest even, float32 → float64 is exact.
vals = np.concatenate([randn(6) * 1e3, [0.1, 1 / 3, 1e-46, 3.5e38, 1e39, -1e39, INF, NAN, 16777217.0, 2.0 ** -149]])
x64 = as_t(vals, "float64")
add_case("to float32 [16]", "to", "float64", [x64], x64.float(), {"dtype": "float32"})
x32 = as_t(vals, "float32")
add_case("to float64 [16]", "to", "float32", [x32], x32.double(), {"dtype": "float64"})

names = [c["name"] for c in cases]
assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
write_fixture("tensor_ops", {
    "generator": "tasks/golden/tensor_ops.py",
    "torch": torch.__version__,
    "cases": cases,
})
print(f"{len(cases)} cases")
