"""Slow motion's equation line (issue 15, item 4): each phase carries the equation of its
step in the course's symbols and the same equation with the numbers of the example in focus
(Step through's own texts, as plain text), not only the step's title.  Checked against
bp_core's numbers for δ⁽ᴸ⁾ = ŷ − y, and the plain-text reader on the stepper's LaTeX."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import re

import numpy as np
import pytest

from bp_core import backprop
from lab_ui.live import slowmo
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text
from lab_ui.shared.lab import example_rows

# LaTeX that plain text cannot hold: a phase's equation must have none of it left
LATEX_LEFT = re.compile(
    r"\\|[{}]|\b(?:frac|sum|lambda|Theta|Delta|delta|sigma|bmatrix|left|right)\b"
)


@pytest.fixture(scope="module")
def part():
    ss: dict = {}
    schema.init_session(ss, {})
    lab = lab_mod.sync_lab(ss)
    return lab, slowmo.slowmo_part(lab, 1, 1)


def test_every_phase_has_its_equation_and_the_numbers_in_plain_text(part):
    _, sm = part
    for ph in sm["phases"]:
        assert ph["equation"] and ph["numeric"], ph["title"]
        assert ph["equation"] != ph["title"] or "=" in ph["equation"]
        for s in (ph["equation"], ph["numeric"]):
            assert not LATEX_LEFT.search(s), s
    # the forward step z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾ with its vector and matrix written out
    z2 = sm["phases"][1]
    assert z2["equation"] == "z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾"
    assert z2["numeric"].startswith("z⁽²⁾ = [") and "] = [" in z2["numeric"]


def test_the_output_error_shows_y_hat_minus_y_with_bp_cores_numbers(part):
    lab, sm = part
    cfg, tr = lab.cfg, lab.trainer
    L = cfg.L
    out = next(p for p in sm["phases"] if p["title"].startswith(f"δ{text.superscript(f'({L})')}"))
    assert out["equation"] == f"δ{text.superscript(f'({L})')} = ŷ − y"
    X, Y = example_rows(lab, 1)
    trace = backprop(cfg, tr.Theta, X, Y)
    delta_L = float(np.ravel(trace.delta[-1])[0])
    y = float(np.ravel(Y)[0])
    assert f"[{text.number(delta_L, 3).replace('-', '−')}]" in out["numeric"]
    assert f"y = [{text.number(y, 3)}]" in out["numeric"]


def test_the_hidden_error_and_the_update_read_like_the_course():
    hidden = (
        r"\delta^{(3)} = \left[(\Theta^{(3)})^T \delta^{(4)}\right]_{1:s_{3}}"
        r" \,.\!*\, \sigma'(z^{(3)})"
    )
    assert text.tex_plain(hidden) == "δ⁽³⁾ = [(Θ⁽³⁾)ᵀ δ⁽⁴⁾] (rows 1:s₃) .* σ′(z⁽³⁾)"
    big_delta = r"\Delta^{(2)} = \sum_{i=1}^{m} \delta^{(3)}_{(i)} \big(a^{(2)}_{(i)}\big)^T"
    assert text.tex_plain(big_delta) == "Δ⁽²⁾ = Σᵢ₌₁ᵐ δ⁽³⁾₍ᵢ₎ (a⁽²⁾₍ᵢ₎)ᵀ"
    assert (
        text.tex_plain(
            r"D^{(1)}_{jk} = \tfrac{1}{m}\Delta^{(1)}_{jk} + \frac{\lambda}{m}\Theta^{(1)}_{jk}"
        )
        == "D⁽¹⁾ⱼₖ = (1/m)Δ⁽¹⁾ⱼₖ + (λ/m)Θ⁽¹⁾ⱼₖ"
    )
    assert (
        text.tex_plain(r"a^{(1)} = \begin{bmatrix}\color{gray}{1} \\ 0.5 \\ -2\end{bmatrix}")
        == "a⁽¹⁾ = [1; 0.5; −2]"
    )
    assert text.tex_plain(r"\begin{bmatrix}1 & \cdots & 2 \\ \vdots & & \vdots\end{bmatrix}") == (
        "[1, …, 2; ⋮, , ⋮]"
    )
