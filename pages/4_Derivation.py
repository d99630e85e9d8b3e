"""Derivation: the backprop equations as LaTeX, each checked numerically on the current network.

Widgets → bp_core.checks (both sides of each line, from bp_core) → lab_ui.figures → render.
"""

import inspect

import streamlit as st

import bp_core as bp
from bp_core import checks as bp_checks
from lab_ui import figures
from lab_ui.derivation import derivation_lines
from lab_ui.entry import session_lab_ui
from lab_ui.latex import dimension_lines

lab = session_lab_ui()
cfg, tr = lab.cfg, lab.trainer
L = cfg.L

st.title("Derivation")
st.caption(
    f"Each line of the derivation, with both sides computed on the current network "
    f"({' → '.join(map(str, cfg.layer_sizes))}, {bp.LOSSES[cfg.loss].label}, "
    f"{cfg.output} output, λ = {cfg.lambda_:g}). J_i is one example's cost; J = (1/m) Σ J_i + "
    "regularization."
)
if lab.problem:
    st.warning(lab.problem)
c1, c2 = st.columns(2)
i = c1.number_input("Example i for the per-example lines", 1, tr.m, 1, key="der_example")
m_all = c2.slider("Examples for J and the gradient", 1, min(20, tr.m), min(10, tr.m), key="der_m")
try:
    X1, Y1 = bp_checks.examples(cfg, tr.X_train, tr.y_train, tr.task, i - 1, 1)
    Xa, Ya = bp_checks.examples(cfg, tr.X_train, tr.y_train, tr.task, 0, m_all)
    lines = derivation_lines(cfg, tr.Theta, X1, Y1, Xa, Ya)
except ValueError as err:
    st.error(str(err))
    st.stop()

n_ok = sum(c.ok for c in lines)
(st.success if n_ok == len(lines) else st.warning)(
    f"{n_ok} of {len(lines)} lines check out numerically (largest difference "
    f"{max(c.max_diff for c in lines):.1e})."
)
for c in lines:
    if c.key == "delta_L_mse":
        st.header("Contrast: squared error")
    st.subheader(c.title)
    st.latex(c.latex)
    st.caption(c.explanation)
    left, right = st.columns([3, 1])
    table = c.table()
    left.dataframe(
        table,
        hide_index=True,
        height=min(38 + 35 * len(c.labels), 260),
        column_config=dict.fromkeys(list(table)[1:], st.column_config.NumberColumn(format="%.8e")),
    )
    right.metric("max |difference|", f"{c.max_diff:.2e}")
    right.markdown(
        ":green[**✓ the two sides agree**]" if c.ok else ":red[**✗ the two sides differ**]"
    )
    if c.key == "g_prime" and L > 2:
        st.header("Backpropagation, from the output back")
    if c.key == "delta_2" or (c.key == "delta_L" and L == 2):
        with st.expander(
            "Dimension bookkeeping: where the transposes and the dropped bias row come from",
            expanded=True,
        ):
            for tex, why in dimension_lines(cfg.layer_sizes):
                st.latex(tex)
                st.caption(why)

curves = bp_checks.output_delta_curves("sigmoid", y=1.0)
st.plotly_chart(figures.output_delta_figure(curves, L), key="der_sat")
st.write(
    "With a sigmoid output and target y = 1, a confidently wrong output (z^(L) ≪ 0, ŷ ≈ 0) "
    "gets δ ≈ −1 under cross-entropy but δ ≈ 0 under squared error: the factor ŷ(1 − ŷ) "
    "kills the gradient exactly when the output is most wrong, so learning slows down."
)

st.header("A one-weight slice of J(Θ)")
st.caption("Vary one weight, keep all the others: the slope at the current value is D^(l)_jk.")
s1, s2, s3, s4 = st.columns(4)
sl = s1.selectbox("l", list(range(1, L)), key="der_slice_l")
rows, cols = cfg.theta_shapes[sl - 1]
sj = s2.number_input(f"j (1 … {rows})", 1, rows, 1, key=f"der_slice_j_{sl}")
sk = s3.number_input(
    f"k (0 = bias … {cols - 1})", 0, cols - 1, min(1, cols - 1), key=f"der_slice_k_{sl}"
)
width = s4.select_slider("± range", [0.1, 0.3, 1.0, 3.0, 10.0], 1.0, key="der_slice_w")
try:
    cs = bp_checks.cost_slice(cfg, tr.Theta, Xa, Ya, (sl, sj - 1, sk), width)
except ValueError as err:
    st.error(str(err))
    st.stop()
st.plotly_chart(
    figures.cost_slice_figure(cs.t, cs.J, cs.t0, cs.J0, cs.slope_fd, cs.slope_bp, sl, sj, sk),
    key="der_slice",
)
m1, m2, m3 = st.columns(3)
m1.metric("finite-difference slope", f"{cs.slope_fd:.8g}")
m2.metric(f"backprop D^({sl})_{sj},{sk}", f"{cs.slope_bp:.8g}")
m3.metric("|difference|", f"{bp_checks.max_abs_diff(cs.slope_fd, cs.slope_bp):.2e}")

with st.expander("Show the code: `bp_core.network.hidden_delta` and `output_delta`"):
    st.code(inspect.getsource(bp.network.output_delta), language="python")
    st.code(inspect.getsource(bp.network.hidden_delta), language="python")
    st.code(inspect.getsource(bp_checks.fd_dJ_dz), language="python")
