"""Golden training runs for @glassbox/trainer, from PyTorch 1.13 (autograd, torch.optim).

Writes tests/golden/trainer.json. Every run is the loop `fit` implements:

    for epoch in range(epochs):
        (shuffle: perm = torch.randperm(n, generator=g), g seeded once per run)
        for i in range(0, n, batch):            # the last batch may be short
            opt.zero_grad(); loss = loss_fn(model(x[i:i+B]), y[i:i+B])
            loss.backward(); opt.step(); losses.append(loss.item())
        scheduler.step()                         # when there is one
        train loss = sum(losses) / len(losses); validation loss on the whole split

and L-BFGS runs `loss = opt.step(closure)` once per epoch on the full batch.

Data: inputs from torch.manual_seed(seed) + torch.randn(..., dtype=float64),
which @glassbox/tensor reproduces bit for bit; the targets are stored.
Models: nn.Sequential of nn.Linear (default init after torch.manual_seed) and
activations; float64 unless a case says float32 (then the float64 model and
data are cast with .float(), as `model.to("float32")` does).

Also: torch.randperm(n, generator=g) draws, the learning rates StepLR and
CosineAnnealingLR give through scheduler.step() (their recursive form), and
torch.optim.lbfgs's _cubic_interpolate and _strong_wolfe on one-dimensional
polynomials, where every operation is a single IEEE operation on both sides,
so the line search is compared exactly (step, loss, evaluations).
"""

import math
import os
import random
import sys

import torch
import torch.nn as nn
from torch.optim.lbfgs import _cubic_interpolate, _strong_wolfe

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

F64 = torch.float64
ACT = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}


def regression_data():
    torch.manual_seed(100)
    x = torch.randn(300, 6, dtype=F64)
    y = torch.stack([
        torch.sin(x[:, 0]) * 2 + x[:, 1] * x[:, 2],
        torch.tanh(x[:, 3] - x[:, 4]) + 0.5 * x[:, 5] ** 2,
        x[:, 0] - x[:, 5] + 0.1 * torch.randn(300, dtype=F64),
    ], dim=1)
    return {"seed": 100, "rows": 300, "features": 6, "train": 240, "y": y}


def classification_data():
    torch.manual_seed(200)
    x = torch.randn(240, 4, dtype=F64)
    scores = torch.stack([x[:, 0] + x[:, 1], x[:, 1] - x[:, 2] * x[:, 3], -x[:, 0] + 0.3], dim=1)
    labels = scores.argmax(dim=1)
    return {"seed": 200, "rows": 240, "features": 4, "train": 180, "y": labels}


def curve_data():
    torch.manual_seed(300)
    x = torch.randn(80, 1, dtype=F64) * 1.5
    y = torch.sin(1.5 * x) + 0.3 * x + 0.05 * torch.randn(80, 1, dtype=F64)
    return {"seed": 300, "rows": 80, "features": 1, "train": 64, "y": y}


DATA = {"regression": regression_data(), "classification": classification_data(), "curve": curve_data()}
MODELS = {
    # sizes, hidden activations
    "regression": ([6, 16, 16, 3], ["tanh", "sigmoid"]),
    "classification": ([4, 12, 12, 3], ["relu", "tanh"]),
    "curve": ([1, 50, 1], ["sigmoid"]),
}


def inputs(data):
    torch.manual_seed(data["seed"])
    return torch.randn(data["rows"], data["features"], dtype=F64)


def build(sizes, acts, seed):
    torch.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=F64))
        if i < len(acts):
            layers.append(ACT[acts[i]]())
    return nn.Sequential(*layers)


def make_optimizer(spec, params):
    kind, o = spec["type"], spec["options"]
    if kind == "SGD":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o.get("momentum", 0),
                               dampening=o.get("dampening", 0), nesterov=o.get("nesterov", False),
                               weight_decay=o.get("weightDecay", 0), maximize=o.get("maximize", False))
    if kind in ("Adam", "AdamW"):
        cls = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
        kw = dict(lr=o["lr"], betas=tuple(o.get("betas", (0.9, 0.999))), eps=o.get("eps", 1e-8),
                  amsgrad=o.get("amsgrad", False), maximize=o.get("maximize", False))
        if "weightDecay" in o:
            kw["weight_decay"] = o["weightDecay"]
        return cls(params, **kw)
    if kind == "LBFGS":
        return torch.optim.LBFGS(params, lr=o.get("lr", 1), max_iter=o.get("maxIter", 20),
                                 history_size=o.get("historySize", 100),
                                 line_search_fn="strong_wolfe" if o.get("lineSearchFn") == "strong_wolfe" else None)
    raise ValueError(kind)


def make_scheduler(spec, opt):
    if spec is None:
        return None
    if spec["type"] == "StepLR":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=spec["stepSize"], gamma=spec["gamma"])
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec["tMax"], eta_min=spec.get("etaMin", 0))


def run(name, data_name, model_seed, loss, optimizer, epochs, batch_size=None, scheduler=None,
        shuffle_seed=None, dtype="float64"):
    data = DATA[data_name]
    x, y = inputs(data), data["y"]
    sizes, acts = MODELS[data_name]
    model = build(sizes, acts, model_seed)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    if dtype == "float32":
        model = model.float()
        x = x.float()
        if y.is_floating_point():
            y = y.float()
    n = data["train"]
    xt, yt, xv, yv = x[:n], y[:n], x[n:], y[n:]
    loss_fn = nn.MSELoss() if loss == "mse" else nn.CrossEntropyLoss()
    opt = make_optimizer(optimizer, model.parameters())
    sched = make_scheduler(scheduler, opt)
    gen = torch.Generator().manual_seed(shuffle_seed) if shuffle_seed is not None else None
    history = []
    for epoch in range(epochs):
        lr = opt.param_groups[0]["lr"]
        losses = []
        if optimizer["type"] == "LBFGS":
            def closure():
                opt.zero_grad()
                value = loss_fn(model(xt), yt)
                value.backward()
                return value
            losses.append(opt.step(closure).item())
        else:
            order = torch.randperm(n, generator=gen) if gen is not None else torch.arange(n)
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                opt.zero_grad()
                value = loss_fn(model(xt[idx]), yt[idx])
                value.backward()
                opt.step()
                losses.append(value.item())
        if sched is not None:
            sched.step()
        with torch.no_grad():
            valid = loss_fn(model(xv), yv).item()
        record = {"epoch": epoch, "loss": sum(losses) / len(losses), "validLoss": valid, "lr": lr}
        if optimizer["type"] == "LBFGS":
            state = opt.state[opt._params[0]]
            record["funcEvals"] = state["func_evals"]
            record["nIter"] = state["n_iter"]
        history.append(record)
    with torch.no_grad():
        pred = model(xv)
    case = {
        "name": name, "data": data_name, "sizes": sizes, "activations": acts, "modelSeed": model_seed,
        "loss": loss, "optimizer": optimizer, "scheduler": scheduler, "epochs": epochs,
        "batchSize": batch_size, "shuffleSeed": shuffle_seed, "dtype": dtype,
        "initial": initial, "history": history,
        "final": model.state_dict(), "validPredictions": pred,
    }
    return case


def randperm_cases():
    out = []
    for seed, n, draws in [(0, 10, 3), (7, 240, 2), (123, 1, 1), (5, 2, 4), (99, 1000, 1)]:
        g = torch.Generator().manual_seed(seed)
        out.append({"seed": seed, "n": n, "perms": [torch.randperm(n, generator=g) for _ in range(draws)]})
    return out


def scheduler_cases():
    out = []
    specs = [
        {"type": "StepLR", "stepSize": 3, "gamma": 0.5, "lr": 0.1},
        {"type": "StepLR", "stepSize": 1, "gamma": 0.9, "lr": 0.05},
        {"type": "CosineAnnealingLR", "tMax": 5, "etaMin": 1e-4, "lr": 0.01},
        {"type": "CosineAnnealingLR", "tMax": 7, "etaMin": 0, "lr": 0.3},
        {"type": "CosineAnnealingLR", "tMax": 1, "etaMin": 0.001, "lr": 0.1},
    ]
    for spec in specs:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=spec["lr"])
        sched = make_scheduler(spec, opt)
        lrs = []
        for _ in range(40):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        out.append({"spec": spec, "lrs": lrs})
    return out


# One-dimensional test functions: value and derivative, written with one operation at a time so
# that JavaScript evaluates them identically.
POLYNOMIALS = {
    "doubleWell": lambda x: ((x * x - 1) * (x * x - 1) + 0.3 * x, 4 * x * (x * x - 1) + 0.3),
    "quartic": lambda x: (x * x * x * x - 3 * x * x * x + 2 * x, 4 * x * x * x - 9 * x * x + 2),
    "quadratic": lambda x: (2.5 * (x - 0.7) * (x - 0.7), 5 * (x - 0.7)),
    "cubicDrop": lambda x: (0.1 * x * x * x * x - x * x * x + 0.5 * x, 0.4 * x * x * x - 3 * x * x + 0.5),
}


def line_search_cases():
    rng = random.Random(7)
    out = []
    for name, fg in POLYNOMIALS.items():
        for _ in range(12):
            x0 = rng.uniform(-2.5, 2.5)
            t0 = 10 ** rng.uniform(-3, 1.5)
            f0, g0 = fg(x0)
            d0 = -g0
            gtd = g0 * d0
            if gtd >= 0:
                continue
            calls = []

            def obj(x, t, d):
                xn = float(x) + float(t) * float(d[0])
                f, g = fg(xn)
                calls.append(xn)
                return f, torch.tensor([g], dtype=F64)

            d = torch.tensor([d0], dtype=F64)
            f_new, g_new, t, evals = _strong_wolfe(obj, torch.tensor(x0, dtype=F64), t0, d, f0,
                                                   torch.tensor([g0], dtype=F64), torch.tensor(gtd, dtype=F64))
            out.append({"fn": name, "x0": x0, "t0": t0, "f0": f0, "g0": g0, "t": float(t), "loss": float(f_new),
                        "grad": float(g_new[0]), "evals": evals, "points": calls})
    cubic = []
    for _ in range(40):
        x1, x2 = rng.uniform(-3, 3), rng.uniform(-3, 3)
        f1, f2, g1, g2 = (rng.uniform(-2, 2) for _ in range(4))
        bounds = None if rng.random() < 0.5 else sorted((rng.uniform(-4, 4), rng.uniform(-4, 4)))
        t1, t2 = torch.tensor(g1, dtype=F64), torch.tensor(g2, dtype=F64)
        value = _cubic_interpolate(x1, f1, t1, x2, f2, t2, bounds=tuple(bounds) if bounds else None)
        cubic.append({"args": [x1, f1, g1, x2, f2, g2], "bounds": bounds, "value": float(value)})
    return {"strongWolfe": out, "cubic": cubic}


def main():
    reg, cls, curve = "regression", "classification", "curve"
    cases = [
        run("sgd", reg, 1, "mse", {"type": "SGD", "options": {"lr": 0.05}}, 8, 33),
        run("sgd-momentum-nesterov-weight-decay", reg, 2, "mse",
            {"type": "SGD", "options": {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-3}}, 8, 33),
        run("sgd-momentum-dampening", reg, 3, "mse",
            {"type": "SGD", "options": {"lr": 0.02, "momentum": 0.8, "dampening": 0.3}}, 8, 33),
        run("adam", reg, 4, "mse", {"type": "Adam", "options": {"lr": 0.01}}, 8, 33),
        run("adam-amsgrad-weight-decay", reg, 5, "mse",
            {"type": "Adam", "options": {"lr": 0.01, "betas": [0.85, 0.99], "eps": 1e-7, "weightDecay": 1e-2,
                                         "amsgrad": True}}, 8, 33),
        run("adamw", reg, 6, "mse", {"type": "AdamW", "options": {"lr": 0.01, "weightDecay": 0.05}}, 8, 33),
        run("adamw-amsgrad", reg, 7, "mse",
            {"type": "AdamW", "options": {"lr": 0.005, "amsgrad": True}}, 8, 33),
        run("sgd-steplr", reg, 8, "mse", {"type": "SGD", "options": {"lr": 0.1, "momentum": 0.5}}, 8, 33,
            scheduler={"type": "StepLR", "stepSize": 3, "gamma": 0.5}),
        run("adam-cosine", reg, 9, "mse", {"type": "Adam", "options": {"lr": 0.02}}, 8, 33,
            scheduler={"type": "CosineAnnealingLR", "tMax": 5, "etaMin": 1e-4}),
        run("classifier-sgd-momentum", cls, 10, "crossEntropy",
            {"type": "SGD", "options": {"lr": 0.1, "momentum": 0.9}}, 8, 33),
        run("classifier-adam-shuffled", cls, 11, "crossEntropy", {"type": "Adam", "options": {"lr": 0.01}}, 8, 33,
            shuffle_seed=1234),
        # L-BFGS amplifies rounding: gradients that differ from PyTorch's in the last bits (another
        # summation order) can move the weights by 1e-8 after 30 iterations. These runs are short
        # enough that both implementations stay within 1e-10 of each other when the algorithm is
        # the same, so rtol 1e-9 tests the algorithm (every line-search evaluation count too).
        run("lbfgs-strong-wolfe", curve, 21, "mse",
            {"type": "LBFGS", "options": {"lr": 1, "maxIter": 10, "historySize": 10, "lineSearchFn": "strong_wolfe"}},
            2),
        run("lbfgs-strong-wolfe-short-history", curve, 21, "mse",
            {"type": "LBFGS", "options": {"lr": 1, "maxIter": 6, "historySize": 3, "lineSearchFn": "strong_wolfe"}},
            3),
        run("lbfgs-fixed-step", curve, 21, "mse",
            {"type": "LBFGS", "options": {"lr": 0.3, "maxIter": 5, "historySize": 3}}, 4),
        run("adam-float32", reg, 4, "mse", {"type": "Adam", "options": {"lr": 0.01}}, 8, 33, dtype="float32"),
        run("sgd-nesterov-float32", reg, 2, "mse",
            {"type": "SGD", "options": {"lr": 0.02, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-3}}, 8, 33,
            dtype="float32"),
    ]
    write_fixture("trainer", {
        "torch": torch.__version__,
        "data": {k: {kk: vv for kk, vv in v.items()} for k, v in DATA.items()},
        "cases": cases,
        "randperm": randperm_cases(),
        "schedulers": scheduler_cases(),
        "lineSearch": line_search_cases(),
    })


if __name__ == "__main__":
    main()
