"""Time travel on the Playground, links that reproduce what you see, and a weight edited by hand.

* :func:`timeline_ui` — while paused: the **Epoch** slider over the states the trainer kept
  (``Trainer.timeline``).  Moving it restores that state (``Trainer.restore``, under the live
  session's lock) and the live view shows the network, the boundary, the neuron maps and
  a, δ, D at that epoch; Play or Step goes on from there exactly as training on from that
  epoch did (or would have).  Then the link and the "Edit a weight or bias" expander.
* The link (:func:`link_ui`) carries the settings and the epoch (and ``step``, the gradient
  steps, when mid-epoch).  Opening it replays training from the settings to that point
  (:func:`replay_link_ui`, called by ``lab_ui.shared.entry`` on a session's first run): training is
  deterministic given the settings, so the network is the same bit for bit.  What a link
  cannot carry (points drawn, a weight edited, a setting changed mid-run: ``Lab.edits``) is
  said next to it in one sentence.
* :func:`edit_weight_ui` sets one Θ^(l)_jk (``Trainer.set_weight``).

The replay itself (:func:`replay`) is plain Python on the trainer, testable without a page.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from bp_core.indexing import weight_to_index
from lab_ui.live.live_view import live_session_ui
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text
from lab_ui.shared.widgets import weight_label, weight_ui

ss = st.session_state

#: A replay estimated to take longer than this is not done (the link opens at epoch 0).
MAX_REPLAY_S = 60.0
#: A replay estimated to take longer than this shows a progress bar.
PROGRESS_AFTER_S = 1.0
#: The replay's time estimate is made after this long (or 3 epochs, whichever comes later).
ESTIMATE_AFTER_S = 0.15

# ---------------------------------------------------------------------------------------------
# Replaying a link
# ---------------------------------------------------------------------------------------------


def link_point(trainer: Any) -> tuple[int, int]:
    """The (epoch, step) a link writes for the trainer's current state: ``step`` is the
    number of gradient steps when it is not the end of an epoch, else 0."""
    end_of_epoch = trainer.steps == trainer.epoch * trainer.steps_per_epoch
    return trainer.epoch, 0 if end_of_epoch else trainer.steps


def replay_target(trainer: Any, epoch: int, step: int) -> tuple[int, str]:
    """The gradient steps to train for a link's ``epoch`` and ``step``, and a note ("" if
    none) when the two do not agree with the settings (``step`` then wins)."""
    spe = trainer.steps_per_epoch
    if not step:
        return epoch * spe, ""
    if step // spe != epoch:
        return step, (
            f"The link's step {step} is not in its epoch {epoch} (an epoch is {spe} gradient "
            f"steps with these settings): it opens at step {step}, in epoch {step // spe}."
        )
    return step, ""


def replay(
    trainer: Any,
    target: int,
    progress: Callable[[float, str], None] | None = None,
    max_s: float | None = None,
) -> str:
    """Train ``trainer`` to ``target`` gradient steps, an epoch (or what is left of one) at
    a time.

    After a few epochs the time it will take is estimated: beyond ``max_s`` (default
    :data:`MAX_REPLAY_S`) the replay stops
    there and says so; beyond :data:`PROGRESS_AFTER_S` ``progress(fraction, words)`` is
    called as it goes.  Returns "" when the target was reached, else the reason in a
    sentence (too long, or training diverged on the way).
    """
    max_s = MAX_REPLAY_S if max_s is None else max_s
    t0 = time.perf_counter()
    start, chunks, estimate = trainer.steps, 0, None
    total = max(target - start, 1)
    shown = 0.0
    while trainer.steps < target and not trainer.diverged:
        n = min(target - trainer.steps, trainer.steps_per_epoch)
        for _ in range(n):
            if not trainer.step():
                break
        chunks += 1
        now = time.perf_counter() - t0
        done = (trainer.steps - start) / total
        if estimate is None and (chunks >= 3 and now >= ESTIMATE_AFTER_S or done >= 1):
            estimate = now / max(done, 1e-9)
            if estimate > max_s:
                return (
                    f"Replaying this link to epoch {target // trainer.steps_per_epoch} would "
                    f"take about {_duration(estimate)} here (at most {_duration(max_s)} is "
                    "done), so it opens at epoch 0: press Play to train there."
                )
        if progress is not None and estimate is not None and estimate > PROGRESS_AFTER_S:
            if now - shown >= 0.1 or trainer.steps >= target:
                shown = now
                progress(min(done, 1.0), f"Replaying the link: epoch {trainer.epoch}")
    if trainer.diverged and trainer.steps < target:
        return (
            f"Training diverged at step {trainer.divergence.step}, before the link's step "
            f"{target}: the network is shown as it was then."
        )
    return ""


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    return f"{round(seconds / 60)} minutes"


def replay_link_ui(lab: lab_mod.Lab) -> lab_mod.Lab:
    """On a session's first run: replay the link's epoch (``_replay``, set when the URL was
    read) on the new Lab, with a progress bar when it takes more than about a second.
    Returns the session's Lab (a fresh one when the replay was refused)."""
    epoch, step = ss.pop("_replay", (0, 0))
    tr = lab.trainer
    if lab.problem:
        _url_note(f"The link's epoch {epoch} was not replayed: {lab.problem}")
        return lab
    target, note = replay_target(tr, int(epoch), int(step))
    if note:
        _url_note(note)
    if target <= tr.steps:
        return lab
    slot = st.empty()
    bar: list[Any] = []

    def progress(fraction: float, words: str) -> None:
        if not bar:
            bar.append(slot.progress(0.0, text=words))
        bar[0].progress(fraction, text=words)

    why = replay(tr, target, progress)
    slot.empty()
    lab.cache.clear()
    if why and not tr.diverged:  # too long: back to epoch 0
        lab = lab_mod.reset_lab(ss)
    if why:
        _url_note(why)
    return lab


def _url_note(message: str) -> None:
    ss["_url_notes"] = [*ss.get("_url_notes", []), message]


# ---------------------------------------------------------------------------------------------
# The Epoch slider
# ---------------------------------------------------------------------------------------------


def _point_label(trainer: Any, epochs: dict[int, int]) -> Callable[[int], str]:
    spe = trainer.steps_per_epoch

    def fmt(step: int) -> str:
        e = epochs.get(step, 0)
        extra = step - e * spe
        return f"{e} + {extra} of {spe} steps" if 0 < extra < spe else str(e)

    return fmt


def _scrub() -> None:
    """The Epoch slider moved: restore that state (under the live session's lock)."""
    live = live_session_ui()
    with live.lock:
        lab = ss.get("lab")
        if lab is None:
            return
        tr = lab.trainer
        epochs = {s: e for e, s in tr.timeline()}
        step = ss.get("w_timeline")
        if step not in epochs:
            return
        tr.restore(epochs[step], step)
        lab.cache.clear()
        live.playing = False


def epoch_slider_ui(lab: lab_mod.Lab) -> None:
    """The Epoch slider over the kept states, the current one selected."""
    tr = lab.trainer
    points = tr.timeline()
    if len(points) < 2:
        st.caption("Train a few epochs: then the Epoch slider takes you back through them.")
        return
    epochs = {s: e for e, s in points}
    ss["w_timeline"] = tr.steps  # the current state (it is always one of the points)
    st.select_slider(
        "Epoch",
        options=[s for _, s in points],
        key="w_timeline",
        format_func=_point_label(tr, epochs),
        on_change=_scrub,
        help="Go back (or forward again) to a kept epoch: the view shows the network as it "
        "was then, and Play or Step trains on from there exactly as it did. The later epochs "
        "stay here until you train on from an earlier one.",
    )
    if tr.rewound:
        last_epoch, last_step = points[-1]
        st.caption(
            f"Back at epoch {tr.epoch}: the epochs up to {last_epoch} are kept until you train "
            "on from here (then they are replaced)."
        )


# ---------------------------------------------------------------------------------------------
# The link
# ---------------------------------------------------------------------------------------------

_COPY_HTML = (
    '<div class="bp-copy"><button type="button" data-testid="bp-copy-link">Copy link</button>'
    '<span class="bp-copy-said" aria-live="polite"></span></div>'
)
_COPY_CSS = """
.bp-copy { display: flex; align-items: center; gap: 0.6rem; font-family: inherit; }
.bp-copy button { font: inherit; font-size: 0.9rem; padding: 0.3rem 0.8rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.25); border-radius: 0.5rem; background: white; }
.bp-copy button:hover { border-color: #ff4b4b; color: #ff4b4b; }
.bp-copy-said { font-size: 0.85rem; color: #2e7d32; }
"""
# Copies window.location.href (the page writes the settings and the epoch into it when it
# runs).  The live view may have trained on since (Step does not re-run the page): then the
# epoch and step it shows (its root's data-epoch / data-step) are put into the copied link.
_COPY_JS = """
function parse(d) {
  if (typeof d === "string") { try { return JSON.parse(d); } catch (e) { return {}; } }
  return d || {};
}
function link(d) {
  const url = new URL(window.location.href);
  const live = document.querySelector('[data-testid="bp-live"]');
  if (live && live.dataset.step !== undefined && live.dataset.step !== String(d.step)) {
    const epoch = Number(live.dataset.epoch), step = Number(live.dataset.step);
    const spe = Number(d.spe) || 1;
    if (epoch > 0 && epoch <= d.max_epoch) url.searchParams.set("epoch", String(epoch));
    else url.searchParams.delete("epoch");
    if (step !== epoch * spe && step <= d.max_step) url.searchParams.set("step", String(step));
    else url.searchParams.delete("step");
  }
  return url.href;
}
export default function (component) {
  const { parentElement } = component;
  const d = parse(component.data);
  const button = parentElement.querySelector("button");
  const said = parentElement.querySelector(".bp-copy-said");
  button.onclick = async () => {
    const href = link(d);
    button.dataset.copied = href;
    try {
      await navigator.clipboard.writeText(href);
      said.textContent = "Copied";
    } catch (err) {
      said.textContent = "Copy it from the box below (the browser did not allow copying).";
    }
    setTimeout(() => { said.textContent = ""; }, 2500);
  };
}
"""


def _copy_button() -> Any:
    return st.components.v2.component(
        "backprop-lab.copy_link", html=_COPY_HTML, css=_COPY_CSS, js=_COPY_JS
    )


def page_link(query: dict[str, str]) -> str:
    """The page's address (``st.context.url``, without its old query) with ``query``."""
    base = st.context.url or ""
    parts = urlsplit(base)
    path = parts.path or ("/" if parts.netloc else "")
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def edits_sentence(edits: list[str]) -> str:
    """What the link cannot bring back, in one sentence ("" when nothing)."""
    if not edits:
        return ""
    what = "; ".join(e.rstrip(". ") for e in edits[-4:])
    more = f" and {len(edits) - 4} more" if len(edits) > 4 else ""
    return (
        "This link replays the current settings from epoch 0, so it will not bring back what "
        f"you changed by hand ({what}{more})."
    )


def link_ui(lab: lab_mod.Lab) -> None:
    """Copy link, the link as plain text, and what it cannot bring back."""
    tr = lab.trainer
    query = schema.settings_to_query(ss)
    url = page_link(query)
    data = {
        "step": tr.steps,
        "spe": tr.steps_per_epoch,
        "max_epoch": schema.MAX_LINK_EPOCHS,
        "max_step": schema.MAX_LINK_STEPS,
    }
    c = st.columns([1, 5], vertical_alignment="center")
    with c[0]:
        _copy_button()(key="bp_copy_link", data=json.dumps(data), height="content")
    c[1].code(url, language=None, wrap_lines=True)
    notes = [edits_sentence(lab.edits)]
    if tr.epoch > schema.MAX_LINK_EPOCHS or tr.steps > schema.MAX_LINK_STEPS:
        notes.append(
            f"A link replays at most {schema.MAX_LINK_EPOCHS:,} epochs, so this one opens at "
            "epoch 0."
        )
    for n in notes:
        if n:
            st.caption(text.plain(n, run=200, total=600))


def _link_epoch(lab: lab_mod.Lab) -> None:
    """Write the trainer's epoch (and step) into the settings, so the URL carries them."""
    epoch, step = link_point(lab.trainer)
    if epoch > schema.MAX_LINK_EPOCHS or step > schema.MAX_LINK_STEPS:
        epoch, step = 0, 0
    ss["epoch"], ss["step"] = epoch, step


# ---------------------------------------------------------------------------------------------
# Edit a weight
# ---------------------------------------------------------------------------------------------


def _apply_edit() -> None:
    """Set the picked weight to the typed value (under the live session's lock)."""
    live = live_session_ui()
    l, j, k = int(ss["edit_l"]), int(ss["edit_j"]), int(ss["edit_k"])
    value = ss.get("w_edit_value")
    name = weight_label(l, j, k)
    with live.lock:
        lab = ss.get("lab")
        if lab is None:
            return
        tr = lab.trainer
        try:
            tr.set_weight(l, j, k, value)
        except ValueError as err:
            schema.note(ss, f"{name} was not changed: {text.plain(err)}")
            return
        lab.note_edit(f"{name} set to {text.number(value)} at epoch {tr.epoch}")
        lab.cache.clear()
        live.playing = False
    schema.note(ss, f"{name} set to {text.number(value)}.")


def edit_weight_ui(lab: lab_mod.Lab) -> None:
    """The expander "Edit a weight or bias": pick Θ^(l)_jk, type a value, Set."""
    cfg, tr = lab.cfg, lab.trainer
    with st.expander("Edit a weight or bias", icon=":material/edit:"):
        st.caption(
            "Set one weight by hand and watch a, δ, D and the boundary change at once. "
            "k = 0 is the bias column."
        )
        c = st.columns([1, 1, 1, 2, 1], vertical_alignment="bottom")
        l, j, k = weight_ui("edit", cfg, c[:3])
        index, row, col = weight_to_index(l, j, k, cfg)
        current = float(tr.Theta[index][row, col])
        seen = ("edit", l, j, k, tr.steps, current)
        if ss.get("_edit_for") != seen:  # a new weight or a new Θ: start from its value
            ss["_edit_for"] = seen
            ss["w_edit_value"] = current
        c[3].number_input(
            f"{weight_label(l, j, k)} (now {text.number(current)})",
            key="w_edit_value",
            format="%.6g",
            step=0.1,
        )
        c[4].button(
            f"Set {weight_label(l, j, k)}",
            key="b_edit_apply",
            on_click=_apply_edit,
            width="stretch",
        )


# ---------------------------------------------------------------------------------------------
# The Playground's call
# ---------------------------------------------------------------------------------------------


def timeline_ui(lab: lab_mod.Lab, playing: bool = False) -> None:
    """The epoch into the URL; while paused the Epoch slider, the link and the weight
    editor (in presenter mode only the slider).  Call before the page writes the URL."""
    _link_epoch(lab)
    if playing:
        return
    epoch_slider_ui(lab)
    if ss.get("presenter"):
        return
    link_ui(lab)
    edit_weight_ui(lab)


__all__ = [
    "edit_weight_ui",
    "edits_sentence",
    "epoch_slider_ui",
    "link_point",
    "link_ui",
    "page_link",
    "replay",
    "replay_link_ui",
    "replay_target",
    "timeline_ui",
]
