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
    equation: str  # the equation in the course's symbols, as plain text: "δ⁽³⁾ = ŷ − y"
    numeric: str  # the same with the example's numbers (Step through's): "δ⁽³⁾ = [0.7] …"
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
                equation=text.tex_plain(s.symbolic),
                numeric=text.tex_plain(s.numeric),
                numbers=[_numbers(label, M, bias) for label, M, bias in s.matrices],
                explanation=text.tex_sentence(s.explanation),
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
