"""lab_ui.shared.latex: matrices as LaTeX, abbreviated when large, with 1-based course
superscripts."""

import numpy as np
import pytest

from lab_ui.shared.latex import (
    dimension_lines,
    is_abbreviated,
    matrix_latex,
    number,
    shape_latex,
    sup,
)


def test_superscripts_are_the_course_numbers():
    assert sup("Theta", 1) == r"\Theta^{(1)}"
    assert sup("delta", 3) == r"\delta^{(3)}"
    assert sup("a", 2) == "a^{(2)}"
    assert shape_latex((3, 5)) == r"\in\mathbb{R}^{3\times 5}"


def test_small_matrix_is_written_in_full():
    M = np.arange(6, dtype=float).reshape(2, 3)
    tex = matrix_latex(M)
    assert tex.startswith(r"\begin{bmatrix}") and tex.endswith(r"\end{bmatrix}")
    assert tex.count(r" \\ ") == 1  # two rows
    assert tex.count("&") == 4  # three columns per row
    assert r"\cdots" not in tex and r"\vdots" not in tex
    assert not is_abbreviated(M.shape, 6, 6)


def test_vector_is_a_column():
    tex = matrix_latex(np.array([1.0, 2.0, 3.0]))
    assert tex.count(r" \\ ") == 2 and "&" not in tex


@pytest.mark.parametrize("limit", [4, 6, 8])
def test_large_matrix_is_abbreviated_to_the_limit(limit):
    M = np.random.default_rng(0).normal(size=(32, 33))
    tex = matrix_latex(M, limit, limit)
    rows = tex.split(r" \\ ")
    assert len(rows) == limit
    assert all(r.count("&") == limit - 1 for r in rows)
    assert r"\cdots" in tex and r"\vdots" in tex and r"\ddots" in tex
    assert number(M[-1, -1]) in rows[-1]  # the last entry is kept
    assert is_abbreviated(M.shape, limit, limit)


def test_no_limit_prints_everything():
    M = np.ones((10, 12))
    tex = matrix_latex(M, None, None)
    assert tex.count(r" \\ ") == 9 and r"\cdots" not in tex


def test_bias_row_is_grey():
    tex = matrix_latex(np.array([[1.0], [0.5]]), bias_row=True)
    assert r"\color{gray}{1}" in tex and r"\color{gray}{0.5}" not in tex


def test_numbers():
    assert number(0.0) == "0"
    assert number(0.12345) == "0.123"
    assert number(-2.5) == "-2.5"
    assert r"\times" in number(1.5e-7) and "10^{-7}" in number(1.5e-7)
    assert number(float("nan")) == r"\text{NaN}"
    assert number(float("inf")) == r"\infty"


def test_matrix_latex_refuses_3d():
    with pytest.raises(ValueError, match="vector or a matrix"):
        matrix_latex(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("sizes", [(2, 1), (2, 4, 1), (3, 5, 4, 2), (64, *([32] * 8), 10)])
def test_dimension_lines_one_per_equation_with_the_sizes(sizes):
    lines = dimension_lines(sizes)
    L = len(sizes)
    assert len(lines) == (L - 1) + (L - 2) + (L - 1)  # z, hidden δ, Δ for each layer
    tex = " ".join(t for t, _ in lines)
    assert rf"{sizes[1]}\times {sizes[0] + 1}" in tex  # Θ^(1) is s_2 × (s_1 + 1)
    if L > 2:
        assert "drop row 0" in tex
        assert any("bias" in why for _, why in lines)
