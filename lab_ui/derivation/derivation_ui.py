"""The Derivation page's views: each checked line, the summary, the one-weight slice.

The lines (both sides, from ``bp_core.checks``) and their LaTeX and prose come from
``lab_ui.derivation.derivation``; this module renders them, with course symbols as symbols
(``text.course``: z⁽³⁾, not z^(3)) and every number through ``lab_ui.shared.text``.
"""

from __future__ import annotations

import streamlit as st

from bp_core.checks import CostSlice, max_abs_diff
from lab_ui.shared import presenter_ui, text
from lab_ui.shared.latex import dimension_lines


def summary_ui(lines) -> None:
    """How many lines check out, and the largest difference."""
    n_ok = sum(line.ok for line in lines)
    worst = text.number(max(line.max_diff for line in lines), 2, sci=True)
    (st.success if n_ok == len(lines) else st.warning)(
        f"{n_ok} of {len(lines)} lines check out numerically (largest difference {worst})."
    )


def _table(line) -> dict:
    return {text.course(k): v for k, v in line.table().items()} | {
        "entry": [text.course(e) for e in line.labels]
    }


def line_ui(line, layer_sizes: tuple[int, ...]) -> None:
    """One line: its title, equation, explanation, both sides and whether they agree."""
    L = len(layer_sizes)
    if line.key == "delta_L_mse":
        st.header("Contrast: squared error")
    st.subheader(text.course(line.title))
    st.latex(line.latex)
    st.caption(text.escape_markdown(text.course(line.explanation)))
    left, right = st.columns([3, 1])
    table = _table(line)
    # presenter mode: an st.table, its text ≥ 24 px (a data frame's canvas text is small)
    presenter_ui.table_ui(left, table, "%.8e", height=min(38 + 35 * len(line.labels), 260))
    right.metric("max |difference|", text.number(line.max_diff, 3, sci=True))
    right.markdown(
        ":green[**✓ the two sides agree**]" if line.ok else ":red[**✗ the two sides differ**]"
    )
    if line.key == "g_prime" and L > 2:
        st.header("Backpropagation, from the output back")
    if line.key == "delta_2" or (line.key == "delta_L" and L == 2):
        with st.expander(
            "Dimension bookkeeping: where the transposes and the dropped bias row come from",
            expanded=True,
        ):
            for tex, why in dimension_lines(layer_sizes):
                st.latex(tex)
                st.caption(text.course(why))


def slice_metrics_ui(cs: CostSlice, weight: tuple[int, int, int]) -> None:
    """The two slopes of J along one weight at its current value, and their difference."""
    m1, m2, m3 = st.columns(3)
    m1.metric("finite-difference slope", text.number(cs.slope_fd, 8))
    m2.metric(f"backprop {text.weight(*weight, symbol='D')}", text.number(cs.slope_bp, 8))
    m3.metric("|difference|", text.number(max_abs_diff(cs.slope_fd, cs.slope_bp), 3, sci=True))
