"""Memory back to the system when sessions are freed.

A session's Lab (its network, data set, history and kept Θ snapshots) is many small numpy
arrays and Python objects.  When a closed Streamlit session is freed (the hub holds its
:class:`~lab_ui.live.channel.session.LiveSession` weakly), CPython gives the memory back to
the C library's allocator, but glibc keeps the freed pages in its arenas for the next
allocations, so the process's resident size stays where the busiest moment left it.
``malloc_trim(0)`` returns the free pages at the top of each arena (and, since glibc 2.8,
whole free pages inside them) to the system.

:func:`watch` is called for every live session (``Hub.add``): when one is freed, a trim is
scheduled :data:`TRIM_DELAY_S` later on a short-lived thread (many sessions closing at once
give one trim; the Lab, held by the same Streamlit session's state, is gone by then).  On a
C library without ``malloc_trim`` (musl, macOS) nothing is done.  ctypes releases the
interpreter lock for the call, so the other threads go on meanwhile.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import weakref
from collections.abc import Callable
from typing import Any

#: Seconds between a session being freed and the trim (more sessions freed meanwhile: one).
TRIM_DELAY_S = 1.0


def _find_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on another C library."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        fn = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn


_MALLOC_TRIM = _find_malloc_trim()
_lock = threading.Lock()
_timer: threading.Timer | None = None
#: Trims done so far (for the tests and the soak bench's log).
trims = 0


def trim() -> bool:
    """``malloc_trim(0)`` now; False when the C library has none."""
    global trims
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    trims += 1
    return True


def _run() -> None:
    global _timer
    with _lock:
        _timer = None
    trim()


def _freed() -> None:
    """A watched object was freed: trim soon (once for many)."""
    global _timer
    with _lock:
        if _timer is not None:
            return
        _timer = threading.Timer(TRIM_DELAY_S, _run)
        _timer.daemon = True
        _timer.name = "bp-malloc-trim"
        _timer.start()


def watch(obj: Any) -> None:
    """Trim the allocator soon after ``obj`` is freed."""
    weakref.finalize(obj, _freed)


__all__ = ["TRIM_DELAY_S", "trim", "watch"]
