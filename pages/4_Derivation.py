"""Derivation: the backprop equations as LaTeX, each checked numerically on the current network.

Widgets (lab_ui.shared.widgets) → bp_core.checks (both sides of each line) with their text from
lab_ui.derivation.derivation → lab_ui.derivation.derivation_ui / lab_ui.shared.figures → render.
"""

import streamlit as st

import bp_core as bp
from bp_core import checks as bp_checks
from lab_ui.derivation import derivation_ui
from lab_ui.derivation.derivation import derivation_lines
from lab_ui.live import keys_ui
from lab_ui.shared import figures, presenter_ui, schema, text
from lab_ui.shared import lab as lab_mod
from lab_ui.shared.entry import session_lab_ui
from lab_ui.shared.widgets import setting_ui, show_code_ui, weight_ui

lab = session_lab_ui()
cfg, tr = lab.cfg, lab.trainer
L = cfg.L
head = (schema.BY_NAME["loss"].fmt(cfg.loss), schema.BY_NAME["output"].fmt(cfg.output))

st.title("Derivation")
st.caption(
    f"Each line of the derivation, with both sides computed on the current network "
    f"({text.architecture(cfg.layer_sizes)}, {head[0]}, {head[1]} output, "
    f"λ = {text.number(cfg.lambda_)}). $J_i$ is one example's cost; "
    r"$J = \frac{1}{m}\sum_i J_i$ + regularization."
)
keys_ui.training_keys_ui(lab)  # Step / Reset (buttons and keys): every line follows Θ
c1, c2 = st.columns(2)
i = setting_ui(
    "der_example", c1, hi=tr.m, label=f"Example i for the per-example lines (1 … {tr.m})"
)
m_all = setting_ui("der_m", c2, hi=min(20, tr.m))
try:
    X1, Y1 = lab_mod.example_rows(lab, i)
    Xa, Ya = lab_mod.example_rows(lab, 1, m_all)
    lines = derivation_lines(cfg, tr.Theta, X1, Y1, Xa, Ya)
except ValueError as err:
    st.error(text.plain(err))
    st.stop()

derivation_ui.summary_ui(lines)
for line in lines:
    derivation_ui.line_ui(line, cfg.layer_sizes)

curves = bp_checks.output_delta_curves("sigmoid", y=1.0)  # the course's output unit
sat = figures.output_delta_figure(curves, L, output="sigmoid")
st.plotly_chart(presenter_ui.figure(sat), key="der_sat")
st.markdown(
    r"With a sigmoid output and target $y = 1$, a confidently wrong output ($z^{(L)} \ll 0$, "
    r"$\hat y \approx 0$) gets $\delta \approx -1$ under cross-entropy but $\delta \approx 0$ "
    r"under squared error: the factor $\hat y(1 - \hat y)$ kills the gradient exactly when the "
    "output is most wrong, so learning slows down."
)

st.header("A one-weight slice of J(Θ)")
st.caption(
    r"Vary one weight, keep all the others: the slope at the current value is $D^{(l)}_{jk}$."
)
s = st.columns(4)
weight = weight_ui("der_slice", cfg, s[:3])
width = setting_ui("der_slice_w", s[3])
try:
    cs = bp_checks.cost_slice(cfg, tr.Theta, Xa, Ya, weight=weight, half_width=width)
except ValueError as err:
    st.error(text.plain(err))
    st.stop()
st.plotly_chart(
    presenter_ui.figure(
        figures.cost_slice_figure(cs.t, cs.J, cs.t0, cs.J0, cs.slope_fd, cs.slope_bp, *weight)
    ),
    key="der_slice",
)
derivation_ui.slice_metrics_ui(cs, weight)
show_code_ui(
    bp.network.output_delta,
    bp.network.hidden_delta,
    bp_checks.fd_dJ_dz,
    title="Show the code: `bp_core.network.hidden_delta` and `output_delta`",
)
