"""Golden fixtures for @glassbox/datasets, from scikit-learn 1.2 / NumPy 1.24.

Writes tests/golden/datasets_{regression,classification,blobs,moons,circles,
split,notebooks}.json. Each case stores the TypeScript options (camelCase) and
scikit-learn's output. Large outputs store a subset of rows ("rows": their
indices) plus the exact (math.fsum) sum of every column, which the tests
recompute exactly (row sums instead when a row is wider than 64 values).

The matrix products inside make_regression / make_classification go through
OpenBLAS, whose summation order depends on the CPU kernel and the thread
count: these fixtures come from OpenBLAS 0.3.21 with its SkylakeX kernels
(an AVX-512 CPU); each case pins the thread count with threadpoolctl and
records it as the `blasThreads` option. np.sin / np.cos use NumPy's SVML
kernels on that CPU.
"""

import math
import os
import sys

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_classification, make_moons, make_regression
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402

FULL_LIMIT = 2500  # store every value of outputs up to this size


def snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def table(values, full_limit=FULL_LIMIT):
    """Full values, or a subset of rows plus exact (fsum) sums of every column or, when wide, every row."""
    a = np.asarray(values, dtype=np.float64)
    if a.size <= full_limit:
        return {"values": a}
    n = a.shape[0]
    cols = a.reshape(n, -1)
    width = cols.shape[1]
    spread = max(2, 2000 // width)  # about 2000 stored values, rows spread over the matrix
    rows = sorted(set([0, n // 2, n - 1] + list(range(0, n, max(1, n // spread)))))
    out = {"shape": list(a.shape), "rows": rows, "values": a[rows]}
    if width <= 64:
        out["columnSums"] = [math.fsum(cols[:, j]) for j in range(width)]
    else:
        out["rowSums"] = [math.fsum(cols[i, :]) for i in range(n)]
    return out


def sk_options(options):
    return {snake(k): (tuple(v) if k == "centerBox" else v) for k, v in options.items() if k != "blasThreads"}


def regression_case(name, options, threads=2):
    opts = dict(options, blasThreads=threads)
    with threadpool_limits(threads):
        out = make_regression(**sk_options(opts), coef=True)
    X, y, coef = out
    return {"name": name, "options": opts, "X": table(X), "y": table(y), "coef": table(coef)}


def classification_case(name, options, threads=2):
    opts = dict(options, blasThreads=threads)
    with threadpool_limits(threads):
        X, y = make_classification(**sk_options(opts))
    return {"name": name, "options": opts, "X": table(X), "y": table(y)}


def regression_cases():
    specs = [
        ("defaults", {"randomState": 0}),
        ("small", {"nSamples": 50, "nFeatures": 5, "nInformative": 3, "randomState": 1}),
        ("nInformative > nFeatures", {"nSamples": 20, "nFeatures": 10, "nInformative": 20, "randomState": 2}),
        ("noise and bias", {"nSamples": 30, "nFeatures": 8, "noise": 0.5, "bias": 3.5, "randomState": 3}),
        ("three targets", {"nSamples": 40, "nFeatures": 6, "nTargets": 3, "nInformative": 5, "noise": 1,
                           "randomState": 4}),
        ("shuffle false", {"nSamples": 25, "nFeatures": 7, "nInformative": 4, "shuffle": False, "randomState": 5}),
        ("two targets", {"nSamples": 30, "nFeatures": 9, "nTargets": 2, "randomState": 6}),
        ("no informative", {"nSamples": 10, "nFeatures": 4, "nInformative": 0, "noise": 2, "randomState": 7}),
        ("one sample (ddot)", {"nSamples": 1, "nFeatures": 40, "nInformative": 40, "randomState": 8}),
        ("one sample, targets (dgemv_n)", {"nSamples": 1, "nFeatures": 7, "nTargets": 3, "randomState": 9}),
        ("one feature", {"nSamples": 12, "nFeatures": 1, "randomState": 10}),
        ("one feature, targets", {"nSamples": 12, "nFeatures": 1, "nTargets": 4, "randomState": 11}),
        ("one by one", {"nSamples": 1, "nFeatures": 1, "randomState": 12}),
        ("small kernel, 8 k-lanes", {"nSamples": 30, "nFeatures": 20, "nInformative": 20, "nTargets": 3,
                                     "randomState": 13}),
        ("small kernel, K 40", {"nSamples": 30, "nFeatures": 40, "nInformative": 35, "nTargets": 2,
                                "randomState": 14}),
        ("small kernel, 4 remainder rows", {"nSamples": 21, "nFeatures": 24, "nInformative": 24, "nTargets": 4,
                                           "randomState": 15}),
        ("small kernel, M 5", {"nSamples": 25, "nFeatures": 17, "nInformative": 17, "nTargets": 5,
                               "randomState": 16}),
        ("small kernel, M 9", {"nSamples": 13, "nFeatures": 16, "nInformative": 16, "nTargets": 9,
                               "randomState": 17}),
        ("dgemv split between threads", {"nSamples": 1003, "nFeatures": 11, "nInformative": 11,
                                          "randomState": 18}),
        ("wide dgemv", {"nSamples": 5000, "nFeatures": 50, "nInformative": 50, "noise": 3, "randomState": 19}),
        ("2048-feature blocks", {"nSamples": 5, "nFeatures": 2100, "nInformative": 2100, "randomState": 20}),
        ("packed dgemm, threads", {"nSamples": 40000, "nFeatures": 7, "nInformative": 7, "nTargets": 8,
                                   "randomState": 21}),
        ("packed dgemm, K blocks", {"nSamples": 400, "nFeatures": 800, "nInformative": 800, "nTargets": 4,
                                    "randomState": 22}),
        ("packed dgemm, N steps", {"nSamples": 90000, "nFeatures": 6, "nInformative": 6, "nTargets": 4,
                                   "randomState": 23}),
        ("packed dgemm, M blocks", {"nSamples": 700, "nFeatures": 10, "nTargets": 200, "randomState": 27}),
        ("noise, two targets, no shuffle", {"nSamples": 15, "nFeatures": 3, "nTargets": 2, "noise": 0.7,
                                            "shuffle": False, "randomState": 26}),
        ("largest seed", {"nSamples": 20, "nFeatures": 5, "randomState": 4294967295}),
        ("negative bias, loud noise", {"nSamples": 20, "nFeatures": 5, "bias": -12.25, "noise": 10,
                                       "randomState": 28}),
        ("many targets", {"nSamples": 8, "nFeatures": 4, "nTargets": 12, "randomState": 29}),
        ("odd sizes", {"nSamples": 37, "nFeatures": 13, "nInformative": 13, "nTargets": 7, "randomState": 30}),
    ]
    cases = [regression_case(n, o) for n, o in specs]
    cases.append(regression_case("dgemv split, one thread", specs[18][1], threads=1))
    cases.append(regression_case("packed dgemm, one thread", specs[21][1], threads=1))
    cases.append(regression_case("packed dgemm, three threads", specs[21][1], threads=3))
    cases.append(regression_case("dgemv split, three threads", specs[18][1], threads=3))
    # effective_rank: QR and SVML exp, compared within a tolerance.
    for name, o in [("effectiveRank", {"nSamples": 50, "nFeatures": 20, "effectiveRank": 5, "randomState": 24}),
                    ("effectiveRank, wide", {"nSamples": 30, "nFeatures": 40, "nTargets": 2, "effectiveRank": 3,
                                             "tailStrength": 0.1, "noise": 0.1, "randomState": 25})]:
        case = regression_case(name, o)
        case["tolerance"] = True
        cases.append(case)
    return cases


def classification_cases():
    specs = [
        ("defaults", {"randomState": 0}),
        ("three classes", {"nSamples": 50, "nFeatures": 5, "nInformative": 3, "nRedundant": 1, "nRepeated": 1,
                           "nClasses": 3, "nClustersPerClass": 1, "randomState": 1}),
        ("weights for nClasses - 1", {"nSamples": 60, "weights": [0.9], "randomState": 2}),
        ("weights", {"nSamples": 80, "nInformative": 3, "nClasses": 3, "weights": [0.2, 0.3, 0.5],
                     "randomState": 3}),
        ("flipY 0", {"nSamples": 40, "flipY": 0.0, "randomState": 4}),
        ("flipY 0.5", {"nSamples": 40, "flipY": 0.5, "randomState": 5}),
        ("hypercube false", {"nSamples": 40, "nFeatures": 6, "hypercube": False, "randomState": 6}),
        ("shuffle false", {"nSamples": 40, "nFeatures": 6, "shuffle": False, "randomState": 7}),
        ("shift and scale null", {"nSamples": 40, "nFeatures": 6, "shift": None, "scale": None, "randomState": 8}),
        ("scalar shift and scale", {"nSamples": 40, "nFeatures": 6, "shift": 2.5, "scale": 0.5, "randomState": 9}),
        ("per-feature shift and scale", {"nSamples": 30, "nFeatures": 4, "shift": [1, -2, 0.5, 3],
                                         "scale": [2, 0.25, 1, 10], "randomState": 10}),
        ("classSep 2", {"nSamples": 40, "classSep": 2.0, "randomState": 11}),
        ("one informative feature", {"nSamples": 30, "nFeatures": 3, "nInformative": 1, "nRedundant": 0,
                                     "nClustersPerClass": 1, "randomState": 12}),
        ("one-sample clusters (dgemv_n)", {"nSamples": 10, "nFeatures": 6, "nInformative": 4, "nClasses": 3,
                                           "nClustersPerClass": 3, "randomState": 13}),
        ("one redundant (dgemv)", {"nSamples": 60, "nFeatures": 7, "nInformative": 4, "nRedundant": 1,
                                   "randomState": 14}),
        ("redundant and repeated", {"nSamples": 60, "nFeatures": 10, "nInformative": 4, "nRedundant": 3,
                                    "nRepeated": 2, "randomState": 15}),
        ("20 informative (8 k-lanes, 4 rows)", {"nSamples": 300, "nFeatures": 24, "nInformative": 20,
                                                "nRedundant": 2, "randomState": 16}),
        ("18 informative (2 rows)", {"nSamples": 200, "nFeatures": 20, "nInformative": 18, "nRedundant": 0,
                                     "randomState": 17}),
        ("17 informative", {"nSamples": 123, "nFeatures": 19, "nInformative": 17, "nRedundant": 1,
                            "nClasses": 3, "randomState": 18}),
        ("35 informative (hypercube above 30 bits)", {"nSamples": 100, "nFeatures": 36, "nInformative": 35,
                                                      "nRedundant": 0, "randomState": 19}),
        ("one class", {"nSamples": 30, "nClasses": 1, "randomState": 20}),
        ("packed dgemm for redundant", {"nSamples": 40000, "nFeatures": 16, "nInformative": 10,
                                        "nRedundant": 4, "randomState": 21}),
        ("packed dgemm for covariance", {"nSamples": 30000, "nFeatures": 12, "nInformative": 12,
                                         "nRedundant": 0, "nClustersPerClass": 1, "randomState": 22}),
        ("no useless features", {"nSamples": 40, "nFeatures": 7, "nInformative": 3, "nRedundant": 2,
                                 "nRepeated": 2, "randomState": 23}),
        ("four classes", {"nSamples": 80, "nFeatures": 5, "nInformative": 3, "nRedundant": 0, "nClasses": 4,
                          "randomState": 24}),
        ("weights summing below 1", {"nSamples": 50, "weights": [0.1, 0.1], "randomState": 25}),
        ("one sample (2-column dgemv_n)", {"nSamples": 1, "nFeatures": 8, "nInformative": 5, "nRedundant": 2,
                                           "nRepeated": 1, "randomState": 26}),
        ("two samples", {"nSamples": 2, "nFeatures": 2, "nRedundant": 0, "randomState": 27}),
        ("largest seed", {"nSamples": 20, "randomState": 4294967295}),
        ("all vertices (reservoir sampling)", {"nSamples": 64, "nFeatures": 5, "nInformative": 3,
                                               "nClasses": 4, "nClustersPerClass": 2, "randomState": 28}),
        ("dgemv split between threads", {"nSamples": 2000, "nFeatures": 8, "nInformative": 5, "nRedundant": 1,
                                         "randomState": 29}),
    ]
    cases = [classification_case(n, o) for n, o in specs]
    cases.append(classification_case("packed dgemm for redundant, one thread", specs[21][1], threads=1))
    cases.append(classification_case("packed dgemm for covariance, one thread", specs[22][1], threads=1))
    cases.append(classification_case("one sample (3-column dgemv_n)", {"nSamples": 1, "nFeatures": 30, "nInformative": 24,
                                                                       "nRedundant": 3, "randomState": 31}))
    return cases


def blobs_cases():
    specs = [
        {"randomState": 0},
        {"nSamples": 10, "centers": 3, "nFeatures": 2, "randomState": 0},
        {"nSamples": [3, 3, 4], "nFeatures": 2, "randomState": 0},
        {"nSamples": 20, "centers": [[0, 0], [5, 5], [-5, 5]], "randomState": 1},
        {"nSamples": [5, 10], "centers": [[1, 2, 3], [-1, -2, -3]], "randomState": 2},
        {"nSamples": 30, "centers": 4, "clusterStd": [0.5, 1, 2, 0.1], "randomState": 3},
        {"nSamples": 25, "centerBox": [0, 1], "randomState": 4},
        {"nSamples": 25, "shuffle": False, "randomState": 5},
        {"nSamples": 40, "nFeatures": 5, "centers": 2, "randomState": 6},
        {"nSamples": 7, "centers": 1, "randomState": 7},
        {"nSamples": 12, "clusterStd": 0, "randomState": 8},
        {"nSamples": 1, "randomState": 9},
        {"nSamples": 11, "centers": 5, "randomState": 10},
        {"nSamples": [0, 4, 2], "randomState": 11},
        {"nSamples": 50, "nFeatures": 3, "clusterStd": 2.5, "centerBox": [-1, 1], "randomState": 12},
    ]
    specs += [{"nSamples": 9 + s, "centers": 1 + s % 4, "nFeatures": 1 + s % 3, "randomState": 100 + s}
              for s in range(20)]
    cases = []
    for o in specs:
        X, y, centers = make_blobs(**sk_options(o), return_centers=True)
        cases.append({"options": o, "X": table(X), "y": table(y), "centers": table(centers)})
    return cases


def two_class_cases(fn, extra):
    specs = []
    for i, n in enumerate([1, 2, 3, 4, 7, 10, 100, [5, 7], [0, 4], [3, 0], 250]):
        specs.append({"nSamples": n, "shuffle": False, **extra[i % len(extra)]})
        specs.append({"nSamples": n, "randomState": i, **extra[(i + 1) % len(extra)]})
        specs.append({"nSamples": n, "noise": 0.1 * (i + 1), "randomState": 50 + i, **extra[(i + 2) % len(extra)]})
    cases = []
    for o in specs:
        kw = sk_options(o)
        if isinstance(kw["n_samples"], list):
            kw["n_samples"] = tuple(kw["n_samples"])
        X, y = fn(**kw)
        cases.append({"options": o, "X": table(X), "y": table(y)})
    return cases


def split_cases():
    cases = []

    def add(n, options, labels=None):
        kw = {snake(k): v for k, v in options.items()}
        x = np.arange(n)
        if labels is not None:
            kw["stratify"] = np.array(labels)
            options = dict(options, stratify=labels)
        train, test = train_test_split(x, **kw)
        cases.append({"n": n, "options": options, "train": train, "test": test})

    add(10, {"testSize": 0.3, "randomState": 42})
    add(10, {"randomState": 0})
    add(100, {"testSize": 0.2, "randomState": 1})
    add(100, {"testSize": 17, "randomState": 2})
    add(100, {"trainSize": 0.6, "randomState": 3})
    add(100, {"trainSize": 55, "testSize": 20, "randomState": 4})
    add(100, {"trainSize": 0.5, "testSize": 0.25, "randomState": 5})
    add(7, {"testSize": 0.5, "randomState": 6})
    add(2, {"testSize": 1, "randomState": 7})
    add(1000, {"testSize": 0.333, "randomState": 8})
    add(30, {"testSize": 0.2, "shuffle": False})
    add(30, {"trainSize": 10, "testSize": 5, "shuffle": False})
    add(50, {"testSize": 0.2, "randomState": 4294967295})
    rs = np.random.RandomState(0)
    for i, (n, k, size) in enumerate([(20, 2, 0.25), (30, 3, 0.2), (100, 4, 0.3), (11, 2, 0.45), (40, 5, 10),
                                      (60, 3, 0.5), (25, 2, 0.2), (1000, 7, 0.1), (9, 3, 3), (50, 2, 0.02 * 25)]):
        labels = [int(v) for v in rs.randint(0, k, n)]
        for c in range(k):  # every class at least twice
            labels[2 * c] = labels[2 * c + 1] = c
        add(n, {"testSize": size, "randomState": 10 + i}, labels)
    # ties in _approximate_mode, string labels, unbalanced classes
    add(12, {"testSize": 0.5, "randomState": 30}, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
    add(10, {"testSize": 3, "randomState": 31}, ["b", "a", "b", "c", "a", "c", "b", "a", "c", "b"])
    add(40, {"testSize": 0.25, "randomState": 32}, [0] * 34 + [1] * 6)
    add(15, {"trainSize": 0.4, "testSize": 0.4, "randomState": 33}, [1, 2, 3] * 5)
    add(24, {"testSize": 0.5, "randomState": 34}, [5, 5, 7, 7, 9, 9] * 4)
    add(30, {"testSize": 7, "trainSize": 13, "randomState": 35}, [0, 1] * 15)
    add(16, {"testSize": 0.25, "randomState": 36}, [-1.5, 2.25] * 8)
    return cases


def notebooks():
    with threadpool_limits(2):
        X, y, coef = make_regression(n_samples=10100, n_features=6, n_targets=3, n_informative=5, noise=1,
                                     random_state=0, coef=True)
    Xc, yc = make_classification(n_samples=1100, n_features=5, n_classes=3, n_informative=4, n_redundant=0,
                                 random_state=0)
    return [
        {"name": "make_regression 10100x6 -> 3, n_informative 5, noise 1",
         "options": {"nSamples": 10100, "nFeatures": 6, "nTargets": 3, "nInformative": 5, "noise": 1,
                     "randomState": 0, "coef": True, "blasThreads": 2},
         "X": table(X, 10 ** 7), "y": table(y, 10 ** 7), "coef": table(coef)},
        {"name": "make_classification 1100x5, 3 classes, n_informative 4, n_redundant 0",
         "options": {"nSamples": 1100, "nFeatures": 5, "nClasses": 3, "nInformative": 4, "nRedundant": 0,
                     "randomState": 0, "blasThreads": 2},
         "X": table(Xc, 10 ** 7), "y": table(yc, 10 ** 7)},
    ]


def main():
    blas = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
    arch = blas[0].get("architecture") if blas else None
    if arch != "SkylakeX":
        print(f"warning: OpenBLAS kernel is {arch!r}, not 'SkylakeX'; products may differ in the last bit")
    meta = {"sklearn": __import__("sklearn").__version__, "numpy": np.__version__,
            "openblas": blas[0].get("version") if blas else None, "architecture": arch}
    write_fixture("datasets_regression", {"meta": meta, "cases": regression_cases()})
    write_fixture("datasets_classification", {"meta": meta, "cases": classification_cases()})
    write_fixture("datasets_blobs", {"meta": meta, "cases": blobs_cases()})
    write_fixture("datasets_moons", {"meta": meta, "cases": two_class_cases(make_moons, [{}])})
    write_fixture("datasets_circles", {"meta": meta, "cases": two_class_cases(
        make_circles, [{"factor": 0.8}, {"factor": 0.3}, {"factor": 0.0}, {"factor": 0.95}])})
    write_fixture("datasets_split", {"meta": meta, "cases": split_cases()})
    write_fixture("datasets_notebooks", {"meta": meta, "cases": notebooks()})


if __name__ == "__main__":
    main()
