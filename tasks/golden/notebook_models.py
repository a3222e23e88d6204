"""Golden fixtures for the notebooks' models, from PyTorch 1.13 autograd, float64 and float32.

Every model is built after torch.manual_seed(seed) from nn.Linear layers with
PyTorch's default initialisation, so glassbox's manualSeed(seed) + Dense / mlp
must reproduce the stored initial parameters exactly. Inputs and targets are
drawn after the model, from the same generator. For each model the fixture
holds the initial state dict (nn.Sequential keys: "0.weight" is [out, in]),
the inputs, the targets, the forward output, the loss and, from
torch.autograd.grad, the gradient of the loss with respect to every parameter,
to the input and to the values named below.

- "regression": the 6-32(Tanh)-32(Softmax)-32(Sigmoid)-32(ReLU)-3 MLP of the
  first MLP notebook (each activation after the hidden Linear it names, output
  linear) with nn.MSELoss, on a batch of 333 rows (the notebook's batch size).
- "classifier": the 5-32-32-32-3 ReLU classifier, two ways on the same weights
  and batch: (a) Softmax after the last Linear, then the notebooks' CE
  -sum(y * log p) / m with one-hot y ("softmaxCE"); (b) the logits into
  nn.CrossEntropyLoss with class indices ("crossEntropy"). Both store the
  gradient at the logits (retain_grad), which must agree.
- "logistic": logistic regression: Linear(in, C) -> LogSoftmax -> nn.NLLLoss
  ("logSoftmaxNLL"), and the same logits into nn.CrossEntropyLoss
  ("crossEntropy").
- "backprop": the 1-50-1 sigmoid network of the backprop exercise with
  nn.MSELoss. The notebook is not in this repository; the issue lists
  "z1...z4, yHat, loss", four intermediates before the prediction, which is
  the graph of one elementary operation per step:
      z1 = x W1^T          (Linear 1 without its bias)
      z2 = z1 + b1         (Linear 1: the hidden pre-activation)
      z3 = sigmoid(z2)     (the hidden activation)
      z4 = z3 W2^T         (Linear 2 without its bias)
      yHat = z4 + b2       (Linear 2: the prediction)
      loss = mean((yHat - y)^2)
  (so "linear1, sigmoid, linear2" are z2, z3, yHat). Every intermediate keeps
  its gradient (retain_grad): the deltas dyHat, dz4, dz3, dz2, dz1, and the
  parameter and input deltas db2, dW2, db1, dW1, dx.

Writes tests/golden/notebook_models.json.
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

DTYPES = {"float64": torch.float64, "float32": torch.float32}

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "softmax": lambda: nn.Softmax(dim=1),
    "logSoftmax": lambda: nn.LogSoftmax(dim=1),
}


def sequential(sizes, activations, dtype):
    """nn.Sequential(Linear, act, Linear, act, ..., Linear[, act]) with default init."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out, dtype=dtype))
        if i < len(activations) and activations[i] != "identity":
            layers.append(ACTIVATIONS[activations[i]]())
    return nn.Sequential(*layers)


def linears_directly(seed, sizes, dtype):
    """The same initial weights drawn without nn.Sequential: the draws depend only on the Linear order."""
    torch.manual_seed(seed)
    return [nn.Linear(i, o, dtype=dtype) for i, o in zip(sizes[:-1], sizes[1:])]


def initial_state(model, seed, sizes, dtype):
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for lin, ref in zip(linears, linears_directly(seed, sizes, dtype)):
        assert torch.equal(lin.weight, ref.weight) and torch.equal(lin.bias, ref.bias)
    return state


def gradients(loss, model, extra):
    """d(loss)/d(every parameter) by state-dict name, and d(loss)/d(each extra tensor)."""
    names = [n for n, _ in model.named_parameters()]
    params = [p for _, p in model.named_parameters()]
    grads = torch.autograd.grad(loss, params + list(extra.values()), retain_graph=True)
    return dict(zip(names, grads[:len(names)])), dict(zip(extra.keys(), grads[len(names):]))


def regression_cases():
    sizes, activations = [6, 32, 32, 32, 32, 3], ["tanh", "softmax", "sigmoid", "relu"]
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, batch in [(0, 333), (2024, 17)]:
            torch.manual_seed(seed)
            model = sequential(sizes, activations, dtype)
            state = initial_state(model, seed, sizes, dtype)
            x = (torch.randn(batch, sizes[0], dtype=dtype) * 1.5).requires_grad_()
            y = torch.randn(batch, sizes[-1], dtype=dtype) * 2 + 0.5
            out = model(x)
            loss = nn.MSELoss()(out, y)
            grads, extra = gradients(loss, model, {"x": x, "out": out})
            cases.append({
                "label": f"6-32-32-32-32-3 seed {seed} batch {batch}", "seed": seed, "sizes": sizes,
                "activations": activations, "dtype": dtype_name, "stateDict": state, "x": x,
                "y": y, "out": out, "loss": loss, "grads": grads, "gradX": extra["x"],
                "gradOut": extra["out"],
            })
    return cases


def classifier_cases():
    sizes = [5, 32, 32, 32, 3]
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, batch in [(1, 200), (77, 9)]:
            torch.manual_seed(seed)
            model = sequential(sizes, ["relu", "relu", "relu"], dtype)
            state = initial_state(model, seed, sizes, dtype)
            x = (torch.randn(batch, sizes[0], dtype=dtype) * 2).requires_grad_()
            labels = torch.randint(0, sizes[-1], (batch,))
            one_hot = F.one_hot(labels, sizes[-1]).to(dtype)

            logits = model(x)
            # (a) Softmax output and the notebooks' CE on probabilities.
            probs = nn.Softmax(dim=1)(logits)
            ce = -(one_hot * torch.log(probs)).sum() / batch
            grads_a, extra_a = gradients(ce, model, {"x": x, "logits": logits, "probs": probs})
            # (b) Logits into nn.CrossEntropyLoss with class indices.
            xent = nn.CrossEntropyLoss()(logits, labels)
            grads_b, extra_b = gradients(xent, model, {"x": x, "logits": logits})
            cases.append({
                "label": f"5-32-32-32-3 seed {seed} batch {batch}", "seed": seed, "sizes": sizes,
                "dtype": dtype_name, "stateDict": state, "x": x,
                "labels": labels.double(), "oneHot": one_hot, "logits": logits,
                "softmaxCE": {
                    "probs": probs, "loss": ce, "grads": grads_a, "gradX": extra_a["x"],
                    "gradLogits": extra_a["logits"], "gradProbs": extra_a["probs"],
                },
                "crossEntropy": {
                    "loss": xent, "grads": grads_b, "gradX": extra_b["x"],
                    "gradLogits": extra_b["logits"],
                },
            })
    return cases


def logistic_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, in_features, classes, batch in [(5, 4, 3, 150), (6, 10, 5, 64)]:
            torch.manual_seed(seed)
            linear = nn.Linear(in_features, classes, dtype=dtype)
            model = nn.Sequential(linear, nn.LogSoftmax(dim=1))
            state = initial_state(model, seed, [in_features, classes], dtype)
            x = (torch.randn(batch, in_features, dtype=dtype) * 3).requires_grad_()
            labels = torch.randint(0, classes, (batch,))

            logits = linear(x)
            log_probs = model[1](logits)
            nll = nn.NLLLoss()(log_probs, labels)
            grads_a, extra_a = gradients(nll, model, {"x": x, "logits": logits, "logProbs": log_probs})
            xent = nn.CrossEntropyLoss()(logits, labels)
            grads_b, extra_b = gradients(xent, model, {"x": x, "logits": logits})
            cases.append({
                "label": f"{in_features}->{classes} seed {seed} batch {batch}", "seed": seed,
                "inFeatures": in_features, "classes": classes, "dtype": dtype_name,
                "stateDict": state, "x": x, "labels": labels.double(), "logits": logits,
                "logProbs": log_probs,
                "logSoftmaxNLL": {
                    "loss": nll, "grads": grads_a, "gradX": extra_a["x"],
                    "gradLogits": extra_a["logits"], "gradLogProbs": extra_a["logProbs"],
                },
                "crossEntropy": {
                    "loss": xent, "grads": grads_b, "gradX": extra_b["x"],
                    "gradLogits": extra_b["logits"],
                },
            })
    return cases


def backprop_cases():
    cases = []
    for dtype_name, dtype in DTYPES.items():
        for seed, n in [(3, 100), (42, 7)]:
            torch.manual_seed(seed)
            linear1 = nn.Linear(1, 50, dtype=dtype)
            linear2 = nn.Linear(50, 1, dtype=dtype)
            model = nn.Sequential(linear1, nn.Sigmoid(), linear2)
            state = initial_state(model, seed, [1, 50, 1], dtype)
            x = (torch.rand(n, 1, dtype=dtype) * 4 - 2).requires_grad_()
            y = torch.sin(2 * x.detach()) + 0.1 * torch.randn(n, 1, dtype=dtype)

            w1, b1, w2, b2 = linear1.weight, linear1.bias, linear2.weight, linear2.bias
            z1 = x @ w1.T
            z2 = z1 + b1
            z3 = torch.sigmoid(z2)
            z4 = z3 @ w2.T
            y_hat = z4 + b2
            loss = ((y_hat - y) ** 2).mean()
            for t in (z1, z2, z3, z4, y_hat):
                t.retain_grad()
            loss.backward()
            # The decomposition is exactly what nn.Linear / nn.Sigmoid / nn.MSELoss compute.
            with torch.no_grad():
                assert torch.allclose(model(x), y_hat, rtol=1e-12 if dtype == torch.float64 else 1e-5)
                assert torch.allclose(nn.MSELoss()(model(x), y), loss)
            cases.append({
                "label": f"1-50-1 seed {seed} N {n}", "seed": seed, "dtype": dtype_name,
                "stateDict": state, "x": x, "y": y,
                "z1": z1, "z2": z2, "z3": z3, "z4": z4, "yHat": y_hat, "loss": loss,
                "deltas": {
                    "yHat": y_hat.grad, "z4": z4.grad, "z3": z3.grad, "z2": z2.grad, "z1": z1.grad,
                    "b2": b2.grad, "W2": w2.grad, "b1": b1.grad, "W1": w1.grad, "x": x.grad,
                },
            })
    return cases


def main():
    torch.set_num_threads(1)
    write_fixture("notebook_models", {
        "torch": torch.__version__,
        "regression": regression_cases(),
        "classifier": classifier_cases(),
        "logistic": logistic_cases(),
        "backprop": backprop_cases(),
    })


if __name__ == "__main__":
    main()
