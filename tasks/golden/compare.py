"""Stored PyTorch twin runs for `deno task train --compare pytorch`, float64.

For each of the four scratch-vs-torch notebooks (1.1 linear-regression, 1.2
multivariate-linear-regression, 3.1 mlp-regression, MLP-for-classification)
this builds, in Python, the request glassbox sends to
tasks/compare/torch_twin.py — the notebook's data from scikit-learn
(experiments.dataset), the initial weights of nn.Linear layers created after
torch.manual_seed(0) — runs the twin on it (torch_twin.run_twin, the code
`--compare pytorch` runs) and stores its response, so that
tests/compare_golden_test.ts checks the printed comparison without Python.

It also computes, as the notebooks do, the modified MAPE (torch_mape) of the
scratch model's predictions against the twin's, with the scratch model's own
initial parameters (drawn after the twin's: the MLP notebooks' InputLayer
randn(10, n_in), then per Dense w = randn(n_in, units), b = randn(units)) and
after copying the twin's parameters in: the test checks glassbox prints the
same figures.

Writes tests/golden/compare_twin.json (arguments, checksums of the request's
arrays, the twin's scalars, histories and logs, the notebook figures) and
tests/golden/compare_twin.safetensors (the twin's arrays, float64, named
"<experiment>/<field>").
"""

import json
import math
import os
import struct
import sys

os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")  # before NumPy loads: see experiments.py

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "compare"))
import experiments as ex  # noqa: E402
import torch_twin  # noqa: E402
from _common import GOLDEN_DIR, write_fixture  # noqa: E402

F64 = torch.float64
LOG_STYLE = {"linear-regression": "mse", "multivariate-linear-regression": "mse"}
NOTEBOOKS = ["linear-regression", "multivariate-linear-regression", "mlp-regression", "mlp-classification"]


def torch_mape(pred, true):
    """The notebooks' modified MAPE in percent: |(t - p) / t|, or |p| where t = 0."""
    pred, true = pred.flatten(), true.flatten()
    terms = torch.where(true == 0, pred.abs(), ((true - pred) / true).abs())
    return terms.mean().item() * 100


def fsums(t):
    values = t.detach().flatten().tolist()
    return {"sum": math.fsum(values), "sumAbs": math.fsum(abs(v) for v in values)}


def scratch_outputs(twin, weights, x, softmax_output):
    """The scratch model's forward pass: the twin's layers with the scratch parameters."""
    out = x
    k = 0
    with torch.no_grad():
        for layer in twin:
            if isinstance(layer, torch.nn.Linear):
                w, b = weights[k]
                out = out @ w + b
                k += 1
            else:
                out = layer(out)
        if softmax_output:
            out = torch.softmax(out, dim=1)
    return out


def case(name):
    c = ex.config(name)
    (xt, yt, xv, yv), _ = ex.dataset(name, c["seed"], c["trainRows"])
    hidden = c["architectures"][0]
    sizes = [xt.shape[1], *hidden, ex.output_size(c, yt)]
    acts = ex.activations_for(c["activation"], hidden)
    softmax_output = c["loss"] == "categorical-cross-entropy"
    torch.manual_seed(c["seed"])
    twin = torch_twin.build(sizes, acts, F64)
    initial = {k: v.detach().clone() for k, v in twin.state_dict().items()}
    # The scratch model's own parameters, drawn after the twin's layers.
    if len(sizes) > 2:
        torch.randn(10, sizes[0], dtype=F64)  # InputLayer.construct
    own = [(torch.randn(sizes[i], sizes[i + 1], dtype=F64), torch.randn(sizes[i + 1], dtype=F64))
           for i in range(len(sizes) - 1)]
    copied = [(initial[k].T, initial[k.replace("weight", "bias")])
              for k in initial if k.endswith(".weight")]
    request = {
        "dtype": "float64", "sizes": sizes, "activations": acts, "loss": c["loss"],
        "optimizer": {"name": c["optimizer"], "lr": c["lr"], "momentum": c["momentum"],
                      "weightDecay": c["weightDecay"]},
        "epochs": c["epochs"], "batchSize": c["batchSize"], "log": LOG_STYLE.get(name, "loss"),
        "xTrain": torch_twin.encode(xt), "yTrain": torch_twin.encode(yt),
        "xValid": torch_twin.encode(xv), "yValid": torch_twin.encode(yv),
        "initial": {k: torch_twin.encode(v) for k, v in initial.items()},
    }
    response = torch_twin.run_twin(request)
    logits = torch_twin.decode(response["before"]["predictions"], F64)
    targets = [("without softmax layer in torch_model", logits)] if softmax_output else []
    targets.append(("with softmax layer in torch_model" if softmax_output else "", torch.softmax(logits, dim=1)
                    if softmax_output else logits))
    notebook = {
        "predict": [{"label": label, "mape": torch_mape(scratch_outputs(twin, own, xv, softmax_output), t)}
                    for label, t in targets],
        "afterCopy": [{"label": label, "mape": torch_mape(scratch_outputs(twin, copied, xv, softmax_output), t)}
                      for label, t in targets],
    }
    arrays = {"before.predictions": response["before"]["predictions"],
              "after.predictions": response["after"]["predictions"]}
    if softmax_output:
        arrays["before.softmax"] = response["before"]["softmax"]
        arrays["after.softmax"] = response["after"]["softmax"]
    for k, v in response["final"].items():
        arrays[f"final.{k}"] = v
    stored = {
        "args": ["--experiment", name, "--compare", "pytorch"],
        "request": {part: fsums(t) for part, t in (("xTrain", xt), ("yTrain", yt), ("xValid", xv), ("yValid", yv))},
        "initial": {k: fsums(v) for k, v in initial.items()},
        "torch": response["torch"],
        "initialLoss": response["initialLoss"],
        "history": response["history"],
        "log": response["log"],
        "notebook": notebook,
    }
    return stored, {f"{name}/{k}": torch_twin.decode(v, F64) for k, v in arrays.items()}


def write_safetensors(path, tensors):
    """The safetensors layout: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].contiguous().numpy().astype("<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    cases, tensors = [], {}
    for name in NOTEBOOKS:
        stored, arrays = case(name)
        cases.append(stored)
        tensors.update(arrays)
    write_fixture("compare_twin", {"torch": torch.__version__, "numpy": np.__version__, "cases": cases})
    write_safetensors(os.path.join(GOLDEN_DIR, "compare_twin.safetensors"), tensors)


if __name__ == "__main__":
    main()
