"""One Streamlit session's live stream: its Lab, what its view shows, and its client.

The Streamlit script thread (the Playground page) and the scheduler thread both touch a
session's Lab, so both hold ``session.lock`` while they do.  The page *publishes* (the Lab,
the view settings, the speed); the scheduler *serves* (trains if playing, builds the next
frame, hands it to the client's socket).  A session is only served when its client has asked
for a frame (it has taken the last one for painting) and there is something new to show.

Hand edits from the view (a point drawn or removed, a weight set) arrive on the event loop
like the other commands; :meth:`LiveSession.command` only queues them, and the scheduler
applies them under the lock before the next frame (:mod:`lab_ui.live.drawing`), so the client
sees the new data, Θ, a, δ and D in that very frame.

Memory: a session lives in its Streamlit session's state; :data:`HUB` only maps tokens to
sessions weakly, so a closed Streamlit session frees its Lab, and a closed socket frees the
socket.  Per frame a session keeps only what it last sent (ids and counters).
"""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lab_ui.live import drawing, frames
from lab_ui.shared import text
from lab_ui.shared.lab import status_line, train_for_frame

#: Frames a client may have unpainted: the one it is drawing and the next two, built while
#: it draws.  With one, the server's work and the browser's drawing take turns and a frame
#: misses every other screen refresh; with two, a frame whose round trip (ack → scheduler
#: thread → socket) waits for the CPU more than two refreshes still misses one: measured
#: with bench/bench_browser.py on 2 cores, 36.9–41.9 painted frames/s with 2 against
#: 48.4–55.5 with 3 (painted = the browser's rAF rate).  A client draws them in order, one
#: per screen refresh: none is skipped.
WINDOW = 3
#: Frames built per second are measured over this many seconds.
RATE_WINDOW_S = 2.0


@dataclass
class ViewSettings:
    """What the live view shows (the Playground's view settings, published by the page)."""

    mode: str = "forward"
    example: int = 0  # 1-based training example, 0 = the whole batch
    show_test: bool = True
    discretize: bool = False
    log_cost: bool = False
    speed: str = "20"  # epochs per frame at most ("step"/"slow": one mini-batch)


@dataclass
class Sent:
    """What the client already has, so a frame carries only what changed."""

    uirev: str | None = None
    points_key: tuple | None = None
    points_data: Any = None  # weakref to the Dataset whose points were sent
    history_key: tuple | None = None  # what the client's history was built from
    history_rows: int = 0  # rows of the trainer's history the client has
    history_last: int = -1  # the epoch of the last of them


@dataclass
class Counters:
    frames: int = 0
    server_s: float = 0.0  # time building and packing frames, training excluded
    train_s: float = 0.0
    times: deque = field(default_factory=lambda: deque(maxlen=240))
    # seconds from a client's acknowledgement to the frame it allowed being packed
    waits: deque = field(default_factory=lambda: deque(maxlen=240))


class LiveSession:
    """The live state of one Streamlit session (kept in its session state).

    Attributes
    ----------
    token : str
        Unguessable (``secrets.token_urlsafe(32)``); only this session's live view gets it.
    lock : threading.RLock
        Held by whoever reads or changes ``lab``.
    lab : lab_ui Lab or None
        The session's network, data set and trainer.
    view : ViewSettings
    playing : bool
    """

    def __init__(self) -> None:
        self.token = secrets.token_urlsafe(32)
        self.lock = threading.RLock()
        self.lab: Any = None
        self.view = ViewSettings()
        self.extent: tuple[float, float, float, float] | None = None  # zoom, None = whole
        self.playing = False
        self.rev = 0  # frames built
        self.acked = 0  # the newest frame the client has taken
        self.acked_at = 0.0
        self.dirty = True  # something changed that the client has not seen
        self.pending: deque[str] = deque(maxlen=8)  # "batch" / "epoch" steps asked for
        self.edits: deque[dict] = deque(maxlen=16)  # points / weights to edit (see drawing)
        self.chain: tuple[int, int, int] | None = None  # the chain-rule panel's weight
        self.notice = ""  # what the last edit did (or why it was refused), for the view
        # for the page (each re-runs it): "paused", "diverged", "stepped", "edited"
        self.events: deque[str] = deque(maxlen=8)
        self.outlet: Any = None  # the client's socket (endpoint.Outlet) or None
        self.connected = threading.Event()  # set once a client's socket has said hello
        self.sent = Sent()
        self.counters = Counters()
        self._rate: deque[tuple[float, float]] = deque(maxlen=64)
        self.on_event: Callable[[str], None] | None = None
        HUB.add(self)

    # -- what the page does ---------------------------------------------------------------

    def publish(self, lab: Any, view: ViewSettings) -> None:
        """The page's latest Lab and view settings (call with ``lock`` held or not)."""
        with self.lock:
            if lab is not self.lab:
                if self.lab is not None and lab.dataset is not self.lab.dataset:
                    self.playing = False  # new data: start paused, as a new Lab does
                self.lab = lab
                self.extent = None
                self.notice = ""  # it spoke of the Lab before
            if view != self.view:
                self.view = view
            self.dirty = True
        from .scheduler import SCHEDULER

        SCHEDULER.wake(self)

    # -- what the client does (through the endpoint) ---------------------------------------

    def command(self, msg: dict[str, Any]) -> None:
        """Apply one validated client message (see :mod:`lab_ui.live.channel.protocol`).

        Runs on the server's event loop, so it never waits for ``lock`` (the scheduler may
        hold it for a whole frame): it only sets flags and queues steps, which the scheduler
        reads under the lock before the next frame.
        """
        kind = msg["t"]
        if kind == "ack":
            self.acked = max(self.acked, min(msg["rev"], self.rev))
            self.acked_at = time.perf_counter()
        elif kind == "play":
            lab = self.lab
            if lab is not None and not lab.trainer.diverged:
                self.playing = True
        elif kind == "pause":
            if self.playing:
                self.playing = False
                self.events.append("paused")
            self.dirty = True
        elif kind == "step":
            self.playing = False
            self.pending.append(msg["n"])
        elif kind == "zoom":
            self.extent = None if msg["extent"] is None else tuple(msg["extent"])
            self.dirty = True
        elif kind in ("add_point", "remove_point", "set_weight"):
            self.edits.append(msg)  # applied under the lock, before the next frame
        elif kind == "chain":
            self.chain = None if msg["w"] is None else tuple(msg["w"])
            self.dirty = True
        from .scheduler import SCHEDULER

        SCHEDULER.wake(self)

    # -- what the scheduler does ------------------------------------------------------------

    def apply_pending(self) -> None:
        """Make the edits, then take the steps the client asked for (the scheduler does
        this before a frame)."""
        with self.lock:
            self.apply_edits()
            tr = self.lab.trainer if self.lab is not None else None
            stepped = False
            while self.pending and tr is not None and not tr.diverged:
                tr.step() if self.pending.popleft() == "batch" else tr.run_epoch()
                stepped = True
            self.pending.clear()
            if stepped:  # the page shows the epoch (its slider, its link): it re-runs
                self.events.append("stepped")

    def apply_edits(self) -> None:
        """Apply the queued hand edits to the Lab, in order (:mod:`lab_ui.live.drawing`); each
        leaves its sentence, or the reason it was refused, in ``notice``."""
        with self.lock:
            edited = False
            while self.edits:
                msg = self.edits.popleft()
                lab = self.lab
                if lab is None:
                    continue
                try:
                    if msg["t"] == "add_point":
                        self.notice = drawing.draw_point(lab, msg["at"], msg["c"])
                    elif msg["t"] == "remove_point":
                        self.notice = drawing.erase_point(lab, msg["at"], msg["px"])
                    else:
                        self.notice = drawing.set_weight(lab, *msg["w"], msg["value"])
                except ValueError as err:
                    self.notice = text.shorten(err)
                else:
                    edited = True
                self.dirty = True
            if edited:  # the page lists the hand edits (a link cannot replay them): it re-runs
                self.events.append("edited")

    def wants_frame(self) -> bool:
        """The client has taken the last frame and there is something new to show."""
        return (
            self.outlet is not None
            and self.lab is not None
            and self.acked >= self.rev - (WINDOW - 1)
            and (self.playing or self.dirty or bool(self.pending) or bool(self.edits))
        )

    def serve(self, train_budget_s: float) -> bytes | None:
        """Train (if playing) within ``train_budget_s``, then build and pack the next frame.

        Returns the packed frame, or None when there is nothing to send.
        """
        from . import protocol

        with self.lock:
            if not self.wants_frame():
                return None
            lab = self.lab
            tr = lab.trainer
            t0 = time.perf_counter()
            self.apply_pending()
            tr = lab.trainer  # an edit may have given the Lab a new trainer
            if self.playing:
                train_for_frame(lab, self.view.speed, train_budget_s)
                if tr.diverged:
                    self.playing = False
                    self.events.append("diverged")
            t1 = time.perf_counter()
            # cleared before the frame is built: a Pause (or any command) that arrives on the
            # event loop while it is built sets it again, so its frame follows this one
            self.dirty = False
            frame = self._frame(lab)
            self.rev += 1
            frame["rev"] = self.rev
            events = []
            while self.events:  # deque: the event loop may append meanwhile
                events.append(self.events.popleft())
            frame["events"] = events
            data = protocol.pack(frame)
            t2 = time.perf_counter()
        c = self.counters
        if self.acked_at:
            c.waits.append(t2 - self.acked_at)
            self.acked_at = 0.0
        c.frames += 1
        c.train_s += t1 - t0
        c.server_s += t2 - t1
        c.times.append(t2)
        return data

    def _frame(self, lab: Any) -> dict[str, Any]:
        """The next frame, with only what the client does not have yet (see ``Sent``)."""
        v, tr, sent = self.view, lab.trainer, self.sent
        if sent.uirev != lab.uirev:  # a new data set or network: the client starts over
            self.sent = sent = Sent(uirev=lab.uirev)
        h = tr.history
        n, last = len(h), (h.epoch[-1] if len(h) else -1)
        had = sent.history_rows
        thinned = n < had or (had and h.epoch[had - 1] != sent.history_last)
        hkey = (lab.uirev, v.log_cost)
        whole_history = sent.history_key != hkey or thinned or had == 0
        pkey = (lab.uirev, v.show_test)
        # a drawn or removed point makes a new Dataset: its points are sent again
        same_data = sent.points_data is not None and sent.points_data() is lab.dataset
        parts = [
            p
            for p, need in (
                ("history", whole_history),
                ("points", sent.points_key != pkey or not same_data),
            )
            if need
        ]
        frame = frames.build_frame(
            lab.cfg,
            tr.Theta,
            lab.dataset,
            h,
            epoch=tr.epoch,
            step=tr.steps,
            uirev=lab.uirev,
            mode=v.mode,
            example=v.example - 1 if v.example <= lab.dataset.m_train else -1,
            show_test=v.show_test,
            discretize=v.discretize and lab.dataset.task == "classification",
            log_cost=v.log_cost,
            res=50 if sum(lab.cfg.layer_sizes[1:-1]) <= 64 else 30,
            status=status_line(lab, self.playing, self.epochs_per_second(tr)),
            playing=self.playing,
            extent=self.extent,
            parts=parts,
        )
        frame["t"] = "frame"
        frame["server_ms"] = round(1000 * self.mean_server_s(), 2)
        waits = sorted(self.counters.waits)
        frame["ack_to_frame_ms"] = round(1000 * waits[len(waits) // 2], 2) if waits else None
        # Send what changed: the points once per data set (and test toggle); the history
        # whole once, then only its new rows.
        if "points" not in parts:
            frame["points"] = "same"
        elif frame["points"] is not None:  # which training points were drawn by hand (rows)
            frame["points"]["drawn"] = np.flatnonzero(drawing.drawn_mask(lab.dataset)).tolist()
        frame["chain"] = self._chain(tr)
        frame["notice"] = self.notice
        ds = lab.dataset
        frame["draw"] = (
            {
                "classes": int(ds.n_classes),
                "names": [text.clip(n, 12) for n in ds.class_names[:16]],
                "m_train": int(ds.m_train),
                "drawn": drawing.drawn_count(ds),
                "max": drawing.MAX_DRAWN,
                "radius_px": drawing.REMOVE_RADIUS_PX,
            }
            if drawing.can_draw(ds)
            else None
        )
        if not whole_history:
            frame["history"] = "same" if n == had else {"append": frames.history_rows(h, had)}
        sent.points_key, sent.points_data = pkey, weakref.ref(lab.dataset)
        sent.history_key, sent.history_rows, sent.history_last = hkey, n, last
        return frame

    def _chain(self, tr: Any) -> dict[str, Any] | None:
        """The chain-rule panel's numbers (``frames.chain_part``), or None when it is closed;
        a weight the network does not have (picked by hand, or after a change of network)
        closes it, and ``notice`` says why."""
        if self.chain is None:
            return None
        try:
            return frames.chain_part(tr, self.chain)
        except ValueError as err:  # bp_core's reason, in the course's numbering
            self.chain = None
            self.notice = text.shorten(err)
            return None

    def epochs_per_second(self, tr: Any) -> float:
        now = time.perf_counter()
        done = tr.epoch + (tr.steps % tr.steps_per_epoch) / tr.steps_per_epoch
        rate = self._rate
        while rate and (now - rate[0][0] > RATE_WINDOW_S or rate[0][1] > done):
            rate.popleft()
        rate.append((now, done))
        if len(rate) < 2 or rate[-1][0] - rate[0][0] < 0.2:
            return 0.0
        return (rate[-1][1] - rate[0][1]) / (rate[-1][0] - rate[0][0])

    def mean_server_s(self) -> float:
        c = self.counters
        return c.server_s / c.frames if c.frames else 0.0

    def frames_per_second(self) -> float:
        t = self.counters.times
        if len(t) < 2:
            return 0.0
        return (len(t) - 1) / (t[-1] - t[0]) if t[-1] > t[0] else 0.0


class Hub:
    """Token → session, weakly: the session lives in its Streamlit session's state."""

    def __init__(self) -> None:
        self._by_token: weakref.WeakValueDictionary[str, LiveSession] = (
            weakref.WeakValueDictionary()
        )
        self._lock = threading.Lock()

    def add(self, session: LiveSession) -> None:
        with self._lock:
            self._by_token[session.token] = session

    def get(self, token: str) -> LiveSession | None:
        with self._lock:
            return self._by_token.get(token)

    def sessions(self) -> list[LiveSession]:
        with self._lock:
            return list(self._by_token.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_token)


HUB = Hub()
