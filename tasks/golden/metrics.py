"""Metrics from scikit-learn (and the notebooks' MAPE from NumPy).

Regression: mean_squared_error (squared True and False for rmse),
mean_absolute_error and r2_score with every multioutput mode, constant
columns and force_finite; the notebooks' modified MAPE written in NumPy.
Classification: accuracy_score, confusion_matrix and
precision_recall_fscore_support (macro, micro, weighted, binary; per class;
zero_division 0 and 1; absent labels), from integer labels or from scores
whose row-wise argmax is the label. Options are stored under glassbox's
camelCase names. Writes tests/golden/metrics.json.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn import metrics as skm

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402


def arr(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": a.flatten()}


def notebook_mape(pred, truth):
    """The notebooks' modified MAPE: |(t - p) / t|, or |p| where t == 0; mean x 100."""
    pred, truth = np.asarray(pred, np.float64), np.asarray(truth, np.float64)
    safe = np.where(truth == 0, 1.0, truth)
    err = np.where(truth == 0, np.abs(pred), np.abs((truth - pred) / safe))
    return float(np.mean(err) * 100)


def as_labels(x):
    x = np.asarray(x)
    return x.argmax(1) if x.ndim == 2 else x.astype(np.int64)


def main():
    rng = np.random.RandomState(4)
    cases = []

    def add(name, metric, pred, truth, options, expected):
        cases.append({"name": name, "metric": metric, "pred": arr(pred), "truth": arr(truth),
                      "options": options, "expected": expected})

    # Regression data: one output, three outputs, a constant truth column, a perfect column.
    y1 = rng.randn(25) * 3 + 1
    p1 = y1 + rng.randn(25) * 0.8
    y3 = rng.randn(20, 3) * np.array([1.0, 10.0, 0.1]) + np.array([0.0, 50.0, -2.0])
    p3 = y3 + rng.randn(20, 3) * np.array([0.5, 4.0, 0.2])
    yc = np.column_stack([rng.randn(10), np.full(10, 2.5), np.full(10, -1.0), rng.randn(10)])
    pc = np.column_stack([yc[:, 0] + 0.3 * rng.randn(10), yc[:, 1] + 0.1 * rng.randn(10), yc[:, 2],
                          yc[:, 3]])
    regression = [("1 output", p1, y1), ("3 outputs", p3, y3), ("constant columns", pc, yc)]
    weights = {3: [0.2, 1.0, 3.0], 4: [1.0, 0.0, 2.0, 0.5]}

    for label, p, y in regression:
        k = 1 if y.ndim == 1 else y.shape[1]
        # scikit-learn refuses custom weights for a single output.
        for mo in ["uniform_average", "raw_values"] + ([weights[k]] if k > 1 else []):
            sk_mo = np.asarray(mo) if isinstance(mo, list) else mo
            tag = "weights" if isinstance(mo, list) else mo
            add(f"mse {label} {tag}", "mse", p, y, {"multioutput": mo},
                skm.mean_squared_error(y, p, multioutput=sk_mo))
            add(f"rmse {label} {tag}", "rmse", p, y, {"multioutput": mo},
                skm.mean_squared_error(y, p, multioutput=sk_mo, squared=False))
            add(f"mae {label} {tag}", "mae", p, y, {"multioutput": mo},
                skm.mean_absolute_error(y, p, multioutput=sk_mo))
        for mo in ["uniform_average", "raw_values", "variance_weighted"] + ([weights[k]] if k > 1 else []):
            sk_mo = np.asarray(mo) if isinstance(mo, list) else mo
            tag = "weights" if isinstance(mo, list) else mo
            for force in [True, False]:
                add(f"r2Score {label} {tag} forceFinite={force}", "r2Score", p, y,
                    {"multioutput": mo, "forceFinite": force},
                    skm.r2_score(y, p, multioutput=sk_mo, force_finite=force))
    all_constant = np.full((6, 2), 3.0)
    add("r2Score all columns constant variance_weighted", "r2Score", all_constant + np.array([0.0, 0.5]),
        all_constant, {"multioutput": "variance_weighted"},
        skm.r2_score(all_constant, all_constant + np.array([0.0, 0.5]), multioutput="variance_weighted"))

    # MAPE, the notebook formula, with zeros in the truth.
    t_m = rng.randn(30) * 5
    t_m[[3, 11, 17]] = 0.0
    p_m = t_m + rng.randn(30)
    add("mape with zeros in truth", "mape", p_m, t_m, {}, notebook_mape(p_m, t_m))
    t_m2 = rng.rand(4, 3) * 100 + 1
    p_m2 = t_m2 * (1 + 0.1 * rng.randn(4, 3))
    add("mape [4, 3]", "mape", p_m2, t_m2, {}, notebook_mape(p_m2, t_m2))
    add("mape all truth zero", "mape", np.array([0.5, -2.0]), np.zeros(2), {},
        notebook_mape(np.array([0.5, -2.0]), np.zeros(2)))

    # Classification: 4 classes as labels, as scores, and a binary problem.
    truth4 = rng.randint(0, 4, 40)
    pred4 = np.where(rng.rand(40) < 0.6, truth4, rng.randint(0, 4, 40))
    scores4 = rng.randn(40, 4)
    scores4[np.arange(40), pred4] += 3.0  # argmax is pred4
    assert (scores4.argmax(1) == pred4).all()
    onehot4 = np.eye(4)[truth4]
    truth_skew = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 0])  # class 3 never true
    pred_skew = np.array([0, 1, 0, 1, 3, 2, 2, 0, 2, 0])  # class 3 predicted once
    truth_b = rng.randint(0, 2, 30)
    pred_b = np.where(rng.rand(30) < 0.7, truth_b, 1 - truth_b)
    classification = [
        ("labels", pred4, truth4),
        ("scores vs one-hot", scores4, onehot4),
        ("skewed", pred_skew, truth_skew),
        ("binary", pred_b, truth_b),
    ]
    for label, p, t in classification:
        pl, tl = as_labels(p), as_labels(t)
        add(f"accuracy {label}", "accuracy", p, t, {}, skm.accuracy_score(tl, pl))
        add(f"accuracy {label} count", "accuracy", p, t, {"normalize": False},
            float(skm.accuracy_score(tl, pl, normalize=False)))
        add(f"confusionMatrix {label}", "confusionMatrix", p, t, {}, skm.confusion_matrix(tl, pl))
        classes = sorted(set(tl) | set(pl))
        averages = ["macro", "micro", "weighted"] + (["binary"] if len(classes) <= 2 else [])
        for average in averages:
            for zd in [0, 1]:
                extra = {}
                if average == "binary":
                    extra = {"pos_label": 1}
                prf = skm.precision_recall_fscore_support(tl, pl, average=average, zero_division=zd, **extra)
                per = skm.precision_recall_fscore_support(tl, pl, average=None, labels=classes, zero_division=zd)
                add(f"precisionRecallF1 {label} {average} zeroDivision={zd}", "precisionRecallF1", p, t,
                    {"average": average, "zeroDivision": zd},
                    {"precision": prf[0], "recall": prf[1], "f1": prf[2], "labels": classes,
                     "perClass": {"precision": per[0], "recall": per[1], "f1": per[2], "support": per[3]}})
    # Labels given: an order, an absent class, a subset; binary with posLabel 0.
    for labels in ([3, 1, 0, 2, 5], [2, 0]):
        add(f"confusionMatrix skewed labels {labels}", "confusionMatrix", pred_skew, truth_skew,
            {"labels": labels}, skm.confusion_matrix(truth_skew, pred_skew, labels=labels))
        for average in ["macro", "micro", "weighted"]:
            for zd in [0, 1]:
                prf = skm.precision_recall_fscore_support(truth_skew, pred_skew, average=average, labels=labels,
                                                          zero_division=zd)
                per = skm.precision_recall_fscore_support(truth_skew, pred_skew, average=None, labels=labels,
                                                          zero_division=zd)
                add(f"precisionRecallF1 skewed labels {labels} {average} zeroDivision={zd}", "precisionRecallF1",
                    pred_skew, truth_skew, {"average": average, "zeroDivision": zd, "labels": labels},
                    {"precision": prf[0], "recall": prf[1], "f1": prf[2], "labels": labels,
                     "perClass": {"precision": per[0], "recall": per[1], "f1": per[2], "support": per[3]}})
    for zd in [0, 1]:
        # Weighted over classes with no true sample: scikit-learn's special case.
        for labels in ([3], [5]):
            prf = skm.precision_recall_fscore_support(truth_skew, pred_skew, average="weighted", labels=labels,
                                                      zero_division=zd)
            per = skm.precision_recall_fscore_support(truth_skew, pred_skew, average=None, labels=labels,
                                                      zero_division=zd)
            add(f"precisionRecallF1 weighted no support labels {labels} zeroDivision={zd}", "precisionRecallF1",
                pred_skew, truth_skew, {"average": "weighted", "zeroDivision": zd, "labels": labels},
                {"precision": prf[0], "recall": prf[1], "f1": prf[2], "labels": labels,
                 "perClass": {"precision": per[0], "recall": per[1], "f1": per[2], "support": per[3]}})
        prf = skm.precision_recall_fscore_support(truth_b, pred_b, average="binary", pos_label=0, zero_division=zd)
        per = skm.precision_recall_fscore_support(truth_b, pred_b, average=None, labels=[0, 1], zero_division=zd)
        add(f"precisionRecallF1 binary posLabel 0 zeroDivision={zd}", "precisionRecallF1", pred_b, truth_b,
            {"average": "binary", "zeroDivision": zd, "posLabel": 0},
            {"precision": prf[0], "recall": prf[1], "f1": prf[2], "labels": [0, 1],
             "perClass": {"precision": per[0], "recall": per[1], "f1": per[2], "support": per[3]}})
        # Binary where the positive class is never predicted nor true.
        zeros = np.zeros(5, dtype=np.int64)
        prf = skm.precision_recall_fscore_support(zeros, zeros, average="binary", zero_division=zd)
        per = skm.precision_recall_fscore_support(zeros, zeros, average=None, labels=[0], zero_division=zd)
        add(f"precisionRecallF1 binary positive class absent zeroDivision={zd}", "precisionRecallF1", zeros, zeros,
            {"average": "binary", "zeroDivision": zd},
            {"precision": prf[0], "recall": prf[1], "f1": prf[2], "labels": [0],
             "perClass": {"precision": per[0], "recall": per[1], "f1": per[2], "support": per[3]}})
    write_fixture("metrics", {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases})
    print(f"{len(cases)} cases")


if __name__ == "__main__":
    main()
