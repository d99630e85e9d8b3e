"""Step through backprop: one example (or the current mini-batch), one course equation per step.

Widgets → bp_core.backprop → lab_ui.stepper (the steps) → lab_ui.figures (the diagram) → render.
"""

import inspect

import streamlit as st

import bp_core as bp
from bp_core.checks import examples
from lab_ui import figures, stepper
from lab_ui.entry import session_lab_ui

lab = session_lab_ui()
cfg, tr = lab.cfg, lab.trainer
ss = st.session_state

st.title("Step through backprop")
st.caption(
    f"Network {' → '.join(map(str, cfg.layer_sizes))} (L = {cfg.L} layers) as trained on the "
    f"Playground so far: epoch {tr.epoch}, {tr.steps} gradient steps. Forward propagation "
    "first, then backpropagation and the gradient-descent update, one equation per step."
)
if lab.problem:
    st.warning(lab.problem)

c1, c2, c3 = st.columns([2, 1, 1])
source = c1.radio(
    "Walk through",
    ["one training example", f"the last mini-batch ({tr.last_batch[0].shape[0]} examples)"],
    horizontal=True,
    key="stp_source",
)
if source == "one training example":
    i = c2.number_input("Example i", 1, tr.m, value=1, step=1, key="stp_example")
    X, Y = examples(cfg, tr.X_train, tr.y_train, tr.task, i - 1, 1)
else:
    X, Y = tr.last_batch
limit = c3.select_slider(
    "Write matrices out up to",
    [4, 6, 8, 12, 16],
    value=6,
    key="stp_limit",
    help="Bigger matrices are shortened with ⋯ and ⋮; open 'All entries' below to see them whole.",
)

try:
    trace = bp.backprop(cfg, tr.Theta, X, Y)
    steps = stepper.build_steps(cfg, tr.Theta, trace, Y, tr.settings.alpha, limit, limit)
except ValueError as err:
    st.error(str(err))
    st.stop()

n = len(steps)
ss["stp_step"] = min(max(int(ss.get("stp_step", 0)), 0), n - 1)  # survives page switches
ss["stp_step_w"] = ss["stp_step"] + 1


def _move(by: int) -> None:
    ss["stp_step"] = min(max(ss["stp_step"] + by, 0), n - 1)


def _jump() -> None:
    ss["stp_step"] = int(ss["stp_step_w"]) - 1


b1, b2, b3 = st.columns([1, 6, 1], vertical_alignment="bottom")
b1.button(
    "◀ Prev",
    key="stp_prev",
    on_click=_move,
    args=(-1,),
    disabled=ss["stp_step"] == 0,
    width="stretch",
)
b2.slider(
    f"Step (1 … {n}: {stepper.n_forward_steps(cfg)} forward, "
    f"{stepper.n_backward_steps(cfg)} backward and update)",
    1,
    n,
    key="stp_step_w",
    on_change=_jump,
)
b3.button(
    "Next ▶",
    key="stp_next",
    on_click=_move,
    args=(1,),
    disabled=ss["stp_step"] == n - 1,
    width="stretch",
)

k = ss["stp_step"]
step = steps[k]
phase = {
    "forward": "Forward propagation",
    "backward": "Backpropagation",
    "update": "Gradient-descent update",
}[step.phase]
left, right = st.columns([3, 2])
with left:
    st.subheader(f"Step {k + 1} of {n} · {phase}")
    st.latex(step.symbolic)
    st.write(step.explanation)
    if trace.m > 1:
        st.caption(
            f"The {trace.m} examples are the columns of a, z and δ (the course's "
            "column vectors side by side); Δ sums over them."
        )
right.plotly_chart(
    figures.network_diagram(
        cfg.layer_sizes,
        step.nodes_read,
        step.nodes_written,
        step.edges,
        backward=step.phase != "forward",
        title="What this step touches",
        bias_edges=step.bias_edges,
    ),
    key="stp_diagram",
)
st.latex(step.numeric)
if step.abbreviated:
    st.caption("Some matrices are shortened (⋯, ⋮): see every entry below.")
with st.expander("All entries of this step's matrices"):
    for label, M, bias in step.matrices:
        st.markdown(f"**{label}** — shape {M.shape[0]} × {M.shape[1]}")
        st.dataframe(stepper.matrix_table(M, bias_row=bias))
if step.code is not None:
    with st.expander(f"Show the code: `{step.code.__module__}.{step.code.__name__}`"):
        try:
            st.code(inspect.getsource(step.code), language="python")
        except (OSError, TypeError):
            st.write("The source of this function is not available.")
