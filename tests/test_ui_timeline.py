"""The Playground's time line (lab_ui.playground.timeline_ui) driven with AppTest: the Epoch slider,
links that replay their epoch (with a progress bar when long, refused in words beyond the
caps), the link as text, and editing one weight by hand."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from streamlit.delta_generator import DeltaGenerator

import bp_core as bp
from lab_ui.playground import timeline_ui
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text
from tests.apptest_helpers import live, ok, open_app, widget

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _lab(at):
    return at.session_state["lab"]


def _train(at, epochs: int):
    """Train as the live channel's scheduler does between page runs (under the lock)."""
    with at.session_state["live"].lock:
        _lab(at).trainer.run_epochs(epochs)
    return at.run()


def _straight(query: dict[str, str], epochs: int = 0, steps: int | None = None):
    """The Lab the settings describe, trained without stopping (no page)."""
    state: dict = {}
    schema.init_session(state, query)
    tr = lab_mod.build_lab(state).trainer
    tr.run_epochs(epochs)
    while steps is not None and tr.steps < steps:
        tr.step()
    return tr


def _notes(at) -> str:
    return " ".join(i.value for i in at.info)


# ---------------------------------------------------------------------------------------------
# The Epoch slider
# ---------------------------------------------------------------------------------------------


def test_the_epoch_slider_goes_back_and_training_on_is_bit_identical():
    query = {"batch": "16", "optimizer": "momentum", "alpha": "0.3"}
    at = open_app(query)
    _train(at, 30)
    ok(at)
    s = widget(at, "w_timeline")
    assert s.label == "Epoch"
    assert list(s.options) == [str(e) for e in range(31)] and s.value == 16 * 30
    assert at.query_params["epoch"] == ["30"] or at.query_params["epoch"] == "30"
    s.set_value(16 * 10).run()
    ok(at)
    tr = _lab(at).trainer
    assert (tr.epoch, tr.steps, tr.rewound) == (10, 160, True)
    assert np.array_equal(tr.theta_vec, _straight(query, 10).theta_vec)
    assert widget(at, "w_timeline").value == 160
    assert dict(at.query_params)["epoch"] in ("10", ["10"])
    assert any("Back at epoch 10" in c.value for c in at.caption)
    # the live session shows this state (the page published it)
    session = at.session_state["live"]
    assert session.lab is _lab(at) and session.dirty and not session.playing
    # scrub forward again, then back, then Step on from epoch 10: the future is replaced
    widget(at, "w_timeline").set_value(16 * 25).run()
    assert _lab(at).trainer.epoch == 25
    widget(at, "w_timeline").set_value(16 * 10).run()
    for _ in range(20):
        live(at, "step", "epoch")
    ok(at)
    tr = _lab(at).trainer
    straight = _straight(query, 30)
    assert (tr.epoch, tr.steps) == (30, 480) and not tr.rewound
    assert np.array_equal(tr.theta_vec, straight.theta_vec)
    assert tr.history.J_train == straight.history.J_train


def test_the_slider_shows_mid_epoch_states_and_is_hidden_while_playing():
    at = open_app({"batch": "64"})  # 250 training examples: 4 steps an epoch
    _train(at, 2)
    live(at, "step", "batch")
    ok(at)
    s = widget(at, "w_timeline")
    assert list(s.options)[-2:] == ["2", "2 + 1 of 4 steps"] and s.value == 9
    assert dict(at.query_params)["step"] in ("9", ["9"])
    live(at, "play")
    ok(at)
    with pytest.raises(KeyError):
        widget(at, "w_timeline")
    assert not [e for e in at.expander if e.label == "Edit a weight or bias"]


def test_a_fresh_network_asks_to_train_first():
    at = open_app()
    with pytest.raises(KeyError):
        widget(at, "w_timeline")
    assert any("Train a few epochs" in c.value for c in at.caption)


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"epoch": "40"},
        {"epoch": "12", "batch": "16", "optimizer": "adam", "alpha": "0.01"},
        {"epoch": "5", "step": "83", "batch": "16", "optimizer": "momentum", "alpha": "0.1"},
        {"preset": "xor_hidden_layer", "epoch": "25"},
    ],
)
def test_a_link_replays_its_epoch_bit_for_bit(query, monkeypatch):
    # every replay "short": under load one can pass 1 s and say so (tested below)
    monkeypatch.setattr(timeline_ui, "PROGRESS_AFTER_S", 1e9)
    at = open_app(query)
    tr = _lab(at).trainer
    epoch, step = int(query["epoch"]), int(query.get("step", 0))
    straight = _straight(query, epoch if not step else 0, step or None)
    assert (tr.epoch, tr.steps) == (straight.epoch, straight.steps)
    assert np.array_equal(tr.theta_vec, straight.theta_vec)
    assert tr.history.J_train == straight.history.J_train
    # the page writes the same epoch (and step) back into its URL
    q = {k: (v[-1] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert q["epoch"] == query["epoch"] and q.get("step", "0") == query.get("step", "0")
    assert _notes(at) == ""


def test_a_long_replay_shows_a_progress_bar(monkeypatch):
    calls = []
    real = DeltaGenerator.progress

    def progress(self, value, text=None, **kw):
        calls.append((value, text))
        return real(self, value, text=text, **kw)

    monkeypatch.setattr(DeltaGenerator, "progress", progress)
    monkeypatch.setattr(timeline_ui, "PROGRESS_AFTER_S", 0.0)  # "long" for this test
    at = open_app({"epoch": "300"})
    assert _lab(at).trainer.epoch == 300
    values = [v for v, _ in calls]
    assert len(values) >= 2 and values == sorted(values) and values[-1] == 1.0
    assert all(t.startswith("Replaying the link: epoch ") for _, t in calls)
    assert not at.get("progress")  # gone once the replay is done


def test_a_short_replay_shows_no_progress_bar(monkeypatch):
    calls = []
    monkeypatch.setattr(DeltaGenerator, "progress", lambda self, *a, **k: calls.append(a))
    at = open_app({"epoch": "20"})
    assert _lab(at).trainer.epoch == 20 and calls == []


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (
            {"epoch": "20000"},
            "“Epoch” was not used: Epoch must be between 0 and 10000, not “20000”.",
        ),
        ({"epoch": "-3"}, "“Epoch” was not used: Epoch must be between 0 and 10000, not “\\-3”."),
        ({"epoch": "ten"}, "“Epoch” was not used: Epoch must be a number, not “ten”."),
        ({"epoch": "2.5"}, "“Epoch” was not used: Epoch must be a whole number, not “2\\.5”."),
        ({"step": "1e9"}, "“Gradient steps” was not used: Gradient steps must be between 0 and"),
    ],
)
def test_a_link_beyond_the_caps_is_refused_in_words(query, words):
    at = open_app(query)
    assert words in _notes(at)
    assert _lab(at).trainer.epoch == 0


def test_a_replay_that_would_take_too_long_is_refused_in_words(monkeypatch):
    monkeypatch.setattr(timeline_ui, "MAX_REPLAY_S", 0.001)
    at = open_app({"epoch": "3000"})
    tr = _lab(at).trainer
    assert (tr.epoch, tr.steps, len(tr.snapshots)) == (0, 0, 1)
    note = _notes(at)
    assert "Replaying this link to epoch 3000 would take about" in note
    assert "so it opens at epoch 0: press Play to train there." in note


def test_a_step_outside_its_epoch_is_said_and_the_step_wins():
    at = open_app({"epoch": "3", "step": "100", "batch": "16"})
    assert _lab(at).trainer.steps == 100
    assert (
        "The link's step 100 is not in its epoch 3 (an epoch is 16 gradient steps with these "
        "settings): it opens at step 100, in epoch 6." in _notes(at)
    )


def test_a_link_on_another_page_replays_too():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    page = str(Path(__file__).resolve().parents[1] / "pages" / "3_Gradients.py")
    at = AppTest.from_file(page, default_timeout=60)
    at.query_params["epoch"] = "15"
    at.run()
    ok(at)
    assert at.session_state["lab"].trainer.epoch == 15


def test_the_link_as_text_and_what_it_cannot_bring_back():
    at = open_app({"alpha": "0.3"})
    _train(at, 12)
    (code,) = [c.value for c in at.code if c.value.startswith("?")]
    assert code == "?alpha=0.3&epoch=12"
    assert not any("will not bring back" in c.value for c in at.caption)
    # a setting changed mid-run is a hand edit the link cannot replay
    widget(at, "w_alpha").set_value(0.1).run()
    ok(at)
    assert _lab(at).edits == ["Learning rate α set to 0.1 at epoch 12."]
    (sentence,) = [c.value for c in at.caption if "will not bring back" in c.value]
    assert sentence == text.plain(
        "This link replays the current settings from epoch 0, so it will not bring back what "
        "you changed by hand (Learning rate α set to 0.1 at epoch 12)."
    )


def test_copy_link_component_is_on_the_page():
    at = open_app()
    _train(at, 3)
    keys = [getattr(e, "key", None) for e in at.get("bidi_component")]
    assert "bp_copy_link" in keys, "the Copy link component was not mounted"
    assert "navigator.clipboard.writeText" in timeline_ui._COPY_JS
    assert "Copied" in timeline_ui._COPY_JS and "window.location.href" in timeline_ui._COPY_JS


# ---------------------------------------------------------------------------------------------
# Edit a weight
# ---------------------------------------------------------------------------------------------


def test_edit_a_weight_from_the_list_changes_the_view_at_once():
    at = open_app()
    _train(at, 5)
    session = at.session_state["live"]
    before = session.frame().message()
    widget(at, "w_edit_l").set_value(2).run()
    widget(at, "w_edit_j").set_value(1).run()
    widget(at, "w_edit_k").set_value(0).run()
    tr = _lab(at).trainer
    value = widget(at, "w_edit_value")
    assert value.value == pytest.approx(float(tr.Theta[1][0, 0]), abs=0)
    assert "Θ⁽²⁾₁,₀" in value.label
    value.set_value(0.75).run()
    (button,) = [b for b in at.button if b.key == "b_edit_apply"]
    button.click().run()
    ok(at)
    tr = _lab(at).trainer
    assert tr.Theta[1][0, 0] == 0.75 and tr.epoch == 5
    assert _lab(at).edits == ["Θ⁽²⁾₁,₀ set to 0.75 at epoch 5"]
    assert any(text.plain("(Θ⁽²⁾₁,₀ set to 0.75 at epoch 5).") in c.value for c in at.caption)
    assert widget(at, "w_edit_value").value == 0.75
    assert session.lab is _lab(at)
    after = session.frame().message()
    assert after["net"]["edges"] != before["net"]["edges"]
    assert after["boundary"]["q"] != before["boundary"]["q"]
    assert session.dirty


# ---------------------------------------------------------------------------------------------
# Memory: the snapshots stay within SNAPSHOT_BYTES
# ---------------------------------------------------------------------------------------------


def _deep(o, seen: set) -> int:
    if id(o) in seen:
        return 0
    seen.add(id(o))
    n = sys.getsizeof(o)  # an ndarray's getsizeof counts its own data, a view's not
    if isinstance(o, dict):
        n += sum(_deep(k, seen) + _deep(v, seen) for k, v in o.items())
    elif isinstance(o, list | tuple):
        n += sum(_deep(v, seen) for v in o)
    elif hasattr(o, "__dataclass_fields__"):
        n += sum(_deep(getattr(o, f), seen) for f in o.__dataclass_fields__)
    if isinstance(o, np.ndarray) and o.base is not None:
        n += _deep(o.base, seen)
    return n


@pytest.mark.parametrize(
    ("query", "epochs"),
    [
        ({}, 600),
        ({"hidden": ",".join(["32"] * 8), "optimizer": "adam", "alpha": "0.001"}, 60),
        ({"hidden": ",".join(["32"] * 8), "optimizer": "momentum", "batch": "64"}, 60),
        (
            {"dataset": "digits", "hidden": ",".join(["32"] * 10), "optimizer": "adam"},
            16,
        ),
    ],
)
def test_snapshots_and_the_kept_latest_state_fit_the_budget(query, epochs):
    state: dict = {}
    schema.init_session(state, {**query, "alpha": query.get("alpha", "0.001")})
    lab = lab_mod.build_lab(state)
    tr = lab.trainer
    tr.run_epochs(epochs)
    tr.step()  # mid-epoch (for mini-batches): the kept latest state holds its order too
    tr.restore(1)  # scrubbing: the latest state is kept as one more snapshot
    assert tr.rewound
    seen: set = set()
    used = _deep(tr.snapshots, seen) + _deep(tr.latest, seen)
    assert used <= bp.SNAPSHOT_BYTES
    kept = bp.snapshots_kept(lab.cfg, state["optimizer"], lab.dataset.m_train)
    assert tr.settings.max_snapshots == kept
    assert 2 <= len(tr.snapshots) <= kept
    # the arrays alone, by the documented formula
    assert sum(s.nbytes for s in tr.snapshots) <= kept * tr.snapshots[-1].nbytes
