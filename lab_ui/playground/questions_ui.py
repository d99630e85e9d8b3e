"""Predict, then reveal: the applied preset's questions below the live view, and the score.

A preset's questions (``bp_core.presets.Preset.questions``, :mod:`bp_core.questions`) are
asked at their epoch: an epoch-0 question before Play, a later one when training reaches
it.  While a question is open the live session refuses Play (and Step) with
:data:`BLOCKED` (``LiveSession.blocked_reason``); the session pauses by itself at each
question's epochs (``LiveSession.stops``, :mod:`lab_ui.live.stops`).  Answering (or
skipping) lets Play go on; when training reaches the question's reveal epoch the reveal
shows the right answer and the explanation, and the live view outlines the evidence
(``LiveSession.highlight``: the ‖D‖ chart, the J chart, the boundary, or Θ⁽¹⁾'s edges).

Predictions of the sign of D (the chain-rule panel's + / −, Step through's D step) count
too: :func:`record_sign`.  Everything stays in this session's state (``_q_answers``,
``_q_signs``); nothing leaves it.  What a student types is data: shown as plain text.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from bp_core import questions as bq
from bp_core.presets import PRESETS, TRAINING_SETTINGS, Preset
from lab_ui.playground import try_next_ui
from lab_ui.shared import schema, text
from lab_ui.shared.widgets import setting_ui

ss = st.session_state

#: What Play says while a question is open.
BLOCKED = "Answer the question first (or skip it)"
SKIPPED = None  # the recorded response of a skipped question


# ---------------------------------------------------------------------------------------------
# The session's answers and the score
# ---------------------------------------------------------------------------------------------


def _answers(name: str) -> dict[int, Any]:
    return ss.setdefault("_q_answers", {}).setdefault(name, {})


def _seen(name: str) -> list[int]:
    return ss.setdefault("_q_seen", {}).setdefault(name, [])


def record_sign(where: str, weight: tuple[int, int, int], step: int, right: bool) -> None:
    """Count one predicted sign of D (once per place, weight and gradient step)."""
    ss.setdefault("_q_signs", {})[(where, *weight, step)] = bool(right)


def score() -> tuple[int, int]:
    """(right, answered): the lesson questions answered (not skipped) and the signs predicted."""
    right = asked = 0
    for name, answers in ss.get("_q_answers", {}).items():
        preset = PRESETS.get(name)
        for i, response in answers.items():
            if preset is None or response is SKIPPED or i >= len(preset.questions):
                continue
            asked += 1
            right += bq.grade(preset.questions[i], response)
    signs = ss.get("_q_signs", {})
    return right + sum(signs.values()), asked + len(signs)


def score_text() -> str:
    right, asked = score()
    return f"Predictions: {right} of {asked} right" if asked else "Predictions: none yet"


def record_chain_sign(live: Any, weight: Any, guess: Any) -> None:
    """The chain-rule panel's + / − for D⁽ˡ⁾ⱼₖ, graded against bp_core's D of the Lab now
    (the value the panel shows).  A malformed message is ignored."""
    from lab_ui.live import frames

    if guess not in ("+", "-") or not isinstance(weight, list | tuple) or len(weight) != 3:
        return
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in weight):
        return
    with live.lock:
        lab = live.lab
        if lab is None:
            return
        try:
            D = frames.chain_part(lab.trainer, weight)["D"]
        except ValueError:
            return
        step = int(lab.trainer.steps)
    if D is None:
        return
    record_sign("chain", tuple(weight), step, (D > 0) if guess == "+" else (D < 0))


# ---------------------------------------------------------------------------------------------
# The lesson's questions
# ---------------------------------------------------------------------------------------------


def _is_preset_run(preset: Preset, lab: Any) -> bool:
    """The session trains the preset's own settings (no setting changed, no hand edit):
    only then are its questions about what is on the screen."""
    wanted = preset.settings
    for k in TRAINING_SETTINGS:
        have, want = ss.get(k), wanted[k]
        if isinstance(want, tuple | list):
            have, want = tuple(have or ()), tuple(want)
        if have != want:
            return False
    return not getattr(lab, "edits", ())


def _open_question(preset: Preset, answers: dict[int, Any], epoch: int) -> int | None:
    for i, q in enumerate(preset.questions):
        if i not in answers and q.epoch <= epoch:
            return i
    return None


def lesson_state(preset: Preset, epoch: int, diverged: bool) -> dict[str, Any]:
    """What the lesson's questions need now: the open question (or None), the stops ahead
    (epoch → reason Play is refused there), the questions waiting for their reveal and the
    ones revealed (not yet put away)."""
    answers, seen = _answers(preset.name), _seen(preset.name)
    open_i = _open_question(preset, answers, epoch)
    stops: dict[int, str] = {}
    waiting, revealed = [], []
    for i, q in enumerate(preset.questions):
        if i not in answers and q.epoch > epoch:
            stops[q.epoch] = BLOCKED
        shown = epoch >= q.reveal_epoch or diverged
        skipped = i in answers and answers[i] is SKIPPED
        if not skipped and q.reveal_epoch > epoch:
            stops.setdefault(q.reveal_epoch, "")
        if i in answers and answers[i] is not SKIPPED:
            if not shown:
                waiting.append(i)
            elif i not in seen:
                revealed.append(i)
    return {"open": open_i, "stops": stops, "waiting": waiting, "revealed": revealed}


def _clear_widgets() -> None:
    for i in range(bq.MAX_QUESTIONS):
        ss.pop(f"w_q_{i}", None)


def _answer(name: str, i: int) -> None:
    q = PRESETS[name].questions[i]
    value = ss.get(f"w_q_{i}")
    if value is None:
        schema.note(ss, "Choose an answer first (or skip the question).")
        return
    _answers(name)[i] = int(value) if q.is_choice else float(value)


def _skip(name: str, i: int) -> None:
    _answers(name)[i] = SKIPPED


def _put_away(name: str, i: int) -> None:
    _seen(name).append(i)


def _md(s: str) -> str:
    return text.escape_markdown(text.course(s))


def _ask_ui(name: str, i: int, q: bq.Question) -> None:
    when = "Before you press Play" if q.epoch == 0 else f"Epoch {q.epoch}"
    st.markdown(f"**{when} — predict:** {_md(q.prompt)}")
    if q.is_choice:
        st.radio(
            "Your prediction",
            list(range(len(q.choices))),
            index=None,
            key=f"w_q_{i}",
            format_func=lambda c: f"{bq.LETTERS[c]}. {text.course(q.choices[c])}",
        )
    else:
        st.number_input("Your prediction (a number)", value=None, key=f"w_q_{i}", format="%g")
    c1, c2 = st.columns(2)
    c1.button("Answer", key=f"b_q_answer_{i}", on_click=_answer, args=(name, i), type="primary")
    c2.button("Skip", key=f"b_q_skip_{i}", on_click=_skip, args=(name, i))
    st.caption(f"{BLOCKED}: Play waits until you do.")


def _response_text(q: bq.Question, response: Any) -> str:
    if q.is_choice:
        return f"{bq.LETTERS[int(response)]}. {q.choices[int(response)]}"
    return f"{response:g}"


def _reveal_ui(name: str, i: int, q: bq.Question, response: Any) -> None:
    right = bq.grade(q, response)
    where = q.reveal_epoch
    mark = ":green[**Right.**]" if right else ":red[**Not quite.**]"
    st.markdown(
        f"{mark} {_md(q.prompt)} You said "
        f"{text.plain(text.course(_response_text(q, response)))}; at epoch {where} the answer "
        f"is **{_md(q.answer_text)}**. {_md(q.explanation)}"
    )
    c1, c2 = st.columns([1, 5], vertical_alignment="center")
    c1.button("Continue", key=f"b_q_seen_{i}", on_click=_put_away, args=(name, i))
    c2.caption(f"Look at {_md(bq.EVIDENCE[q.evidence])}: it is outlined in the live view.")


def lesson_ui(lab: Any, live: Any) -> dict[str, Any] | None:
    """The hooks that make Play wait for the applied preset's questions: call before the
    live view is published.  Returns :func:`lesson_state` (None without questions, or when
    the session no longer trains the preset's own run)."""
    preset = PRESETS.get(ss.get("preset", ""))
    if ss.get("_q_for") != ss.get("preset", ""):
        _clear_widgets()
        ss["_q_for"] = ss.get("preset", "")
    live.blocked_reason, live.stops, live.highlight = "", {}, ""
    if preset is None or not preset.questions or not _is_preset_run(preset, lab):
        return None
    tr = lab.trainer
    state = lesson_state(preset, int(tr.epoch), bool(tr.diverged))
    with live.lock:
        live.stops = state["stops"]
        live.blocked_reason = BLOCKED if state["open"] is not None else ""
    if state["revealed"]:  # the reveal on top (Continue puts it away) is the one outlined
        live.highlight = preset.questions[state["revealed"][0]].evidence
    return state


#: The story's one line while a question or a reveal waits below the live view.
POINTER = {
    "open": "Predict first: the question is below the live view",
    "revealed": "The answer is revealed below the live view",
}


def pointer(state: dict[str, Any] | None) -> str:
    """Where the lesson's question is, in words ("" when none waits): for the story's line
    above the live view (the questions are below it, so they never push it down)."""
    if state is None:
        return ""
    if state["open"] is not None:
        return POINTER["open"]
    return POINTER["revealed"] if state["revealed"] else ""


def questions_ui(lab: Any, state: dict[str, Any] | None) -> None:
    """The applied preset's questions (nothing without a preset) and the score, below the
    live view; ``state`` is :func:`lesson_ui`'s, taken before the view was published.
    First, at the lesson's stop, what to try next (:func:`try_next_ui.try_next_at_stop_ui`)."""
    try_next_ui.try_next_at_stop_ui(lab)  # right below the view: seen when the stop is reached
    preset = PRESETS.get(ss.get("preset", ""))
    if preset is None or not preset.questions:
        c1, c2 = st.columns([2, 3], vertical_alignment="center")
        predict_sign_ui(c1)
        if score()[1]:
            c2.caption(score_text())
        return
    with st.container(border=True, key="bp_questions"):
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        c1.markdown(f"**Predict, then reveal** · {score_text()}")
        predict_sign_ui(c2)
        if state is None:
            st.caption(
                "You changed the preset's settings (or edited the run by hand): its questions "
                "are about the preset's own run. Apply the preset again to answer them."
            )
            return
        answers = _answers(preset.name)
        for i in state["revealed"]:
            _reveal_ui(preset.name, i, preset.questions[i], answers[i])
        if state["open"] is not None:
            i = state["open"]
            _ask_ui(preset.name, i, preset.questions[i])
        for i in state["waiting"]:
            q = preset.questions[i]
            st.caption(
                f"Your prediction: {text.plain(text.course(_response_text(q, answers[i])))}. "
                f"Press Play: training pauses at epoch {q.reveal_epoch} to reveal the answer."
            )
        if state["open"] is None and not state["waiting"] and not state["revealed"]:
            st.caption("Every question of this lesson is answered or skipped.")


def predict_sign_ui(where: Any = None) -> bool:
    """The Predict-the-sign toggle (the setting ``predict_sign``)."""
    return bool(setting_ui("predict_sign", where))


__all__ = [
    "BLOCKED",
    "POINTER",
    "lesson_state",
    "lesson_ui",
    "pointer",
    "predict_sign_ui",
    "questions_ui",
    "record_chain_sign",
    "record_sign",
    "score",
    "score_text",
]
