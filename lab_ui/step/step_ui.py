"""The Step-through page's controls and views (each ``*_ui`` renders; the steps themselves are
``lab_ui.step.stepper``'s, their numbers ``bp_core``'s).

The position is the setting ``stp_step`` (the course counts steps from 1), so it survives a
page switch; Prev / Next and the slider all move it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lab_ui.live import frames, keys_ui, net_view
from lab_ui.live.frame import NetPart
from lab_ui.shared import schema, text
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


def step_net(lab, step: stepper.Step, X, Y, example: int | None = None) -> NetPart:
    """The diagram of the pass the steps walk through, as the live view draws it (the one
    frame builder's net part): a⁽ˡ⁾ and Θ for a forward step, δ⁽ˡ⁾ and D for the others.

    ``X``, ``Y``: the examples of the pass (m rows); ``example``: the course's i when the pass
    is training example i alone (the diagram then names it), else None (their mean).
    """
    tr, ds = lab.trainer, lab.dataset
    ex = -1
    if example is not None:
        X, Y, ex = tr.X_train, tr.Y_train, int(example) - 1  # row i − 1 is example i
    return frames.net_part(
        lab.cfg,
        tr.Theta,
        X,
        Y,
        mode="forward" if step.phase == "forward" else "backward",
        example=ex,
        input_names=[frames.pretty_feature(n) for n in ds.feature_names],
        output_names=frames.output_names(ds, lab.cfg.layer_sizes[-1]),
    )


def step_ui(step: stepper.Step, k: int, n: int, m: int, net: NetPart) -> None:
    """The step's equation in symbols, its explanation (left) and what it touches (right:
    the live view's diagram of ``net``, :func:`step_net`, with the step's units and weights
    marked)."""
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
    lit = net_view.lit_part(
        step.nodes_read,
        step.nodes_written,
        step.edges,
        bias=step.bias_edges,
        backward=step.phase != "forward",
    )
    with right:
        st.markdown("**What this step touches**")
        net_view.net_view(net, lit, key="stp_diagram")


def shapes_text(step: stepper.Step) -> str:
    """The shapes of the step's matrices, in words: "Θ⁽¹⁾ is 4 × 3, a⁽¹⁾ is 3 × 1"."""
    return ", ".join(f"{label} is {M.shape[0]} × {M.shape[1]}" for label, M, _ in step.matrices)


def matrices_ui(step: stepper.Step) -> None:
    """The step with its numbers (scrolling sideways when wide, with the matrices' shapes),
    and every entry of its matrices in an expander.  The container's key gives it the class
    ``st-key-bp_step_numeric``, by which live_view.css (loaded with the page's diagram) lets a
    wide equation scroll instead of being cut."""
    with st.container(key="bp_step_numeric"):
        if step.matrices:
            st.caption(f"Shapes: {shapes_text(step)}.")
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
