"""Predict, then reveal: the questions a lesson (a preset) asks before the student sees.

A :class:`Question` is asked at one epoch of the preset's run (0: before Play) and revealed
at another (``reveal_at``, the same or later): Play waits at the asked epoch until the
student answers or skips, training pauses at the reveal epoch, and the reveal shows the
right answer, the explanation, and highlights the part of the screen that shows it
(``evidence``, one of :data:`EVIDENCE`).

A question can never lie: its ``measure`` computes the true answer from the trainer at the
reveal epoch, and a test (``tests/test_questions.py``) trains every preset to each of its
questions' reveal epochs and checks that ``measure(trainer)`` is the stated ``answer`` (a
choice's index, or a number within ``tolerance``).

A question is either multiple choice (``choices``: 2 … 4 texts, shown as A … D; ``answer``
the 0-based index of the right one) or a number (no choices; ``answer`` the number and
``tolerance`` how far a response may be from it and still be right).

The measures here (:func:`band`, :func:`distinct_rows`, :func:`smallest_grad_layer` …) read
only the trainer: its Θ, its history and its data.  Layer numbers follow the course
(``Theta[l - 1]`` is Θ^(l), ``history.grad_norm[-1][l - 1]`` is ‖D^(l)‖).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import forward, predict
from .training import Trainer

Array = np.ndarray

#: What part of the screen can show an answer: key → what the student is told to look at.
EVIDENCE: dict[str, str] = {
    "theta_rows": "the rows of Θ⁽¹⁾: the edges from layer 1 to layer 2 in the network diagram",
    "grad_norms": "the ‖D⁽ˡ⁾‖ chart (one line per layer, log scale)",
    "cost": "the J curve (and the accuracy beside it)",
    "boundary": "the decision boundary",
}
#: Questions a lesson asks: at least one, at most this many.
MAX_QUESTIONS = 3
#: Choices of a multiple-choice question are labelled with these letters.
LETTERS = "ABCD"


def _whole(x: object) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _number(x: object) -> bool:
    return (
        isinstance(x, int | float | np.integer | np.floating)
        and not isinstance(x, bool)
        and math.isfinite(x)
    )


@dataclass(frozen=True)
class Question:
    """One prediction a lesson asks for, and how to check it.

    Attributes
    ----------
    prompt : str
        The question, for a student.
    answer : int or float
        The index (0-based) of the right choice, or the number.
    measure : callable
        ``measure(trainer) -> answer``: the true answer, computed from the run at the
        reveal epoch (the index of the right choice, or the number).
    evidence : str
        A key of :data:`EVIDENCE`: the part of the screen the reveal highlights.
    explanation : str
        Shown on reveal: why the answer is what it is.
    choices : tuple of str
        2 … 4 choices (A … D), or empty for a number.
    tolerance : float
        For a number: a response within this distance of ``answer`` is right.
    epoch : int
        When it is asked: 0 before Play, else when training reaches this epoch.
    reveal_at : int or None
        When it is revealed (≥ ``epoch``); None: at once, at ``epoch``.
    """

    prompt: str
    answer: int | float
    measure: Callable[[Trainer], Any]
    evidence: str
    explanation: str
    choices: tuple[str, ...] = ()
    tolerance: float = 0.0
    epoch: int = 0
    reveal_at: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise ValueError("A question needs a prompt: the sentence the student reads.")
        if not isinstance(self.explanation, str) or not self.explanation.strip():
            raise ValueError(f"The question {self.prompt!r} needs an explanation for its reveal.")
        if self.evidence not in EVIDENCE:
            raise ValueError(
                f"The question {self.prompt!r} points at {self.evidence!r}, which is no part of "
                f"the screen; choose one of {', '.join(EVIDENCE)}."
            )
        if not callable(self.measure):
            raise ValueError(f"The question {self.prompt!r} needs a measure of its answer.")
        if not _whole(self.epoch) or self.epoch < 0:
            raise ValueError(
                f"The question {self.prompt!r} must be asked at epoch 0 (before Play) or later, "
                f"not at {self.epoch!r}."
            )
        if self.reveal_at is not None and (
            not _whole(self.reveal_at) or self.reveal_at < self.epoch
        ):
            raise ValueError(
                f"The question {self.prompt!r} cannot be revealed at epoch {self.reveal_at!r}, "
                f"before it is asked (epoch {self.epoch})."
            )
        if self.choices:
            if not 2 <= len(self.choices) <= len(LETTERS) or not all(
                isinstance(c, str) and c.strip() for c in self.choices
            ):
                raise ValueError(
                    f"The question {self.prompt!r} needs 2 to {len(LETTERS)} choices (A to "
                    f"{LETTERS[-1]}), each a sentence."
                )
            if not _whole(self.answer) or not 0 <= self.answer < len(self.choices):
                raise ValueError(
                    f"The answer of {self.prompt!r} must be the number of one of its "
                    f"{len(self.choices)} choices (0 for A … {len(self.choices) - 1} for "
                    f"{LETTERS[len(self.choices) - 1]}), not {self.answer!r}."
                )
        else:
            if not _number(self.answer):
                raise ValueError(f"The answer of {self.prompt!r} must be a finite number.")
            if not _number(self.tolerance) or self.tolerance < 0:
                raise ValueError(
                    f"The tolerance of {self.prompt!r} must be a number ≥ 0, not "
                    f"{self.tolerance!r}."
                )

    @property
    def is_choice(self) -> bool:
        """Multiple choice (else a number)."""
        return bool(self.choices)

    @property
    def reveal_epoch(self) -> int:
        """The epoch whose run shows the answer (``reveal_at``, or ``epoch``)."""
        return self.epoch if self.reveal_at is None else int(self.reveal_at)

    @property
    def answer_text(self) -> str:
        """The right answer as the reveal says it: "B: Below 0.1", or the number (± tolerance)."""
        if self.is_choice:
            return f"{LETTERS[int(self.answer)]}: {self.choices[int(self.answer)]}"
        tol = f" (± {self.tolerance:g})" if self.tolerance else ""
        return f"{self.answer:g}{tol}"

    def true_answer(self, trainer: Trainer) -> Any:
        """What ``measure`` says about ``trainer`` (which should be at :attr:`reveal_epoch`)."""
        return self.measure(trainer)

    def holds(self, trainer: Trainer) -> bool:
        """Whether the stated answer is the true one for ``trainer``."""
        return grade(self, self.measure(trainer))


def grade(question: Question, response: Any) -> bool:
    """Whether ``response`` is right: the right choice's index, or a number within the
    tolerance.  A response that is no choice or no number is wrong, never an error."""
    if question.is_choice:
        return _whole(response) and int(response) == int(question.answer)
    if not _number(response):
        return False
    return abs(float(response) - float(question.answer)) <= question.tolerance + 1e-12 * max(
        1.0, abs(float(question.answer))
    )


def check_lesson(questions: Sequence[Question], name: str = "this lesson") -> tuple[Question, ...]:
    """The lesson's questions, checked: 1 … :data:`MAX_QUESTIONS` of them, each a Question."""
    qs = tuple(questions)
    if not 1 <= len(qs) <= MAX_QUESTIONS:
        raise ValueError(
            f"{name} asks {len(qs)} questions; a lesson asks between 1 and {MAX_QUESTIONS}."
        )
    if not all(isinstance(q, Question) for q in qs):
        raise ValueError(f"Every question of {name} must be a Question.")
    return qs


def stop_epochs(questions: Sequence[Question]) -> tuple[int, ...]:
    """The epochs (> 0) where training pauses for these questions: where one is asked or
    revealed, in order."""
    return tuple(sorted({e for q in questions for e in (q.epoch, q.reveal_epoch) if e > 0}))


# --------------------------------------------------------------------------------------
# Measures: the true answer, from the trainer
# --------------------------------------------------------------------------------------


def band(value: Callable[[Trainer], float], edges: Sequence[float]) -> Callable[[Trainer], int]:
    """A choice by bands of a number: index 0 below ``edges[0]``, 1 below ``edges[1]`` …,
    ``len(edges)`` at or above the last edge (the choices listed from low to high)."""

    def measure(trainer: Trainer) -> int:
        v = value(trainer)
        return int(sum(v >= e for e in edges))

    return measure


def last_J(trainer: Trainer) -> float:
    """J on the training set at the last recorded epoch."""
    return float(trainer.history.J_train[-1])


def J_fraction(trainer: Trainer) -> float:
    """The last recorded J as a fraction of J at epoch 0."""
    J = trainer.history.J_train
    return float(J[-1] / J[0])


def accuracy_percent(part: str = "train") -> Callable[[Trainer], float]:
    """The last recorded accuracy on the training (or test) set, in percent."""

    def measure(trainer: Trainer) -> float:
        h = trainer.history
        return 100.0 * float(h.metric_train[-1] if part == "train" else h.metric_test[-1])

    return measure


def accuracy_gap(trainer: Trainer) -> float:
    """Training accuracy minus test accuracy at the last recorded epoch, in percentage points."""
    h = trainer.history
    return 100.0 * float(h.metric_train[-1] - h.metric_test[-1])


def J_trend(epochs: int) -> Callable[[Trainer], int]:
    """Over the first ``epochs`` epochs: 0 if J fell at each one, 1 if it rose at each one,
    2 otherwise."""

    def measure(trainer: Trainer) -> int:
        J = trainer.history.J_train[: epochs + 1]
        steps = list(zip(J[:-1], J[1:], strict=True))
        if len(steps) == epochs and all(b < a for a, b in steps):
            return 0
        if len(steps) == epochs and all(b > a for a, b in steps):
            return 1
        return 2

    return measure


def diverged(trainer: Trainer) -> int:
    """1 if training diverged (stopped with a message), else 0."""
    return int(trainer.diverged)


def distinct_rows(l: int, rel: float = 1e-9) -> Callable[[Trainer], int]:
    """How many different rows Θ^(l) has: rows closer than ``rel`` × its largest entry (in
    every column) count as one."""

    def measure(trainer: Trainer) -> int:
        T = trainer.Theta[l - 1]  # (s_{l+1}, s_l + 1)
        scale = max(float(np.abs(T).max()), 1e-300)
        kept: list[Array] = []
        for row in T:
            if not any(np.abs(row - k).max() <= rel * scale for k in kept):
                kept.append(row)
        return len(kept)

    return measure


def weight_signs(l: int, j: int, ks: Sequence[int]) -> Callable[[Trainer], int]:
    """The signs of Θ^(l)_jk for the k in ``ks``: 0 all positive, 1 all negative, 2 mixed
    (or a zero)."""

    def measure(trainer: Trainer) -> int:
        w = trainer.Theta[l - 1][j - 1, list(ks)]
        if np.all(w > 0):
            return 0
        if np.all(w < 0):
            return 1
        return 2

    return measure


def smallest_grad_layer(trainer: Trainer) -> int:
    """The l whose ‖D^(l)‖ is smallest at the last recorded epoch (course numbering)."""
    return int(np.argmin(trainer.history.grad_norm[-1])) + 1


def largest_grad_layer(trainer: Trainer) -> int:
    """The l whose ‖D^(l)‖ is largest at the last recorded epoch (course numbering)."""
    return int(np.argmax(trainer.history.grad_norm[-1])) + 1


def layer_choice(layers: Sequence[int], same_within: float = 10.0) -> Callable[[Trainer], int]:
    """Which of ``layers`` has the smallest ‖D^(l)‖ at the last recorded epoch: its index in
    ``layers``; ``len(layers)`` when the largest ‖D‖ is less than ``same_within`` times the
    smallest ("about the same"), or when the smallest is another layer."""

    def measure(trainer: Trainer) -> int:
        g = trainer.history.grad_norm[-1]
        if max(g) < same_within * min(g):
            return len(layers)
        l = smallest_grad_layer(trainer)
        return list(layers).index(l) if l in layers else len(layers)

    return measure


def grad_norm(l: int) -> Callable[[Trainer], float]:
    """‖D^(l)‖ at the last recorded epoch."""

    def measure(trainer: Trainer) -> float:
        return float(trainer.history.grad_norm[-1][l - 1])

    return measure


def predicted_classes(trainer: Trainer) -> int:
    """How many different classes the network predicts over the training set."""
    return int(np.unique(predict(trainer.cfg, trainer.Theta, trainer.X_train)).size)


def output_row_sum(trainer: Trainer) -> float:
    """The sum of a row of a^(L) = h_Θ(x) over the training set: the one farthest from 1."""
    s = forward(trainer.cfg, trainer.Theta, trainer.X_train).h.sum(axis=1)  # (m,)
    return float(s[np.argmax(np.abs(s - 1))])


__all__ = [
    "EVIDENCE",
    "LETTERS",
    "MAX_QUESTIONS",
    "Question",
    "J_fraction",
    "J_trend",
    "accuracy_gap",
    "accuracy_percent",
    "band",
    "check_lesson",
    "distinct_rows",
    "diverged",
    "grad_norm",
    "grade",
    "largest_grad_layer",
    "layer_choice",
    "last_J",
    "output_row_sum",
    "predicted_classes",
    "smallest_grad_layer",
    "stop_epochs",
    "weight_signs",
]
