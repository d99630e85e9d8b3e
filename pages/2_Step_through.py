"""Step through backprop: one example (or the current mini-batch), one course equation per step.

Widgets (lab_ui.shared.widgets, from the schema) → bp_core.backprop → lab_ui.step.stepper (the
steps)
→ lab_ui.step.step_ui (the equation, the diagram, the matrices) → render.
"""

import streamlit as st

import bp_core as bp
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import text
from lab_ui.shared.entry import session_lab_ui
from lab_ui.shared.widgets import setting_ui
from lab_ui.step import sign_ui, step_ui, stepper

lab = session_lab_ui()
cfg, tr = lab.cfg, lab.trainer

st.title("Step through backprop")
st.caption(
    f"Network {text.architecture(cfg.layer_sizes)} (L = {cfg.L} layers) as trained on the "
    f"Playground so far: epoch {tr.epoch}, {tr.steps} gradient steps. Forward propagation "
    "first, then backpropagation and the gradient-descent update, one equation per step."
)

c1, c2, c3 = st.columns([2, 1, 1])
batch = tr.last_batch[0].shape[0]
source = setting_ui("stp_source", c1, format_func=lambda s: step_ui.source_label(s, batch))
if source == "example":
    i = setting_ui("stp_example", c2, hi=tr.m, label=f"Example i (1 … {tr.m})")
    X, Y = lab_mod.example_rows(lab, i)
else:
    X, Y = tr.last_batch
limit = setting_ui("stp_limit", c3)

try:
    trace = bp.backprop(cfg, tr.Theta, X, Y)
    steps = stepper.build_steps(
        cfg,
        tr.Theta,
        trace,
        Y,
        tr.settings.alpha,
        limit,
        limit,
        rule=tr.settings,  # the update step is the trainer's own rule, with its memory
        state=tr.optimizer_state,
    )
except ValueError as err:
    st.error(text.plain(err))
    st.stop()

k, step = step_ui.position_ui(cfg, steps)
net = step_ui.step_net(lab, step, X, Y, i if source == "example" else None)
step_ui.step_ui(step, k, len(steps), trace.m, net)
if not sign_ui.sign_ui(step, cfg.L, tr.steps):  # predict the sign of D first (a toggle)
    step_ui.matrices_ui(step)
