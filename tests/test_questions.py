"""Predict, then reveal (bp_core.questions): the records, their validation, grading with a
tolerance, and — the point — every preset's questions are true at the epoch they are
revealed (each preset trained once, to its last reveal epoch, measured on the way)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bp_core import questions as qs
from bp_core.presets import PRESETS, build_preset


def _q(**changes):
    base = dict(
        prompt="Which?",
        answer=1,
        measure=lambda tr: 1,
        evidence="cost",
        explanation="Because.",
        choices=("a", "b", "c"),
    )
    return qs.Question(**{**base, **changes})


# ---------------------------------------------------------------------------------------------
# Records and validation
# ---------------------------------------------------------------------------------------------


def test_a_question_is_a_frozen_record():
    q = _q()
    with pytest.raises(AttributeError):
        q.answer = 2
    assert q.is_choice and q.reveal_epoch == 0 and q.answer_text == "B: b"
    n = _q(choices=(), answer=1.5, tolerance=0.25, epoch=3, reveal_at=8)
    assert not n.is_choice and n.reveal_epoch == 8 and n.answer_text == "1.5 (± 0.25)"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"answer": 3}, "number of one of its 3 choices"),
        ({"answer": -1}, "number of one of its 3 choices"),
        ({"answer": True}, "number of one of its 3 choices"),
        ({"choices": ("only one",)}, "2 to 4 choices"),
        ({"choices": ("a", "b", "c", "d", "e")}, "2 to 4 choices"),
        ({"epoch": -1}, "epoch 0"),
        ({"epoch": 1.5}, "epoch 0"),
        ({"epoch": 10, "reveal_at": 5}, "before it is asked"),
        ({"evidence": "the moon"}, "no part of the screen"),
        ({"prompt": "  "}, "needs a prompt"),
        ({"explanation": ""}, "needs an explanation"),
        ({"choices": (), "answer": math.nan}, "finite number"),
        ({"choices": (), "answer": 1.0, "tolerance": -0.1}, "tolerance"),
    ],
)
def test_a_bad_question_is_refused_with_a_sentence(changes, words):
    with pytest.raises(ValueError, match=words):
        _q(**changes)


def test_a_lesson_asks_one_to_three_questions():
    assert len(qs.check_lesson([_q()])) == 1
    with pytest.raises(ValueError, match="between 1 and 3"):
        qs.check_lesson([], "xor")
    with pytest.raises(ValueError, match="between 1 and 3"):
        qs.check_lesson([_q()] * 4, "xor")


def test_stop_epochs_are_where_questions_are_asked_or_revealed():
    assert qs.stop_epochs([_q(reveal_at=300), _q(epoch=10, reveal_at=60)]) == (10, 60, 300)
    assert qs.stop_epochs([_q()]) == ()


# ---------------------------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------------------------


def test_grading_a_choice():
    q = _q()
    assert qs.grade(q, 1) and not qs.grade(q, 0) and not qs.grade(q, "1")
    assert not qs.grade(q, None) and not qs.grade(q, True)


@given(
    answer=st.floats(-1e6, 1e6),
    tolerance=st.floats(0, 100),
    off=st.floats(-2, 2),
)
def test_grading_a_number_with_its_tolerance(answer, tolerance, off):
    q = _q(choices=(), answer=answer, tolerance=tolerance)
    response = answer + off * tolerance
    if abs(off) < 0.999:
        assert qs.grade(q, response)
    elif abs(off) > 1.001 and tolerance > 1e-6 * max(1, abs(answer)):
        assert not qs.grade(q, response)


def test_a_number_is_never_a_crash():
    q = _q(choices=(), answer=1.0, tolerance=0.5)
    for bad in (None, "1", math.nan, math.inf, [1]):
        assert not qs.grade(q, bad)


# ---------------------------------------------------------------------------------------------
# Every preset's questions are true where they are revealed
# ---------------------------------------------------------------------------------------------


def test_every_preset_asks_one_to_three_questions():
    for name, p in PRESETS.items():
        qs.check_lesson(p.questions, name)
        for q in p.questions:
            assert q.reveal_epoch <= max(p.epochs, q.reveal_epoch)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_question_is_true_at_its_reveal_epoch(name):
    preset = PRESETS[name]
    _, _, trainer = build_preset(preset)
    for q in sorted(preset.questions, key=lambda q: q.reveal_epoch):
        trainer.run_epochs(max(0, q.reveal_epoch - trainer.epoch))  # stops if it diverges
        truth = q.measure(trainer)
        if q.is_choice:
            assert truth == q.answer, (name, q.prompt, truth)
        else:
            assert abs(truth - q.answer) <= q.tolerance, (name, q.prompt, truth)
        assert q.holds(trainer)
