"""Exercise: backpropagation by hand on a tiny network, graded cell by cell.

Widgets (lab_ui.exercise.exercise_ui, drawn from the schema) → bp_core.exercise (the exercise,
the grading) and lab_ui.step.stepper (the solution's equations) → render.
"""

import streamlit as st

from bp_core import exercise as bp_ex
from lab_ui.exercise import exercise_ui, sheet
from lab_ui.shared import text
from lab_ui.shared.entry import init_session_ui, notices_ui
from lab_ui.step import stepper

init_session_ui()
notices_ui()

st.title("Exercise: backpropagation by hand")
st.caption(
    "A tiny network and one example: compute every z⁽ˡ⁾, a⁽ˡ⁾, δ⁽ˡ⁾ and D⁽ˡ⁾ on paper, type "
    "them in, and Check. A slip early on is followed through: what you computed right from "
    "your own earlier numbers counts as right given your work."
)
seed, sizes, act, loss = exercise_ui.choice_ui()
try:
    ex = bp_ex.make_exercise(seed, sizes, act, loss)
except ValueError as err:
    st.error(text.plain(err))
    st.stop()
exercise_ui.follow_ui(ex)
st.query_params.from_dict(exercise_ui.query())
st.markdown(f"**Exercise {ex.seed}** · {text.escape_markdown(sheet.choice_text(ex))}")

exercise_ui.problem_ui(ex)
verdicts = bp_ex.check(ex, exercise_ui.checked())
exercise_ui.actions_ui(ex, verdicts)
exercise_ui.cells_ui(ex, verdicts)

st.divider()
# the Step-through page's equations for this one example (α only shapes the update steps,
# which an exercise leaves out)
steps = stepper.build_steps(ex.cfg, ex.Theta, ex.trace, ex.Y, 1.0, None, None)
exercise_ui.solution_ui(ex, [s for s in steps if s.phase != "update"])
exercise_ui.print_ui(ex)
