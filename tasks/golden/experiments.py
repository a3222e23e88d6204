"""The experiments of `deno task train`, run in PyTorch 1.13 (autograd, torch.optim), float64.

Writes tests/golden/experiments.json; tests/experiments_golden_test.ts runs the
same command lines through the CLI's own functions (parseTrainFlags,
runExperiment) and compares. Each case mirrors tasks/experiments/:

- Data: the notebooks' sets from scikit-learn 1.2, with OpenBLAS limited to 2
  threads as in tasks/golden/datasets.py; the first config["trainRows"] rows
  train, the rest validate. Notebook 3.1 (mlp-regression): make_regression
  10100x6 -> 3 targets, n_informative 5, noise 1, random_state 0 (1000 train).
  Notebook 1.1 (linear-regression): make_regression 10100x1 -> 1 target, noise
  1, bias NOTEBOOK_BIAS (random.seed(0); random.random()), random_state 0,
  targets as a column (100 train). Notebook 1.2
  (multivariate-linear-regression): 10100x6 -> 3 targets, n_informative 5,
  noise 1, bias NOTEBOOK_BIAS, random_state 0 (100 train).
  MLP-for-classification: make_classification 1100x5, 3 classes,
  n_informative 4, n_redundant 0, random_state 0, one-hot targets (100
  train); logistic-regression: the same set with class indices (1000 train).
  The 1-D study's curve: g = torch.Generator().manual_seed(0),
  x = rand(200, 1) * 4 - 2, noise = randn(200, 1), t = x * 0.5,
  y = t * ((t*t * 16 - 20) * t*t + 5) + noise * 0.1; the first 150 rows train.
- Model: for each architecture torch.manual_seed(seed), then nn.Linear layers
  created in order (each restart's model drawn after the previous one), the
  hidden activations after each hidden Linear, a linear output — followed by
  nn.Softmax(dim=1) for the loss "categorical-cross-entropy", which is the
  classification notebook's CE, -sum(y * log p) / m, through autograd.
- Training: per epoch, batches x[i:i+B] in order (the last may be short):
  zero_grad, forward, loss, backward, step; the epoch's loss is the mean of
  its batch losses, taken before each step; then the validation loss on all
  validation rows. L-BFGS (strong Wolfe) takes one opt.step(closure) per epoch
  on the full batch and records the closure's first loss. With restarts the
  run with the lowest final validation loss wins (ties: the earlier one).

Stored per case: the command line, the resolved config, exact fsum checksums
of the data, and per architecture: every restart's initial parameters and
per-epoch losses, the winning restart, its final parameters, and validation
predictions (a subset of rows plus fsum checksums of all of them).

`experiments.py --time` instead times the default experiment (data, model,
32 epochs with validation) and prints the figures.
"""

import math
import os
import sys

# The fixtures (and @glassbox/datasets' port of OpenBLAS's dgemm) come from
# OpenBLAS's SkylakeX kernels; some virtual machines with AVX-512 make
# OpenBLAS fall back to its Prescott kernels, whose sums differ in the last
# bit. Must be set before NumPy loads OpenBLAS.
os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")
import time

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification, make_regression
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

F64 = torch.float64
ACT = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU, "softmax": lambda: nn.Softmax(dim=1)}
PREDICTION_ROWS = 700  # at most this many validation rows stored (evenly spaced)


NOTEBOOK_BIAS = 0.8444218515250481  # random.seed(0); random.random(): the notebooks draw bias=random.random()


def split(x, y, n):
    return x[:n], y[:n], x[n:], y[n:]


def regression(n_train, n_features=6, n_targets=3, n_informative=5, bias=0.0):
    with threadpool_limits(2):
        X, y = make_regression(n_samples=10100, n_features=n_features, n_targets=n_targets,
                               n_informative=n_informative, bias=bias, noise=1, random_state=0)
    x, y = torch.from_numpy(X), torch.from_numpy(y)
    return split(x, y.reshape(len(y), -1), n_train)


def classification(n_train, one_hot=False):
    X, y = make_classification(n_samples=1100, n_features=5, n_classes=3, n_informative=4, n_redundant=0,
                               random_state=0)
    x, y = torch.from_numpy(X), torch.from_numpy(y).long()
    if one_hot:
        y = nn.functional.one_hot(y, 3).to(F64)
    return split(x, y, n_train)


def curve(n_train):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(200, 1, generator=g, dtype=F64) * 4 - 2
    noise = torch.randn(200, 1, generator=g, dtype=F64)
    t = x * 0.5
    t2 = t * t
    y = t * ((t2 * 16 - 20) * t2 + 5) + noise * 0.1
    return split(x, y, n_train)


def dataset(experiment, seed, train_rows):
    """The experiment's data, split after train_rows rows, and its initial weights (None: nn.Linear's)."""
    if experiment == "mlp-regression":
        return regression(train_rows), None
    if experiment == "linear-regression":
        return regression(train_rows, n_features=1, n_targets=1, n_informative=10, bias=NOTEBOOK_BIAS), None
    if experiment == "multivariate-linear-regression":
        return regression(train_rows, bias=NOTEBOOK_BIAS), None
    if experiment == "mlp-classification":
        return classification(train_rows, one_hot=True), None
    if experiment == "logistic-regression":
        return classification(train_rows), None
    if experiment == "mlp-1d":
        return curve(train_rows), None
    raise ValueError(experiment)


def categorical_cross_entropy(p, y):
    """The classification notebook's CE: -sum(y * log p) / m over one-hot rows."""
    return -(y * torch.log(p)).sum() / len(y)


def make_loss(c):
    return {"mse": nn.MSELoss(), "cross-entropy": nn.CrossEntropyLoss(),
            "categorical-cross-entropy": categorical_cross_entropy}[c["loss"]]


def output_size(c, yt):
    return int(yt.max().item()) + 1 if c["loss"] == "cross-entropy" else yt.shape[1]


def build(sizes, activations, dtype=F64, softmax_output=False):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ACT[activations[i]]())
    if softmax_output:
        layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers)


def make_optimizer(c, params):
    kind = c["optimizer"]
    decay = {} if c["weightDecay"] is None else {"weight_decay": c["weightDecay"]}
    if kind == "sgd":
        return torch.optim.SGD(params, lr=c["lr"], momentum=c["momentum"], **decay)
    if kind == "adam":
        return torch.optim.Adam(params, lr=c["lr"], **decay)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=c["lr"], **decay)
    if kind == "lbfgs":
        return torch.optim.LBFGS(params, lr=c["lr"], line_search_fn="strong_wolfe")
    raise ValueError(kind)


def train(model, c, loss_fn, data, epoch_metric=None):
    """Trains model as `deno task train` does; epoch_metric(pred, yv), when given, is also
    computed each epoch on the validation pass's predictions (the bench's twin uses it)."""
    xt, yt, xv, yv = data
    n = xt.shape[0]
    batch = c["batchSize"] or n
    opt = make_optimizer(c, model.parameters())
    history = []
    for epoch in range(c["epochs"]):
        losses = []
        if c["optimizer"] == "lbfgs":
            for i in range(0, n, batch):
                xb, yb = xt[i:i + batch], yt[i:i + batch]

                def closure():
                    opt.zero_grad()
                    value = loss_fn(model(xb), yb)
                    value.backward()
                    return value
                losses.append(opt.step(closure).item())
        else:
            for i in range(0, n, batch):
                opt.zero_grad()
                value = loss_fn(model(xt[i:i + batch]), yt[i:i + batch])
                value.backward()
                opt.step()
                losses.append(value.item())
        with torch.no_grad():
            pred = model(xv)
            valid = loss_fn(pred, yv).item()
            entry = {"epoch": epoch, "loss": sum(losses) / len(losses), "validLoss": valid}
            if epoch_metric is not None:
                entry["metric"] = epoch_metric(pred, yv)
        history.append(entry)
    return history


def fsums(t):
    values = t.detach().flatten().tolist()
    return {"sum": math.fsum(values), "sumAbs": math.fsum(abs(v) for v in values)}


def activations_for(activation, hidden):
    return [activation] * len(hidden) if isinstance(activation, str) else list(activation)


def spread(restarts, sizes, acts, dtype, c, loss_fn, data, nudges=3):
    """How far PyTorch's own results move when one initial weight moves by one ulp.

    Retrains every restart `nudges` times, each time with a different element
    of the first weight matrix moved to the next representable value above it,
    and returns the largest absolute change of the final parameters and of the
    validation predictions, and the largest relative change of a per-epoch
    loss. Float32 L-BFGS amplifies such last-bit differences far past the 1e-3
    contract, so its fixtures carry this measured spread.
    """
    xv = data[2]
    worst = {"params": 0.0, "predictions": 0.0, "losses": 0.0}
    for r in restarts:
        with torch.no_grad():
            base_pred = r["model"](xv)
        base_params = r["model"].state_dict()
        for j in range(nudges):
            model = build(sizes, acts, dtype, c["loss"] == "categorical-cross-entropy")
            model.load_state_dict(r["initial"])
            with torch.no_grad():
                w = next(model.parameters()).view(-1)
                k = j % w.numel()
                w[k] = torch.nextafter(w[k], torch.tensor(math.inf, dtype=dtype))
            history = train(model, c, loss_fn, data)
            with torch.no_grad():
                pred = model(xv)
            worst["predictions"] = max(worst["predictions"], (pred - base_pred).abs().max().item())
            for name, value in model.state_dict().items():
                worst["params"] = max(worst["params"], (value - base_params[name]).abs().max().item())
            for got, want in zip(history, r["history"]):
                for key in ("loss", "validLoss"):
                    worst["losses"] = max(worst["losses"], abs(got[key] - want[key]) / abs(want[key]))
    return worst


def run(args, c, with_spread=False):
    data, init = dataset(c["experiment"], c["seed"], c["trainRows"])
    xt, yt, xv, yv = data
    sums = {"xTrain": fsums(xt), "yTrain": fsums(yt.double()), "xValid": fsums(xv), "yValid": fsums(yv.double())}
    dtype = torch.float32 if c["dtype"] == "float32" else F64
    if dtype != F64:  # as the CLI does: the float64 data and initial weights cast once
        xt, xv = xt.to(dtype), xv.to(dtype)
        if c["loss"] != "cross-entropy":
            yt, yv = yt.to(dtype), yv.to(dtype)
        data = (xt, yt, xv, yv)
        if init is not None:
            init = {k: v.to(dtype) for k, v in init.items()}
    outputs = output_size(c, yt)
    loss_fn = make_loss(c)
    rows = list(range(xv.shape[0]))
    if len(rows) > PREDICTION_ROWS:
        step = math.ceil(len(rows) / PREDICTION_ROWS)
        rows = rows[::step]
    architectures = []
    for hidden in c["architectures"]:
        sizes = [xt.shape[1], *hidden, outputs]
        acts = activations_for(c["activation"], hidden)
        torch.manual_seed(c["seed"])
        restarts = []
        for _ in range(c["restarts"]):
            model = build(sizes, acts, dtype, c["loss"] == "categorical-cross-entropy")
            if init is not None and not hidden and c["restarts"] == 1:
                with torch.no_grad():
                    model[0].weight.copy_(init["0.weight"])
                    model[0].bias.copy_(init["0.bias"])
            initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
            history = train(model, c, loss_fn, data)
            with torch.no_grad():
                score = loss_fn(model(xv), yv).item()
            restarts.append({"initial": initial, "history": history, "score": score, "model": model})
        best = 0
        for i, r in enumerate(restarts):
            if r["score"] < restarts[best]["score"]:
                best = i
        model = restarts[best]["model"]
        with torch.no_grad():
            pred = model(xv)
        extra = {"spread": spread(restarts, sizes, acts, dtype, c, loss_fn, data)} if with_spread else {}
        architectures.append({
            **extra,
            "label": "-".join(str(s) for s in sizes),
            "restarts": [{"initial": r["initial"], "history": r["history"], "score": r["score"]} for r in restarts],
            "best": best,
            "final": model.state_dict(),
            "validLoss": restarts[best]["score"],
            "predictionRows": rows,
            "predictions": pred[rows],
            "predictionSums": fsums(pred),
        })
    return {
        "args": args, "config": c,
        "data": sums,
        "architectures": architectures,
    }


def config(experiment, **overrides):
    """The config parseTrainFlags resolves for the case's command line (the test checks they agree)."""
    base = {"experiment": experiment, "data": {"kind": "builtin"}, "optimizer": "sgd", "lr": 0.01, "momentum": 0,
            "weightDecay": None, "epochs": 32, "batchSize": 333, "restarts": 1, "seed": 0, "dtype": "float64"}
    small = {"trainRows": 100, "batchSize": 100 // 3}  # X[:100], len(X_train) // 3
    defaults = {
        "mlp-regression": {"architectures": [[32, 32, 32, 32]], "activation": ["tanh", "softmax", "sigmoid", "relu"],
                           "loss": "mse", "trainRows": 1000},
        "linear-regression": {"architectures": [[]], "activation": "relu", "loss": "mse", "epochs": 16, **small},
        "multivariate-linear-regression": {"architectures": [[]], "activation": "relu", "loss": "mse", "epochs": 16,
                                           **small},
        "mlp-classification": {"architectures": [[32, 32, 32]], "activation": "relu",
                               "loss": "categorical-cross-entropy", "lr": 0.08, **small},
        "logistic-regression": {"architectures": [[]], "activation": "relu", "loss": "cross-entropy", "lr": 0.1,
                                "trainRows": 1000},
        "mlp-1d": {"architectures": [[1], [2], [4], [8], [50], [4, 4], [8, 8]], "activation": "sigmoid",
                   "loss": "mse", "optimizer": "lbfgs", "lr": 1, "epochs": 30, "batchSize": None, "restarts": 3,
                   "trainRows": 150},
    }[experiment]
    return {**base, **defaults, **overrides}


def cases():
    return [
        run([], config("mlp-regression")),
        run(["--experiment", "mlp-classification"], config("mlp-classification")),
        run(["--experiment", "linear-regression"], config("linear-regression")),
        run(["--experiment", "multivariate-linear-regression"], config("multivariate-linear-regression")),
        run(["--experiment", "multi-output-linear-regression", "--train-rows", "1000", "--batch-size", "333"],
            config("multivariate-linear-regression", trainRows=1000, batchSize=333)),
        run(["--experiment", "logistic-regression"], config("logistic-regression")),
        run(["--experiment", "mlp-classification", "--optimizer", "adam", "--lr", "0.005", "--epochs", "12"],
            config("mlp-classification", optimizer="adam", lr=0.005, epochs=12)),
        run(["--experiment", "mlp-regression", "--layers", "16,16", "--activation", "tanh", "--optimizer", "adamw",
             "--lr", "0.01", "--epochs", "8", "--batch-size", "100"],
            config("mlp-regression", architectures=[[16, 16]], activation="tanh", optimizer="adamw", lr=0.01,
                   epochs=8, batchSize=100)),
        run(["--experiment", "mlp-regression", "--momentum", "0.9", "--weight-decay", "0.001", "--lr", "0.001",
             "--epochs", "8"],
            config("mlp-regression", momentum=0.9, weightDecay=0.001, lr=0.001, epochs=8)),
        run(["--experiment", "mlp-1d", "--layers", "2", "--layers", "8", "--epochs", "1",
             "--restarts", "2"],
            config("mlp-1d", architectures=[[2], [8]], epochs=1, restarts=2)),
    ]


def time_default(repeats=5):
    """Wall time of the default experiment, as `deno task train` runs it (data generation included)."""
    figures = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        data, _ = dataset("mlp-regression", 0, 1000)
        t1 = time.perf_counter()
        c = config("mlp-regression")
        torch.manual_seed(0)
        model = build([6, 32, 32, 32, 32, 3], c["activation"])
        train(model, c, nn.MSELoss(), data)
        t2 = time.perf_counter()
        figures.append((t1 - t0, t2 - t1))
    data_s = sorted(f[0] for f in figures)[repeats // 2]
    train_s = sorted(f[1] for f in figures)[repeats // 2]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, median of {repeats}: "
          f"data {data_s * 1000:.1f} ms, model + 32 epochs with validation {train_s * 1000:.1f} ms")


def main():
    if "--time" in sys.argv:
        time_default()
        return
    write_fixture("experiments", {"torch": torch.__version__, "numpy": np.__version__, "cases": cases()})


if __name__ == "__main__":
    main()
