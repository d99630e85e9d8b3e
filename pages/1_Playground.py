"""Playground: train a small network on toy data and watch a, δ and D change live.

Thin page: widgets (lab_ui.playground_ui) → the session's Lab (lab_ui.state, built by
bp_core) → a frame (lab_ui.frames) → the live view component (lab_ui.live_view).  While
playing, a fragment re-runs every TICK seconds; the browser paces the ticks.
"""

import time

import streamlit as st

from lab_ui import frames, playground_ui, state
from lab_ui.entry import init_session_ui
from lab_ui.live_view import live_view

init_session_ui()

ss = st.session_state
TICK = 0.025  # s between tick requests while playing (the server runs them back to back)
SLOW_TICK = 0.33  # slow motion

st.title("Backprop Lab · Playground")
st.caption(
    "Train a fully connected network and watch forward propagation (activations a⁽ˡ⁾, "
    "weights Θ⁽ˡ⁾) and backpropagation (error terms δ⁽ˡ⁾, gradients D⁽ˡ⁾) as it learns. "
    "Superscripts count layers from 1 (the input), as in the course."
)

playground_ui.sidebar_ui()
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


def _rate(lab: state.Lab) -> float:
    """Epochs per second over the last ~2 s of this session's training."""
    now = time.perf_counter()
    hist = [p for p in ss.get("_rate", []) if now - p[0] < 2.0 and p[2] == lab.uirev]
    tr = lab.trainer
    hist.append((now, tr.epoch + (tr.steps % tr.steps_per_epoch) / tr.steps_per_epoch, lab.uirev))
    ss["_rate"] = hist
    if len(hist) < 2 or hist[-1][0] - hist[0][0] < 0.2:
        return 0.0
    return (hist[-1][1] - hist[0][1]) / (hist[-1][0] - hist[0][0])


def _status(lab: state.Lab, rate: float) -> str:
    tr, h = lab.trainer, lab.trainer.history
    metric = h.metric_name
    parts = [f"epoch {tr.epoch}", f"{tr.steps} gradient steps"]
    if h.J_train:
        parts.append(f"J train {h.J_train[-1]:.4g}")
        if h.J_test and h.J_test[-1] == h.J_test[-1]:
            parts.append(f"J test {h.J_test[-1]:.4g}")
        fmt = (lambda v: f"{100 * v:.1f} %") if metric == "accuracy" else (lambda v: f"{v:.3f}")
        parts.append(f"{metric} train {fmt(h.metric_train[-1])}, test {fmt(h.metric_test[-1])}")
    if ss["playing"]:
        parts.append(f"{rate:.0f} epochs/s")
    return " · ".join(parts)


# The toolbar sits outside the fragment: while playing, a tick then re-renders only the
# live view (measured: re-rendering a dozen widgets per tick cost more browser time than
# drawing the frame).  A click re-runs the page, which redraws the view once.
playground_ui.toolbar_ui(lab.dataset.m_train)
if lab.trainer.diverged:
    st.warning(lab.trainer.divergence.message)

playing = ss["playing"]
tick = None
if playing:
    tick = SLOW_TICK if ss["speed"] == "slow" else TICK


@st.fragment(run_every=tick)
def live() -> None:
    lab = state.sync_lab(ss)
    if ss["playing"] != playing:  # Play/Pause pressed: re-run the page to (un)set the ticks
        st.rerun()
    t0 = time.perf_counter()
    if ss["playing"]:
        state.train_for_frame(lab, ss["speed"])
        if lab.trainer.diverged:
            ss["playing"] = False
            st.rerun()
    lab.rev += 1
    frame = frames.build_frame(
        lab.cfg,
        lab.trainer.Theta,
        lab.dataset,
        lab.trainer.history,
        epoch=lab.trainer.epoch,
        step=lab.trainer.steps,
        uirev=lab.uirev,
        mode=ss["mode"],
        example=ss["example"] - 1,
        show_test=ss["show_test"],
        discretize=ss["discretize"],
        log_cost=ss["log_cost"],
        res=50 if sum(lab.cfg.layer_sizes[1:-1]) <= 64 else 30,
        rev=lab.rev,
        status=_status(lab, _rate(lab)),
        playing=ss["playing"],
    )
    frame["server_ms"] = round(1000 * (time.perf_counter() - t0), 1)
    live_view(frame)


live()
if not playing:  # a static chart beside the live view only while paused (it remounts)
    playground_ui.image_data_ui(lab)
