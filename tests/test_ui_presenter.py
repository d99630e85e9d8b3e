"""Presenter mode (lab_ui.shared.presenter_ui): read from the URL, turned off and on again, the
sidebar and the chosen controls gone, the story, the live view and its text size kept.

The sizes themselves are measured in a real browser (tests/browser/test_presenter_browser.py).
"""

from __future__ import annotations

import json
import os

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from bp_core.presets import PRESETS
from lab_ui.live.live_view import COMPONENT as LIVE_VIEW
from lab_ui.shared import presenter_ui, schema
from tests.apptest_helpers import APP, PAGES, ok, open_app

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

#: Playground controls that presenter mode does not draw (the sidebar's and the toolbar's).
HIDDEN = ("w_dataset", "w_alpha", "w_units_0", "w_preset", "w_example", "w_show_test")
HIDDEN += ("w_run_file",)  # the Export and import expander
KEPT = ("w_speed", "w_mode", "w_presenter")


def _keys(at: AppTest) -> set[str]:
    kinds = ("selectbox", "slider", "select_slider", "number_input", "multiselect", "toggle")
    kinds += ("radio", "segmented_control", "button", "file_uploader")
    return {w.key for kind in kinds for w in getattr(at, kind)}


def _live_data(at: AppTest) -> dict:
    (view,) = [n for n in at.get("bidi_component") if n.proto.component_name == LIVE_VIEW]
    return json.loads(view.proto.bytes)


def _styles(at: AppTest) -> list[str]:
    return [n.proto.body for n in at.get("html")]


def _sidebar_keys(at: AppTest) -> set[str]:
    return {w.key for w in at.sidebar.toggle} | {w.key for w in at.sidebar.selectbox}


def test_presenter_is_a_declared_url_setting():
    s = schema.BY_NAME["presenter"]
    assert (s.kind, s.default, s.url, s.label) == ("bool", False, "presenter", "Presenter mode")
    values, notes = schema.settings_from_query({"presenter": "1"})
    assert values["presenter"] is True and notes == []
    assert schema.settings_to_query({**values}) == {"presenter": "true"}


def test_presenter_from_the_url_hides_the_sidebar_and_the_chosen_controls():
    at = open_app({"presenter": "1"})
    assert at.session_state["presenter"] is True
    keys = _keys(at)
    assert set(KEPT) <= keys, keys
    assert not keys & set(HIDDEN), keys & set(HIDDEN)
    assert len(at.sidebar.children) == 0  # nothing is drawn into the sidebar
    assert at.toggle(key="w_presenter").value is True  # the way back, at the top of the page
    assert _live_data(at)["scale"] == presenter_ui.CANVAS_SCALE
    assert _live_data(at)["presenter"] is True
    (style,) = _styles(at)
    assert style == presenter_ui.PRESENTER_CSS and "stSidebar" in style and "bp-presenter" in style
    assert [link.proto.label for link in at.get("page_link")] == [
        "Playground",
        "Step through backprop",
        "Gradients",
        "Derivation",
        "Exercise",
    ]


def test_presenter_mode_off_and_on_again():
    at = open_app({"presenter": "1"})
    at.toggle(key="w_presenter").set_value(False).run()
    ok(at)
    assert at.session_state["presenter"] is False
    assert {"w_presenter", "w_standardize"} <= _sidebar_keys(at)  # the sidebar is back
    assert set(HIDDEN) <= _keys(at)
    assert _live_data(at)["scale"] == 1.0 and _live_data(at)["presenter"] is False
    assert _styles(at) == []
    at.toggle(key="w_presenter").set_value(True).run()
    ok(at)
    assert at.session_state["presenter"] is True and len(at.sidebar.children) == 0
    assert not _keys(at) & set(HIDDEN)


def test_the_default_is_off_with_the_switch_in_the_sidebar():
    at = open_app()
    assert at.session_state["presenter"] is False
    assert at.sidebar.toggle(key="w_presenter").value is False
    assert _styles(at) == [] and _live_data(at)["scale"] == 1.0


@pytest.mark.parametrize("junk", ["maybe", "2", "<b>x</b>", "x" * 500])
def test_a_junk_presenter_value_is_refused_with_a_notice(junk):
    at = open_app({"presenter": junk})
    assert at.session_state["presenter"] is False
    notes = [i.value for i in at.info]
    assert len(notes) == 1 and "“Presenter mode”" in notes[0] and "true or false" in notes[0]
    assert "<b>" not in notes[0] and len(notes[0]) < 300


def test_presenter_mode_keeps_the_presets_story():
    name = "xor_hidden_layer"
    at = open_app({"presenter": "1", "preset": name})
    text = " ".join(m.value for m in at.markdown)
    # folded to one line (its title), the rest inside (presets_ui.story_ui)
    assert any(f"**Preset: {PRESETS[name].title}**" in e.label for e in at.expander)
    assert "**Watch.**" in text and "**Try next.**" in text
    assert "w_preset" not in _keys(at)  # the select box is not, the story is


@pytest.mark.parametrize("page", PAGES[1:], ids=["step", "grad", "deriv", "exercise"])
def test_presenter_mode_applies_on_every_page(page):
    at = AppTest.from_file(APP)
    at.query_params["presenter"] = "1"
    at.switch_page(page)
    at.run(timeout=120)
    ok(at)
    assert len(at.sidebar.children) == 0
    assert at.toggle(key="w_presenter").value is True
    assert _styles(at) == [presenter_ui.PRESENTER_CSS]
    at.toggle(key="w_presenter").set_value(False).run(timeout=120)
    ok(at)
    assert _styles(at) == [] and at.sidebar.toggle(key="w_presenter").value is False


def test_a_figure_is_unchanged_off_and_scaled_on():
    fig = go.Figure(
        go.Heatmap(z=[[1, 2], [3, 4]], colorbar={"title": "c"}),
        layout={
            "title": "t",
            "xaxis": {"title": "x", "tickfont": {"size": 10}},
            "annotations": [{"text": "a", "font": {"size": 14}}],
            "height": 300,
        },
    )
    big = presenter_ui.scaled_figure(fig, 2.0)
    assert big is not fig and fig.layout.height == 300  # the original is untouched
    assert big.layout.height == 420
    assert big.layout.xaxis.tickfont.size == 20  # set by the figure: scaled
    assert big.layout.annotations[0].font.size == 28
    assert big.layout.title.font.size == 24  # left to the theme: 12 px, scaled
    assert big.layout.xaxis.title.font.size == 24 and big.layout.font.size == 24
    assert big.data[0].colorbar.tickfont.size == 24
    assert big.layout.title.text == "t" and big.layout.xaxis.title.text == "x"
