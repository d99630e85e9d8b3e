"""One thread that serves every playing session in turn.

Round-robin over the sessions whose clients have asked for a frame: each gets one frame per
turn, so a slow client only slows itself.  The training time per frame is shared: with
``n`` sessions playing, each frame may train for ``TRAIN_BUDGET_S / n`` (never less than
one gradient step), so the speed setting is a maximum that the server lowers under load and
every session keeps moving.  A session that is paused, hidden (its browser stops asking) or
closed is never in the queue and costs nothing.
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


class Scheduler:
    """Serve ready sessions round-robin from one daemon thread (started on first use)."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._queue: deque[Any] = deque()
        self._queued: weakref.WeakSet[Any] = weakref.WeakSet()
        self._active: dict[int, float] = {}  # id(session) → last served while playing
        self._thread: threading.Thread | None = None
        self.turns = 0

    def wake(self, session: Any) -> None:
        """Queue ``session`` if it wants a frame now (cheap; call after any change)."""
        if not session.wants_frame():
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
            while not self._queue:
                self._cv.wait()
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
        if session.playing:
            with self._cv:
                self._active[id(session)] = time.monotonic()
        data = session.serve(self.budget())
        self.turns += 1
        if data is None or outlet is None:
            return False
        outlet.send(data)
        self.wake(session)  # the window may allow one more: back of the queue (round-robin)
        return True


SCHEDULER = Scheduler()
