"""Keyboard shortcuts on the pages without a live view: one small listener component.

The Playground's live view answers its keys itself (``backprop_lab/live_view``), from
:data:`PLAYGROUND_KEYS` and :data:`SLOWMO_KEYS` sent in its data (:func:`bindings_data`).
The other pages mount :func:`keys_ui`: a components-v2 element in the main document
(``backprop_lab/keys``, registered in ``pyproject.toml``) with one ``keydown`` listener,
removed when the element is unmounted.  A key it knows is sent to Python as the trigger
value ``key``; the ``on_key_change`` callback runs the same function as the page's button
for it, before the page re-runs.  "?" shows the list of the page's keys (drawn by the
component, visible on the page).

A key is answered at once: re-running the page takes 0.3–2.5 s, so the component also
draws the page's *position* (``position``: the walk-through's step and its equation,
:func:`steps_position`; the epoch and gradient steps trained, :func:`train_position`) and
moves it itself with the same rules (``backprop_lab/keys/position.js``) in the animation
frame of the key; the page follows.  One trigger is in flight at a time, carrying every
key pressed since the last (``q``); the data says which the server has applied
(``seen``, kept in the session under :data:`SEEN_KEY`), so no key is lost when Streamlit
keeps only the newest of two triggers.

What each page's keys do is declared once here (:data:`STEP_KEYS`, :data:`TRAIN_KEYS`,
:data:`PLAYGROUND_KEYS`, and slow motion's :data:`SLOWMO_KEYS`), and the list "?" shows is
built from the same entries.  A
presentation clicker sends PageDown / PageUp (some send → / ←): PageDown is "next" on
every page, PageUp "previous" where there is one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lab_ui.live.channel.work import StepWork
from lab_ui.live.live_view import component_value, live_session_ui
from lab_ui.shared import lab as lab_mod

ss = st.session_state

COMPONENT = "backprop-lab.keys"  # "<project name>.<component name>" in pyproject.toml
KEY = "bp_keys"


@dataclass(frozen=True)
class Binding:
    """One shortcut: the key names it answers (``KeyboardEvent.key``; a letter in lower
    case; ``"Shift+ArrowRight"`` for Shift with a named key), the action it sends, and how
    the list shows it."""

    keys: tuple[str, ...]
    action: str
    shown: str
    what: str


#: The Playground's keys: sent to the live view (:func:`bindings_data`), which builds its "?"
#: list and its key dispatch from them.
PLAYGROUND_KEYS: tuple[Binding, ...] = (
    Binding((" ",), "play", "Space", "Play / Pause"),
    Binding(("ArrowRight", ".", "PageDown"), "batch", "→  .  PageDown", "one mini-batch"),
    Binding(("Shift+ArrowRight",), "epoch", "Shift+→", "one epoch"),
    Binding(("r",), "reset", "R", "Reset (epoch 0, the same initial Θ)"),
    Binding(("s",), "slowmo", "S", "slow motion: one step phase by phase (its keys below)"),
    Binding(("l",), "landscape", "L", "show or hide the loss landscape of two weights"),
    Binding(("?",), "keys", "?", "show or hide this list"),
)

#: The Playground's keys while slow motion is on: sent beside :data:`PLAYGROUND_KEYS` (the
#: live view's ``slowmo_keys``), answered before them then (``slowmo.js`` slowKey), and
#: listed under them by "?".  A named key answers with Shift held too (Shift+→ is a phase,
#: not an epoch, while slow motion is on).
SLOWMO_KEYS: tuple[Binding, ...] = (
    Binding((" ",), "pause", "Space", "pause or go on"),
    Binding(("ArrowRight", ".", "PageDown"), "next", "→  .  PageDown", "next phase"),
    Binding(("ArrowLeft", ",", "PageUp"), "prev", "←  ,  PageUp", "previous phase"),
    Binding(("Escape",), "end", "Esc", "end slow motion"),
)

#: Step through backprop: the walk-through's steps.
STEP_KEYS: tuple[Binding, ...] = (
    Binding(("ArrowRight", ".", "PageDown"), "next", "→  .  PageDown", "next step"),
    Binding(("ArrowLeft", ",", "PageUp"), "prev", "←  ,  PageUp", "previous step"),
    Binding(("r", "Home"), "first", "R  Home", "back to step 1"),
    Binding(("End",), "last", "End", "the last step (the update)"),
    Binding(("?",), "keys", "?", "show or hide this list"),
)

#: Gradients and Derivation: train the session's network (the Playground's) a little and
#: see every number on the page recomputed for the new Θ.  Space does nothing here: there
#: is no live training on these pages.
TRAIN_KEYS: tuple[Binding, ...] = (
    Binding(("ArrowRight", ".", "PageDown"), "batch", "→  .  PageDown", "train one mini-batch"),
    Binding(("Shift+ArrowRight",), "epoch", "Shift+→", "train one epoch"),
    Binding(("r",), "reset", "R", "back to epoch 0 (the same initial Θ)"),
    Binding(("?",), "keys", "?", "show or hide this list"),
)


def key_map(bindings: Sequence[Binding]) -> dict[str, str]:
    """Key name → action, for the component (``"?"`` is the component's own)."""
    return {k: b.action for b in bindings if b.action != "keys" for k in b.keys}


def legend(bindings: Sequence[Binding]) -> list[list[str]]:
    """The list "?" shows: [keys as shown, what they do] per binding."""
    return [[b.shown, b.what] for b in bindings]


def legend_text(bindings: Sequence[Binding]) -> str:
    """The same list in one line (a help text, the README)."""
    return " · ".join(f"{b.shown}: {b.what}" for b in bindings)


def bindings_data(bindings: Sequence[Binding]) -> list[dict[str, Any]]:
    """The bindings whole, for the live view's data: ``[{"keys", "action", "shown", "what"}]``
    ("?" included: the view shows its list for it)."""
    return [
        {"keys": list(b.keys), "action": b.action, "shown": b.shown, "what": b.what}
        for b in bindings
    ]


def _mounter() -> Any:
    return st.components.v2.component(
        COMPONENT,
        html='<div class="bp-keyboard-host" data-testid="bp-keyboard-host"></div>',
        js="keys.js",
        css="keys.css",
        isolate_styles=False,
    )


#: Session key: the last trigger the server applied, ``{"id": …, "n": …}`` (sent back).
SEEN_KEY = "_keys_seen"
#: At most this many keys in one trigger (the rest of a longer burst is dropped).
MAX_QUEUED = 64


def pressed(key: str = KEY) -> str | None:
    """The action of the key just pressed (inside the ``on_key_change`` callback), or None."""
    value = component_value("key", key)
    if isinstance(value, dict) and isinstance(value.get("a"), str):
        return value["a"]
    return None


def pressed_all(key: str = KEY) -> list[str]:
    """Every action of the trigger just received, in order (``q``; a trigger without one,
    as an older page sends, is its one action ``a``)."""
    value = component_value("key", key)
    if not isinstance(value, dict):
        return []
    queued = value.get("q")
    if isinstance(queued, list) and queued and all(isinstance(a, str) for a in queued):
        return [str(a)[:32] for a in queued[:MAX_QUEUED]]
    one = pressed(key)
    return [one] if one else []


def _remember_seen(key: str) -> None:
    """Keep which trigger was applied, for the component (``seen`` in its data)."""
    value = component_value("key", key)
    if not isinstance(value, dict):
        return
    n, mount = value.get("n"), value.get("id")
    if isinstance(n, int) and not isinstance(n, bool) and isinstance(mount, str):
        ss[SEEN_KEY] = {"id": mount[:40], "n": n}


def steps_position(k: int, heads: Sequence[str]) -> dict[str, Any]:
    """Step through's position for the component: step ``k`` (1 … n) and each step's
    text, ``heads[k - 1]``."""
    return {"kind": "steps", "k": int(k), "n": len(heads), "heads": [str(h) for h in heads]}


#: How the component writes the training's position ({epoch} and {steps} are filled in).
TRAIN_TEXT = "Trained: epoch {epoch} · gradient steps: {steps}"


def train_position(lab: lab_mod.Lab) -> dict[str, Any]:
    """Gradients' and Derivation's position for the component: the trainer's epoch, its
    mini-batch within the epoch (of ``spe``), its gradient steps, whether it diverged."""
    tr = lab.trainer
    spe = max(1, int(tr.steps_per_epoch))
    return {
        "kind": "train",
        "epoch": int(tr.epoch),
        "batch": int(tr.batch_in_epoch),  # not steps % spe: a batch-size change restarts it
        "spe": spe,
        "steps": int(tr.steps),
        "diverged": bool(tr.diverged),
        "text": TRAIN_TEXT,
    }


def keys_ui(
    bindings: Sequence[Binding],
    actions: Mapping[str, Callable[[], None]],
    *,
    title: str = "Keys on this page",
    where: Any = None,
    key: str = KEY,
    position: dict[str, Any] | None = None,
) -> None:
    """Mount the key listener: each binding's action runs ``actions[action]`` (an action
    without an entry does nothing), as a Streamlit callback before the page re-runs.
    ``position`` (:func:`steps_position`, :func:`train_position`): what the keys move, drawn
    by the component and moved at once."""

    def on_key() -> None:
        for action in pressed_all(key):
            fn = actions.get(action)
            if fn is not None:
                fn()
        _remember_seen(key)

    data = {
        "map": key_map(bindings),
        "legend": legend(bindings),
        "title": title,
        "where": position,
        "seen": ss.get(SEEN_KEY),
    }
    where = st if where is None else where
    with where.container():
        _mounter()(
            key=key,
            data=json.dumps(data, separators=(",", ":")).encode("utf-8"),
            width="stretch",
            height="content",
            on_key_change=on_key,
        )


# ---------------------------------------------------------------------------------------------
# Training from the Gradients and Derivation pages
# ---------------------------------------------------------------------------------------------


def train(n: str) -> None:
    """One mini-batch (``"batch"``) or one epoch (``"epoch"``) of the session's Lab, as the
    live view's Step buttons do (the channel's scheduler shares the Lab: its lock is held)."""
    live = live_session_ui()
    with live.lock:
        lab = ss.get("lab")
        if lab is None or lab.trainer.diverged:
            return
        live.playing = False
        ss["playing"] = False
        work = StepWork(lab.trainer)
        work.add(n)
    _train_through_scheduler(live, work)


#: The longest a page waits for its Step (then it stops the rest, where it is).
STEP_WAIT_S = 120.0


def _train_through_scheduler(live: Any, work: Any) -> None:
    """Have the live channel's scheduler train ``work`` a slice at a time beside the other
    sessions (an epoch of the largest network is ~1,000 Adam steps, half a second: done
    here at once, it held the interpreter lock and every other session's frames), and wait
    for it (:mod:`lab_ui.live.channel.work`)."""
    live.run_work(work)
    try:
        live.wait_for_work(STEP_WAIT_S)
    finally:
        if live.work is work:  # too long, or this run was stopped: stop it where it is
            with live.lock:
                live.end_work("the page waited too long")


def reset() -> None:
    """Back to epoch 0 with the same initial Θ (the live view's Reset)."""
    live = live_session_ui()
    with live.lock:
        lab_mod.reset_lab(ss)
        live.playing = False


TRAIN_ACTIONS: dict[str, Callable[[], None]] = {
    "batch": lambda: train("batch"),
    "epoch": lambda: train("epoch"),
    "reset": reset,
}


def training_keys_ui(lab: lab_mod.Lab) -> None:
    """Gradients and Derivation: Step 1 mini-batch, Step 1 epoch, Reset (buttons and keys);
    the page below is computed for the Θ they leave."""
    tr = lab.trainer
    c = st.columns([2, 2, 2, 5], vertical_alignment="center")
    c[0].button(
        "Step 1 mini-batch",
        key="b_train_batch",
        on_click=train,
        args=("batch",),
        disabled=tr.diverged,
        width="stretch",
        help="One gradient step on the next mini-batch (→, . or PageDown).",
    )
    c[1].button(
        "Step 1 epoch",
        key="b_train_epoch",
        on_click=train,
        args=("epoch",),
        disabled=tr.diverged,
        width="stretch",
        help="One pass over the training set (Shift+→).",
    )
    c[2].button(
        "↺ Reset",
        key="b_train_reset",
        on_click=reset,
        width="stretch",
        help="Back to epoch 0 with the same initial Θ (R).",
    )
    keys_ui(
        TRAIN_KEYS,
        TRAIN_ACTIONS,
        title="Keys on this page",
        where=c[3],
        position=train_position(lab),
    )


__all__ = [
    "Binding",
    "bindings_data",
    "COMPONENT",
    "KEY",
    "PLAYGROUND_KEYS",
    "SLOWMO_KEYS",
    "STEP_KEYS",
    "TRAIN_ACTIONS",
    "TRAIN_KEYS",
    "key_map",
    "keys_ui",
    "legend",
    "legend_text",
    "pressed",
    "pressed_all",
    "reset",
    "steps_position",
    "train_position",
    "train",
    "training_keys_ui",
]
