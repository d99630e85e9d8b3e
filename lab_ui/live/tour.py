"""The Playground's first-visit tour: five steps that point at Play, the decision boundary,
the network diagram (forward a⁽ˡ⁾ / Θ⁽ˡ⁾ and backward δ⁽ˡ⁾ / D⁽ˡ⁾), the curves and the presets,
each in a sentence or two of the course's notation.

The steps are declared here, once, and travel to the live view in its data
(:func:`tour_data`, ``"tour"``); ``backprop_lab/live_view/tour.js`` shows them, as plain text,
next to what each points at.  The browser decides whether to open the tour by itself: only on
a first visit (no flag :data:`STORAGE_KEY` in its localStorage, no preset, class or
``tour=0`` in the URL), never in presenter mode (then the data carries no tour at all).  Its
"Tour" button, beside the live view's "?", opens it again at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TourStep:
    """One step: ``target`` names what it points at (a part of the live view — ``play``,
    ``boundary``, ``net``, ``curves`` — or ``presets``, the sidebar's preset box), ``title``
    and ``text`` are what it says (plain text, never markup)."""

    target: str
    title: str
    text: str


#: The tour, in order (4–6 steps, one or two sentences each).
TOUR_STEPS: tuple[TourStep, ...] = (
    TourStep(
        "play",
        "Play trains the network",
        "Play runs gradient descent: forward propagation, backpropagation and an update of "
        "every Θ⁽ˡ⁾, again and again. Step 1 mini-batch does a single update, so you can "
        "watch one at a time.",
    ),
    TourStep(
        "boundary",
        "The decision boundary",
        "The colour is the network's output h_Θ(x) at every point x = (x₁, x₂) of the plane; "
        "the dots are the training examples. Watch the boundary bend as the network learns.",
    ),
    TourStep(
        "net",
        "The network: forward and backward",
        "Circles are the activations a⁽ˡ⁾ and lines the weights Θ⁽ˡ⁾ (the forward pass). "
        "Switch the Diagram (above Play) to Backward to see the error terms δ⁽ˡ⁾ on the "
        "circles and the gradients D⁽ˡ⁾ on the lines; click a line for its chain rule.",
    ),
    TourStep(
        "curves",
        "The cost J(Θ) and the gradients",
        "The cost J(Θ) and the accuracy, epoch by epoch, and beside them the size ‖D⁽ˡ⁾‖ of "
        "each layer's gradient: if J stops falling, look there first.",
    ),
    TourStep(
        "presets",
        "Lessons to start from",
        "Each preset sets up one lesson (XOR needs a hidden layer, zero initialization, "
        "vanishing gradients…) with what to watch and a question to predict before you "
        "press Play.",
    ),
)

#: The browser's localStorage flag: set when the tour is skipped, closed or finished.
STORAGE_KEY = "bp-tour-seen"


def tour_data() -> dict[str, Any]:
    """The tour as the live view receives it: its steps and the flag's name."""
    return {
        "steps": [{"target": s.target, "title": s.title, "text": s.text} for s in TOUR_STEPS],
        "storage": STORAGE_KEY,
    }


__all__ = ["STORAGE_KEY", "TOUR_STEPS", "TourStep", "tour_data"]
