"""One settings schema: every setting and every session key declared once (lab_ui.shared.schema).

* A page that writes a session key the schema does not declare fails here: every page is run
  in AppTest, its controls driven, and ``at.session_state``'s keys compared with the schema.
* Per-layer widgets are validated against the "hidden" / "acts" settings.
* Every URL setting round-trips; a bad URL value is refused with a notice on every page.
* The widgets take their bounds and labels from the schema.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from streamlit.testing.v1 import AppTest

from lab_ui.shared import schema
from tests.apptest_helpers import MAIN, PAGES, WIDGET_KINDS
from tests.apptest_helpers import widget as _widget
from tests.strategies import valid_values

#: The pages that show the session's network (the Exercise page has its own tiny one).
LAB_PAGES = PAGES[:4]

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _undeclared(at: AppTest) -> list[str]:
    return sorted(k for k in at.session_state.keys() if not schema.is_declared(k))


def _start(page: str = PAGES[0], query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page != PAGES[0]:
        at.switch_page(page)
    at.run()
    _ok(at)
    return at


# ---------------------------------------------------------------------------------------------
# Every session key is declared
# ---------------------------------------------------------------------------------------------


def test_the_declared_families_are_bounded():
    assert schema.is_declared("w_units_0") and schema.is_declared("w_act_9")
    assert not schema.is_declared("w_units_10")  # no 11th hidden layer
    assert not schema.is_declared("w_units_x") and not schema.is_declared("w_nothing")
    assert schema.is_declared("w_alpha") and schema.is_declared("alpha")
    assert not schema.is_declared("_note") and not schema.is_declared("grad_chk")


def test_every_session_key_of_every_page_is_declared():
    """Drive the controls of all four pages; every key the session holds is in the schema."""
    at = _start()
    steps = [
        ("w_dataset", "blobs"),
        ("w_n_classes", 4),
        ("w_noise", 0.5),
        ("w_features", ["x1", "x2", "x1*x2"]),
        ("w_units_0", 7),
        ("w_act_1", "relu"),
        ("w_optimizer", "adam"),
        ("w_lambda_", 0.1),
        ("w_batch", 8),
        ("w_mode", "backward"),
        ("w_example", 3),
        ("w_discretize", True),
    ]
    for key, value in steps:
        _widget(at, key).set_value(value).run()
        _ok(at)
    for key in ("b_add_layer", "b_rm_0", "b_new_data", "b_deep"):
        at.button(key=key).click().run()
        _ok(at)
    rows = "\n".join(f"{i % 7 - 3},{(i * 3) % 5 - 2},{i % 5},{i % 2}" for i in range(40))
    upload = ("three.csv", f"a,b,c,label\n{rows}\n".encode(), "text/csv")
    at.file_uploader(key="w_csv").set_value(upload).run()
    _ok(at)
    assert _undeclared(at) == []
    at.switch_page(PAGES[1]).run()
    _widget(at, "w_stp_source").set_value("batch").run()
    at.button(key="b_stp_next").click().run()
    _widget(at, "w_stp_limit").set_value(16).run()
    _ok(at)
    assert _undeclared(at) == []
    at.switch_page(PAGES[2]).run()
    _widget(at, "w_grad_bug").set_value("flipped_sign").run()
    _widget(at, "w_grad_err_layer").set_value(1).run()
    _widget(at, "w_contrib_l").set_value(2).run()
    _widget(at, "w_contrib_j").set_value(2).run()
    _ok(at)
    assert _undeclared(at) == []
    at.switch_page(PAGES[3]).run()
    _widget(at, "w_der_slice_l").set_value(2).run()
    _widget(at, "w_der_slice_w").set_value(10.0).run()
    _widget(at, "w_der_example").set_value(5).run()
    _ok(at)
    assert _undeclared(at) == []
    at.switch_page(PAGES[4]).run()
    _ok(at)
    assert _undeclared(at) == []
    at.switch_page(PAGES[0]).run()
    _ok(at)
    assert _undeclared(at) == []


def test_the_check_catches_an_undeclared_key():
    at = _start()
    at.session_state["grad_chk"] = 1  # what the Gradients page used to cache
    assert _undeclared(at) == ["grad_chk"]


def test_every_widget_on_every_page_is_keyed_by_the_schema():
    for page in PAGES:
        at = _start(page)
        keys = [w.key for kind in (*WIDGET_KINDS, "button") for w in getattr(at, kind)]
        assert keys and all(k is not None and schema.is_declared(k) for k in keys), page


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 33, -1, 2.5, "abc", None])
def test_per_layer_units_are_validated(value):
    state = {"hidden": (4, 2), "acts": ("sigmoid", "sigmoid"), "w_units_1": value}
    assert schema.sync_layer_widget(state, "w_units_", 1) is False
    assert state["hidden"] == (4, 2) and state["w_units_1"] == 2  # refused, old value back


def test_per_layer_activation_is_validated_and_stored():
    state = {"hidden": (4, 2), "acts": ("sigmoid", "sigmoid"), "w_act_0": "nope"}
    assert schema.sync_layer_widget(state, "w_act_", 0) is False
    assert state["acts"] == ("sigmoid", "sigmoid") and state["w_act_0"] == "sigmoid"
    state["w_act_0"] = "tanh"
    assert schema.sync_layer_widget(state, "w_act_", 0) is True
    assert state["acts"] == ("tanh", "sigmoid")
    state["w_units_1"] = 32
    assert schema.sync_layer_widget(state, "w_units_", 1) and state["hidden"] == (4, 32)


def test_a_refused_widget_value_puts_the_setting_back():
    state = {"alpha": 1.0, "w_alpha": 0.123}
    assert schema.sync_from_widget(state, "alpha") is False
    assert state["alpha"] == 1.0 and state["w_alpha"] == 1.0


@pytest.mark.parametrize("setting", schema.URL_SETTINGS, ids=lambda s: s.name)
def test_every_url_setting_round_trips(setting):
    @given(valid_values(setting))
    def check(value):
        assert schema.validate(setting, schema.to_text(setting, value)) == value

    check()


def _bad(s: schema.Setting) -> str:
    return {"bool": "maybe", "choice": "nope", "ints": "4,banana", "choices": "x1,zz"}.get(
        s.kind, "0.123" if s.allowed() else "1e9"
    )


@pytest.mark.parametrize("page", LAB_PAGES, ids=["playground", "step", "grad", "deriv"])
def test_a_bad_url_value_is_refused_with_a_notice_on_every_page(page):
    """Every URL setting, each with a bad value, on a page opened first by its own URL."""
    query = {s.url: _bad(s) for s in schema.URL_SETTINGS}
    at = _start(page, query)
    notes = " ".join(i.value for i in at.info)
    for s in schema.URL_SETTINGS:
        assert f"“{s.label}”" in notes, (page, s.name)
    assert len(at.info) == len(schema.URL_SETTINGS)
    lab = at.session_state["lab"]
    assert lab.cfg.layer_sizes == (2, 4, 2, 1)  # every default kept


@pytest.mark.parametrize("page", LAB_PAGES, ids=["playground", "step", "grad", "deriv"])
def test_an_example_beyond_the_data_is_reset_with_a_notice(page):
    at = _start(page, {"example": "100000"})
    assert at.session_state["example"] == 0
    assert any("is beyond the 250 training examples" in i.value for i in at.info)


def test_a_notice_quotes_a_few_dozen_characters_of_a_100k_value():
    at = _start(PAGES[2], {"dataset": "x" * 100_149})
    (note,) = [i.value for i in at.info]
    assert len(note) < 300 and "x" * 41 not in note and "…" in note


def test_the_default_settings_are_the_course_network():
    values, notes = schema.settings_from_query({})
    assert notes == [] and values["acts"] == ("sigmoid", "sigmoid")
    assert (values["output"], values["loss"]) == ("sigmoid", "cross_entropy")
    assert schema.fit_acts((4, 4, 4), ()) == ("sigmoid",) * 3


def test_a_linked_regression_data_set_gets_its_head():
    values, _ = schema.settings_from_query({"dataset": "plane"})
    assert (values["output"], values["loss"]) == ("linear", "mse")
    values, _ = schema.settings_from_query({"dataset": "plane", "output": "tanh", "loss": "mse"})
    assert values["output"] == "tanh"


# ---------------------------------------------------------------------------------------------
# Widgets from the schema
# ---------------------------------------------------------------------------------------------


def test_widgets_take_bounds_and_labels_from_the_schema():
    at = _start()
    for name in ("noise", "train_pct"):
        s, w = schema.BY_NAME[name], _widget(at, "w_" + name)
        assert (w.min, w.max, w.label) == (s.lo, s.hi, s.label)
    seed = _widget(at, "w_seed")
    assert (seed.min, seed.max) == (0, 999_999)
    units = _widget(at, "w_units_0")
    assert (units.min, units.max) == (1, schema.MAX_UNITS)
    assert list(_widget(at, "w_alpha").options) == [f"{a:g}" for a in schema.ALPHAS]
    assert _widget(at, "w_example").max == at.session_state["lab"].dataset.m_train
