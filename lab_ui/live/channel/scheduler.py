"""One thread that serves every playing session in turn.

Round-robin over the sessions whose clients have asked for a frame: each gets one frame per
turn, so a slow client only slows itself.  The training time per frame is shared: with
``n`` sessions playing, each frame may train for ``TRAIN_BUDGET_S / n`` (never less than
one gradient step), so the speed setting is a maximum that the server lowers under load and
every session keeps moving.  A session that is paused, hidden (its browser stops asking) or
closed is never in the queue and costs nothing.

Training that takes longer than a frame (a Step of many epochs, a link's replay: a session's
*work*, :mod:`lab_ui.live.channel.work`) gets one slice per turn like a playing session's
training, and the session goes to the back of the queue after it, so nothing one session
asks for holds the thread for more than a slice and a frame.  The thread never waits for a
session's lock: a session whose page holds it (a Reset, a page run) is tried again
:data:`BUSY_RETRY_S` later, and the others are served meanwhile.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from typing import Any

#: Training time per frame for one playing session.  One frame at 60 Hz is 16.7 ms, and on a
#: small machine the browser drawing the frame shares the CPU with the server: 3 ms of
#: training (≥ 450 epochs/s on the default setup at 50+ frames/s) plus ~2 ms to build and send
#: leave the browser its share.  Measured with bench/bench_browser.py on 2 cores: 6 ms gave
#: 39.4 frames/s, 3 ms 46.6–56.0 (same machine, same hour; noisy).
TRAIN_BUDGET_S = 0.003
#: A session counts as playing for the budget if it was served this recently.
ACTIVE_WINDOW_S = 1.0
#: A session whose lock its page holds is tried again this much later.
BUSY_RETRY_S = 0.005
#: While other sessions play, a session's work gets one slice per this period, as a playing
#: session gets one frame's training per screen refresh (alone, it gets slice after slice).
#: Requeued at once, a session that always has work was always ready, while the others are
#: ready only once the event loop has read their acknowledgements: it took most turns, and
#: 10 others fell to 0.5× their frame rate while it flooded Steps on the largest network.
WORK_PERIOD_S = 1 / 60


class Scheduler:
    """Serve ready sessions round-robin from one daemon thread (started on first use)."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._queue: deque[Any] = deque()
        self._queued: weakref.WeakSet[Any] = weakref.WeakSet()
        self._active: dict[int, float] = {}  # id(session) → last served while playing
        self._thread: threading.Thread | None = None
        self._busy: list[tuple[float, Any]] = []  # (when to queue again, session): _later
        self.turns = 0

    def wake(self, session: Any) -> None:
        """Queue ``session`` if it wants a turn now: a frame, or a slice of its work (cheap;
        call after any change)."""
        if not session.wants_turn():
            return
        with self._cv:
            if session in self._queued:
                return
            self._queue.append(session)
            self._queued.add(session)
            self._cv.notify()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="bp-live-scheduler", daemon=True
                )
                self._thread.start()

    def playing_sessions(self) -> int:
        now = time.monotonic()
        with self._cv:
            for k in [k for k, t in self._active.items() if now - t > ACTIVE_WINDOW_S]:
                del self._active[k]
            return len(self._active)

    def budget(self) -> float:
        """Training seconds per frame for each playing session now."""
        return TRAIN_BUDGET_S / max(1, self.playing_sessions())

    def _next(self) -> Any:
        with self._cv:
            while True:
                now = time.monotonic()
                while self._busy and self._busy[0][0] <= now:  # their retry time has come
                    _, s = self._busy.pop(0)
                    self._queue.append(s)
                if self._queue:
                    break
                self._cv.wait(self._busy[0][0] - now if self._busy else None)
            session = self._queue.popleft()
            self._queued.discard(session)
            return session

    def _run(self) -> None:
        while True:
            session = self._next()
            try:
                self.serve_one(session)
            except Exception:  # one broken session must not stop the others
                import logging

                logging.getLogger(__name__).exception("live frame failed")
                session.outlet = None
            finally:
                del session

    def serve_one(self, session: Any) -> bool:
        """Build and send ``session``'s next frame; True if one was sent."""
        outlet = session.outlet
        if session.playing or session.work is not None:
            with self._cv:
                self._active[id(session)] = time.monotonic()
        if not session.lock.acquire(blocking=False):  # its page holds it: the others go on
            self._later(session, BUSY_RETRY_S)
            return False
        t0 = time.monotonic()
        try:
            data = session.serve(self.budget())
        finally:
            session.lock.release()
        self.turns += 1
        sent = data is not None and outlet is not None
        if sent:
            outlet.send(data)
        if not sent and session.work is not None and self.playing_sessions() > 1:
            self._later(session, WORK_PERIOD_S - (time.monotonic() - t0))  # see WORK_PERIOD_S
        else:  # more work, or the window allows one more frame: back of the queue
            self.wake(session)
        return sent

    def _later(self, session: Any, delay_s: float) -> None:
        """Queue ``session`` again in ``delay_s`` (its lock was held, or its work waits for
        its next period)."""
        with self._cv:
            if session in self._queued:
                return
            self._queued.add(session)
            self._busy.append((time.monotonic() + max(delay_s, 0.0), session))
            self._busy.sort(key=lambda b: b[0])
            self._cv.notify()


SCHEDULER = Scheduler()
