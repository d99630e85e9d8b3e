"""The Playground's presets driven with AppTest: each applies, builds bp_core's network and
tells its story; a link ?preset=… opens with it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bp_core.presets import PRESETS, build_preset
from lab_ui.shared import schema

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

APP = str(Path(__file__).resolve().parents[1] / "lab_ui" / "main.py")
TIMEOUT = 60


def _open(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _matches_bp_core(lab, name: str) -> None:
    """The Lab's network is the one bp_core's build_preset makes, weights included."""
    data, cfg, trainer = build_preset(PRESETS[name])
    assert lab.cfg.layer_sizes == cfg.layer_sizes
    assert lab.cfg.activations == cfg.activations
    assert (lab.cfg.output, lab.cfg.loss) == (cfg.output, cfg.loss)
    assert lab.cfg.lambda_ == cfg.lambda_
    assert lab.cfg.regularization == cfg.regularization
    assert lab.dataset.name == data.name
    assert lab.trainer.epoch == 0
    for T_lab, T_core in zip(lab.trainer.Theta, trainer.Theta, strict=True):
        assert T_lab.shape == T_core.shape
        assert float(abs(T_lab - T_core).max()) == 0.0  # the same seed, the same Θ
    assert lab.trainer.settings.alpha == trainer.settings.alpha
    assert lab.trainer.batch_size == trainer.batch_size


def _story(at: AppTest) -> str:
    """The preset's story: its one-line label (an expander's) and what it holds."""
    labels = [e.label for e in at.expander if e.label.startswith("**Preset:")]
    return " ".join(labels + [m.value for m in at.markdown if m.value.startswith("**")])


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_applies_from_the_select_box(name):
    at = _open()
    at.selectbox(key="w_preset").set_value(name).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    ss = at.session_state
    assert ss["preset"] == name
    for k, v in PRESETS[name].settings.items():
        assert ss[k] == schema.validate(schema.BY_NAME[k], v), k
    _matches_bp_core(ss["lab"], name)
    story = _story(at)
    assert "Preset:" in story and "Watch." in story and "Try next." in story
    assert any("Checked by a test" in c.value for c in at.caption)
    # the URL now carries the preset (and only what differs from it)
    assert at.query_params["preset"] == [name] or at.query_params["preset"] == name


def test_a_link_opens_with_the_preset():
    at = _open({"preset": "xor_hidden_layer"})
    _matches_bp_core(at.session_state["lab"], "xor_hidden_layer")
    assert "XOR needs a hidden layer" in _story(at)
    # the link's other values go on top of the preset's
    at = _open({"preset": "xor_hidden_layer", "alpha": "0.3"})
    lab = at.session_state["lab"]
    assert lab.cfg.layer_sizes == (2, 8, 1) and lab.trainer.settings.alpha == 0.3


def test_a_bad_preset_in_the_link_is_refused_with_a_note():
    at = _open({"preset": "[x](http://e.com)"})
    assert at.session_state["preset"] == ""
    assert at.session_state["lab"].cfg.layer_sizes == (2, 4, 2, 1)
    notes = [i.value for i in at.info]
    assert any("“Preset” was not used" in n for n in notes), notes
    assert not any("](http" in n for n in notes)  # the link's text is escaped, never a link


def test_apply_again_restarts_the_preset_after_changes():
    at = _open({"preset": "xor_hidden_layer"})
    at.select_slider(key="w_alpha").set_value(0.1).run()
    assert at.session_state["lab"].trainer.settings.alpha == 0.1
    next(b for b in at.button if b.key == "b_preset").click().run()
    assert not at.exception
    _matches_bp_core(at.session_state["lab"], "xor_hidden_layer")


def test_settings_round_trip_through_the_url_with_a_preset():
    values, notes = schema.settings_from_query({"preset": "dying_relu", "alpha": "0.3"})
    assert not notes
    assert schema.settings_to_query(values) == {"preset": "dying_relu", "alpha": "0.3"}
    again, _ = schema.settings_from_query(schema.settings_to_query(values))
    assert again == values
