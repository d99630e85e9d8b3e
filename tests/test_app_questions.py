"""Predict, then reveal on the Playground (AppTest): a preset's question is asked before
Play, Play is refused until it is answered or skipped, training pauses at the question's
epochs, the reveal shows the answer and its explanation and points the live view at the
evidence, and the score counts."""

from __future__ import annotations

from apptest_helpers import live, open_app

from bp_core.presets import PRESETS
from lab_ui.playground.questions_ui import BLOCKED
from lab_ui.shared import schema


def _texts(at) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption])


def _play_to_stop(at, limit: int = 500) -> None:
    """Play as the channel's scheduler would (frames served to a client that takes each at
    once) until the session pauses by itself."""
    session = at.session_state["live"]
    session.command({"t": "play"})
    assert session.playing
    session.outlet = object()  # a client is connected (serve() needs one)
    for _ in range(limit):
        session.acked = session.rev
        session.serve(1.0)
        if not session.playing:
            break
    session.outlet = None
    assert not session.playing


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_the_question_is_asked_and_play_waits_for_it():
    at = open_app({"preset": "zero_init_symmetry"})
    session = at.session_state["live"]
    assert "how many different rows will Θ⁽¹⁾" in _texts(at)
    assert session.blocked_reason == BLOCKED
    assert session.stops == {300: ""}  # both questions are revealed at epoch 300
    at = live(at, "play")
    assert not session.playing and session.notice == BLOCKED
    at = live(at, "step", "epoch")
    assert session.lab.trainer.epoch == 0  # Step waits too
    # answer the first (a number), skip nothing yet: the second is asked next
    at.number_input(key="w_q_0").set_value(1)
    _button(at, "b_q_answer_0").click().run()
    assert "Will the network learn the circle" in _texts(at)
    assert session.blocked_reason == BLOCKED
    at.radio(key="w_q_1").set_value(2)  # "Yes: 95 % or more" — wrong
    _button(at, "b_q_answer_1").click().run()
    assert session.blocked_reason == ""
    assert "training pauses at epoch 300" in _texts(at)
    _play_to_stop(at)
    assert session.lab.trainer.epoch == 300  # paused exactly at the reveal
    at.run()
    texts = _texts(at)
    assert "Right" in texts and "Not quite" in texts
    assert "four rows are still identical" in texts  # the explanation
    assert "Predictions: 1 of 2 right" in texts
    assert session.highlight == "theta_rows"  # the first reveal's evidence
    frame = session.frame()
    assert frame.view["highlight"] == "theta_rows"
    # Continue puts a reveal away; the next one's evidence is outlined then
    _button(at, "b_q_seen_0").click().run()
    assert session.highlight == "boundary"
    _button(at, "b_q_seen_1").click().run()
    assert session.highlight == ""
    assert sorted(k for k in at.session_state.keys() if not schema.is_declared(k)) == []


def test_skipping_lets_play_go_and_a_later_question_pauses_training():
    at = open_app({"preset": "deep_sigmoid_vanishing"})
    session = at.session_state["live"]
    assert session.blocked_reason == BLOCKED
    _button(at, "b_q_skip_0").click().run()
    assert session.blocked_reason == ""
    assert 10 in session.stops and session.stops[10] == BLOCKED  # the next question's epoch
    _play_to_stop(at)
    assert session.lab.trainer.epoch == 10
    assert session.blocked_reason == BLOCKED  # set by the session itself at the stop
    at.run()
    assert "where will J be at epoch 60" in _texts(at)
    at = live(at, "play")
    assert not session.playing and session.notice == BLOCKED
    assert "Predictions: none yet" in _texts(at)  # a skip is not counted


def test_a_changed_setting_takes_the_questions_away():
    at = open_app({"preset": "xor_hidden_layer", "alpha": "0.3"})
    session = at.session_state["live"]
    assert "preset's own run" in _texts(at)
    assert session.blocked_reason == "" and session.stops == {}


def test_a_typed_answer_is_shown_as_plain_text():
    at = open_app({"preset": "xor_hidden_layer"})
    at.radio(key="w_q_0").set_value(0)
    _button(at, "b_q_answer_0").click().run()
    at.number_input(key="w_q_1").set_value(99.5)
    _button(at, "b_q_answer_1").click().run()
    assert "Your prediction: 99\\.5" in _texts(at)
    assert PRESETS["xor_hidden_layer"].questions[1].answer == 100


def test_step_through_asks_the_sign_of_D_before_its_numbers():
    at = open_app()
    at.switch_page("../pages/2_Step_through.py").run()
    assert not at.exception

    def texts() -> str:
        return "\n".join(str(e.value) for e in [*at.markdown, *at.caption])

    slider = next(s for s in at.slider if s.key == "w_stp_step")
    for k in range(int(slider.max), 0, -1):  # the last D step (D^(1)) is just before the update
        slider.set_value(k).run()
        if any(t.key == "w_predict_sign" for t in at.toggle):
            break
    else:
        raise AssertionError("no D step")
    at.toggle(key="w_predict_sign").set_value(True).run()
    assert "Predict: is D⁽" in at.radio(key="w_stp_sign").label
    n_latex = len(at.latex)
    assert not at.expander  # the step's numbers wait for the guess
    at.radio(key="w_stp_sign").set_value("+").run()
    assert not at.exception
    assert ("Right" in texts()) or ("Not quite" in texts())
    assert len(at.latex) > n_latex  # now the numbers are shown
    assert "Predictions: 1 of 1" in texts() or "Predictions: 0 of 1" in texts()
