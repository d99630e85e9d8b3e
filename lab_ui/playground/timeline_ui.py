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
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from bp_core.indexing import weight_to_index
from lab_ui.live.live_view import live_session_ui
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text
from lab_ui.shared.widgets import slider_name_once_ui, weight_label, weight_ui

ss = st.session_state

#: A replay estimated to take longer than this is not done (the link opens at epoch 0).
MAX_REPLAY_S = 60.0
#: A replay estimated to take longer than this shows a progress bar.
PROGRESS_AFTER_S = 1.0
#: The replay's time estimate is made after this long (or 3 epochs, whichever comes later).
ESTIMATE_AFTER_S = 0.15
#: How often a page waiting for its link's replay looks at its progress.
REPLAY_POLL_S = 0.1

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


class Replay:
    """A link's replay: train ``trainer`` to ``target`` gradient steps, whole epochs by
    ``Trainer.fast_forward_steps`` (which computes only the history rows the history keeps,
    and gives the Θ, state and rows of training without stopping, bit for bit), then the
    steps of an epoch not finished.  Done a slice at a time (:meth:`run_for`): on a page, by
    the live channel's scheduler beside every other session's frames (it is the session's
    *work*, :mod:`lab_ui.live.channel.work`), so a long replay holds neither the scheduler's
    thread nor the interpreter lock for more than a slice.

    Once a few epochs are done (3 and :data:`ESTIMATE_AFTER_S`, or a twentieth of them) the
    time it will take is estimated: beyond ``max_s`` (default :data:`MAX_REPLAY_S`) the
    replay stops there and ``why`` says so (the page then opens at epoch 0).  Whatever the
    estimate, it stops when ``max_s`` seconds have passed since its first slice (the
    machine may be busier than when it estimated): ``why`` then says at which epoch, and
    ``stopped`` is True (the page keeps the network there).  ``why`` is "" when the target
    was reached; ``finished`` is set when it is over either way.
    """

    event = ""  # the page waits for it: no re-run when it is done

    def __init__(self, trainer: Any, target: int, max_s: float | None = None) -> None:
        self.trainer, self.target = trainer, target
        self.max_s = MAX_REPLAY_S if max_s is None else max_s
        self.start = trainer.steps
        self.total = max(target - self.start, 1)
        self.epochs = max(target // trainer.steps_per_epoch - trainer.epoch, 0)
        self.estimate: float | None = None
        self.elapsed = 0.0
        self.why = ""
        self.stopped = False
        self.finished = threading.Event()
        self._t0: float | None = None
        self._epochs_done = 0
        self._steps = self._run()

    @property
    def fraction(self) -> float:
        return min(max((self.trainer.steps - self.start) / self.total, 0.0), 1.0)

    def label(self) -> str:
        return f"Replaying the link: epoch {self.trainer.epoch}"

    def run_for(self, budget_s: float) -> bool:
        """Train for about ``budget_s`` seconds (a few gradient steps at least); True when
        the replay is over."""
        if self.finished.is_set():
            return True
        end = time.perf_counter() + budget_s
        for _ in self._steps:
            if time.perf_counter() >= end:
                return False
        self.finished.set()
        return True

    def cancel(self, reason: str = "") -> None:
        """Stop where it is (the session's Pause, Play or Step, a new Lab, or the page's run
        stopped)."""
        if self.finished.is_set():
            return
        self._steps.close()
        if not self.why:
            self.why = self._stopped_sentence(timed_out=False)
            self.stopped = True
        self.finished.set()

    def _now(self) -> float:
        if self._t0 is None:
            self._t0 = time.perf_counter()
        self.elapsed = time.perf_counter() - self._t0
        return self.elapsed

    def _stopped_sentence(self, timed_out: bool = True) -> str:
        tr = self.trainer
        at = f"epoch {tr.epoch}"
        extra = tr.steps - tr.epoch * tr.steps_per_epoch
        if extra:
            at += f" (+ {extra} of its {tr.steps_per_epoch} steps)"
        why = (
            f" after {_duration(min(self.elapsed, self.max_s))}, the most a link's replay "
            "takes here"
            if timed_out
            else ""
        )
        return (
            f"The replay stopped at {at} of {self.target // tr.steps_per_epoch}{why}: press "
            "Play to continue."
        )

    def _on_epoch(self, tr: Any) -> bool:
        self._epochs_done += 1
        now = self._now()
        done = (tr.steps - self.start) / self.total
        early = self._epochs_done >= 3 and now >= ESTIMATE_AFTER_S
        if self.estimate is None and (early or 20 * self._epochs_done >= self.epochs or done >= 1):
            self.estimate = now / max(done, 1e-9)
            if self.estimate > self.max_s:
                self.why = self._too_long_sentence()
                return False
        return True

    def _too_long_sentence(self) -> str:
        return (
            f"Replaying this link to epoch {self.target // self.trainer.steps_per_epoch} would "
            f"take about {_duration(self.estimate or 0.0)} here (at most "
            f"{_duration(self.max_s)} is done), so it opens at epoch 0: press Play to train "
            "there."
        )

    def _over_time(self) -> bool:
        """``max_s`` has passed: stop (at the epoch reached; or, with no estimate yet, as
        too long)."""
        if self._now() < self.max_s:
            return False
        if self.estimate is None:  # not even a few epochs in that time: far too long
            self.estimate = self.elapsed / max(self.fraction, 1e-9)
            self.why = self._too_long_sentence()
        else:
            self.why, self.stopped = self._stopped_sentence(), True
        return True

    def _run(self) -> Iterator[None]:
        tr = self.trainer
        self._now()
        if self.epochs:
            steps = tr.fast_forward_steps(self.epochs, self._on_epoch)
            try:
                for _ in steps:
                    if self.why or self._over_time():
                        return
                    yield
            finally:
                steps.close()
            if self.why:
                return
        while tr.steps < self.target and not tr.diverged:
            if self._over_time():
                return
            tr.step()
            yield
        if self.estimate is None:  # only steps of one epoch: quick
            self.estimate = self._now()
        if tr.diverged and tr.steps < self.target:
            self.why = (
                f"Training diverged at step {tr.divergence.step}, before the link's step "
                f"{self.target}: the network is shown as it was then."
            )

    def report(self, progress: Callable[[float, str], None] | None, shown: list[float]) -> None:
        """Call ``progress(fraction, words)`` when the replay is long (estimated beyond
        :data:`PROGRESS_AFTER_S`): at once, then every 0.1 s, and once at the end.
        ``shown`` holds the time and fraction last shown (the caller keeps it: [])."""
        if progress is None or self.estimate is None or self.estimate <= PROGRESS_AFTER_S:
            return
        now, done = time.perf_counter(), self.fraction
        finished = self.finished.is_set() and not self.why
        if finished:
            done = 1.0
        if shown and (done <= shown[1] or (now - shown[0] < 0.1 and not finished)):
            return
        shown[:] = [now, done]
        progress(done, self.label())

    def said(self) -> str:
        """What the replay did, for the page: ``why``, or, after a long one, "Replayed 60 of
        60 epochs in 23 s." ("" after a short one)."""
        if self.why:
            return self.why
        if self.estimate is None or self.estimate <= PROGRESS_AFTER_S:
            return ""
        spe = self.trainer.steps_per_epoch
        n = self.target // spe
        return (
            f"Replayed {self.trainer.epoch} of {n} epochs in {_duration(self.elapsed)}"
            f"{' (and the steps of epoch ' + str(n + 1) + ')' if self.target % spe else ''}."
        )


def replay(
    trainer: Any,
    target: int,
    progress: Callable[[float, str], None] | None = None,
    max_s: float | None = None,
) -> str:
    """:class:`Replay` in the calling thread, start to end: train ``trainer`` to ``target``
    gradient steps.  ``progress(fraction, words)`` is called as it goes when it is long.
    Returns "" when the target was reached, else the reason in a sentence (too long, or
    training diverged on the way)."""
    r = Replay(trainer, target, max_s)
    shown: list[float] = []
    while not r.run_for(0.05):
        r.report(progress, shown)
    r.report(progress, shown)
    return r.why


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    return f"{round(seconds / 60)} minutes"


def replay_link_ui(lab: lab_mod.Lab) -> lab_mod.Lab:
    """On a session's first run: replay the link's epoch (``_replay``, set when the URL was
    read) on the new Lab, with a progress bar when it takes more than about a second.

    The session's live channel trains it, a slice a turn beside the other sessions
    (:meth:`LiveSession.run_work`); this run waits, showing the progress.  Call it without
    holding the live session's lock.  Returns the session's Lab (a fresh one when the
    replay was refused)."""
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

    live = live_session_ui()
    r = Replay(tr, target)
    shown: list[float] = []
    live.run_work(r)
    try:
        while not r.finished.wait(REPLAY_POLL_S):
            r.report(progress, shown)
    finally:
        if not r.finished.is_set():  # this run was stopped (a rerun): stop the replay there
            with live.lock:
                live.end_work("the page ran again")
    r.report(progress, shown)
    slot.empty()
    with live.lock:
        lab.cache.clear()
        if r.why and not r.stopped and not tr.diverged:  # refused as too long: epoch 0
            lab = lab_mod.reset_lab(ss)
    if r.said():
        _url_note(r.said())
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
        value=tr.steps,  # its default too (widgets.setting_ui says why)
        key="w_timeline",
        format_func=_point_label(tr, epochs),
        on_change=_scrub,
        help="Go back (or forward again) to a kept epoch: the view shows the network as it "
        "was then, and Play or Step trains on from there exactly as it did. The later epochs "
        "stay here until you train on from an earlier one.",
    )
    slider_name_once_ui("w_timeline")  # its accessible name: "Epoch", once
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
        # a new weight or a new Θ (or back from a page without the widget): start from its value
        if ss.get("_edit_for") != seen or "w_edit_value" not in ss:
            ss["_edit_for"] = seen
            ss["w_edit_value"] = current
        c[3].number_input(
            f"{weight_label(l, j, k)} (now {text.number(current)})",
            value=ss["w_edit_value"],  # its default too (widgets.setting_ui says why)
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
    "Replay",
    "replay",
    "replay_link_ui",
    "replay_target",
    "timeline_ui",
]
