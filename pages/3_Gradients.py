"""Gradients: Θ, Δ and D per layer, the gradient check (with planted bugs), per-example
contributions to one weight's gradient, and histograms of a and δ (saturation).

Widgets → bp_core (backprop, the check) → lab_ui.figures → render.
"""

import inspect

import streamlit as st

import bp_core as bp
from bp_core.checks import MAX_CHECK_EXAMPLES, examples, sampled_gradient_check
from lab_ui import figures
from lab_ui.entry import session_lab_ui

lab = session_lab_ui()
cfg, tr = lab.cfg, lab.trainer
layers = list(range(1, cfg.L))  # course l of every Θ^(l)

st.title("Gradients")
st.caption(
    f"Network {' → '.join(map(str, cfg.layer_sizes))}, λ = {cfg.lambda_:g}, after {tr.epoch} "
    f"epochs on the Playground. D^(l) = ∂J/∂Θ^(l) is what gradient descent follows."
)
if lab.problem:
    st.warning(lab.problem)
try:
    trace = bp.backprop(cfg, tr.Theta, tr.X_train, tr.Y_train)
except ValueError as err:
    st.error(str(err))
    st.stop()

st.header("Θ, Δ and D, layer by layer")
l = st.selectbox(
    "Which layer's weights", layers, key="grad_layer", format_func=lambda v: f"Θ^({v})"
)
st.plotly_chart(
    figures.theta_delta_D_figure(tr.Theta[l - 1], trace.Delta[l - 1], trace.D[l - 1], l),
    key="grad_heat",
)
st.caption(f"On all m = {trace.m} training examples. Red is positive, blue negative, white 0.")

st.header("Gradient check (checkNNGradients)")
bugs = [None, *bp.PLANTED_BUGS]
c1, c2 = st.columns([2, 1])
bug = c1.selectbox(
    "Backpropagation to check",
    bugs,
    key="grad_bug",
    format_func=lambda b: (
        "the correct backprop" if b is None else f"planted bug: {bp.PLANTED_BUGS[b].title}"
    ),
)
m_chk = c2.slider("Examples used", 1, min(MAX_CHECK_EXAMPLES, tr.m), min(10, tr.m), key="grad_m")
X, Y = examples(cfg, tr.X_train, tr.y_train, tr.task, 0, m_chk)
sig = (id(tr), tr.steps, cfg, bug, m_chk)
if st.session_state.get("grad_chk_sig") != sig:  # the check is costly: redo it only on change
    try:
        st.session_state["grad_chk"] = sampled_gradient_check(cfg, tr.Theta, X, Y, bug=bug)
    except ValueError as err:
        st.error(str(err))
        st.stop()
    st.session_state["grad_chk_sig"] = sig
chk = st.session_state["grad_chk"]
what = (
    f"every one of the {chk.n_weights} weights"
    if chk.complete
    else f"{len(chk.entries)} of the {chk.n_weights} weights (a sample with some of every bias "
    "column: checking all would take 2 forward passes per weight, too slow here)"
)
st.caption(f"Checked {what} on the first {chk.m} training example(s), ε = 10⁻⁴.")
msg = f"Relative difference ‖n − g‖ / ‖n + g‖ = {chk.relative_difference:.3e}"
if chk.passed:
    st.success(f"{msg} < {chk.tolerance:g}: backprop agrees with the finite differences.")
else:
    st.error(f"{msg} ≥ {chk.tolerance:g}: the gradient check FAILS.")
if bug is not None:
    pb = bp.PLANTED_BUGS[bug]
    b1, b2 = st.columns(2)
    b1.markdown("**Correct**")
    b1.latex(pb.correct)
    b2.markdown("**Planted bug**")
    b2.latex(pb.buggy)
    st.info(pb.explanation)
    if chk.passed:
        st.caption("This bug does not show on this network and data: see the explanation.")
left, right = st.columns(2)
sci = st.column_config.NumberColumn(format="%.6e")
table = chk.table()
left.dataframe(
    table, hide_index=True, height=380, column_config=dict.fromkeys(list(table)[1:], sci)
)
right.plotly_chart(
    figures.gradcheck_scatter(chk.numeric, chk.backprop, chk.entries, chk.passed),
    key="grad_scatter",
)
err_l = st.selectbox(
    "Show the errors of Θ^(l), l =",
    layers,
    index=layers.index(chk.worst_layer()),
    key=f"grad_err_layer_{bug}",
)
maps = chk.error_maps(cfg.theta_shapes)
st.plotly_chart(figures.error_map_figure(maps[err_l - 1], err_l), key="grad_errmap")
with st.expander("Show the code: `bp_core.gradcheck.gradient_check`"):
    st.code(inspect.getsource(bp.gradcheck.numerical_gradient), language="python")
    st.code(inspect.getsource(bp.gradient_check), language="python")

st.header("Where one weight's gradient comes from")
st.caption("Δ^(l)_jk is a sum over the examples of δ^(l+1)_j · a^(l)_k: which examples push it?")
c1, c2, c3, c4 = st.columns(4)
cl = c1.selectbox("l", layers, key="contrib_l")
s_next, s_l = cfg.theta_shapes[cl - 1]
cj = c2.number_input(f"j (1 … {s_next})", 1, s_next, 1, key=f"contrib_j_{cl}")
ck = c3.number_input(
    f"k (0 = bias … {s_l - 1})", 0, s_l - 1, min(1, s_l - 1), key=f"contrib_k_{cl}"
)
cm = c4.slider("Examples", 1, min(100, tr.m), min(30, tr.m), key="contrib_m")
try:
    Xc, Yc = examples(cfg, tr.X_train, tr.y_train, tr.task, 0, cm)
    contrib = bp.backprop(cfg, tr.Theta, Xc, Yc).example_contributions(cl - 1, cj - 1, ck)
except ValueError as err:
    st.error(str(err))
    st.stop()
st.plotly_chart(figures.contributions_figure(contrib, cl, cj, ck), key="grad_contrib")

st.header("Activations and errors per layer")
sat = tr.history.saturation[-1] if tr.history.saturation else []
if sat:
    st.caption(
        "Saturated units (g'(z) below 5 % of its peak), per hidden layer: "
        + ", ".join(f"layer {p + 2}: {s:.0%}" for p, s in enumerate(sat))
    )
st.plotly_chart(
    figures.histograms_figure(
        trace.a[1:],
        range(2, cfg.L + 1),
        "a",
        "a<sup>(l)</sup>: piled up at the ends = saturated units",
    ),
    key="grad_hist_a",
)
st.plotly_chart(
    figures.histograms_figure(
        trace.delta[1:],
        range(2, cfg.L + 1),
        "δ",
        "δ<sup>(l)</sup>: shrinking towards the input = vanishing gradients",
    ),
    key="grad_hist_d",
)
