"""The Step-through page's controls and views (each ``*_ui`` renders; the steps themselves are
``lab_ui.step.stepper``'s, their numbers ``bp_core``'s).

The position is the setting ``stp_step`` (the course counts steps from 1), so it survives a
page switch; Prev / Next and the slider all move it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lab_ui.live import keys_ui
from lab_ui.shared import presenter_ui, schema, text
from lab_ui.shared.widgets import setting_ui, show_code_ui
from lab_ui.step import stepper

ss = st.session_state

PHASES = {
    "forward": "Forward propagation",
    "backward": "Backpropagation",
    "update": "Gradient-descent update",
}


def _move(by: int, n: int) -> None:
    k = min(max(int(ss["stp_step"]) + by, 1), n)
    schema.set_setting(ss, "stp_step", k)


def step_actions(n: int) -> dict[str, Callable[[], None]]:
    """What the Step-through's keys do (``keys_ui.STEP_KEYS``): the buttons' moves, step 1
    and step n."""
    return {
        "next": lambda: _move(1, n),
        "prev": lambda: _move(-1, n),
        "first": lambda: _move(-n, n),
        "last": lambda: _move(n, n),
    }


def position_ui(cfg, steps: list[stepper.Step]) -> tuple[int, stepper.Step]:
    """◀ Prev, the step slider, Next ▶ and the keys (→ / ←, PageDown / PageUp, R, "?");
    returns the step number k (1 … n) and step k."""
    n = len(steps)
    k = min(max(int(ss["stp_step"]), 1), n)
    # the component draws "Step k of n · phase: equation" itself and moves it at once on a key
    heads = [f"{step_head(i, n, s)}: {s.title}" for i, s in enumerate(steps, start=1)]
    keys_ui.keys_ui(
        keys_ui.STEP_KEYS,
        step_actions(n),
        title="Keys: the walk-through",
        position=keys_ui.steps_position(k, heads),
    )
    b1, b2, b3 = st.columns([1, 6, 1], vertical_alignment="bottom")
    b1.button(
        "◀ Prev", key="b_stp_prev", on_click=_move, args=(-1, n), disabled=k == 1, width="stretch"
    )
    k = setting_ui(
        "stp_step",
        b2,
        hi=n,
        label=f"Step (1 … {n}: {stepper.n_forward_steps(cfg)} forward, "
        f"{stepper.n_backward_steps(cfg)} backward and update)",
    )
    b3.button(
        "Next ▶", key="b_stp_next", on_click=_move, args=(1, n), disabled=k == n, width="stretch"
    )
    return int(k), steps[int(k) - 1]  # the course's step k is entry k − 1


def step_head(k: int, n: int, step: stepper.Step) -> str:
    """``Step k of n · <phase>``: the step's heading."""
    return f"Step {k} of {n} · {PHASES[step.phase]}"


def step_ui(step: stepper.Step, k: int, n: int, m: int, layer_sizes) -> None:
    """The step's equation in symbols, its explanation (left) and what it touches (right)."""
    from lab_ui.shared import figures

    left, right = st.columns([3, 2])
    with left:
        st.subheader(step_head(k, n, step))
        st.latex(step.symbolic)
        st.markdown(step.explanation)
        if m > 1:
            st.caption(
                f"The {m} examples are the columns of a, z and δ (the course's column vectors "
                "side by side); Δ sums over them."
            )
    diagram = figures.network_diagram(
        layer_sizes,
        step.nodes_read,
        step.nodes_written,
        step.edges,
        backward=step.phase != "forward",
        title="What this step touches",
        bias_edges=step.bias_edges,
    )
    right.plotly_chart(presenter_ui.figure(diagram), key="stp_diagram")


def matrices_ui(step: stepper.Step) -> None:
    """The step with its numbers, and every entry of its matrices in an expander."""
    st.latex(step.numeric)
    if step.abbreviated:
        st.caption("Some matrices are shortened (⋯, ⋮): see every entry below.")
    with st.expander("All entries of this step's matrices"):
        for label, M, bias in step.matrices:
            st.markdown(f"**{label}** — shape {M.shape[0]} × {M.shape[1]}")
            st.dataframe(stepper.matrix_table(M, bias_row=bias))
    if step.code is not None:
        show_code_ui(step.code)


def source_label(source: str, batch: int) -> str:
    """The radio's text for "one training example" / "the last mini-batch"."""
    if source == "example":
        return "one training example"
    return f"the last mini-batch ({text.number(batch)} examples)"
