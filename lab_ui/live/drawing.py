"""Hand edits from the live view: draw a training point, remove one, set one weight.

The live channel (:mod:`lab_ui.live.channel.session`) calls these under the session's lock, from
the scheduler thread, before it builds the next frame.  Each returns the sentence the live
view shows, records the edit (``Lab.note_edit``: a link replays the settings from epoch 0
and cannot bring a hand edit back) or raises ``ValueError`` with a student-facing reason.

What an edit does to the Lab:

* **A point drawn or removed** makes a new data set (``bp_core.datasets.edit``); the Lab
  keeps it until a *data* setting changes (``sync_lab`` compares the data settings, which a
  drawn point does not touch, and Reset and network changes reuse ``lab.dataset``).  The
  trainer goes on from the current Θ on the new data (:func:`continue_training`).
* **A weight set by hand** changes Θ at once (``Trainer.set_weight``); the history, the
  snapshots and the optimizer's memory are kept.

No streamlit import: every function is testable with plain pytest.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from bp_core.datasets.edit import add_point, nearest_point, remove_point
from bp_core.training import Trainer
from lab_ui.live.frames import plane_extent
from lab_ui.shared import text

#: Points a student may draw into one data set (drawn points still in it).
MAX_DRAWN = 1000
#: Shift+click removes the nearest training point within this many screen pixels.
REMOVE_RADIUS_PX = 12.0
#: A drawn point must lie inside the data's extent widened by this many extents each side.
POINT_MARGIN = 1.0

# Which training rows of a data set were drawn by hand, by data set object: the record
# travels with the Dataset (Reset and network changes reuse it) and goes with it.
_DRAWN: weakref.WeakKeyDictionary[Any, np.ndarray] = weakref.WeakKeyDictionary()


def drawn_mask(dataset: Any) -> np.ndarray:
    """Which training rows were drawn by hand: bool array of shape (m_train,)."""
    mask = _DRAWN.get(dataset)
    return mask if mask is not None else np.zeros(dataset.m_train, dtype=bool)


def drawn_count(dataset: Any) -> int:
    """Training points drawn by hand that are still in ``dataset``."""
    return int(np.count_nonzero(drawn_mask(dataset)))


def can_draw(dataset: Any) -> bool:
    """Points can be drawn on classification data whose raw inputs are points of a plane."""
    return dataset.is_planar and dataset.task == "classification" and dataset.n_classes >= 1


def point_limits(dataset: Any) -> tuple[float, float, float, float]:
    """Where a drawn point may lie: the data's plane extent widened by ``POINT_MARGIN`` of
    its width (and height) on each side."""
    x0, x1, y0, y1 = plane_extent(dataset)
    wx, wy = (x1 - x0) * POINT_MARGIN, (y1 - y0) * POINT_MARGIN
    return x0 - wx, x1 + wx, y0 - wy, y1 + wy


def continue_training(trainer: Trainer, dataset: Any) -> Trainer:
    """``trainer``, going on from its current Θ on the edited ``dataset``
    (``Trainer.with_data``: Θ, the optimizer's memory, the epoch and step counts, the
    history and the end-of-epoch snapshots kept; the next step starts a new pass over the
    new training set; J may jump at the edit, as it is measured on the new data from the next
    recorded epoch on).  Going back in time (``Trainer.restore``) to before the edit
    restores Θ and the history of then, on the data as they are now: a drawn point stays
    until the data set is chosen again.
    """
    trainer.with_data(dataset)
    return trainer


def _replace_data(lab: Any, dataset: Any, mask: np.ndarray) -> None:
    _DRAWN[dataset] = mask
    lab.trainer = continue_training(lab.trainer, dataset)
    lab.dataset = dataset
    lab.cache.clear()  # results computed on the old data


def _class_words(dataset: Any, k: int) -> str:
    names = dataset.class_names
    name = names[k] if k < len(names) else str(k)
    # the view shows this as a text node: the data's own class name, cut short, not escaped
    return f"class {k}" if name == str(k) else f"class {k} (“{text.clip(name)}”)"


def draw_point(lab: Any, point: Sequence[float], label: int) -> str:
    """Add a training point of class ``label`` at ``point`` (x1, x2) to the Lab's data.

    Returns the sentence to show.  Raises ValueError: not drawable data, a class the data do
    not have, a point far outside the data, or ``MAX_DRAWN`` points drawn already.
    """
    ds = lab.dataset
    if not can_draw(ds):
        raise ValueError("Points can be drawn only on a classification problem of the plane.")
    x, y = (float(v) for v in point)
    x0, x1, y0, y1 = point_limits(ds)
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ValueError(
            f"({text.number(x, 3)}, {text.number(y, 3)}) is far outside the data: not added."
        )
    mask = drawn_mask(ds)
    if np.count_nonzero(mask) >= MAX_DRAWN:
        raise ValueError(
            f"At most {MAX_DRAWN:,} points can be drawn into one data set: remove some "
            "(Shift+click) or choose the data set again to start over."
        )
    new = add_point(ds, (x, y), int(label))  # ValueError for a class the data do not have
    _replace_data(lab, new, np.append(mask, True))
    what = _class_words(new, int(label))
    lab.note_edit(f"added a point of class {int(label)}")  # no data text in the edit list
    n = np.count_nonzero(mask) + 1
    return (
        f"Added a training point of {what} at ({text.number(x, 3)}, {text.number(y, 3)}): "
        f"{new.m_train} training examples, {n} drawn (at most {MAX_DRAWN:,})."
    )


def erase_point(lab: Any, point: Sequence[float], pixel: Sequence[float]) -> str:
    """Remove the training point nearest to ``point``, if it is within ``REMOVE_RADIUS_PX``
    screen pixels (``pixel`` = the data units of one pixel along x1 and x2).

    Returns the sentence to show; raises ValueError when there is none that near, or it is
    the last training example.
    """
    ds = lab.dataset
    if not can_draw(ds):
        raise ValueError("Points can be removed only on a classification problem of the plane.")
    i, d = nearest_point(ds, point, pixel)
    if d > REMOVE_RADIUS_PX:
        raise ValueError(
            f"No training point within {REMOVE_RADIUS_PX:g} pixels of the click: nothing removed."
        )
    label = int(ds.y_train[i])
    x, y = (float(v) for v in ds.raw_train[i])
    new = remove_point(ds, i)  # ValueError for the last training example
    _replace_data(lab, new, np.delete(drawn_mask(ds), i))
    what = _class_words(ds, label)
    lab.note_edit(f"removed a point of class {label}")
    return (
        f"Removed the training point of {what} at ({text.number(x, 3)}, {text.number(y, 3)}): "
        f"{new.m_train} training examples left."
    )


def set_weight(lab: Any, l: int, j: int, k: int, value: float) -> str:
    """Set Θ^(l)_jk (the course's numbering) to ``value`` by hand (``Trainer.set_weight``).

    Returns the sentence to show; raises ValueError (bp_core's, in the course's numbering)
    for a weight the network does not have or a value that is not a finite number.
    """
    tr = lab.trainer
    before = float(tr.Theta[l - 1][j - 1, k]) if _has_weight(tr, l, j, k) else None
    tr.set_weight(l, j, k, value)
    lab.cache.clear()  # results computed at the old Θ
    name = text.weight(l, j, k)
    lab.note_edit(f"set {name} to {text.number(value)}")
    return f"Set {name} from {text.number(before)} to {text.number(value)} by hand."


def _has_weight(tr: Trainer, l: int, j: int, k: int) -> bool:
    shapes = tr.cfg.theta_shapes
    return 1 <= l <= len(shapes) and 1 <= j <= shapes[l - 1][0] and 0 <= k < shapes[l - 1][1]
