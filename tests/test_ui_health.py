"""Gradient health in words under the paused live view, and the test confusion matrix for
every classification problem (AppTest)."""

from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from bp_core.health import Finding
from lab_ui.playground import health_ui
from tests.apptest_helpers import live as _live
from tests.apptest_helpers import ok as _ok
from tests.apptest_helpers import open_app as _open
from tests.apptest_helpers import skip_questions

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _health(at: AppTest) -> list[str]:
    titles = tuple(f"**{t}.**" for t in health_ui.KIND_TITLES.values())
    return [w.value for w in at.warning if w.value.startswith(titles)]


def test_deep_sigmoid_net_says_its_early_layers_vanish():
    at = skip_questions(_open({"preset": "deep_sigmoid_vanishing"}))
    for _ in range(3):
        _live(at, "step", "epoch")
        _ok(at)
    assert at.session_state["lab"].trainer.epoch >= 3
    found = _health(at)
    vanishing = [w for w in found if w.startswith("**Vanishing gradient.**")]
    assert vanishing, found
    # one sentence per layer, naming it in the course's numbering: D⁽¹⁾ first
    assert "D⁽¹⁾" in vanishing[0] and "Θ⁽¹⁾" in vanishing[0]
    assert all("times smaller than" in w for w in vanishing)


def test_the_default_net_is_healthy():
    at = _open()
    _live(at, "step", "epoch")
    _ok(at)
    assert _health(at) == []


def test_nothing_is_diagnosed_while_playing():
    at = skip_questions(_open({"preset": "deep_sigmoid_vanishing"}))
    _live(at, "step", "epoch")
    assert _health(at)
    _live(at, "play")
    _ok(at)
    assert at.session_state["live"].playing
    assert _health(at) == []
    _live(at, "pause")


def test_a_sentence_is_escaped_and_bold_only_in_its_title():
    f = Finding("dead", 2, {}, "Unit *1* of layer 2 is [dead](http://x).", units=(1,))
    md = health_ui.sentence(f)
    assert md.startswith("**Dead units.** ")
    assert "[dead](" not in md and "\\*1\\*" in md


def test_every_classification_shows_its_test_confusion_matrix():
    for name in ("spiral", "blobs", "xor"):
        at = _open({"dataset": name})
        assert any("Test set: true class against predicted" in h.value for h in at.subheader)
        assert _charts(at) == ["confusion"], name
    # regression: no confusion matrix
    at = _open({"dataset": "plane"})
    assert not any("true class against predicted" in h.value for h in at.subheader)
    assert _charts(at) == []


def _charts(at: AppTest) -> list[str]:
    """The keys of the page's plotly charts (the user key ends the element id)."""
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]


def test_digits_show_images_confusion_and_misclassified_digits():
    at = _open({"preset": "ex4_digits"})
    _live(at, "step", "epoch")
    _ok(at)
    assert any("What the network makes of" in h.value for h in at.subheader)
    mistakes = [m.value for m in at.markdown if m.value.startswith("**Misclassified test")]
    assert len(mistakes) == 1  # after one epoch some test digits are still wrong
    assert _charts(at) == ["digits_images", "digits_confusion", "digits_mistakes"]
