"""bp_core.exercise: backpropagation by hand, graded cell by cell.

The answers are compared with a slow, obvious hand computation (tests/exercise_reference.py,
no bp_core code in it), for many seeds and every size, activation and loss; each mistake is
computed by the test's own rule and must be named by ``check``; a slip carried forward is
"right given your earlier work"; and the exercises keep their promises (friendly numbers,
every mistake shows by more than ten tolerances, no cell in doubt).

Tolerance stated once: ``check`` counts an entry right within max(0.005, 1 % of the value);
the engine and the reference agree to 1e-9.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_core import PLANTED_BUGS, NetConfig
from bp_core import exercise as ex_mod
from tests import exercise_reference as ref

E = ex_mod  # short: E.make_exercise, E.check, E.MISTAKES

SIZES = E.SIZES  # (2, 2, 1), (2, 3, 1), (2, 3, 2), (3, 3, 2, 1)
ACTS = E.EXERCISE_ACTIVATIONS  # sigmoid, tanh, relu
LOSSES = E.EXERCISE_LOSSES  # cross_entropy, mse
COMBOS = list(itertools.product(SIZES, ACTS, LOSSES))
#: More networks than the page offers: the API takes 3 or 4 layers of 1 … 4 units.
MORE_SIZES = ((1, 2, 1), (3, 2, 2), (2, 4, 1), (2, 2, 2, 2), (4, 3, 2))


def _id(combo) -> str:
    sizes, act, loss = combo
    return "-".join(map(str, sizes)) + f"-{act}-{loss}"


def _shifts(name: str) -> tuple[int, ...]:
    """The test's variants of a mistake: wrong_theta reads Θ^(l−1) or Θ^(l+1)."""
    return (-1, 1) if name == "wrong_theta" else (0,)


# ---------------------------------------------------------------------------------------------
# The answers
# ---------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, E.making.MAX_SEED),
    sizes=st.sampled_from(SIZES + MORE_SIZES),
    act=st.sampled_from(ACTS),
    loss=st.sampled_from(LOSSES),
)
def test_the_answers_are_the_hand_computation(seed, sizes, act, loss):
    ex = E.make_exercise(seed, sizes, act, loss)
    hand = ref.sheet(ex)
    assert list(ex.answers) == ref.names(ex) == [c.name for c in ex.cells]
    for name, v in hand.items():
        assert math.isclose(ex.answers[name], v, rel_tol=1e-9, abs_tol=1e-12), name
    assert E.flaws(ex) == []


def test_a_hand_worked_2_2_1_example():
    """Seed 7, 2-2-1 sigmoid, cross-entropy, worked on paper (4 digits)."""
    ex = E.make_exercise(7, (2, 2, 1))
    # Θ⁽¹⁾ = [[2.7, −0.2, 1.2], [2.4, −1.4, 1.7]], Θ⁽²⁾ = [[2.1, −1.7, −1.5]], x = (−2, −2), y = 1
    np.testing.assert_array_equal(ex.Theta[0], [[2.7, -0.2, 1.2], [2.4, -1.4, 1.7]])
    np.testing.assert_array_equal(ex.Theta[1], [[2.1, -1.7, -1.5]])
    np.testing.assert_array_equal(ex.x, [-2.0, -2.0])
    np.testing.assert_array_equal(ex.y, [1.0])
    expected = {
        "z2_1": 0.7,  # 2.7 − 0.2·(−2) + 1.2·(−2)
        "z2_2": 1.8,  # 2.4 − 1.4·(−2) + 1.7·(−2)
        "a2_1": 0.6682,  # σ(0.7)
        "a2_2": 0.8581,  # σ(1.8)
        "z3_1": -0.3231,  # 2.1 − 1.7·0.6682 − 1.5·0.8581
        "a3_1": 0.4199,  # σ(−0.3231)
        "delta3_1": -0.5801,  # ŷ − y
        "delta2_1": 0.2186,  # −1.7·(−0.5801)·0.6682·(1 − 0.6682)
        "delta2_2": 0.1059,  # −1.5·(−0.5801)·0.8581·(1 − 0.8581)
        "D2_1_0": -0.5801,  # δ⁽³⁾₁·1
        "D2_1_1": -0.3876,  # δ⁽³⁾₁·a⁽²⁾₁
        "D1_2_0": 0.1059,  # δ⁽²⁾₂·1
        "D1_2_2": -0.2118,  # δ⁽²⁾₂·x₂
    }
    for name, v in expected.items():
        assert ex.answers[name] == pytest.approx(v, abs=6e-5), name


def test_the_same_seed_gives_the_same_exercise_and_others_differ():
    a = E.make_exercise(11, (2, 3, 2), "tanh", "mse")
    b = E.make_exercise(11, (2, 3, 2), "tanh", "mse")
    assert a.answers == b.answers
    assert all(np.array_equal(s, t) for s, t in zip(a.Theta, b.Theta, strict=True))
    others = {tuple(E.make_exercise(s).Theta[0].ravel()) for s in range(12)}
    assert len(others) == 12
    a.Theta[0][0, 0] = 99.0  # a copy: the next exercise is not changed
    assert E.make_exercise(11, (2, 3, 2), "tanh", "mse").Theta[0][0, 0] != 99.0


# ---------------------------------------------------------------------------------------------
# Friendly numbers, and no cell in doubt
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_friendly_numbers(combo):
    for seed in (0, 1, 2):
        ex = E.make_exercise(seed, *combo)
        assert ex.cfg.layer_sizes == combo[0] and ex.cfg.lambda_ == 0.0
        assert ex.cfg.output == "sigmoid" and ex.cfg.loss == combo[2]
        for T, shape in zip(ex.Theta, ex.cfg.theta_shapes, strict=True):
            assert T.shape == shape  # (s_{l+1}, s_l + 1), bias in column 0
            tenths = T * 10
            assert np.all(np.abs(tenths - np.round(tenths)) < 1e-9)  # one decimal
            assert np.all((np.abs(T) >= 0.1 - 1e-12) & (np.abs(T) <= 3.0 + 1e-12))
        assert ex.x.shape == (combo[0][0],) and set(ex.x) <= {-3.0, -2.0, -1.0, 1.0, 2.0, 3.0}
        assert ex.y.shape == (combo[0][-1],) and set(ex.y) <= {0.0, 1.0}
        if ex.y.size > 1:
            assert ex.y.sum() == 1.0  # one class


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_every_mistake_shows_and_no_cell_is_in_doubt(combo):
    """With the test's own mistake rules, from the true earlier values."""
    sizes, act, loss = combo
    for seed in (0, 1, 2):
        ex = E.make_exercise(seed, *combo)
        true = ref.sheet(ex)
        if act == "relu":  # g'(z) never in doubt: no hidden z near the kink
            for l in range(2, len(sizes)):
                assert all(abs(true[f"z{l}_{j}"]) >= 0.1 for j in range(1, sizes[l - 1] + 1))
        for name in E.MISTAKES:
            if not ref.applies(name, act, loss):
                continue
            biggest = 0.0
            for shift in _shifts(name):
                for cell, v in ref.own_cell(ex, name, shift).items():
                    r = true[cell]
                    tol_r, tol_v = E.tolerance(r), E.tolerance(v)
                    d = abs(v - r)
                    biggest = max(biggest, d / tol_r)
                    # changed clearly (both windows apart) or by at most half a tolerance
                    assert d <= tol_r / 2 or d > tol_r + tol_v, (seed, name, cell, v, r)
            assert biggest > 10, (seed, name)


def test_a_mistake_that_would_coincide_by_accident_is_redrawn():
    """ReLU with z = 1 exactly: a = g'(z) = 1, so a_for_g_prime would be right by accident."""
    for seed in range(40):
        ex = E.make_exercise(seed, (2, 3, 1), "relu")
        assert not np.any(np.isclose(ex.trace.z[1], 1.0)), seed
    ex = E.make_exercise(0, (2, 2, 1), "relu")
    Theta = [T.copy() for T in ex.Theta]
    x = np.array([1.0, 1.0])
    Theta[0][0] = [0.4, 0.3, 0.3]  # z⁽²⁾₁ = 1 exactly
    Theta[0][1] = [-0.2, 0.5, 0.5]
    bad = E.making._build(0, ex.cfg, tuple(Theta), x, ex.y)
    assert bad.trace.z[1][0, 0] == pytest.approx(1.0)
    assert any("by accident" in f for f in E.flaws(bad))


# ---------------------------------------------------------------------------------------------
# The mistakes
# ---------------------------------------------------------------------------------------------


def test_the_registry():
    required = {
        "forget_g_prime",
        "g_prime_of_a",
        "keep_bias_row",
        "extra_output_g_prime",
        "flipped_sign",
        "no_bias_unit",
        "a_for_g_prime",
        "g_prime_from_z",
        "wrong_theta",
    }
    assert required <= set(E.MISTAKES)
    for name, m in E.MISTAKES.items():
        assert m.name == name and m.title and m.sentence and m.right and m.wrong and m.changes
        assert m.right != m.wrong and m.variants
        if m.bug is not None:  # the planted bug, reused as it is
            bug = PLANTED_BUGS[m.bug]
            assert (m.title, m.right, m.wrong, m.sentence) == (
                bug.title,
                bug.correct,
                bug.buggy,
                bug.explanation,
            )
            assert m.variants[0].steps is bug.steps
    for name in ("forget_g_prime", "g_prime_of_a", "keep_bias_row", "extra_output_g_prime"):
        assert E.MISTAKES[name].bug == name
    assert E.MISTAKES["flipped_sign"].bug == "flipped_sign"


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_where_a_mistake_applies(combo):
    sizes, act, loss = combo
    cfg = NetConfig(sizes, act, "sigmoid", loss)
    applied = {m.name for m in E.mistakes_for(cfg)}
    assert applied == {n for n in E.MISTAKES if ref.applies(n, act, loss)}
    ex = E.make_exercise(3, *combo)
    true = ref.sheet(ex)
    for name in set(E.MISTAKES) - applied:  # it changes no cell at all, by the test's rule
        for shift in _shifts(name):
            for cell, v in ref.own_cell(ex, name, shift).items():
                assert v == pytest.approx(true[cell], abs=1e-12), (name, cell)


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_every_mistake_made_throughout_is_named(combo):
    """A student who makes the mistake wherever it can be made and carries on from their own
    numbers: the mistake is named where it is made (clearly), later cells are right given
    their work, and no other mistake is named."""
    sizes, act, loss = combo
    for seed in (0, 1):
        ex = E.make_exercise(seed, *combo)
        for name in (m.name for m in E.mistakes_for(ex.cfg)):
            named = set()  # wrong_theta: either of its readings (Θ^(l−1), Θ^(l+1)) counts
            for shift in _shifts(name):
                student = ref.sheet(ex, name, shift)
                verdicts = E.check(ex, student)
                assert list(verdicts) == list(ex.answers)
                named |= {c for c, v in verdicts.items() if v.mistake}
                for c, v in verdicts.items():
                    assert v.entry == student[c] and v.expected == ex.answers[c]
                    assert v.correct or v.carried or v.mistake == name, (seed, name, c, v)
            assert named, (seed, name)


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_every_mistake_made_once_is_named_where_it_shows(combo):
    sizes, act, loss = combo
    ex = E.make_exercise(5, *combo)
    for name in (m.name for m in E.mistakes_for(ex.cfg)):
        shown = 0
        for shift in _shifts(name):
            for cell, v in ref.own_cell(ex, name, shift).items():
                r = ex.answers[cell]
                (verdict,) = E.check(ex, {cell: v}).values()
                if abs(v - r) > E.tolerance(r) + E.tolerance(v):
                    assert not verdict.correct and not verdict.carried
                    assert verdict.mistake == name, (name, cell, verdict)
                    shown += 1
                else:
                    assert verdict.correct, (name, cell, verdict)
        assert shown, name


# ---------------------------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------------------------


def test_the_tolerance():
    assert E.tolerance(0.0) == E.tolerance(0.3) == 0.005  # absolute below 0.5
    assert E.tolerance(2.0) == pytest.approx(0.02)  # 1 % above
    assert E.close(0.104, 0.1) and not E.close(0.106, 0.1)
    assert E.close(-2.019, -2.0) and not E.close(-2.021, -2.0)
    assert "1 %" in E.TOLERANCE_TEXT and "0.005" in E.TOLERANCE_TEXT


@pytest.mark.parametrize("combo", COMBOS, ids=_id)
def test_a_slip_in_z_is_carried_forward(combo):
    """z⁽²⁾₁ wrong by 3; everything after it computed right from it: z⁽²⁾₁ is wrong (no
    mistake explains it), every later cell is right given the student's work (plainly right
    where the slip does not reach it), and the slip does reach later cells."""
    ex = E.make_exercise(2, *combo)
    true = ref.sheet(ex)
    student: dict[str, float] = {}
    for n in ref.names(ex):
        if n == "z2_1":
            student[n] = true[n] + (3.0 if true[n] < 0 else -3.0)
        else:
            student[n] = ref.cell_value(ex, n, student.__getitem__)
    verdicts = E.check(ex, student)
    first = verdicts["z2_1"]
    assert not first.correct and not first.carried and first.mistake is None
    for n, v in verdicts.items():
        if n == "z2_1":
            continue
        assert v.carried, (n, v)
        assert v.correct == E.close(student[n], true[n]) and v.mistake is None
    assert not all(v.correct for v in verdicts.values())  # it does change what follows


def test_part_way_checks_only_the_cells_given():
    ex = E.make_exercise(4, (3, 3, 2, 1), "tanh")
    given = {"z2_1": ex.answers["z2_1"], "a2_1": round(ex.answers["a2_1"], 3), "z2_2": 12.5}
    verdicts = E.check(ex, given)
    assert list(verdicts) == ["z2_1", "z2_2", "a2_1"]  # the order of the cells
    assert verdicts["z2_1"].correct and verdicts["a2_1"].correct
    assert not verdicts["z2_2"].correct and not verdicts["z2_2"].carried
    assert E.check(ex, {}) == {}


def test_a_carried_value_uses_only_the_students_earlier_entries():
    ex = E.make_exercise(9, (2, 2, 1))
    wrong_a = ex.answers["a2_1"] + 0.3
    d = ex.answers["delta3_1"]
    # D⁽²⁾₁,₁ = δ⁽³⁾₁ a⁽²⁾₁ from the student's own a⁽²⁾₁; δ⁽³⁾₁ left empty: the true one
    verdicts = E.check(ex, {"a2_1": wrong_a, "D2_1_1": d * wrong_a})
    assert verdicts["D2_1_1"].carried and not verdicts["D2_1_1"].correct


@pytest.mark.parametrize(
    "entries, says",
    [
        ({"z9_1": 1.0}, "no cell"),
        ({"Theta1": 1.0}, "no cell"),
        ({"z2_1": float("nan")}, "finite"),
        ({"z2_1": float("inf")}, "finite"),
        ({"z2_1": "abc"}, "must be a number"),
        ({"z2_1": None}, "must be a number"),
    ],
)
def test_check_refuses_what_is_not_a_cell_or_not_a_number(entries, says):
    ex = E.make_exercise(1)
    with pytest.raises(ValueError, match=says):
        E.check(ex, entries)


@pytest.mark.parametrize(
    "args, says",
    [
        ((-1,), "between 0 and"),
        ((1_000_000,), "between 0 and"),
        ((1.5,), "whole number"),
        ((True,), "whole number"),
        ((1, (2, 1)), "3 or 4 layers"),
        ((1, (2, 5, 1)), "1 … 4 units"),
        ((1, (2, 2, 2, 2, 1)), "3 or 4 layers"),
        ((1, "2-2-1"), "whole numbers"),
        ((1, (2, 2, 1), "softmax"), "hidden activation"),
        ((1, (2, 2, 1), "sigmoid", "hinge"), "loss must be"),
    ],
)
def test_make_exercise_refuses_with_a_sentence(args, says):
    with pytest.raises(ValueError, match=says):
        E.make_exercise(*args)


def test_cell_names_and_latex():
    ex = E.make_exercise(0, (3, 3, 2, 1))
    names = [c.name for c in ex.cells]
    assert names[:6] == ["z2_1", "z2_2", "z2_3", "a2_1", "a2_2", "a2_3"]
    assert names.index("delta4_1") < names.index("delta3_1") < names.index("delta2_1")
    assert names.index("D3_1_0") < names.index("D2_1_0") < names.index("D1_1_0")
    assert len(names) == 3 * 2 + 2 * 2 + 1 * 2 + (1 + 2 + 3) + 3 * 4 + 2 * 4 + 1 * 3
    assert ex.cell("D1_2_0").latex == "D^{(1)}_{2,0}"
    assert ex.cell("delta3_1").latex == r"\delta^{(3)}_{1}"
    with pytest.raises(ValueError, match="no cell"):
        ex.cell("nope")
