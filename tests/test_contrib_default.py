"""The Gradients page's per-example contributions are never empty by default (issue 15,
item 9): on the digits the default weight Θ⁽¹⁾₁,₁ reads the corner pixel, 0 in every image,
so the picker moves to the weight with the largest |D|; a weight the student picks is kept."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

GRAD = str(Path(__file__).resolve().parents[1] / "pages" / "3_Gradients.py")


def _open(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(GRAD, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _values(a) -> np.ndarray:
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=np.dtype(a["dtype"])).ravel()
    return np.asarray(a, dtype=float).ravel()


def _contributions(at: AppTest) -> np.ndarray:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("grad_contrib"))
    spec = json.loads(chart.proto.spec)
    return np.concatenate([_values(t["y"]) for t in spec["data"] if "y" in t])


def test_the_digits_default_weight_is_one_that_gets_something():
    at = _open({"preset": "ex4_digits"})
    weight = tuple(at.session_state[k] for k in ("contrib_l", "contrib_j", "contrib_k"))
    assert weight != (1, 1, 1)
    assert np.any(_contributions(at) != 0)


def test_a_picked_weight_is_kept_and_the_default_kept_where_it_shows_something():
    at = _open({})  # the circle: Θ⁽¹⁾₁,₁ reads x₁, never 0 on every example
    assert tuple(at.session_state[k] for k in ("contrib_l", "contrib_j", "contrib_k")) == (1, 1, 1)
    assert np.any(_contributions(at) != 0)
    at = _open({"preset": "ex4_digits"})
    at.number_input(key="w_contrib_j").set_value(3).run()
    at.number_input(key="w_contrib_k").set_value(0).run()
    assert not at.exception
    assert (at.session_state["contrib_j"], at.session_state["contrib_k"]) == (3, 0)
