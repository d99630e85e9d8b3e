"""Step through's *predict the sign*: on a D⁽ˡ⁾ step, with the setting ``predict_sign`` on,
the student picks one entry D⁽ˡ⁾ⱼₖ and says + or − before the step's numbers are shown.

The answer counts in the session's score of predictions
(:func:`lab_ui.playground.questions_ui.record_sign`); the value is bp_core's D, the very
matrix the step shows.
"""

from __future__ import annotations

import streamlit as st

from lab_ui.playground import questions_ui
from lab_ui.shared import text
from lab_ui.step import stepper

ss = st.session_state

SIGNS = ("+", "−")


def d_layer(step: stepper.Step, L: int) -> int | None:
    """The l of a "D⁽ˡ⁾ = Δ⁽ˡ⁾/m + …" step (None for any other step)."""
    if step.phase != "backward" or len(step.matrices) != 1:
        return None
    label = step.matrices[0][0]
    return next((l for l in range(1, L) if label == text.sup("D", l)), None)


def sign_ui(step: stepper.Step, L: int, steps_taken: int) -> bool:
    """Ask the sign of one entry of the step's D⁽ˡ⁾ (only with ``predict_sign`` on and on a
    D step).  Returns True while the answer is still hidden: the page then leaves the
    step's numbers out."""
    l = d_layer(step, L)
    if l is None:
        return False
    on = questions_ui.predict_sign_ui()
    if not on:
        return False
    D = step.matrices[0][1]  # (s_{l+1}, s_l + 1), D[j − 1, k]
    c1, c2, c3 = st.columns([1, 1, 3], vertical_alignment="bottom")
    j = int(c1.number_input("j", 1, D.shape[0], 1, key="w_stp_sign_j"))
    k = int(
        c2.number_input(
            "k (0: bias)", 0, D.shape[1] - 1, 1 if D.shape[1] > 1 else 0, key="w_stp_sign_k"
        )
    )
    target = (l, j, k, steps_taken)
    if ss.get("_stp_sign_for") != target:
        ss["_stp_sign_for"] = target
        ss.pop("w_stp_sign", None)
    name = text.weight(l, j, k, "D")
    guess = c3.radio(
        f"Predict: is {name} positive or negative?",
        SIGNS,
        index=None,
        horizontal=True,
        key="w_stp_sign",
    )
    if guess is None:
        st.caption(f"Say + or − to see {name} and the rest of this step's numbers.")
        return True
    value = float(D[j - 1, k])
    right = value > 0 if guess == "+" else value < 0
    questions_ui.record_sign("step", (l, j, k), steps_taken, right)
    verdict = ":green[**Right**]" if right else ":red[**Not quite**]"
    st.markdown(
        f"{verdict}: {text.escape_markdown(name)} = {text.escape_markdown(text.number(value))} "
        f"· {questions_ui.score_text()}"  # our words and whole numbers only
    )
    return False


__all__ = ["d_layer", "sign_ui"]
