"""Gradient health in words: ``bp_core.health.diagnose`` findings, one sentence each.

Shown below the live view while training is paused.  Every finding (vanishing, exploding,
dead, saturated) is a warning with bp_core's own sentence; a healthy network shows nothing.
The sentences are bp_core's (Θ^(l) written Θ⁽ˡ⁾), escaped for Markdown.
"""

from __future__ import annotations

import streamlit as st

from bp_core.health import Finding, diagnose
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import text

#: The heading of each kind of finding.
KIND_TITLES = {
    "exploding": "Exploding gradient",
    "vanishing": "Vanishing gradient",
    "dead": "Dead units",
    "saturated": "Saturated units",
}


def findings(lab: lab_mod.Lab) -> list[Finding]:
    """``diagnose(lab.trainer)``, once per Θ (one backpropagation over the training set)."""
    return lab_mod.memo(lab, ("health",), lambda: diagnose(lab.trainer))


def sentence(finding: Finding) -> str:
    """One finding as Markdown: its kind in bold, then bp_core's sentence as text."""
    title = KIND_TITLES.get(finding.kind, finding.kind)
    return f"**{title}.** {text.escape_markdown(text.course(finding.message))}"


def health_ui(lab: lab_mod.Lab) -> list[Finding]:
    """A warning per finding (nothing when the gradients look healthy); returns them.

    A divergence is left out: the page already says so above the live view.
    """
    found = [f for f in findings(lab) if not f.numbers.get("diverged")]
    for f in found:
        st.warning(sentence(f), icon=":material/monitor_heart:")
    return found


__all__ = ["KIND_TITLES", "findings", "health_ui", "sentence"]
