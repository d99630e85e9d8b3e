"""A question put to a class: its kind, its choices, the students' answers and their tally.

A question is made on the spot by the lecturer (:func:`quick_question`: multiple choice A–D,
a number with a tolerance, or the sign of D⁽ˡ⁾ⱼₖ for an edge, whose answer bp_core gives at
the reveal) or taken from the current lesson (:func:`lesson_question`).  Its text is data:
cut and shown as plain text.  :func:`question_part` is what every screen draws of it (the
frame's class part).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from lab_ui.shared import text

from . import bounds

#: Kinds of question, each with what the student's screen offers.
KINDS = ("choice", "number", "sign")
LETTERS = "ABCD"
SIGNS = ("+", "−")
#: The bars of a number question's distribution (the middle one is right).
NUMBER_BARS = ("below", "within the tolerance", "above")


def plural(n: int, one: str, many: str | None = None) -> str:
    """``"1 answer"``, ``"3 answers"``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def answers_text(n: int) -> str:
    """The tally's words: "N answers"."""
    return plural(n, "answer")


@dataclass
class Question:
    """One question put to the class.

    ``kind`` is ``"choice"`` (``choices``: 2 … 4 texts shown as A … D, ``answer`` the right
    one's index), ``"number"`` (``answer`` and ``tolerance``) or ``"sign"`` (the sign of
    D⁽ˡ⁾ⱼₖ for ``weight`` = (l, j, k); its answer comes from bp_core at the reveal).
    ``responses`` maps a follower's id to its answer (a choice's index or a number).
    """

    qid: int
    kind: str
    text: str
    choices: tuple[str, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    weight: tuple[int, int, int] | None = None
    open: bool = True
    revealed: bool = False
    reveal_text: str = ""  # the right answer, in words (set at the reveal)
    responses: dict[str, float] = field(default_factory=dict)

    def labels(self) -> list[str]:
        """The bars' labels, in order."""
        if self.kind == "choice":
            return [f"{LETTERS[i]}: {c}" for i, c in enumerate(self.choices)]
        if self.kind == "sign":
            return list(SIGNS)
        return list(NUMBER_BARS)

    def bar_of(self, response: float) -> int:
        """Which bar a response counts in."""
        if self.kind != "number":
            return int(response)
        if self.answer is None or abs(response - self.answer) <= self.tolerance:
            return 1
        return 0 if response < self.answer else 2

    def counts(self) -> list[int]:
        out = [0] * len(self.labels())
        for r in self.responses.values():
            out[self.bar_of(r)] += 1
        return out

    def right_bar(self) -> int | None:
        """The bar of the right answer (None: no right answer, e.g. a D of exactly 0)."""
        if self.answer is None:
            return None
        return 1 if self.kind == "number" else int(self.answer)

    def valid(self, response: Any) -> float | None:
        """``response`` as this question takes it, or None."""
        if isinstance(response, bool) or not isinstance(response, int | float):
            return None
        if not math.isfinite(response) or abs(response) > bounds.MAX_NUMBER:
            return None
        if self.kind == "number":
            return float(response)
        n = len(self.choices) if self.kind == "choice" else 2
        return int(response) if response == int(response) and 0 <= response < n else None

    def response_text(self, response: float) -> str:
        if self.kind == "choice":
            return LETTERS[int(response)]
        if self.kind == "sign":
            return SIGNS[int(response)]
        return text.number(response)


def quick_question(
    kind: str,
    prompt: str,
    *,
    choices: tuple[str, ...] | list[str] = (),
    answer: float | None = None,
    tolerance: float = 0.0,
    weight: tuple[int, int, int] | None = None,
) -> Question:
    """A question made on the spot (checked; ValueError in words).  Its text is data: cut to
    :data:`~lab_ui.classroom.bounds.MAX_TEXT` characters on one line, shown as plain text."""
    if kind not in KINDS:
        raise ValueError(f"A question is one of: {', '.join(KINDS)}.")
    q_text = text.clip(prompt, bounds.MAX_TEXT).strip()
    if kind == "choice":
        kept = tuple(text.clip(c, bounds.MAX_CHOICE).strip() for c in choices)
        if not 2 <= len(kept) <= 4 or not all(kept):
            raise ValueError("A multiple-choice question needs 2 to 4 choices, none empty.")
        if not isinstance(answer, int) or not 0 <= answer < len(kept):
            raise ValueError("Pick which choice is right.")
        return Question(0, kind, q_text or "Which is right?", kept, answer)
    if kind == "number":
        if answer is None or not math.isfinite(answer) or abs(answer) > bounds.MAX_NUMBER:
            raise ValueError("A number question needs its right answer, a finite number.")
        if not math.isfinite(tolerance) or tolerance < 0:
            raise ValueError("The tolerance is a number ≥ 0.")
        return Question(0, kind, q_text or "What is the value?", (), float(answer), tolerance)
    if weight is None or len(weight) != 3 or weight[0] < 1 or weight[1] < 1 or weight[2] < 0:
        raise ValueError("A sign question needs an edge: l ≥ 1, j ≥ 1, k ≥ 0.")
    l, j, k = (int(v) for v in weight)
    prompt_text = q_text or f"Sign of {text.weight(l, j, k, 'D')}: + or −?"
    return Question(0, kind, prompt_text, SIGNS, None, 0.0, (l, j, k))


def lesson_question(q: Any) -> Question:
    """One of a lesson's predict-then-reveal questions (``bp_core.questions.Question``) put
    to the class: its prompt, its choices or number, and its stated answer (which
    ``tests/test_questions.py`` checks against the run at the question's reveal epoch)."""
    if q.choices:
        return Question(0, "choice", q.prompt, tuple(q.choices), int(q.answer))
    return Question(0, "number", q.prompt, (), float(q.answer), float(q.tolerance))


def question_part(q: Question, number: int) -> dict[str, Any]:
    n = len(q.responses)
    part: dict[str, Any] = {
        "id": q.qid,
        "number": number,
        "kind": q.kind,
        "text": q.text,
        "choices": list(q.choices) if q.kind == "choice" else [],
        "open": q.open,
        "answers": n,
        "answers_text": answers_text(n),
        "reveal": None,
    }
    if q.revealed:
        part["reveal"] = {
            "text": q.reveal_text,
            "labels": q.labels(),
            "counts": q.counts(),
            "right": q.right_bar(),
        }
    return part


def sign_answer(trainer: Any, weight: tuple[int, int, int] | None) -> tuple[int | None, str]:
    """The index in :data:`SIGNS` of bp_core's D⁽ˡ⁾ⱼₖ now, and the sentence that says it."""
    from lab_ui.live import frames

    label = text.weight(*weight, "D") if weight else "D"
    if trainer is None or weight is None:
        return None, f"{label} could not be computed (no run)."
    try:
        D = frames.chain_part(trainer, list(weight))["D"]
    except ValueError as err:
        return None, text.shorten(err)
    if D is None or not math.isfinite(D):
        return None, f"{label} is not a finite number."
    if D == 0:
        return None, f"{label} = 0 at epoch {trainer.epoch}: neither + nor −."
    i = 0 if D > 0 else 1
    return i, f"Right answer: {SIGNS[i]} ({label} = {text.number(D)} at epoch {trainer.epoch})"


__all__ = [
    "KINDS",
    "LETTERS",
    "NUMBER_BARS",
    "SIGNS",
    "Question",
    "answers_text",
    "lesson_question",
    "plural",
    "question_part",
    "quick_question",
    "sign_answer",
]
