"""The PyTorch engine of `deno task bench`: the same workloads as glassbox, same shapes and dtypes.

    /usr/bin/python3 tasks/bench/torch_bench.py --threads 2 < workloads.json

Reads the workload list (JSON, built by tasks/bench/suite.ts) on stdin and writes one JSON message per
line on stdout, as tasks/bench/protocol.ts describes: first an "engine" line (torch version, the
thread count torch chose by itself and the one used, set with torch.set_num_threads), then one line
per workload.

Workloads:
- matmul: torch.mm(op(a), op(b)) on N x N operands, op = .t() for a transposed operand (a view, so
  BLAS reads it transposed; no copy), a fresh output each run.
- mlp: nn.Sequential(Linear(784, 512), ReLU, Linear(512, 512), ReLU, Linear(512, 10)) in the
  workload's dtype; one step = zero_grad, forward, CrossEntropyLoss on class indices, backward,
  torch.optim.SGD step.
- micro (float64, [33, 32] inputs): nn.Linear(32, 32).double() then torch.tanh (or torch.relu), the
  parameters requiring gradients as in training, so autograd records the graph; x.tanh(); and one
  training step of the classification notebook with the twin tasks/golden/experiments.py trains
  (build(..., softmax_output=True), its categorical cross-entropy -sum(y log p) / m on one-hot rows,
  torch.optim.SGD lr 0.08): zero_grad, forward, loss, backward, step, loss.item().
- experiments: the notebooks' experiments as tasks/golden/experiments.py trains them for the golden
  fixtures (the functions are imported from there): torch.manual_seed, model creation, every epoch
  with its full validation pass, restarts; data generation happens once, untimed. Each side does
  the work `deno task train --experiment <name>` does: every epoch's validation pass also gives the
  validation metric it logs (MAPE for regression, accuracy for classification, from the same
  predictions), and after training the winner's summary (validation loss, then MAPE and R^2, or
  accuracy). The assignment's
  experiments (assignment-fit, -adam, -depths; with --long -widths, -units, -backprop, the last
  without its by-hand backward pass on one example) run the notebook's own code as
  tasks/golden/assignment.py has it: torch.manual_seed, its train1 over MLP([1, *hidden, 1], phi),
  each repetition trained by train_scipy (scipy.optimize.minimize(method="BFGS", jac=True) with
  SciPy's defaults) or fnn_train (Adam), its printed lines captured, then the best model's test
  error; the iterations and function evaluations of a run are reported with the figure.

Timing, identical to tasks/bench/measure.ts: warm up (at least one untimed run, and until warmupMs
has passed; none when warmupMs is negative); choose inner = the number of back-to-back runs that
makes one sample last at least minSampleMs; take `samples` samples (stopping early after minSamples
once budgetMs is spent) with time.perf_counter; report the median sample / inner in ms per run, with
min and max.
"""

import argparse
import contextlib
import io
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def emit(message):
    print(json.dumps(message), flush=True)


def measure(run, timing):
    inner = 1
    if timing["warmupMs"] >= 0:  # negative: no warm-up (runs of minutes)
        warm_start = time.perf_counter()
        warm_runs = 0
        while True:
            run()
            warm_runs += 1
            if (time.perf_counter() - warm_start) * 1000 >= timing["warmupMs"]:
                break
        per_run = (time.perf_counter() - warm_start) * 1000 / warm_runs
        inner = max(1, math.ceil(timing["minSampleMs"] / max(per_run, 1e-3)))
    figures = []
    started = time.perf_counter()
    while len(figures) < timing["samples"]:
        t0 = time.perf_counter()
        for _ in range(inner):
            run()
        figures.append((time.perf_counter() - t0) * 1000 / inner)
        spent = (time.perf_counter() - started) * 1000
        if len(figures) >= timing["minSamples"] and spent >= timing["budgetMs"]:
            break
    s = sorted(figures)
    mid = len(s) // 2
    med = s[mid] if len(s) % 2 == 1 else (s[mid - 1] + s[mid]) / 2
    return {"ms": med, "minMs": s[0], "maxMs": s[-1], "samples": len(s), "inner": inner}


def values(shape, seed, dtype):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=g, dtype=dtype) * 2 - 1


def matmul_runner(w):
    dtype = DTYPES[w["dtype"]]
    n = w["n"]
    a, b = values((n, n), 1, dtype), values((n, n), 2, dtype)
    a = a.t() if w["variant"][0] == "t" else a
    b = b.t() if w["variant"][1] == "t" else b
    return lambda: torch.mm(a, b)


def mlp_runner(w):
    dtype = DTYPES[w["dtype"]]
    sizes = w["sizes"]
    torch.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    x = values((w["batch"], sizes[0]), 3, dtype)
    y = torch.arange(w["batch"]) % sizes[-1]
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=w["lr"])

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return step


def micro_runner(w):
    rows = w["rows"]
    torch.manual_seed(0)
    if w["op"] in ("dense-tanh", "dense-relu"):
        layer = nn.Linear(32, 32).double()
        act = torch.tanh if w["op"] == "dense-tanh" else torch.relu
        x = values((rows, 32), 1, torch.float64)
        return lambda: act(layer(x))
    if w["op"] == "tanh":
        x = values((rows, 32), 1, torch.float64)
        return lambda: x.tanh()
    if w["op"] == "classification-step":
        import experiments as ex  # tasks/golden/experiments.py
        c = ex.config("mlp-classification")
        sizes = [5, 32, 32, 32, 3]
        model = ex.build(sizes, ex.activations_for(c["activation"], sizes[1:-1]), softmax_output=True)
        loss_fn = ex.make_loss(c)
        opt = torch.optim.SGD(model.parameters(), lr=c["lr"])
        x = values((rows, sizes[0]), 3, torch.float64)
        y = nn.functional.one_hot(torch.arange(rows) % sizes[-1], sizes[-1]).double()

        def step():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            loss.item()
        return step
    raise ValueError(w["op"])


def train1(asg, d, hidden, nreps, train, phi):
    """tasks/golden/assignment.py's train1 (the notebook's), with phi passed on to MLP."""
    best_model, best_cost = None, math.inf
    for rep in range(nreps):
        model = asg.MLP([1] + hidden + [1], phi)
        print(f"Repetition {rep: 2d}: ", end="")
        train(model)
        mse = torch.nn.functional.mse_loss(d["y1"], model(d["X1"])).item()
        if mse < best_cost:
            best_model, best_cost = model, mse
        print(f"best_cost={best_cost:.3f}")
    return best_model, best_cost


def assignment_runner(w):
    import assignment as asg  # tasks/golden/assignment.py
    s = w["assignment"]
    d = asg.data(s["dataSeed"])
    phi = {"sigmoid": torch.sigmoid, "relu": torch.relu}[s["phi"]]
    counts = {}

    def train(model):
        if s["optimizer"] == "adam":
            opt = torch.optim.Adam(model.parameters(), lr=s["lr"])
            costs = asg.fnn_train(d["X1"], d["y1"], model, opt, s["epochs"], s["tol"], verbose=True)
            nit = nfev = len(costs)
        else:
            r = asg.train_scipy(d["X1"], d["y1"], model)
            nit, nfev = int(r.nit), int(r.nfev)
        counts["iterations"] += nit
        counts["evaluations"] += nfev

    def run():
        counts.update(iterations=0, evaluations=0)
        torch.manual_seed(s["seed"])
        # The width study trains train1([w]) per width; the other parts one train1(hidden).
        widths = w["experiment"] == "assignment-widths"
        studies = [[width] for width in s["widths"]] if widths else [s["hidden"]]
        with contextlib.redirect_stdout(io.StringIO()):
            for hidden in studies:
                best, _ = train1(asg, d, hidden, s["nreps"], train, phi)
                test = torch.nn.functional.mse_loss(d["y1test"], best(d["X1test"])).item()
                print(f"Test error    : {test}")
    return run, lambda: dict(counts)


def experiment_runner(w):
    if "assignment" in w:
        return assignment_runner(w)
    import experiments as ex  # tasks/golden/experiments.py
    c = ex.config(w["experiment"])
    data, init = ex.dataset(c["experiment"], c["seed"], c["trainRows"])
    xt, yt, _, _ = data
    outputs = ex.output_size(c, yt)
    loss_fn = ex.make_loss(c)

    classify = c["loss"] in ("cross-entropy", "categorical-cross-entropy")
    epoch_metric = accuracy if classify else mape
    xv, yv = data[2], data[3]

    def run():
        for hidden in c["architectures"]:
            torch.manual_seed(c["seed"])
            best, best_loss = None, math.inf
            for _ in range(c["restarts"]):
                model = ex.build([xt.shape[1], *hidden, outputs], ex.activations_for(c["activation"], hidden),
                                 softmax_output=c["loss"] == "categorical-cross-entropy")
                if init is not None and not hidden and c["restarts"] == 1:
                    with torch.no_grad():
                        model[0].weight.copy_(init["0.weight"])
                        model[0].bias.copy_(init["0.bias"])
                history = ex.train(model, c, loss_fn, data, epoch_metric)
                if history[-1]["validLoss"] < best_loss:
                    best, best_loss = model, history[-1]["validLoss"]
            # The summary `deno task train` prints: the winner's validation loss and metrics.
            with torch.no_grad():
                pred = best(xv)
                loss_fn(pred, yv).item()
                if classify:
                    accuracy(pred, yv)
                else:
                    mape(pred, yv)
                    r2(pred, yv)
    return run


def mape(pred, true):
    """glassbox's mape (the notebooks' torch_mape): |(t - p) / t|, or |p| where t = 0, in percent."""
    pred, true = pred.flatten(), true.flatten()
    return torch.where(true == 0, pred.abs(), ((true - pred) / true).abs()).mean().item() * 100


def accuracy(pred, true):
    """glassbox's accuracy: the argmax of each prediction row against a class index or one-hot row."""
    labels = true.argmax(1) if true.dim() == 2 else true
    return (pred.argmax(1) == labels).double().mean().item()


def r2(pred, true):
    """glassbox's r2Score (scikit-learn's uniform average of each output's R^2)."""
    true, pred = true.reshape(len(true), -1), pred.reshape(len(pred), -1)
    residual = ((true - pred) ** 2).sum(0)
    total = ((true - true.mean(0)) ** 2).sum(0)
    return (1 - residual / total).mean().item()


RUNNERS = {"matmul": matmul_runner, "mlp": mlp_runner, "micro": micro_runner, "experiment": experiment_runner}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: leave torch's choice)")
    args = parser.parse_args()
    workloads = json.load(sys.stdin)
    default_threads = torch.get_num_threads()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    emit({"type": "engine", "info": {
        "engine": "torch", "version": torch.__version__, "defaultThreads": default_threads,
        "threads": torch.get_num_threads(), "python": sys.version.split()[0], "available": True,
    }})
    for w in workloads:
        try:
            made = RUNNERS[w["kind"]](w)
            run, counts = made if isinstance(made, tuple) else (made, None)
            result = measure(run, w["timing"])
            if counts is not None:
                result["perRun"] = counts()
            emit({"type": "result", "id": w["id"], **result})
        except Exception as error:  # reported per workload; the run goes on
            emit({"type": "error", "id": w["id"], "message": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    main()
