"""The Gradients page's gradient check: bug chooser, verdict, table, scatter, error map.

The check itself is ``bp_core.gradcheck.sampled_gradient_check`` (kept on the Lab while Θ,
the bug and m are unchanged: ``lab_ui.shared.lab.gradient_check``); this module renders it.  Weights
are named in the course's numbering, Θ⁽ˡ⁾ⱼₖ with j from 1 and k = 0 the bias.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import bp_core as bp
from bp_core.gradcheck import MAX_CHECK_EXAMPLES
from bp_core.landscape import steepest_weights
from lab_ui.shared import figures, presenter_ui, schema, text
from lab_ui.shared import lab as lab_mod
from lab_ui.shared.widgets import setting_ui, show_code_ui

ss = st.session_state


def _bug_changed() -> None:
    schema.set_setting(ss, "grad_err_layer", 0)  # show the new check's worst layer


def check_ui(lab: lab_mod.Lab) -> None:
    """The course's checkNNGradients on the current network, with an optional planted bug."""
    cfg, tr = lab.cfg, lab.trainer
    c1, c2 = st.columns([2, 1])
    bug = setting_ui("grad_bug", c1, after=_bug_changed)
    bug = None if bug == schema.NO_BUG else bug
    m = setting_ui("grad_m", c2, hi=min(MAX_CHECK_EXAMPLES, tr.m))
    try:
        chk = lab_mod.gradient_check(lab, bug, m)
    except ValueError as err:
        st.error(text.plain(err))
        return
    what = (
        f"every one of the {chk.n_weights} weights"
        if chk.complete
        else f"{len(chk.entries)} of the {chk.n_weights} weights (a sample with some of every "
        "bias column: checking all would take 2 forward passes per weight, too slow here)"
    )
    st.caption(f"Checked {what} on the first {chk.m} training example(s), ε = 10⁻⁴.")
    rd, tol = (text.number(v, 3, sci=True) for v in (chk.relative_difference, chk.tolerance))
    msg = f"Relative difference ‖n − g‖ / ‖n + g‖ = {rd}"
    if chk.passed:
        st.success(f"{msg} < {tol}: backprop agrees with the finite differences.")
    else:
        verdict = figures.gradcheck_verdict(
            chk.numeric,
            chk.backprop,
            chk.weights,
            chk.relative_difference,
            chk.tolerance,
            html=False,
        )
        st.error(f"{msg} ≥ {tol}: the gradient check FAILS; {verdict.split('; ', 1)[-1]}.")
    if bug is not None:
        _bug_ui(bp.PLANTED_BUGS[bug], chk.passed)
    left, right = st.columns(2)
    table = {"weight": [text.weight(*w) for w in chk.weights]} | {
        k: v for k, v in chk.table().items() if k != "weight"
    }
    presenter_ui.table_ui(left, table, height=380)  # presenter mode: text ≥ 24 px
    scatter = figures.gradcheck_scatter(
        chk.numeric,
        chk.backprop,
        chk.weights,
        chk.passed,
        chk.relative_difference,
        chk.tolerance,
    )
    right.plotly_chart(presenter_ui.figure(scatter), key="grad_scatter")
    layers = list(range(1, cfg.L))
    if ss["grad_err_layer"] not in layers:  # 0: the layer where the check goes most wrong
        schema.set_setting(ss, "grad_err_layer", chk.worst_layer())
    l = setting_ui("grad_err_layer", options=layers)
    maps = chk.error_maps(cfg.theta_shapes)
    error_map = figures.error_map_figure(lab_mod.layer_of(maps, l), l)
    st.plotly_chart(presenter_ui.figure(error_map), key="grad_errmap")
    show_code_ui(bp.gradcheck.numerical_gradient, bp.gradient_check)


def _bug_ui(pb: bp.PlantedBug, passed: bool) -> None:
    b1, b2 = st.columns(2)
    b1.markdown("**Correct**")
    b1.latex(pb.correct)
    b2.markdown("**Planted bug**")
    b2.latex(pb.buggy)
    st.info(pb.explanation)
    if passed:
        st.caption("This bug does not show on this network and data: see the explanation.")


def saturation_caption(saturation: list[float]) -> str:
    """ "Saturated units …, per hidden layer: layer 2: 12.0 %, …" (course layer numbers)."""
    parts = [f"layer {l}: {text.percent(s)}" for l, s in enumerate(saturation, start=2)]
    return "Saturated units (g′(z) below 5 % of its peak), per hidden layer: " + ", ".join(parts)


def contributions_weight_default(lab: lab_mod.Lab) -> None:
    """Never an empty contributions panel: while the weight picker is at its defaults and
    that weight gets nothing from the first m examples (the digits' corner pixel is 0 in
    every image, so Θ⁽¹⁾₁,₁'s δ a is 0 for all of them), the picker moves to the weight with
    the largest |D| on those examples (``bp_core.landscape.steepest_weights``).  A weight
    the student picks is kept."""
    names = ("contrib_l", "contrib_j", "contrib_k")
    at_default = all(
        ss.get(n, schema.BY_NAME[n].default) == schema.BY_NAME[n].default for n in names
    )
    if not at_default:
        return
    m = min(int(ss.get("contrib_m", schema.BY_NAME["contrib_m"].default)), lab.trainer.m)
    weight = tuple(schema.BY_NAME[n].default for n in names)
    try:
        if np.any(lab_mod.weight_contributions(lab, weight, m) != 0):
            return
        X, Y = lab_mod.example_rows(lab, 1, m)
        (best,) = steepest_weights(bp.backprop(lab.cfg, lab.trainer.Theta, X, Y).D, 1)
    except ValueError:
        return  # the page says why below
    for n, v in zip(names, best, strict=True):
        schema.set_setting(ss, n, int(v))
