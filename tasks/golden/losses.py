"""Loss values and gradients from PyTorch autograd, float64 and float32.

For every loss of @glassbox/losses, every reduction ("mean", "sum", "none")
and both dtypes: the loss and d(loss)/d(pred), with a random upstream
gradient for "none" (and for the "upstream" variants of "mean"/"sum").
Inputs are drawn in float64 and rounded to float32 for the float32 cases, so
the stored inputs are exactly the values PyTorch saw. Class-index targets are
stored as floats holding integers, as glassbox takes them.

`CategoricalCrossEntropy` (the notebooks' `CE`) has no PyTorch module: its
reference is the notebook formula -sum(y * log(p)) / m written in torch.
Writes tests/golden/losses.json.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

DTYPES = {"float64": torch.float64, "float32": torch.float32}
REDUCTIONS = ["mean", "sum", "none"]


def as_json(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.double().flatten()}


class CategoricalCrossEntropy(nn.Module):
    """The notebooks' CE on probabilities: -sum(y * log p) / m over rows."""

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def forward(self, p, y):
        per_row = -(y * torch.log(p)).sum(1)
        if self.reduction == "none":
            return per_row
        total = per_row.sum() if self.reduction == "sum" else -(y * torch.log(p)).sum() / p.shape[0]
        return total


def make_module(loss, options, reduction, dtype):
    kw = {"reduction": reduction}
    for key, torch_key in [("weight", "weight"), ("posWeight", "pos_weight")]:
        if key in options:
            kw[torch_key] = torch.tensor(options[key], dtype=torch.float64).to(dtype)
    if "labelSmoothing" in options:
        kw["label_smoothing"] = options["labelSmoothing"]
    if "ignoreIndex" in options:
        kw["ignore_index"] = options["ignoreIndex"]
    if loss == "CategoricalCrossEntropy":
        return CategoricalCrossEntropy(reduction)
    return getattr(nn, loss)(**kw)


def run_case(name, loss, options, pred64, target64, class_target, dtype_name, reduction, upstream):
    dtype = DTYPES[dtype_name]
    pred = pred64.to(dtype).clone().requires_grad_()
    target = target64.long() if class_target else target64.to(dtype)
    module = make_module(loss, options, reduction, dtype)
    out = module(pred, target)
    grad_output = None
    if reduction == "none":
        g = torch.Generator().manual_seed(len(name) * 7 + 1)
        grad_output = (torch.rand(out.shape, generator=g, dtype=torch.float64) * 2 - 0.5).to(dtype)
        out.backward(grad_output)
    elif upstream is not None:
        grad_output = torch.tensor(upstream, dtype=dtype)
        out.backward(grad_output)
    else:
        out.backward()
    # Store the options with weights rounded to the case's dtype, as the test builds them.
    stored = dict(options)
    for key in ("weight", "posWeight"):
        if key in stored:
            stored[key] = torch.tensor(stored[key], dtype=torch.float64).to(dtype).double().tolist()
    stored["reduction"] = reduction
    return {
        "name": f"{name} {reduction} {dtype_name}",
        "loss": loss,
        "options": stored,
        "dtype": dtype_name,
        "pred": as_json(pred),
        "target": as_json(target64 if class_target else target),
        "gradOutput": None if grad_output is None else as_json(grad_output),
        "value": as_json(out),
        "grad": as_json(pred.grad),
    }


def specs():
    torch.manual_seed(4)
    d = torch.float64
    out = []

    def add(name, loss, options, pred, target, class_target=False, upstream=None, reductions=REDUCTIONS):
        out.append((name, loss, options, pred, target, class_target, upstream, reductions))

    # MSE
    add("mse [4, 3]", "MSELoss", {}, torch.randn(4, 3, dtype=d), torch.randn(4, 3, dtype=d))
    add("mse [7]", "MSELoss", {}, torch.randn(7, dtype=d) * 3, torch.randn(7, dtype=d))
    add("mse upstream", "MSELoss", {}, torch.randn(3, 2, dtype=d), torch.randn(3, 2, dtype=d),
        upstream=0.37, reductions=["mean", "sum"])

    # CrossEntropyLoss with class indices
    logits = torch.randn(6, 4, dtype=d) * 2
    labels = torch.tensor([0, 3, 1, 1, 2, 3], dtype=d)
    w4 = (torch.rand(4, dtype=d) + 0.5).tolist()
    add("ce index", "CrossEntropyLoss", {}, logits, labels, True)
    add("ce index weight", "CrossEntropyLoss", {"weight": w4}, logits, labels, True)
    add("ce index smoothing", "CrossEntropyLoss", {"labelSmoothing": 0.1}, logits, labels, True)
    add("ce index smoothing weight", "CrossEntropyLoss", {"labelSmoothing": 0.25, "weight": w4},
        logits, labels, True)
    ignored = torch.tensor([0, -100, 1, 1, -100, 3], dtype=d)
    add("ce index ignore -100", "CrossEntropyLoss", {}, logits, ignored, True)
    add("ce index ignore -100 smoothing", "CrossEntropyLoss", {"labelSmoothing": 0.2}, logits, ignored, True)
    add("ce index ignore 1 weight smoothing", "CrossEntropyLoss",
        {"ignoreIndex": 1, "weight": w4, "labelSmoothing": 0.2}, logits, labels, True)
    large = torch.tensor([[1000, -1000, 0, 999], [-1000, -1000, -1000, -999],
                          [1000, 1000, -1000, 0], [0, 0, 0, 0], [1000, 0, 0, 0]], dtype=d)
    large_labels = torch.tensor([0, 3, 1, 2, 1], dtype=d)
    add("ce index large logits", "CrossEntropyLoss", {}, large, large_labels, True)
    add("ce index large logits smoothing", "CrossEntropyLoss", {"labelSmoothing": 0.1},
        large, large_labels, True)
    add("ce index upstream", "CrossEntropyLoss", {"labelSmoothing": 0.1}, logits, labels, True,
        upstream=-1.75, reductions=["mean", "sum"])

    # CrossEntropyLoss with probability targets
    probs = torch.softmax(torch.randn(6, 4, dtype=d), 1)
    add("ce probs", "CrossEntropyLoss", {}, logits, probs)
    add("ce probs smoothing", "CrossEntropyLoss", {"labelSmoothing": 0.15}, logits, probs)
    add("ce probs weight", "CrossEntropyLoss", {"weight": w4}, logits, probs)
    add("ce probs weight smoothing", "CrossEntropyLoss", {"weight": w4, "labelSmoothing": 0.3}, logits, probs)
    add("ce probs large logits", "CrossEntropyLoss", {}, large, torch.softmax(torch.randn(5, 4, dtype=d), 1))

    # NLLLoss on log-probabilities
    logp = torch.log_softmax(torch.randn(6, 5, dtype=d) * 1.5, 1)
    nll_labels = torch.tensor([4, 0, 2, 2, 1, 3], dtype=d)
    w5 = (torch.rand(5, dtype=d) + 0.25).tolist()
    add("nll", "NLLLoss", {}, logp, nll_labels, True)
    add("nll weight", "NLLLoss", {"weight": w5}, logp, nll_labels, True)
    add("nll ignore -100", "NLLLoss", {}, logp, torch.tensor([4, -100, 2, 2, -100, 3], dtype=d), True)
    add("nll ignore 2 weight", "NLLLoss", {"ignoreIndex": 2, "weight": w5}, logp, nll_labels, True)
    inf_logp = torch.log(torch.softmax(large * 2, 1))  # underflowed probabilities: -inf off target
    add("nll -inf off target", "NLLLoss", {}, inf_logp, torch.tensor([0, 3, 1, 2, 0], dtype=d), True)

    # BCELoss on probabilities
    p = torch.sigmoid(torch.randn(5, 3, dtype=d) * 2)
    t_soft = torch.rand(5, 3, dtype=d)
    t_hard = (torch.rand(5, 3, dtype=d) > 0.5).to(d)
    add("bce soft targets", "BCELoss", {}, p, t_soft)
    add("bce hard targets weight", "BCELoss", {"weight": [0.5, 1.0, 2.0]}, p, t_hard)
    edge_p = torch.tensor([0.0, 1e-12, 1e-7, 0.5, 1 - 1e-7, 1 - 1e-12, 1.0, 0.0, 1.0, 1e-50], dtype=d)
    edge_t = torch.tensor([1.0, 0.0, 1.0, 0.3, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0], dtype=d)
    add("bce p near 0 and 1", "BCELoss", {}, edge_p, edge_t)

    # BCEWithLogitsLoss
    z = torch.randn(5, 3, dtype=d) * 3
    add("bce logits", "BCEWithLogitsLoss", {}, z, t_soft)
    edge_z = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 50.0, -50.0, 30.0, -30.0, 0.0, 700.0], dtype=d)
    edge_zt = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.5, 0.5, 1.0], dtype=d)
    add("bce logits large", "BCEWithLogitsLoss", {}, edge_z, edge_zt)
    add("bce logits posWeight", "BCEWithLogitsLoss", {"posWeight": [0.5, 2.0, 3.5]}, z, t_hard)
    add("bce logits weight posWeight", "BCEWithLogitsLoss",
        {"weight": [1.5, 0.25, 1.0], "posWeight": [2.0, 1.0, 0.1]}, z, t_soft)
    add("bce logits large posWeight", "BCEWithLogitsLoss", {"posWeight": [4.0]}, edge_z, edge_zt)

    # CategoricalCrossEntropy: the notebooks' CE on softmax outputs
    cce_p = torch.softmax(torch.randn(6, 3, dtype=d) * 2, 1)
    one_hot = F.one_hot(torch.tensor([2, 0, 1, 1, 0, 2]), 3).to(d)
    add("cce one-hot", "CategoricalCrossEntropy", {}, cce_p, one_hot)
    add("cce soft", "CategoricalCrossEntropy", {}, cce_p, torch.softmax(torch.randn(6, 3, dtype=d), 1))
    return out


def main():
    cases = []
    for name, loss, options, pred, target, class_target, upstream, reductions in specs():
        for dtype_name in DTYPES:
            for reduction in reductions:
                cases.append(run_case(name, loss, options, pred, target, class_target, dtype_name,
                                      reduction, upstream))
    write_fixture("losses", {"torch": torch.__version__, "cases": cases})
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
