"""Slow motion: one training step, phase by phase, with Step through's equation texts.

The live view animates the phases on the network diagram (``backprop_lab/live_view/slowmo.js``);
this module makes what it needs, once per slow-motion run: every step of
:func:`lab_ui.step.stepper.build_steps` for the example in focus (its title, its equation in
the course's symbols, the matrices with their numbers, the explanation, and which layers and
Θ^(l) it reads and writes).  The update itself is the trainer's own step on its next
mini-batch, taken when the view reaches the update phase (an ordinary ``step`` command).

No streamlit; every number comes from ``bp_core.backprop`` through the stepper.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

import numpy as np

from bp_core import backprop
from lab_ui.shared import text
from lab_ui.shared.lab import example_rows
from lab_ui.step import stepper

#: Values of one matrix written out at most (the rest is "…").
MAX_NUMBERS = 8


class SlowPhase(TypedDict):
    """One phase: one equation of Step through."""

    kind: str  # "forward", "backward" or "update"
    title: str  # plain text with Unicode superscripts: "z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾"
    equation: str  # the equation in the course's symbols, as plain text
    numbers: list[str]  # one line per matrix: "z⁽²⁾ = [0.12, −0.5]"
    explanation: str
    read: list[int]  # course layers read
    written: list[int]  # course layers written
    edges: list[int]  # course l of each Θ^(l) used


class SlowmoPart(TypedDict):
    """What a slow-motion run shows, sent once with the frame that starts it."""

    id: int  # a new run, a new id
    example: int  # the 1-based training example in focus
    m_batch: int  # examples in the mini-batch the real update uses
    phases: list[SlowPhase]
    note: str


def plain_tex(tex: str) -> str:
    """A stepper equation (LaTeX) as plain text with Unicode super- and subscripts:
    ``a^{(2)} = \\sigma(z^{(2)})`` → "a⁽²⁾ = σ(z⁽²⁾)"."""
    brace = r"\{((?:[^{}]|\{[^{}]*\})*)\}"  # {…}, one level of braces inside
    tex = re.sub(r"\\[td]?frac" + brace + brace, r"(\1)/(\2)", tex)
    tex = re.sub(r"\\(left|right|big|Big)", "", tex)
    s = text.tex_to_text(tex)  # \\sigma → σ, \\text{…} → …, braces gone
    s = re.sub(r"\\?quad|\\[,;!]", " ", s)
    s = re.sub(r"\^\(([^()]*)\)", lambda m: text.superscript(f"({m.group(1)})"), s)
    s = re.sub(r"\^([A-Za-z0-9T])", lambda m: text.superscript(m.group(1)), s)
    s = re.sub(r"_([A-Za-z0-9]+)", lambda m: text.subscript(m.group(1)), s)
    return re.sub(r"\s+", " ", s).strip()


def plain_sentence(sentence: str) -> str:
    """An explanation with inline maths (``$…$``) and Markdown's escapes as plain text."""
    s = re.sub(r"\$([^$]*)\$", lambda m: plain_tex(m.group(1)), sentence)
    return re.sub(r"\\([()\[\]*_.])", r"\1", s)  # Markdown's escapes


def _numbers(label: str, M: np.ndarray, bias_row: bool) -> str:
    """One matrix as one line of text (an example's column as a row of numbers)."""
    M = np.asarray(M, dtype=np.float64)
    flat = M.ravel() if M.ndim < 2 or min(M.shape) == 1 else M.ravel()
    shown = [text.number(v, 3) for v in flat[:MAX_NUMBERS]]
    more = " …" if flat.size > MAX_NUMBERS else ""
    shape = f" ({M.shape[0]}×{M.shape[1]})" if M.ndim == 2 and min(M.shape) > 1 else ""
    return f"{label}{shape} = [{', '.join(shown)}{more}]"


def slowmo_part(lab: Any, example: int, run_id: int) -> SlowmoPart:
    """The phases of one step for training example ``example`` (1-based) of the Lab.

    Raises ValueError (the stepper's or bp_core's sentence) when the step cannot be shown.
    """
    tr, cfg = lab.trainer, lab.cfg
    i = min(max(1, int(example)), tr.m)
    X, Y = example_rows(lab, i)
    trace = backprop(cfg, tr.Theta, X, Y)
    steps = stepper.build_steps(
        cfg, tr.Theta, trace, Y, tr.settings.alpha, 4, 4, rule=tr.settings, state=tr.optimizer_state
    )
    phases: list[SlowPhase] = []
    for s in steps:
        phases.append(
            SlowPhase(
                kind=s.phase,
                title=s.title,
                equation=plain_tex(s.symbolic),
                numbers=[_numbers(label, M, bias) for label, M, bias in s.matrices],
                explanation=plain_sentence(s.explanation),
                read=[int(v) for v in s.nodes_read],
                written=[int(v) for v in s.nodes_written],
                edges=[int(v) for v in s.edges],
            )
        )
    m_batch = int(tr.batch_size)
    return SlowmoPart(
        id=int(run_id),
        example=i,
        m_batch=m_batch,
        phases=phases,
        note=(
            f"The numbers are example i = {i}'s. The update Θ takes is the trainer's real step "
            f"on its next mini-batch ({m_batch} example{'s' if m_batch != 1 else ''}), made when "
            "the update phase starts."
        ),
    )


__all__ = ["MAX_NUMBERS", "SlowPhase", "SlowmoPart", "slowmo_part"]
