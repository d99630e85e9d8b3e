"""Playground: train a small network on toy data and watch a, δ and D change live.

Thin page: widgets (lab_ui.playground.playground_ui, drawn from lab_ui.shared.schema) → the
session's Lab
(lab_ui.shared.lab, built by bp_core) → the live view (lab_ui.live.live_view), whose frames travel
over
the session's own channel (lab_ui.live.channel).  This page re-runs only when a control changes.
"""

import streamlit as st

from lab_ui.classroom import lecturer_ui, student_ui
from lab_ui.live.live_view import (
    live_first_paint_ui,
    live_session_ui,
    live_view_ui,
    toolbar_slot_ui,
)
from lab_ui.playground import playground_ui, presets_ui, questions_ui, runs, timeline_ui
from lab_ui.playground.export_ui import export_ui
from lab_ui.playground.health_ui import health_ui
from lab_ui.shared import presenter_ui, schema, text
from lab_ui.shared.entry import session_lab_ui

ss = st.session_state

# A student who opened a class's link (?class=CODE) follows the lecturer's run
# (lab_ui.classroom): the page is the lecturer's live view (no Lab of its own) until Take a copy.
code = student_ui.class_from_url_ui()
if code is not None and student_ui.follow_ui(code, lambda d, n: runs.import_run(ss, d, n)):
    presenter_ui.later_toggle_ui()  # held back for a first frame this page does not have
    st.stop()

# the channel's scheduler trains this Lab between page runs: hold its lock while syncing
lab = session_lab_ui(lock=live_session_ui().lock)
lecturer_ui.reclaim_ui(live_session_ui())  # a lecturer's reload takes the class back

presenting = presenter_ui.presenting()  # presenter mode: no sidebar, a short toolbar
if not presenting:  # the projector keeps the room for the live view (its bar names the page)
    st.title("Backprop Lab · Playground")
    st.caption(
        "Train a fully connected network and watch forward propagation (activations a⁽ˡ⁾, "
        "weights Θ⁽ˡ⁾) and backpropagation (error terms δ⁽ˡ⁾, gradients D⁽ˡ⁾) as it learns. "
        "Superscripts count layers from 1 (the input), as in the course."
    )

# The live view comes first: on a browser's first run the page waits until the view has
# painted its first frame before it sends any widget, the toolbar's too (its widgets cost the
# browser more than the whole view).  Its place above the view keeps its room, so the
# toolbar arriving does not move the view.
lesson = questions_ui.lesson_ui(lab, live_session_ui())  # Play waits for its questions
presets_ui.story_ui(ss["preset"], questions_ui.pointer(lesson))  # one line, above the view
# a class (lab_ui.classroom): Start a class in the sidebar (presenter mode: under the view),
# then its code, link and QR code and the lecturer's buttons above the view
class_slot = None if presenting else st.sidebar.container()  # filled after the first frame
lecturer_ui.class_ui(live_session_ui(), runs.playground_settings(ss))
tools = toolbar_slot_ui(presenting)  # the toolbar's place, its room kept
if lab.trainer.diverged:
    st.warning(text.plain(lab.trainer.divergence.message, run=100, total=600))
live = live_view_ui(lab, lecturer_ui.view_data())  # Play, Pause, Step: over its own channel
live_first_paint_ui(live)
# widgets above the view or atop the sidebar come after its first frame: their code, loaded
# on first use, would hold the frame back (the toolbar, the presenter switch, Start a class)
presenter_ui.later_toggle_ui()
if class_slot is not None:
    lecturer_ui.start_ui(live_session_ui(), class_slot)
with tools.container():
    playground_ui.toolbar_ui(lab, compact=presenting)
lecturer_ui.class_tools_ui(live_session_ui())  # the next question, the tallies (a class)
questions_ui.questions_ui(lab, lesson)  # below the view: they never push it down
if not presenting:
    playground_ui.sidebar_ui(lab)
timeline_ui.timeline_ui(lab, live.playing)  # Epoch slider, the link, edit a weight (paused)
st.query_params.from_dict(schema.settings_to_query(ss))
if not live.playing:  # below the live view only while paused
    health_ui(lab)  # bp_core.health's findings, one sentence each
    playground_ui.classification_ui(lab)  # the test confusion matrix (and digit images)
    if not presenting:  # presenter mode: no files to hand around on the projector
        export_ui(lab)  # Export and import: run files, CSV, HTML, PNG, a Python script
