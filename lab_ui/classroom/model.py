"""A class: its lecturer, its followers, its questions and their answers; the process's classes.

(What a question is, and how its answers are tallied: :mod:`lab_ui.classroom.questions`.)

Who touches what:

* the lecturer's page (Streamlit script thread) creates the class, asks, reveals, ends;
* the class socket (:mod:`lab_ui.classroom.endpoint`, the server's event loop) joins and
  removes followers and takes their acks and answers;
* the channel's scheduler thread builds the lecturer's frame (the class's part goes into its
  ``extra``: :meth:`Classroom.parts`) and, still holding the lecturer's lock, hands the same
  frame to every follower that is ready (:meth:`Classroom.fan_out`).

Pacing: the lecturer's screen asks for the frames (it acknowledges each it paints, as any
live view does), and each follower gets the newest one whenever its own window has room.
When the lecturer's screen stops painting while still connected (its tab hidden: the browser
stops its animation frames), the followers' acknowledgements ask for the frames instead
(:meth:`Classroom.paces`), so the run goes on for the class; the lecturer's screen gets the
newest frame when it paints again.

All three take ``Classroom.lock`` only for a moment (never while sending or building).  A
change the followers must see (a question, an answer, a reveal, a join) marks the lecturer's
session dirty, so even a paused lecturer sends one more frame.

Anonymous: a follower is a random id its browser tab made (``sessionStorage``), no name; a
class keeps its answers until it ends and nothing after.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import hmac
import io
import secrets
import threading
import time
import weakref
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from lab_ui.live.channel import protocol
from lab_ui.live.channel.endpoint import Outlet, send_all
from lab_ui.live.channel.protocol import TokenBucket
from lab_ui.live.channel.session import WINDOW
from lab_ui.live.frame import ClientState, Frame
from lab_ui.shared import text

from . import bounds, codes
from .questions import LETTERS, Question, plural, question_part, sign_answer

#: The diagram modes a follower may choose for itself (the frame's ``view.mode``).
MODES = ("forward", "backward")


@dataclass
class Follower:
    """One student's socket: what its view has, and its pacing."""

    fid: str
    outlet: Any  # lab_ui.live.channel.endpoint.Outlet
    sent: ClientState = field(default_factory=ClientState)
    unacked: deque = field(default_factory=lambda: deque(maxlen=WINDOW))  # revs sent
    missed: bool = True  # a frame went by (or none came yet): the next ack asks for one
    answers: TokenBucket = field(
        default_factory=lambda: TokenBucket(bounds.ANSWER_RATE, bounds.ANSWER_BURST)
    )
    copies: TokenBucket = field(
        default_factory=lambda: TokenBucket(bounds.COPY_RATE, bounds.COPY_BURST)
    )
    frames: int = 0
    mode: str | None = None  # its own diagram mode ("forward" / "backward"), None: the lecturer's

    def ready(self) -> bool:
        return not self.outlet.closed and len(self.unacked) < WINDOW

    def ack(self, rev: int) -> bool:
        """Frame ``rev`` taken for painting; True if the follower had missed a frame and now
        wants the latest."""
        while self.unacked and self.unacked[0] <= rev:
            self.unacked.popleft()
        if self.missed and len(self.unacked) < WINDOW:
            self.missed = False
            return True
        return False


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Classroom:
    """One class (see the module docstring)."""

    def __init__(self, code: str, secret_hash: str, max_students: int) -> None:
        self.code = code
        self.secret_hash = secret_hash
        self.max_students = max_students
        self.lock = threading.Lock()
        self.followers: dict[str, Follower] = {}
        self.questions: deque[Question] = deque(maxlen=bounds.MAX_QUESTIONS)
        self._qids = 0
        self._lecturer: weakref.ref | None = None
        self.seen_at = time.monotonic()
        self.ended = False
        self.app_settings: dict[str, Any] = {}  # the lecturer's Playground settings (a copy's)
        self.version = 0  # bumped by every change the frame's class part shows
        self._part: tuple[int, int, dict] | None = None  # (version, students, part)
        self.away = False  # the lecturer's screen is not connected (said to the students)
        self.acked_rev = 0  # the newest frame any follower has taken (paces, when it must)

    # -- the lecturer ----------------------------------------------------------------------

    def lecturer(self) -> Any:
        return self._lecturer() if self._lecturer is not None else None

    def attach(self, live: Any) -> bool:
        """``live`` (a LiveSession) is the lecturer's now: its frames go to the followers.

        The session that led the class before (another tab with the lecturer's key) is told
        in words (its view's notice, and its page re-runs: the "class" event) that the class
        moved.  True if that session's screen was still connected (another tab took the class
        over; after a reload the old tab's socket is gone)."""
        old = self.lecturer()
        was_open = False
        if old is not None and old is not live:
            was_open = old.outlet is not None
            with old.lock:
                old.classroom = None
                old.notice = moved_away(self.code)
                old.events.append("class")  # its page re-runs and says so too
                old.dirty = True
            from lab_ui.live.channel.scheduler import SCHEDULER

            SCHEDULER.wake(old)
        with live.lock:
            live.classroom = self
            if live.notice == moved_away(self.code):  # it takes the class back
                live.notice = ""
        self._lecturer = weakref.ref(live)
        self.acked_rev = live.rev  # its frames count from here
        self.seen()
        self.changed()
        return was_open

    def leads(self, live: Any) -> bool:
        """Is ``live`` the session that leads this class now?"""
        return not self.ended and self.lecturer() is live

    def check(self, secret: Any) -> bool:
        """Is ``secret`` this class's lecturer secret (compared in constant time)?"""
        if not isinstance(secret, str) or not 0 < len(secret) <= 128:
            return False
        return hmac.compare_digest(_hash(secret), self.secret_hash)

    def seen(self) -> None:
        self.seen_at = time.monotonic()

    def expired(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        return self.ended or now - self.seen_at > bounds.LECTURER_GONE_S

    def changed(self) -> None:
        """Something the followers see changed: the lecturer's session sends a frame."""
        with self.lock:
            self.version += 1
        live = self.lecturer()
        if live is None:
            return
        live.dirty = True
        from lab_ui.live.channel.scheduler import SCHEDULER

        SCHEDULER.wake(live)

    def stalled(self, live: Any) -> bool:
        """The lecturer's screen is connected but has painted none of the frames sent to it
        for :data:`~lab_ui.classroom.bounds.LECTURER_STALL_S` (its tab is hidden: the
        browser gives it no animation frames, so it acknowledges nothing)."""
        return (
            live.outlet is not None
            and not live.client_ready()
            and time.monotonic() - live.painted_at >= bounds.LECTURER_STALL_S
        )

    def paces(self, live: Any) -> bool:
        """Do the followers ask for the lecturer's next frame (``live`` is the lecturer's
        session, asking under its lock)?  Only while its own screen is :meth:`stalled`: then
        the newest frame any follower took paces the frames as the lecturer's screen would
        (at most WINDOW − 1 ahead of it), so the run goes on at a follower's painting pace and
        every follower still gets the newest frame whenever its own window has room."""
        return (
            not self.ended
            and bool(self.followers)
            and self.stalled(live)
            and self.acked_rev >= live.rev - (WINDOW - 1)
        )

    def _nudge(self, live: Any) -> None:
        """The followers may have one frame now (a join, or the watch after the lecturer's
        screen stopped painting): the pacing counts from the newest frame."""
        self.acked_rev = max(self.acked_rev, live.rev - (WINDOW - 1))
        live.dirty = True
        from lab_ui.live.channel.scheduler import SCHEDULER

        SCHEDULER.wake(live)

    def watch(self) -> bool:
        """Tell the students when the lecturer's screen goes away (its tab closed or hidden,
        its connection lost: no frames come) and when it is back; True if it is away.  While
        it is connected the lecturer counts as seen (:meth:`expired`)."""
        live = self.lecturer()
        away = live is None or live.outlet is None
        if not away:
            self.seen()
            if self.stalled(live):  # its tab is hidden: the followers' acks take over
                self._nudge(live)
        if away == self.away:
            return away
        self.away = away
        with self.lock:
            outlets = [f.outlet for f in self.followers.values()]
        msg = {"t": "notice", "text": LECTURER_AWAY if away else LECTURER_BACK}
        data = protocol.pack(msg)
        for outlet in outlets:
            outlet.send(data)
        return away

    # -- followers -------------------------------------------------------------------------

    def join(self, fid: str, outlet: Any) -> tuple[Follower | None, Follower | None, str]:
        """Add a follower (a tab that had joined before takes its place back).  Returns (the
        follower, the one it replaced, "") or (None, None, why it was refused)."""
        with self.lock:
            if self.ended:
                return None, None, "ended"
            old = self.followers.get(fid)
            if old is None and len(self.followers) >= self.max_students:
                return None, None, "full"
            f = self.followers[fid] = Follower(fid, outlet)
        live = self.lecturer()
        if live is not None:  # its first frame, even while the lecturer's screen is hidden
            self.acked_rev = max(self.acked_rev, live.rev - (WINDOW - 1))
        self.changed()
        return f, old, ""

    def leave(self, follower: Follower) -> None:
        with self.lock:
            if self.followers.get(follower.fid) is follower:
                del self.followers[follower.fid]
        self.changed()

    def students(self) -> int:
        with self.lock:
            return len(self.followers)

    def acked(self, follower: Follower, rev: int) -> None:
        live = self.lecturer()
        if live is None:
            follower.ack(rev)
            return
        newer = min(rev, live.rev) > self.acked_rev
        if newer:
            self.acked_rev = min(rev, live.rev)
        missed = follower.ack(rev)
        if missed:  # it missed a frame: have the lecturer send the latest
            live.dirty = True
        if missed or (newer and self.stalled(live)):  # the followers pace: the next frame
            from lab_ui.live.channel.scheduler import SCHEDULER

            SCHEDULER.wake(live)

    def fan_out(self, frame: Frame) -> int:
        """Send ``frame`` to every follower that is ready (called by the lecturer's session,
        holding its lock, right after its own client's bytes); followers in the same state
        share one message.  A follower not ready misses this frame and gets a later one.
        Returns how many were sent."""
        with self.lock:
            followers = list(self.followers.values())
        self.seen()
        made: dict[tuple, tuple[bytes, tuple]] = {}
        rev = frame.status.rev
        n = 0
        batch: list[tuple[Any, bytes]] = []  # real sockets: one wake-up of their event loop
        others: dict[str, Frame] = {}  # the frame in another diagram mode, built once if asked
        shown = (frame.net or {}).get("mode")  # the lecturer's
        for f in followers:
            if not f.ready():
                f.missed = True
                continue
            st = f.sent
            mode = f.mode if f.mode in MODES and f.mode != shown else None
            key = (mode, st.points, st.rows, st.last_row)
            hit = made.get(key)
            if hit is None:
                if mode is not None and mode not in others:
                    others[mode] = self._frame_in_mode(frame, mode)
                source = frame if mode is None else others[mode]
                data = source.for_client(st)
                made[key] = (data, (st.points, st.rows, st.last_row))
            else:
                data, (st.points, st.rows, st.last_row) = hit
            f.unacked.append(rev)
            f.frames += 1
            if isinstance(f.outlet, Outlet):
                batch.append((f.outlet, data))
            else:
                f.outlet.send(data)
            n += 1
        if batch:
            send_all(batch)
        return n

    def _frame_in_mode(self, frame: Frame, mode: str) -> Frame:
        """``frame`` with the diagram in ``mode`` (for followers who chose it): the same run,
        status and class part, built by the one frame builder (the lecturer's lock is held)."""
        from lab_ui.live import frames
        from lab_ui.live.frame import View

        live = self.lecturer()
        view = View(
            dataclasses.replace(live.view, mode=mode),
            extent=live.extent,
            chain=None,
            highlight=live.highlight,
        )
        other = frames.build_frame(live.lab, view, frame.status)
        other.extra.update(frame.extra)
        return other

    def set_mode(self, follower: Follower, mode: Any) -> None:
        """A follower's own diagram mode (None: the lecturer's); its next frame shows it."""
        follower.mode = mode if mode in MODES else None
        follower.missed = True  # the next ack asks for a frame in that mode
        self.acked(follower, -1)

    # -- questions -------------------------------------------------------------------------

    def ask(self, question: Question) -> Question:
        """Put ``question`` to the class (the open one, if any, is closed first)."""
        with self.lock:
            if self.ended:
                raise ValueError("The class has ended.")
            for q in self.questions:
                q.open = False
            self._qids += 1
            question.qid = self._qids
            self.questions.append(question)
        self.changed()
        return question

    def current(self) -> Question | None:
        with self.lock:
            return self.questions[-1] if self.questions else None

    def answer(self, fid: str, qid: Any, response: Any) -> float | None:
        """A follower's answer to the open question ``qid`` (it replaces its earlier one);
        the response as taken, or None when refused (closed, unknown, malformed)."""
        with self.lock:
            q = self.questions[-1] if self.questions else None
            if q is None or q.qid != qid or not q.open or fid not in self.followers:
                return None
            value = q.valid(response)
            if value is None:
                return None
            q.responses[fid] = value
        self.changed()
        return value

    def reveal(self, trainer: Any = None) -> Question | None:
        """Close the open question and show its answer and distribution.  A sign question's
        answer is the sign of bp_core's D⁽ˡ⁾ⱼₖ of ``trainer`` now (the lecturer's run)."""
        q = self.current()
        if q is None or q.revealed:
            return q
        if q.kind == "sign":
            q.answer, q.reveal_text = sign_answer(trainer, q.weight)
        elif q.kind == "choice":
            q.reveal_text = f"Right answer: {LETTERS[int(q.answer)]}: {q.choices[int(q.answer)]}"
        else:
            q.reveal_text = f"Right answer: {text.number(q.answer)} (± {text.number(q.tolerance)})"
        with self.lock:
            q.open = False
            q.revealed = True
        self.changed()
        return q

    def your_answer(self, fid: str) -> dict[str, Any] | None:
        """What a follower answered to the current question (for its page after a reload)."""
        with self.lock:
            q = self.questions[-1] if self.questions else None
            if q is None or fid not in q.responses:
                return None
            return {"t": "you", "q": q.qid, "a": q.responses[fid]}

    # -- what everyone sees ----------------------------------------------------------------

    def parts(self) -> dict[str, Any]:
        """The frame's class part (``extra["class"]``): the code, the number of students,
        the current question with "N answers" and, after the reveal, its answer and bars."""
        with self.lock:
            n = len(self.followers)
            cached = self._part
            if cached is not None and cached[0] == self.version and cached[1] == n:
                return {"class": cached[2]}
            q = self.questions[-1] if self.questions else None
            part: dict[str, Any] = {
                "code": self.code,
                "students": n,
                "students_text": plural(n, "student"),
                "question": None if q is None else question_part(q, len(self.questions)),
            }
            self._part = (self.version, n, part)
        self.seen()
        return {"class": part}

    def tallies(self) -> list[dict[str, Any]]:
        """Every question asked, with its tally (the lecturer's list; :meth:`tallies_csv`)."""
        with self.lock:  # answers arrive on the event loop meanwhile
            qs = [(q, q.counts(), len(q.responses)) for q in self.questions]
        rows = []
        for n, (q, counts, answered) in enumerate(qs, 1):
            right = q.right_bar() if q.revealed else None
            rows.append(
                {
                    "question": n,
                    "kind": q.kind,
                    "text": q.text,
                    "answers": answered,
                    "right": "" if right is None else q.labels()[right],
                    "right answers": "" if right is None else counts[right],
                    "distribution": "; ".join(
                        f"{label} {c}" for label, c in zip(q.labels(), counts, strict=True)
                    ),
                    "state": "revealed" if q.revealed else ("open" if q.open else "closed"),
                }
            )
        return rows

    def tallies_csv(self) -> bytes:
        """:meth:`tallies` as CSV (UTF-8).  A cell that a spreadsheet would read as a formula
        (=, +, −, @ first) is quoted with a leading apostrophe."""
        out = io.StringIO()
        rows = self.tallies()
        cols = ["question", "kind", "text", "answers", "right", "right answers", "distribution"]
        w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: _cell(v) for k, v in r.items()})
        return out.getvalue().encode("utf-8")

    # -- the end ---------------------------------------------------------------------------

    def end(self) -> list[Follower]:
        """End the class: nothing is kept; returns the followers, to be told (the endpoint
        closes their sockets)."""
        with self.lock:
            self.ended = True
            followers = list(self.followers.values())
            self.followers.clear()
            self.questions.clear()
        live = self.lecturer()
        if live is not None:
            with live.lock:
                if live.classroom is self:
                    live.classroom = None
                live.dirty = True
        self._lecturer = None
        for f in followers:
            _close_soon(f.outlet, CLOSE_ENDED, ended_reason(self.code))
        return followers


#: Close codes of the class socket (the live channel's style: 44xx with a reason in words).
CLOSE_NO_CLASS = 4404
CLOSE_ENDED = 4410
CLOSE_FULL = 4413
CLOSE_TOO_MANY = 4429
CLOSE_REPLACED = 4409


#: What the students read when the lecturer's screen stops sending, and when it is back.
LECTURER_AWAY = (
    "The lecturer's screen is not connected just now: you see the last frame it sent, and "
    "the class goes on when it is back."
)
LECTURER_BACK = "The lecturer's screen is back."


def moved_away(code: str) -> str:
    """What a lecturer's tab reads when another tab took its class over."""
    return (
        f"Class {code} moved to another tab: it is taught from there now, and this tab no "
        "longer sends the class anything."
    )


def moved_here(code: str) -> str:
    """What the lecturer's tab that took the class over reads."""
    return (
        f"This tab now teaches class {code}: it was open in another tab, which has been told "
        "that the class moved here."
    )


def ended_reason(code: str) -> str:
    return f"Class {code} has ended. Thank you for following!"


def _close_soon(outlet: Any, code: int, reason: str) -> None:
    """Close ``outlet``'s socket from any thread."""
    loop = getattr(outlet, "loop", None)
    if loop is None:
        outlet.closed = True
        return
    try:
        loop.call_soon_threadsafe(lambda: loop.create_task(outlet.close(code, reason)))
    except RuntimeError:  # the loop is closed: so is the socket
        outlet.closed = True


def _cell(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "−"):
        return "'" + v
    return v


class Classes:
    """The process's classes, by code (at most :data:`~lab_ui.classroom.bounds.MAX_CLASSES`)."""

    def __init__(self) -> None:
        self._by_code: dict[str, Classroom] = {}
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def _watch_loop(self) -> None:
        """Every :data:`~lab_ui.classroom.bounds.WATCH_S` while a class exists: each class
        watches its lecturer, and the expired ones end (not only when something touches them);
        the thread ends with the last class."""
        while True:
            time.sleep(bounds.WATCH_S)
            self.sweep()
            with self._lock:
                classes = list(self._by_code.values())
                if not classes:
                    self._watcher = None
                    return
            for klass in classes:
                try:
                    klass.watch()
                except Exception:  # one class must not stop the others' watch
                    import logging

                    logging.getLogger(__name__).exception("class watch failed")

    def _start_watch(self) -> None:
        with self._lock:
            if self._watcher is None or not self._watcher.is_alive():
                self._watcher = threading.Thread(
                    target=self._watch_loop, name="bp-class-watch", daemon=True
                )
                self._watcher.start()

    def create(self, live: Any, max_students: int = bounds.MAX_STUDENTS) -> tuple[Classroom, str]:
        """A new class led by ``live``; returns it and the lecturer's secret (only its hash is
        kept).  ValueError when the process holds as many classes as it may."""
        if not 1 <= int(max_students) <= bounds.MAX_STUDENTS:
            raise ValueError(f"A class takes 1 to {bounds.MAX_STUDENTS} students.")
        self.sweep()
        secret = secrets.token_urlsafe(32)
        with self._lock:
            if len(self._by_code) >= bounds.MAX_CLASSES:
                raise ValueError(
                    f"This server already holds {bounds.MAX_CLASSES} classes, its most; "
                    "end one first, or try again later."
                )
            code = codes.new_code()
            while code in self._by_code:
                code = codes.new_code()
            klass = self._by_code[code] = Classroom(code, _hash(secret), int(max_students))
        klass.attach(live)
        self._start_watch()
        return klass, secret

    def get(self, code: Any) -> Classroom | None:
        """The live class with this code (any case), or None."""
        code = codes.normalize(code)
        if code is None:
            return None
        self.sweep()
        with self._lock:
            return self._by_code.get(code)

    def end(self, code: str) -> None:
        with self._lock:
            klass = self._by_code.pop(code, None)
        if klass is not None:
            klass.end()

    def sweep(self) -> None:
        """End the classes whose lecturer has been gone too long."""
        now = time.monotonic()
        with self._lock:
            gone = [k for k in self._by_code.values() if k.expired(now)]
            for k in gone:
                self._by_code.pop(k.code, None)
        for k in gone:
            k.end()

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_code)


CLASSES = Classes()


class JoinGuard:
    """Failed joins per browser tab and per client address: a token bucket each, a tab's
    small (:data:`~lab_ui.classroom.bounds.JOIN_FAIL_RATE`, ``…_BURST``), its address's
    larger (``JOIN_FAIL_ADDRESS_…``: a lecture hall behind one NAT address shares it), so one
    student's typos hold back only that student's tab, and guessing codes stays slow however
    many tab ids a guesser makes up.  The oldest address, and the oldest tab, are forgotten
    beyond :data:`~lab_ui.classroom.bounds.MAX_ADDRESSES` each."""

    def __init__(self, clock: Any = None) -> None:
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()  # by address
        self._tabs: OrderedDict[tuple[str, str], TokenBucket] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock

    @staticmethod
    def _get(table: OrderedDict, key: Any, rate: float, burst: int, clock: Any) -> TokenBucket:
        b = table.get(key)
        if b is None:
            b = table[key] = TokenBucket(rate, burst, clock)
            while len(table) > bounds.MAX_ADDRESSES:
                table.popitem(last=False)
        table.move_to_end(key)
        return b

    def _pair(self, address: str, tab: str) -> tuple[TokenBucket, TokenBucket]:
        a = self._get(
            self._buckets,
            address,
            bounds.JOIN_FAIL_ADDRESS_RATE,
            bounds.JOIN_FAIL_ADDRESS_BURST,
            self._clock,
        )
        t = self._get(
            self._tabs, (address, tab), bounds.JOIN_FAIL_RATE, bounds.JOIN_FAIL_BURST, self._clock
        )
        return a, t

    def allowed(self, address: str, tab: str = "") -> bool:
        """May tab ``tab`` (its anonymous id; "" for none) of ``address`` try to join now
        (both have failed joins left)?"""
        with self._lock:
            ok = True
            for b in self._pair(address, tab):
                b.full()  # refills the bucket to now
                ok = ok and b.tokens >= 1.0
            return ok

    def failed(self, address: str, tab: str = "") -> None:
        with self._lock:
            for b in self._pair(address, tab):
                b.take()


JOINS = JoinGuard()

__all__ = [
    "CLASSES",
    "CLOSE_ENDED",
    "CLOSE_FULL",
    "CLOSE_NO_CLASS",
    "CLOSE_REPLACED",
    "CLOSE_TOO_MANY",
    "JOINS",
    "MODES",
    "Classes",
    "Classroom",
    "Follower",
    "JoinGuard",
]
