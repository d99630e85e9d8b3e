"""Playground: train a small network on toy data and watch a, δ and D change live.

Thin page: widgets (lab_ui.playground_ui) → the session's Lab (lab_ui.state, built by
bp_core) → the live view (lab_ui.live_view), whose frames travel over the session's own
channel (lab_ui.channel).  This page re-runs only when a control changes.
"""

import streamlit as st

from lab_ui import playground_ui, state
from lab_ui.entry import init_session_ui
from lab_ui.live_view import live_session_ui, live_view_ui

init_session_ui()

ss = st.session_state

st.title("Backprop Lab · Playground")
st.caption(
    "Train a fully connected network and watch forward propagation (activations a⁽ˡ⁾, "
    "weights Θ⁽ˡ⁾) and backpropagation (error terms δ⁽ˡ⁾, gradients D⁽ˡ⁾) as it learns. "
    "Superscripts count layers from 1 (the input), as in the course."
)

playground_ui.sidebar_ui()
with live_session_ui().lock:  # the channel's scheduler trains this Lab between page runs
    lab = state.sync_lab(ss)
st.query_params.from_dict(state.settings_to_query(ss))

for note in ss.get("_url_notes", []):
    st.info(note)
ss["_url_notes"] = []
if ss.get("_csv_error"):
    st.warning(ss["_csv_error"])
if lab.problem:
    st.warning(lab.problem)
if ss.get("_note"):
    st.toast(ss.pop("_note"))


playground_ui.toolbar_ui(lab.dataset.m_train)
if lab.trainer.diverged:
    st.warning(lab.trainer.divergence.message)

# The live view draws the frames of the session's own channel (lab_ui.channel): Play,
# Pause and Step are answered there, without re-running this page.
live = live_view_ui(lab)
if not live.playing:  # a static chart beside the live view only while paused
    playground_ui.image_data_ui(lab)
