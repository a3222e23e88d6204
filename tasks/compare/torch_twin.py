"""The PyTorch twin of a `deno task train` experiment, for `--compare pytorch`.

    /usr/bin/python3 tasks/compare/torch_twin.py request.json response.json

Reads the request glassbox wrote (the data, the sizes and activations of the
model, the initial state dict, the loss and the optimizer settings), builds
the notebooks' torch.nn twin from nn.Linear layers, loads the initial weights,
and writes what the notebooks print about it: the validation predictions
before training, the validation loss, the epoch log of the notebooks'
`TorchSequential.fit` / `TorchLinearRegression.fit` loop (zero_grad, forward,
loss, backward, step over batches x[i:i+B] in order; the epoch's loss is the
mean of its batch losses; then the loss on the validation rows), the
predictions after training and the final state dict.

The classification notebook's model ends in a Softmax layer trained with its
own cross-entropy; its twin drops the Softmax and trains with
nn.CrossEntropyLoss, which applies log-softmax itself (on one-hot probability
targets). The twin then reports both its raw outputs (logits) and their
softmax, as the notebook compares both.

Arrays travel as {"shape": [...], "f64": base64 of little-endian float64}.
"""

import base64
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "softmax": lambda: nn.Softmax(dim=1),
    "logSoftmax": lambda: nn.LogSoftmax(dim=1),
    "leakyRelu": nn.LeakyReLU,
    "gelu": nn.GELU,
    "softplus": nn.Softplus,  # beta 1, threshold 20, as glassbox's "softplus"
    "elu": nn.ELU,  # alpha 1, as glassbox's "elu"
}


def decode(a, dtype):
    values = np.frombuffer(base64.b64decode(a["f64"]), dtype="<f8").copy()
    return torch.from_numpy(values.reshape(a["shape"])).to(dtype)


def encode(t):
    t = t.detach().to(torch.float64).contiguous()
    return {"shape": list(t.shape), "f64": base64.b64encode(t.numpy().astype("<f8").tobytes()).decode("ascii")}


def build(sizes, activations, dtype):
    """nn.Sequential(Linear, act, Linear, act, ..., Linear): keys 0.weight, 2.weight, ... as glassbox's mlp()."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=dtype))
        if i < len(sizes) - 2 and activations[i] != "identity":  # mlp() adds no layer for identity
            layers.append(ACTIVATIONS[activations[i]]())
    return nn.Sequential(*layers)


def make_optimizer(o, params):
    decay = {} if o["weightDecay"] is None else {"weight_decay": o["weightDecay"]}
    if o["name"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], **decay)
    if o["name"] == "adam":
        return torch.optim.Adam(params, lr=o["lr"], **decay)
    if o["name"] == "adamw":
        return torch.optim.AdamW(params, lr=o["lr"], **decay)
    raise ValueError(f"optimizer {o['name']} has no twin")


def log_line(style, epoch, loss, valid):
    if style == "mse":  # notebooks 1.1 and 1.2
        return f"epoch: {epoch} - MSE: {round(loss, 4)} - MSE_v: {round(valid, 4)}"
    return "Epoch: {} - L: {:.4f} - L_v {:.4f}".format(epoch, loss, valid)


def outputs(model, x, softmax_too):
    with torch.no_grad():
        out = model(x)
    result = {"predictions": encode(out)}
    if softmax_too:
        result["softmax"] = encode(torch.softmax(out, dim=1))
    return result


def run_twin(request):
    dtype = torch.float32 if request["dtype"] == "float32" else torch.float64
    loss_name = request["loss"]
    xt, xv = decode(request["xTrain"], dtype), decode(request["xValid"], dtype)
    if loss_name == "cross-entropy":
        yt, yv = decode(request["yTrain"], torch.float64).long(), decode(request["yValid"], torch.float64).long()
    else:
        yt, yv = decode(request["yTrain"], dtype), decode(request["yValid"], dtype)
    loss_fn = nn.MSELoss() if loss_name == "mse" else nn.CrossEntropyLoss()
    softmax_too = loss_name == "categorical-cross-entropy"
    model = build(request["sizes"], request["activations"], dtype)
    model.load_state_dict({k: decode(v, dtype) for k, v in request["initial"].items()})

    def evaluate():
        with torch.no_grad():
            return loss_fn(model(xv), yv).item()

    before = outputs(model, xv, softmax_too)
    initial_loss = evaluate()
    opt = make_optimizer(request["optimizer"], model.parameters())
    batch, n = request["batchSize"], xt.shape[0]
    history, log = [], []
    for epoch in range(request["epochs"]):
        losses = []
        for i in range(0, n, batch):
            opt.zero_grad()
            value = loss_fn(model(xt[i:i + batch]), yt[i:i + batch])
            losses.append(value.item())
            value.backward()
            opt.step()
        loss = sum(losses) / len(losses)
        valid = evaluate()
        history.append({"epoch": epoch, "loss": loss, "validLoss": valid})
        log.append(log_line(request["log"], epoch, loss, valid))
    return {
        "torch": torch.__version__,
        "before": before,
        "initialLoss": initial_loss,
        "history": history,
        "log": log,
        "after": outputs(model, xv, softmax_too),
        "final": {k: encode(v) for k, v in model.state_dict().items()},
    }


def json_safe(value):
    """The response with every non-finite float as the string "NaN", "Infinity"
    or "-Infinity" (JSON has no such numbers; twin.ts turns them back)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def main():
    if len(sys.argv) != 3:
        print("usage: torch_twin.py request.json response.json", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        request = json.load(f)
    response = run_twin(request)
    with open(sys.argv[2], "w") as f:
        json.dump(json_safe(response), f, allow_nan=False)


if __name__ == "__main__":
    main()
