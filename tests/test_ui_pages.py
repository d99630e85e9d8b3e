"""Pages stay thin, and every control at its extremes raises nothing.

A page reads widgets, calls the library, renders: under ~100 lines, no index translation
(``[l - 1]``), no number formatting (``:.4g``), no session-state writes or caching of its own.
Every control the pages draw is then set to its extremes on the biggest network the
Playground allows and on the smallest (no hidden layer), with ``assert not at.exception``.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import ok as _ok

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "lab_ui" / "main.py")
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
EXTREME = {
    "hidden": ",".join(["32"] * 10),
    "acts": ",".join(["sigmoid"] * 10),
    "lambda_": "100",
    "batch": "1",
}


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_a_page_reads_like_a_recipe(path):
    src = path.read_text()
    assert len(src.splitlines()) <= 100, f"{path.name}: {len(src.splitlines())} lines"
    code = "\n".join(line.split("#")[0] for line in src.splitlines())
    assert not re.search(r"[\w)\]]\s*[+-]\s*1\s*\]", code), "index translation belongs in lab_ui"
    assert not re.search(r"\[\s*\w+\s*[+-]\s*1\s*:", code)
    assert not re.search(r"\{[^{}]*:[^{}]*[.,]\d*[eEfgG%]\}", code), "number formatting"
    assert not re.search(r"\{[^{}]*:g\}", code)
    tree = ast.parse(src)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                assert not isinstance(t, ast.Subscript), (
                    f"{path.name}:{node.lineno}: writes session state itself"
                )
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            assert "numpy" not in names and getattr(node, "module", "") != "numpy"


def _open(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    _ok(at)
    return at


def _set_each(at: AppTest, kind: str, key: str, values, errors_ok: bool = False) -> None:
    for v in values:
        getattr(at, kind)(key=key).set_value(v).run()
        if errors_ok:
            assert not at.exception, [e.value for e in at.exception]
        else:
            _ok(at)


@pytest.mark.parametrize("query", [EXTREME, {"hidden": ""}], ids=["biggest", "no-hidden"])
def test_step_through_controls_at_their_extremes(query):
    at = _open("../pages/2_Step_through.py", query)
    m = at.session_state["lab"].trainer.m
    _set_each(at, "number_input", "w_stp_example", [m, 1])
    _set_each(at, "select_slider", "w_stp_limit", [16, 4])
    last = at.slider(key="w_stp_step").max
    _set_each(at, "slider", "w_stp_step", [last, 1])
    at.radio(key="w_stp_source").set_value("batch").run()
    _ok(at)
    _set_each(at, "slider", "w_stp_step", [last])
    assert at.button(key="b_stp_next").disabled and not at.button(key="b_stp_prev").disabled
    at.button(key="b_stp_prev").click().run()
    _ok(at)
    assert at.session_state["stp_step"] == last - 1


@pytest.mark.parametrize("query", [EXTREME, {"hidden": ""}], ids=["biggest", "no-hidden"])
def test_gradients_controls_at_their_extremes(query):
    at = _open("../pages/3_Gradients.py", query)
    lab = at.session_state["lab"]
    L, m = lab.cfg.L, lab.trainer.m
    _set_each(at, "selectbox", "w_grad_layer", [L - 1, 1])
    _set_each(at, "slider", "w_grad_m", [min(20, m), 1])
    _set_each(at, "selectbox", "w_grad_bug", ["keep_bias_row"], errors_ok=True)
    assert any("FAILS" in e.value for e in at.error) or at.success
    _set_each(at, "selectbox", "w_grad_bug", ["none"])
    _set_each(at, "selectbox", "w_grad_err_layer", [L - 1])
    _set_each(at, "slider", "w_contrib_m", [min(100, m), 1])
    _set_each(at, "selectbox", "w_contrib_l", [L - 1])
    rows, cols = lab.cfg.theta_shapes[L - 2]
    _set_each(at, "number_input", "w_contrib_j", [rows, 1])
    _set_each(at, "number_input", "w_contrib_k", [cols - 1, 0])
    # a smaller layer after a bigger one: j and k are moved inside its bounds
    _set_each(at, "number_input", "w_contrib_j", [rows])
    _set_each(at, "selectbox", "w_contrib_l", [1])
    assert at.session_state["contrib_j"] <= lab.cfg.theta_shapes[0][0]


@pytest.mark.parametrize("query", [EXTREME, {"hidden": ""}], ids=["biggest", "no-hidden"])
def test_derivation_controls_at_their_extremes(query):
    at = _open("../pages/4_Derivation.py", query)
    lab = at.session_state["lab"]
    L, m = lab.cfg.L, lab.trainer.m
    _set_each(at, "number_input", "w_der_example", [m, 1])
    _set_each(at, "slider", "w_der_m", [min(20, m), 1])
    _set_each(at, "select_slider", "w_der_slice_w", [10.0, 0.1])
    _set_each(at, "selectbox", "w_der_slice_l", [L - 1])
    rows, cols = lab.cfg.theta_shapes[L - 2]
    _set_each(at, "number_input", "w_der_slice_j", [rows])
    _set_each(at, "number_input", "w_der_slice_k", [cols - 1, 0])
    diffs = [float(x.value) for x in at.metric if x.label.endswith("|difference|")]
    assert diffs and max(diffs) < 1e-6


def test_playground_view_controls_at_their_extremes():
    at = _open("../pages/1_Playground.py", EXTREME)
    m = at.session_state["lab"].dataset.m_train
    _set_each(at, "number_input", "w_example", [m, 0])
    _set_each(at, "select_slider", "w_speed", ["100", "step"])
    _set_each(at, "toggle", "w_log_cost", [True])
    _set_each(at, "number_input", "w_seed", [999_999, 0])
    _set_each(at, "slider", "w_train_pct", [90, 10])
    _set_each(at, "select_slider", "w_n_points", [2000, 50])
    _set_each(at, "slider", "w_noise", [1.0, 0.0])
    assert at.button(key="b_add_layer").disabled  # at 10 layers
    assert len(at.session_state["hidden"]) == 10
    for _ in range(10):
        at.button(key="b_rm_0").click().run()
        _ok(at)
    assert at.session_state["lab"].cfg.layer_sizes == (2, 1)
