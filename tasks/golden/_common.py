"""Shared helpers for the golden-fixture generators.

Every generator writes JSON with floats printed to 17 significant digits, so
each value round-trips exactly to the float64 the reference library produced
(float32 results are widened to float64 first, which is exact).
"""

import json
import math
import os
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN_DIR = os.path.join(ROOT, "tests", "golden")


def _encode(value):
    """Turns numpy / torch values into plain Python containers."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().double().numpy() if value.is_floating_point() else value.cpu().numpy()
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


class _Float17(float):
    def __repr__(self):
        if math.isnan(self):
            return '"NaN"'
        if math.isinf(self):
            return '"Infinity"' if self > 0 else '"-Infinity"'
        return format(float(self), ".17g")


def _wrap_floats(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return _Float17(value)
    if isinstance(value, dict):
        return {k: _wrap_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wrap_floats(v) for v in value]
    return value


def _dumps(value):
    """JSON text with every float printed by _Float17.__repr__ (17 significant digits)."""
    if isinstance(value, _Float17):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + _dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    return json.dumps(value)


def write_fixture(name, payload):
    """Writes tests/golden/<name>.json atomically (temp file + rename)."""
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    text = _dumps(_wrap_floats(_encode(payload)))
    path = os.path.join(GOLDEN_DIR, name + ".json")
    fd, tmp = tempfile.mkstemp(dir=GOLDEN_DIR, prefix="." + name, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({len(text)} bytes)")
