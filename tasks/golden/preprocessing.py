"""StandardScaler and LabelEncoder from scikit-learn.

StandardScaler (dense float64, C order, no sample weights): mean_, var_,
scale_ and fit_transform / transform / inverse_transform outputs on data of
very different scales, a large offset (where a one-pass variance would lose
digits), a constant column, a near-constant column (flagged constant by
scikit-learn's error bound), with_mean=False and with_std=False. LabelEncoder:
classes_ and transform of string labels (code-unit order) and numeric labels.
Writes tests/golden/preprocessing.json.
"""

import os
import sys

import numpy as np
import sklearn
from sklearn.preprocessing import LabelEncoder, StandardScaler

sys.path.insert(0, os.path.dirname(__file__))
from _common import write_fixture  # noqa: E402


def arr(a):
    a = np.ascontiguousarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": a.flatten()}


def main():
    rng = np.random.RandomState(7)
    scalers = []

    def add(name, x, new, with_mean=True, with_std=True):
        x = np.ascontiguousarray(x, dtype=np.float64)
        new = np.ascontiguousarray(new, dtype=np.float64)
        s = StandardScaler(with_mean=with_mean, with_std=with_std)
        z = s.fit_transform(x.copy())
        scalers.append({
            "name": name,
            "options": {"withMean": with_mean, "withStd": with_std},
            "x": arr(x),
            "new": arr(new),
            "mean": s.mean_,
            "var": None if s.var_ is None else s.var_,
            "scale": None if s.scale_ is None else s.scale_,
            "fitTransform": arr(z),
            "transformNew": arr(s.transform(new.copy())),
            "inverseNew": arr(s.inverse_transform(new.copy())),
        })

    scales = np.array([1e-3, 1.0, 250.0, 1e6])
    x = rng.randn(137, 4) * scales + np.array([0.0, -3.0, 1e4, 5e7])
    add("scales 1e-3 to 1e6, offsets up to 5e7", x, rng.randn(9, 4) * scales)
    near = np.column_stack([
        np.full(50, 3.7),  # constant
        1e9 + rng.randint(0, 2, 50) * 1e-7,  # near-constant: below the error bound
        rng.rand(50),
        np.linspace(-1, 1, 50),
    ])
    add("constant and near-constant columns", near, rng.randn(5, 4))
    add("one row", rng.randn(1, 3), rng.randn(2, 3))
    small = rng.randn(12, 3) * 4 + 2
    add("withMean false", small, rng.randn(4, 3), with_mean=False)
    add("withStd false", small, rng.randn(4, 3), with_std=False)

    encoders = []
    for name, labels, new in [
        ("strings, code-unit order", ["virginica", "setosa", "Zeta", "versicolor", "setosa", "alpha",
                                      "Zeta"], ["alpha", "Zeta", "setosa"]),
        ("integers", [10, -1, 10, 2, 7, -1], [2, -1, 10]),
        ("floats", [0.5, 2.0, -3.25, 0.5], [-3.25, 2.0]),
    ]:
        e = LabelEncoder().fit(labels)
        encoders.append({
            "name": name,
            "labels": labels,
            "new": new,
            "classes": e.classes_.tolist(),
            "transform": e.transform(labels).tolist(),
            "transformNew": e.transform(new).tolist(),
        })

    write_fixture("preprocessing", {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scalers": scalers,
        "encoders": encoders,
    })


if __name__ == "__main__":
    main()
