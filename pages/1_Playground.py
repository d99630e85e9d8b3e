"""Playground: train a small network on toy data and watch a, δ and D change live.

Thin page: widgets (lab_ui.playground.playground_ui, drawn from lab_ui.shared.schema) → the
session's Lab
(lab_ui.shared.lab, built by bp_core) → the live view (lab_ui.live.live_view), whose frames travel
over
the session's own channel (lab_ui.live.channel).  This page re-runs only when a control changes.
"""

import streamlit as st

from lab_ui.live.live_view import (
    live_first_paint_ui,
    live_session_ui,
    live_view_ui,
    toolbar_slot_ui,
)
from lab_ui.playground import playground_ui, presets_ui, questions_ui, timeline_ui
from lab_ui.playground.export_ui import export_ui
from lab_ui.playground.health_ui import health_ui
from lab_ui.shared import presenter_ui, schema, text
from lab_ui.shared.entry import session_lab_ui

ss = st.session_state

# the channel's scheduler trains this Lab between page runs: hold its lock while syncing
lab = session_lab_ui(lock=live_session_ui().lock)

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
presets_ui.story_ui(ss["preset"])  # the applied preset's story, above the live view
questions_ui.questions_ui(lab, live_session_ui())  # its questions: Play waits for them
presenting = presenter_ui.presenting()  # presenter mode: no sidebar, a short toolbar
tools = toolbar_slot_ui(presenting)  # the toolbar's place, its room kept
if lab.trainer.diverged:
    st.warning(text.plain(lab.trainer.divergence.message, run=100, total=600))
live = live_view_ui(lab)  # Play, Pause and Step are answered over its own channel
live_first_paint_ui(live)
with tools.container():
    playground_ui.toolbar_ui(lab, compact=presenting)
if not presenting:
    playground_ui.sidebar_ui(lab)
timeline_ui.timeline_ui(lab, live.playing)  # Epoch slider, the link, edit a weight (paused)
st.query_params.from_dict(schema.settings_to_query(ss))
if not live.playing:  # below the live view only while paused
    health_ui(lab)  # bp_core.health's findings, one sentence each
    playground_ui.classification_ui(lab)  # the test confusion matrix (and digit images)
    if not presenting:  # presenter mode: no files to hand around on the projector
        export_ui(lab)  # Export and import: run files, CSV, HTML, PNG, a Python script
