"""Take a copy: the lecturer's run as a run file, for one student's own Playground.

The owner of the class makes the file (``bp_core.io``: Θ, data, settings, optimizer state,
epoch, the same file the Playground's export writes) under the lecturer's lock, so it is the
run at one instant; the follower's live view hands the bytes to its own page, which imports
them (``lab_ui.playground.runs.import_run``) and stops following.

A run file does not hold the trainer's random generator (``bp_core.io.restore_trainer``:
mini-batches then shuffle differently from the next epoch on), so the copy carries its state
beside the file, as JSON text (the 128-bit integers of PCG64 would not survive a JavaScript
number): :func:`restore_generator` puts it back, and the copy trains on bit for bit as the
lecturer's run would have.
"""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

from bp_core import io as bio

from . import bounds

TOO_OFTEN = "Take a copy: one moment, the last copy is on its way."
NO_RUN = "The lecturer has no run to copy yet."
TOO_BIG = "The lecturer's run is too large to copy over the class's connection."


def run_file(lab: Any, app_settings: dict[str, Any] | None) -> bytes:
    """``lab``'s run as an .npz run file (with the lecturer's Playground settings)."""
    run = bio.run_from_trainer(lab.trainer, lab.dataset)
    if app_settings:
        run = dataclasses.replace(run, app_settings=dict(app_settings))
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    return buf.getvalue()


#: Characters of a generator's state as JSON at most (PCG64's is ~150).
MAX_STATE_CHARS = 2000


def generator_state(trainer: Any) -> str:
    """The trainer's random generator's state, as JSON text."""
    return json.dumps(trainer.rng.bit_generator.state)


def restore_generator(trainer: Any, state_text: Any) -> bool:
    """Put the lecturer's generator state (:func:`generator_state`) into ``trainer``'s
    generator; False (nothing changed) for anything that is not such a state."""
    if not isinstance(state_text, str) or len(state_text) > MAX_STATE_CHARS:
        return False
    try:
        state = json.loads(state_text)
        bit_generator = trainer.rng.bit_generator
        if not isinstance(state, dict) or state.get("bit_generator") != bit_generator.state.get(
            "bit_generator"
        ):
            return False
        bit_generator.state = state
    except (ValueError, TypeError, KeyError, OverflowError):
        return False
    return True


def copy_message(klass: Any) -> dict[str, Any]:
    """The reply to a follower's ``copy``: ``{"t": "copy", "name", "run"}`` or a notice."""
    live = klass.lecturer()
    if live is None:
        return {"t": "notice", "text": NO_RUN}
    with live.lock:
        lab = live.lab
        if lab is None:
            return {"t": "notice", "text": NO_RUN}
        data = run_file(lab, getattr(klass, "app_settings", None))
        epoch = int(lab.trainer.epoch)
        rng = generator_state(lab.trainer)
    if len(data) > bounds.MAX_COPY_BYTES:
        return {"t": "notice", "text": TOO_BIG}
    name = f"class-{klass.code}-epoch-{epoch}.npz"
    return {"t": "copy", "name": name, "run": data, "rng": rng}
