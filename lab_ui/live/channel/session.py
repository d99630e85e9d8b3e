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

The session decides when to build a frame and whom to send it to; what a frame holds is
declared in :mod:`lab_ui.live.frame` and built by :func:`lab_ui.live.frames.build_frame`, and
what its one client already has is a :class:`~lab_ui.live.frame.ClientState` (``sent``).

Memory: a session lives in its Streamlit session's state; :data:`HUB` only maps tokens to
sessions weakly, so a closed Streamlit session frees its Lab, and a closed socket frees the
socket.  Per frame a session keeps only what its client has (keys and counts) and counters.
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

from lab_ui.live import compare, drawing, frames, stops
from lab_ui.live.frame import ClientState, Frame, Status, View, ViewSettings
from lab_ui.shared import text
from lab_ui.shared.lab import status_line, train_for_frame

from . import memory
from .protocol import MECHANISM_KINDS
from .work import PROGRESS_EVERY_S, SLICE_MIN_S, StepWork

__all__ = ["HUB", "WINDOW", "Hub", "LiveSession", "ViewSettings"]

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


#: How many of the last frames ``server_ms`` averages over (the first, cold frames of a
#: session drop out of it).
RECENT_FRAMES = 120


@dataclass
class Counters:
    frames: int = 0
    train_s: float = 0.0
    #: the last frames' build-and-pack cost: the building thread's CPU seconds (what the frame
    #: costs the server) and wall seconds (that and any wait for the other threads)
    build_cpu: deque = field(default_factory=lambda: deque(maxlen=RECENT_FRAMES))
    build_wall: deque = field(default_factory=lambda: deque(maxlen=RECENT_FRAMES))
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
        self.own_rev = 0  # the newest frame sent to the client (a class's may go on without it)
        self.painted_at = time.monotonic()  # when the client last took a frame
        self.acked_at = 0.0
        self.dirty = True  # something changed that the client has not seen
        # "batch" / "epoch" steps asked for, "stop" (a Pause): taken into ``work`` each turn
        self.pending: deque[str] = deque(maxlen=64)
        self.work: Any = None  # training longer than a frame, done a slice a turn (work.py)
        self.shown_at = 0.0  # when the last frame was built (progress frames are spaced)
        self.edits: deque[dict] = deque(maxlen=16)  # points / weights to edit (see drawing)
        self.chain: tuple[int, int, int] | None = None  # the chain-rule panel's weight
        self.notice = ""  # what the last edit did (or why it was refused), for the view
        # for the page (each re-runs it): "paused", "diverged", "stepped", "edited"
        self.events: deque[str] = deque(maxlen=8)
        self.outlet: Any = None  # the client's socket (endpoint.Outlet) or None
        self.connected = threading.Event()  # set once a client's socket has said hello
        self.sent = ClientState()  # what the client has (a new socket: a new one)
        self.counters = Counters()
        self._rate: deque[tuple[float, float]] = deque(maxlen=64)
        self.on_event: Callable[[str], None] | None = None
        # a lesson's questions (lab_ui.playground.questions_ui, set by the page): Play and Step
        # are refused with ``blocked_reason`` while a question is open; training pauses at
        # each epoch of ``stops`` (epoch → the reason Play is refused there, "" for none);
        # ``highlight`` is the part of the view a reveal points at (bp_core.questions.EVIDENCE)
        self.blocked_reason = ""
        self.stops: dict[int, str] = {}
        # a lesson's own stops and the *Stop at epoch* setting (set by the page:
        # lab_ui.shared.lab.lesson_stops): epoch → (what to look at now, the line shown when
        # Play goes on past it); Play, Step and the keys pause exactly there
        self.lesson_stops: dict[int, tuple[str, str]] = {}
        self.after_stop: tuple[int, str] | None = None  # (stop, line) for Play going on past it
        self.highlight = ""
        # the landscape, slow motion, ghosts and the race (lab_ui.live.compare)
        self.mech = compare.Mechanism()
        # the class this session leads (lab_ui.classroom.model.Classroom), or None: its part
        # goes into every frame, and every frame goes to its followers too (fan_out)
        self.classroom: Any = None
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
                if self.work is not None and self.work.trainer is not lab.trainer:
                    self.end_work("a new network")
                self.notice = ""  # it spoke of the Lab before
                self.after_stop = None
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
            self.painted_at = time.monotonic()
        elif kind in ("play", "step") and self.blocked_reason:
            self.notice = self.blocked_reason  # a question is open: Play waits for it
            self.dirty = True
        elif kind == "play":
            lab = self.lab
            if lab is not None and lab.trainer.diverged:
                self.notice = stops.diverged_sentence(lab.trainer)  # refused: say why
                self.playing = False
                self.dirty = True
            elif lab is not None:
                self.playing = True
                if self.after_stop and lab.trainer.epoch >= self.after_stop[0]:
                    # on past a lesson's stop: its claim was about the run up to it
                    self.notice = self.after_stop[1]
                    self.dirty = True
                self.after_stop = None
        elif kind == "pause":
            if self.playing:
                self.playing = False
                self.events.append("paused")
            self.pending.append("stop")  # steps waiting to be trained stop too
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
        elif kind in MECHANISM_KINDS:
            self.mech.command(msg)  # applied under the lock, before the next frame
            self.dirty = True
        from .scheduler import SCHEDULER

        SCHEDULER.wake(self)

    # -- what the scheduler does ------------------------------------------------------------

    def apply_pending(self) -> None:
        """Make the edits, then take the steps the client asked for (the scheduler does
        this before a frame)."""
        with self.lock:
            self.apply_edits()
            self.take_steps()

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

    def client_ready(self) -> bool:
        """The client has taken the frames sent to it (at most WINDOW − 1 unpainted)."""
        return self.acked >= self.own_rev - (WINDOW - 1)

    def wants_frame(self) -> bool:
        """The client (or, while its screen paints nothing, the class it leads: see
        :meth:`lab_ui.classroom.model.Classroom.paces`) has taken the last frame and there
        is something new to show."""
        klass = self.classroom
        return (
            self.outlet is not None
            and self.lab is not None
            and (self.client_ready() or (klass is not None and klass.paces(self)))
            and (
                self.playing
                or self.dirty
                or bool(self.pending)
                or bool(self.edits)
                or self.work is not None
            )
        )

    def serve(self, train_budget_s: float) -> bytes | None:
        """Train (if playing) within ``train_budget_s``, then build the next frame and make
        its client's message.

        Returns the message, or None when there is nothing to send.
        """
        with self.lock:
            if not self.wants_turn():
                return None
            t0 = time.perf_counter()
            if self.lab is not None:
                self.apply_pending()
                self.mech.apply(self)
            self.work_turn(train_budget_s)
            lab = self.lab
            if lab is None or not self.frame_due():
                self.counters.train_s += time.perf_counter() - t0
                return None
            tr = lab.trainer  # an edit may have given the Lab a new trainer
            if self.playing:
                stop = stops.next_stop(tr.epoch, {**self.lesson_stops, **self.stops})
                if stop is None:
                    train_for_frame(lab, self.view.speed, self.mech.share(train_budget_s))
                elif stops.train_to_stop(lab, self.view.speed, train_budget_s, stop):
                    self.playing = False  # a lesson's stop: the page shows its question
                    self.blocked_reason = self.stops.get(stop, "")
                    self.landed(stop)
                    self.events.append("paused")
                if tr.diverged:
                    self.playing = False
                    self.events.append("diverged")
            self.mech.train(lab, self.mech.share(train_budget_s))  # racers catch up
            t1, cpu1 = time.perf_counter(), time.thread_time()
            # cleared before the frame is built: a Pause (or any command) that arrives on the
            # event loop while it is built sets it again, so its frame follows this one
            self.dirty = False
            events = []
            while self.events:  # deque: the event loop may append meanwhile
                events.append(self.events.popleft())
            frame = self.frame(tuple(events))
            self.rev += 1
            self.shown_at = time.perf_counter()
            data = None  # the client's window is full (its tab hidden): the class's frame only
            if self.client_ready():
                if self.acked >= self.own_rev:  # it had taken every frame: its clock starts
                    self.painted_at = time.monotonic()
                data, self.own_rev = frame.for_client(self.sent), self.rev
            elif events:  # the page's events wait for its own next frame (not lost)
                self.events.extendleft(reversed(events))
            if self.classroom is not None:  # the same frame to the class's followers
                self.classroom.fan_out(frame)
            t2, cpu2 = time.perf_counter(), time.thread_time()
        c = self.counters
        if self.acked_at:
            c.waits.append(t2 - self.acked_at)
            self.acked_at = 0.0
        c.frames += 1
        c.train_s += t1 - t0
        c.build_wall.append(t2 - t1)
        c.build_cpu.append(cpu2 - cpu1)
        c.times.append(t2)
        return data

    def frame(self, events: tuple[str, ...] = ()) -> Frame:
        """The next frame of this session's Lab, as its view shows it (built once; its
        client's part is ``frame.for_client(self.sent)``).

        A chain-rule weight the network does not have (picked by hand, or after a change of
        network) closes the panel, and ``notice`` says why.
        """
        with self.lock:
            lab = self.lab
            waits = sorted(self.counters.waits)
            status = Status(
                rev=self.rev + 1,
                line=self.status_text(lab),
                state=self.state_text(lab),
                playing=self.playing,
                notice=self.notice,
                events=events,
                server_ms=round(1000 * _mean(self.counters.build_cpu), 3),
                server_wall_ms=round(1000 * _mean(self.counters.build_wall), 3),
                ack_to_frame_ms=round(1000 * waits[len(waits) // 2], 2) if waits else None,
            )
            view = View(self.view, extent=self.extent, chain=self.chain, highlight=self.highlight)
            frame = frames.build_frame(lab, view, status)
            if self.chain is not None and frame.chain is None:
                self.chain, self.notice = None, frame.status.notice
            frame.extra.update(self.mech.parts(frame, lab, self))
            if self.classroom is not None:
                frame.extra.update(self.classroom.parts())
            return frame

    # -- work longer than a frame (lab_ui.live.channel.work) --------------------------------

    def run_work(self, work: Any) -> None:
        """Have the scheduler do ``work`` (a link's replay) a slice a turn, beside the other
        sessions; whatever work was under way is stopped first.  Call without holding
        ``lock`` in a way that waits for the work (the scheduler needs the lock for each
        slice)."""
        with self.lock:
            self.end_work("new work")
            self.work = work
        from .scheduler import SCHEDULER

        SCHEDULER.wake(self)

    def wait_for_work(self, timeout_s: float = 60.0) -> bool:
        """Wait (at most ``timeout_s``) until the scheduler has done the steps asked for and
        the work under way; True if it has.  Call without holding ``lock``."""
        from .scheduler import SCHEDULER

        SCHEDULER.wake(self)
        deadline = time.monotonic() + timeout_s
        while self.work is not None or (self.pending and self.lab is not None):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def wants_turn(self) -> bool:
        """Work to do (or steps asked for), or a frame to send (:meth:`wants_frame`)."""
        return (
            self.work is not None
            or (bool(self.pending) and self.lab is not None)
            or self.wants_frame()
        )

    def frame_due(self) -> bool:
        """A frame now: the client wants one and, while work is under way, the last one
        (which showed its progress) is :data:`~lab_ui.live.channel.work.PROGRESS_EVERY_S`
        old."""
        return self.wants_frame() and (
            self.work is None or time.perf_counter() - self.shown_at >= PROGRESS_EVERY_S
        )

    def take_steps(self) -> None:
        """Turn the steps the client asked for into the session's work, in order: each Step
        adds to the :class:`~lab_ui.live.channel.work.StepWork` under way (ten *Step one
        epoch* presses are one piece of work of ten epochs), one beyond its bound is refused
        in ``notice``; a Pause ("stop") stops it, and so does Play."""
        with self.lock:
            tr = self.lab.trainer if self.lab is not None else None
            while self.pending:
                kind = self.pending.popleft()
                if kind == "stop":
                    self.end_work("paused")
                    continue
                if tr is None or tr.diverged:
                    continue
                work = self.work
                if not isinstance(work, StepWork) or work.trainer is not tr:
                    self.end_work("a step")  # a replay under way stops where it is
                    work = self.work = StepWork(tr)
                refused = work.add(kind)
                if refused:
                    self.notice = refused
                self.stop_work_at_stop(work)  # a Step lands exactly on a stop ahead
                self.dirty = True
            if self.playing and self.work is not None:
                self.end_work("play")  # Play trains on from here

    def work_turn(self, budget_s: float) -> None:
        """One slice of the session's work (at least
        :data:`~lab_ui.live.channel.work.SLICE_MIN_S`); done, it is dropped and its event
        ("stepped": the page re-runs) goes to the client with the next frame."""
        with self.lock:
            work = self.work
            if work is None:
                return
            if self.playing:  # Play trains on from here
                self.end_work("play")
                return
            if isinstance(work, StepWork):  # a stop set, or the batch size changed, meanwhile
                self.stop_work_at_stop(work)
            if work.run_for(max(budget_s, SLICE_MIN_S)):
                self.work = None
                tr = work.trainer
                if tr.batch_in_epoch == 0 and tr.epoch in self.lesson_stops:
                    self.landed(tr.epoch)
                if work.event:
                    self.events.append(work.event)
                if work.trainer.diverged:
                    self.events.append("diverged")
                self.dirty = True

    def stop_work_at_stop(self, work: StepWork) -> None:
        """A Step never trains past a stop ahead (a lesson's, the *Stop at epoch* setting's or
        a question's): its work ends exactly there.  Called as steps are added and before
        every slice, so a stop set, or a batch size or the data changed, while the work is
        under way holds too."""
        stop = stops.next_stop(work.trainer.epoch, {**self.lesson_stops, **self.stops})
        if stop is not None:
            work.stop_at(stop)

    def landed(self, epoch: int) -> None:
        """Training has paused exactly at stop ``epoch``: a lesson's stop says what to look at
        now (in ``notice``), and what Play then goes on to."""
        if epoch in self.lesson_stops:
            self.notice, after = self.lesson_stops[epoch]
            self.after_stop = (epoch, after)
            self.dirty = True

    def end_work(self, reason: str) -> None:
        """Stop the work under way where it is (``reason`` in a word or two)."""
        with self.lock:
            work, self.work = self.work, None
            if work is None:
                return
            work.cancel(reason)
            if work.event:  # the page shows the epoch it stopped at
                self.events.append(work.event)
            self.dirty = True

    def status_text(self, lab: Any) -> str:
        """The status line, with the progress of the work under way."""
        line = status_line(lab, self.playing, self.epochs_per_second(lab.trainer))
        return line if self.work is None else f"{line} · {self.work.label()}"

    def state_text(self, lab: Any) -> str:
        """The run's state in words for the view's status region (``Status.state``): it
        changes when the state does, never with each frame while playing."""
        tr = lab.trainer
        if tr.diverged:
            return stops.diverged_sentence(tr)
        if self.playing:
            return "Playing"
        if isinstance(self.work, StepWork) and not self.work.cancelled:
            return self.work.state()  # "Stepping: epoch 2 of 3", not "paused", till it ends
        paused = f"Epoch {tr.epoch} · paused"
        if self.after_stop is not None and self.after_stop[0] == tr.epoch and self.notice:
            return f"{paused}: {self.notice}"  # a lesson's stop: what to look at now
        return paused

    def epochs_per_second(self, tr: Any) -> float:
        now = time.perf_counter()
        done = tr.epoch + tr.batch_in_epoch / tr.steps_per_epoch
        rate = self._rate
        while rate and (now - rate[0][0] > RATE_WINDOW_S or rate[0][1] > done):
            rate.popleft()
        rate.append((now, done))
        if len(rate) < 2 or rate[-1][0] - rate[0][0] < 0.2:
            return 0.0
        return (rate[-1][1] - rate[0][1]) / (rate[-1][0] - rate[0][0])

    def frames_per_second(self) -> float:
        t = self.counters.times
        if len(t) < 2:
            return 0.0
        return (len(t) - 1) / (t[-1] - t[0]) if t[-1] > t[0] else 0.0


def _mean(values: deque) -> float:
    return sum(values) / len(values) if values else 0.0


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
        memory.watch(session)  # freed: the allocator gives its pages back (memory.py)

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
