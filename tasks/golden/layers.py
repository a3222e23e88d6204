"""Golden fixtures for @glassbox/layers from PyTorch 1.13 (autograd), float64 and float32.

Writes tests/golden/layers.json:

- "linearInit": torch.manual_seed(seed); nn.Linear(in, out, bias=..., dtype=...) —
  the exact initial weight [out, in] and bias, and the two bounds
  reset_parameters computes (kaiming_uniform_(a=sqrt(5)) on the weight,
  uniform_(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias).
- "randnInit": the notebooks' initialisation: torch.manual_seed(seed), then for
  each layer W = torch.randn(in, out), b = torch.randn(out) in that order.
- "erf": math.erf (C libm) and torch.erf (float64) at points in every
  interval of Cody's approximation.
- "activations": each activation on its own: input x (including rows of large
  values for softmax), upstream gradient g, output y and dL/dx for L = sum(y * g).
- "dense": nn.Linear(5, 4) followed by each activation: x, g, parameters,
  y and the gradients of weight, bias and x.
- "mlps": the 2-3-4-2 ReLU network and the 6-32(Tanh)-32(Softmax)-32(Sigmoid)-
  32(ReLU)-3 network as nn.Sequential with PyTorch's default initialisation:
  initial state dict, x, g, y and every gradient.
- "safetensors": models saved by hand in the safetensors format (struct + json,
  the layout the `safetensors` package writes: compact JSON header padded with
  spaces to a multiple of 8 bytes) as tests/golden/layers_mlp_f64.safetensors and
  layers_mlp_f32.safetensors, with an input batch and PyTorch's predictions.
"""

import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from _common import GOLDEN_DIR, ROOT, write_fixture  # noqa: E402

DTYPES = {"float64": torch.float64, "float32": torch.float32}

ACTIVATIONS = {
    "identity": lambda: nn.Identity(),
    "relu": lambda: nn.ReLU(),
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
    "softmax": lambda: nn.Softmax(dim=-1),
    "logSoftmax": lambda: nn.LogSoftmax(dim=-1),
    "leakyRelu": lambda: nn.LeakyReLU(),
    "gelu": lambda: nn.GELU(),
}


def linear_init():
    cases = []
    plan = [
        (0, 2, 3, True), (0, 3, 4, True), (1, 6, 32, True), (42, 32, 3, True), (7, 1, 50, True),
        (123, 50, 1, True), (2024, 5, 32, True), (3, 32, 32, True), (11, 7, 5, False),
        (2**32 + 9, 3, 2, True), (0, 100, 10, True),
    ]
    for dtype_name, dtype in DTYPES.items():
        for seed, fan_in, fan_out, bias in plan:
            torch.manual_seed(seed)
            layer = nn.Linear(fan_in, fan_out, bias=bias, dtype=dtype)
            gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
            kaiming = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
            cases.append({
                "seed": str(seed), "inFeatures": fan_in, "outFeatures": fan_out, "bias": bias,
                "dtype": dtype_name, "weightBound": kaiming, "biasBound": 1 / math.sqrt(fan_in),
                "weight": layer.weight, "biasValues": layer.bias if bias else None,
                # The generator's next draw after construction: checks nothing extra was consumed.
                "next": torch.rand(3, dtype=torch.float64),
            })
    return cases


def randn_init():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, sizes in [(0, [2, 3, 4, 2]), (5, [6, 32, 32, 32, 32, 3]), (1, [1, 50, 1])]:
            torch.manual_seed(seed)
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                w = torch.randn(fan_in, fan_out, dtype=dtype)
                b = torch.randn(fan_out, dtype=dtype)
                params.append({"w": w, "b": b})
            cases.append({"seed": seed, "sizes": sizes, "dtype": dtype_name, "params": params})
    return cases


def erf_points():
    xs = [0.0, -0.0, 1e-300, 5e-324, 1e-17, 1e-10, -1e-5, 0.1, -0.3, 0.46875, 0.46875000000000006,
          0.4687499999999999, 0.5, -0.7, 1.0, 1.5, -2.0, 2.5, 3.0, -3.5, 3.9999999999999996, 4.0,
          4.000000000000001, 4.5, -5.0, 5.5, 5.9, 6.0, -8.0, 10.0, 26.0, 26.5, 27.0, 100.0, 1e300]
    torch.manual_seed(99)
    xs += (torch.randn(60, dtype=torch.float64) * 2.5).tolist()
    xs += (torch.rand(20, dtype=torch.float64) * 0.46875).tolist()
    t = torch.tensor(xs, dtype=torch.float64)
    return {
        "x": xs,
        "libm": [math.erf(v) for v in xs],
        "torch": torch.erf(t),
        "float32x": t.float(),
        "float32torch": torch.erf(t.float()),
    }


def activation_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for index, (name, make) in enumerate(ACTIVATIONS.items()):
            torch.manual_seed(100 + index)
            x = torch.randn(6, 5, dtype=dtype) * 3
            if name in ("softmax", "logSoftmax", "sigmoid", "tanh"):
                # Rows of large values: softmax must subtract the row maximum.
                x[4] = torch.tensor([1000.0, 1001.0, 999.5, -1000.0, 1000.25], dtype=dtype)
                x[5] = torch.tensor([-800.0, -801.0, -799.0, -850.0, -800.5], dtype=dtype)
            g = torch.randn(6, 5, dtype=dtype)
            x.requires_grad_()
            y = make()(x)
            (gx,) = torch.autograd.grad(y, x, g)
            cases.append({"name": name, "dtype": dtype_name, "x": x, "g": g, "y": y, "gradX": gx})
    return cases


def dense_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for index, (name, make) in enumerate(ACTIVATIONS.items()):
            for bias in (True, False) if name == "relu" else (True,):
                seed = 200 + index
                torch.manual_seed(seed)
                lin = nn.Linear(5, 4, bias=bias, dtype=dtype)
                x = (torch.randn(7, 5, dtype=dtype) * 2).requires_grad_()
                g = torch.randn(7, 4, dtype=dtype)
                y = make()(lin(x))
                y.backward(g)
                cases.append({
                    "activation": name, "dtype": dtype_name, "seed": seed, "bias": bias,
                    "weight": lin.weight, "biasValues": lin.bias if bias else None,
                    "x": x, "g": g, "y": y, "gradWeight": lin.weight.grad,
                    "gradBias": lin.bias.grad if bias else None, "gradX": x.grad,
                })
    return cases


def sequential(sizes, activations, dtype):
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out, dtype=dtype))
        if i < len(activations):
            layers.append(ACTIVATIONS[activations[i]]())
    return nn.Sequential(*layers)


MLPS = [
    ("2-3-4-2 relu", 0, [2, 3, 4, 2], ["relu", "relu"], 8),
    ("2-3-4-2 relu seed 17", 17, [2, 3, 4, 2], ["relu", "relu"], 5),
    ("6-32-32-32-32-3 tanh/softmax/sigmoid/relu", 3, [6, 32, 32, 32, 32, 3],
     ["tanh", "softmax", "sigmoid", "relu"], 16),
    ("5-32-32-32-3 relu", 8, [5, 32, 32, 32, 3], ["relu", "relu", "relu"], 10),
    ("1-50-1 sigmoid", 4, [1, 50, 1], ["sigmoid"], 12),
    ("4-8-3 gelu/leakyRelu", 9, [4, 8, 8, 3], ["gelu", "leakyRelu"], 6),
]


def mlp_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for label, seed, sizes, activations, batch in MLPS:
            torch.manual_seed(seed)
            model = sequential(sizes, activations, dtype)
            initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
            x = (torch.randn(batch, sizes[0], dtype=dtype) * 1.5).requires_grad_()
            g = torch.randn(batch, sizes[-1], dtype=dtype)
            y = model(x)
            y.backward(g)
            cases.append({
                "label": label, "seed": seed, "sizes": sizes, "activations": activations,
                "dtype": dtype_name, "stateDict": initial, "x": x, "g": g, "y": y,
                "grads": {k: p.grad for k, p in model.named_parameters()}, "gradX": x.grad,
            })
    return cases


def write_safetensors(path, tensors, metadata):
    """The safetensors layout, by hand: u64 LE header length, JSON header, raw LE data."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    chunks, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        dtype = {torch.float64: "F64", torch.float32: "F32"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({8 + len(text) + offset} bytes)")


def read_safetensors(path):
    """Parses a safetensors file back (checks the writer, and files glassbox writes)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = {"F64": torch.float64, "F32": torch.float32}[info["dtype"]]
        buf = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=dtype).reshape(info["shape"]) if buf else \
            torch.zeros(info["shape"], dtype=dtype)
    return out, metadata


def safetensors_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        torch.manual_seed(31)
        model = sequential([4, 8, 8, 3], ["tanh", "relu"], dtype)
        file = f"layers_mlp_{'f64' if dtype == torch.float64 else 'f32'}.safetensors"
        path = os.path.join(GOLDEN_DIR, file)
        metadata = {"format": "pt", "model": "4-8(tanh)-8(relu)-3", "dtype": dtype_name}
        write_safetensors(path, model.state_dict(), metadata)
        loaded, meta = read_safetensors(path)
        assert meta == metadata
        for k, v in model.state_dict().items():
            assert torch.equal(loaded[k], v), k
        x = torch.randn(5, 4, dtype=dtype)
        with torch.no_grad():
            y = model(x)
        cases.append({
            "file": file, "dtype": dtype_name, "sizes": [4, 8, 8, 3], "activations": ["tanh", "relu"],
            "metadata": metadata, "stateDict": model.state_dict(), "x": x, "y": y,
        })
    return cases


def main():
    torch.set_num_threads(1)
    write_fixture("layers", {
        "torch": torch.__version__,
        "linearInit": linear_init(),
        "randnInit": randn_init(),
        "erf": erf_points(),
        "activations": activation_cases(),
        "dense": dense_cases(),
        "mlps": mlp_cases(),
        "safetensors": safetensors_cases(),
    })


if __name__ == "__main__":
    main()
