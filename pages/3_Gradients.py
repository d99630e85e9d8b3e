"""Gradients: Θ, Δ and D per layer, the gradient check (with planted bugs), per-example
contributions to one weight's gradient, and histograms of a and δ (saturation).

Widgets (lab_ui.shared.widgets) → bp_core (backprop, the check; via lab_ui.shared.lab) →
lab_ui.shared.figures
→ render.
"""

import streamlit as st

from lab_ui.gradients import gradients_ui
from lab_ui.live import keys_ui
from lab_ui.shared import figures, presenter_ui, text
from lab_ui.shared import lab as lab_mod
from lab_ui.shared.entry import session_lab_ui
from lab_ui.shared.widgets import setting_ui, weight_ui

lab = session_lab_ui()
cfg, tr = lab.cfg, lab.trainer

st.title("Gradients")
st.caption(
    f"Network {text.architecture(cfg.layer_sizes)}, λ = {text.number(cfg.lambda_)}, after "
    f"{tr.epoch} epochs on the Playground. $D^{{(l)}} = \\partial J / \\partial \\Theta^{{(l)}}$ "
    "is what gradient descent follows."
)
keys_ui.training_keys_ui(lab)  # Step / Reset (buttons and keys): everything below follows Θ
try:
    trace = lab_mod.training_trace(lab)
except ValueError as err:
    st.error(text.plain(err))
    st.stop()

st.header("Θ, Δ and D, layer by layer")
l = setting_ui("grad_layer", options=list(range(1, cfg.L)))
st.plotly_chart(presenter_ui.figure(figures.layer_figure(tr.Theta, trace, l)), key="grad_heat")
st.caption(f"On all m = {trace.m} training examples. {figures.PALETTE_NOTE}")

st.header("Gradient check (checkNNGradients)")
gradients_ui.check_ui(lab)

st.header("Where one weight's gradient comes from")
st.caption(
    r"$\Delta^{(l)}_{jk}$ is a sum over the examples of $\delta^{(l+1)}_j \cdot a^{(l)}_k$: "
    "which examples push it up (blue), which down (orange)?"
)
c = st.columns(4)
gradients_ui.contributions_weight_default(lab)  # never an empty panel (a zero weight moves)
weight = weight_ui("contrib", cfg, c[:3])
m = setting_ui("contrib_m", c[3], hi=min(100, tr.m))
try:
    contrib = lab_mod.weight_contributions(lab, weight, m)
except ValueError as err:
    st.error(text.plain(err))
    st.stop()
contrib_figure = figures.contributions_figure(contrib, *weight)
st.plotly_chart(presenter_ui.figure(contrib_figure), key="grad_contrib")

st.header("Activations and errors per layer")
if tr.history.saturation and tr.history.saturation[-1]:
    st.caption(gradients_ui.saturation_caption(tr.history.saturation[-1]))
hist_a, hist_d = (figures.trace_histograms_figure(trace, kind, cfg) for kind in ("a", "δ"))
st.plotly_chart(presenter_ui.figure(hist_a), key="grad_hist_a")
st.plotly_chart(presenter_ui.figure(hist_d), key="grad_hist_d")
