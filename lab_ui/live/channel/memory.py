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

**What stays after every session has closed**, measured with ``bench/bench_soak.py
--memreport`` (10 sessions; the figures in bench/README.md, "Memory after the sessions"):

* *Nothing of a session.*  The app's live objects (Lab, Trainer, LiveSession, History,
  Snapshot, …) and CPython's bytes in use come back to their values before the sessions
  (64.8 MB in CPython's small-object blocks before and after; glibc's bytes in use 38.0 →
  38.2 MB).  One Lab is always left: the last session's, which Streamlit's
  disconnected-session cache drops only when the next session disconnects.
* *What the first page run imports, once per process*: the pages' modules, plotly, PIL,
  jsonschema, Streamlit's own per-page machinery — 15–18 MB between the idle process and the
  *warm idle* (one session opened and closed), 4 MB of it mapped library files.
* *CPython's small-object arenas* (1 MiB each, ``obmalloc``): an arena goes back to the
  system only when every object in it is freed.  The sessions' many small, long-lived
  objects (a history row and a Θ snapshot every recorded epoch) share arenas with objects
  that outlive them, so after the sessions the arena count stays at its high-water mark (86
  against 69 at warm idle: +17 MB resident, almost all of it free pools).  Bounded: the next
  sessions reuse those arenas, so the resident size follows the busiest moment, never the
  running time (soak growth 0.05 % over 30 minutes through nginx).  ``malloc_trim``
  cannot reach them (CPython maps its arenas itself).
* *glibc's heap* comes back: the trim below returns its free pages (before the trim, the
  RSS 15 s after closing was still at the peak).

Tried and not adopted: ``PYTHONMALLOC=malloc`` (small objects in glibc's heap, whose free
pages the trim does return) lowers the ratio to 1.18–1.21× the idle process, but only because
it raises the idle process (+4.5 MB) and the peak (+9 MB) as much: the RSS after close was the
same within 4 MB (190.4 against 189.1 MB through nginx).  ``MALLOC_ARENA_MAX`` changes nothing
that stays here: glibc's bytes in use come back, and its free pages are trimmed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
import time
import tracemalloc
import weakref
from collections import Counter
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


# --- Debug only, off by default: where the memory that stays was allocated -----------------

#: Environment variable naming a report file.  Unset (the default), nothing below runs.  Set,
#: the server starts ``tracemalloc`` as it starts and, whenever a file named like the report
#: plus ``.request`` appears (its text is the label), collects garbage, trims, takes a
#: snapshot and appends to the report: the RSS, what tracemalloc traces, the live objects of
#: the app's own types, and the largest differences from the first snapshot taken.
#: ``bench/bench_soak.py --tracemalloc`` uses it.  Tracing costs memory and time (and hides
#: CPython's own allocator statistics): never measure the RSS with it on.  With
#: :data:`TRACE_ENV` set to ``0`` the report is written without tracing (``--memreport``).
DEBUG_ENV = "BACKPROP_LAB_MEMDEBUG"
TRACE_ENV = "BACKPROP_LAB_MEMDEBUG_TRACE"
#: Objects of the types of these packages are counted in the report.
APP_MODULES = ("bp_core", "lab_ui", "plotly.graph_objs._figure")


def _status_mb() -> dict[str, float]:
    """VmRSS, RssAnon (the heaps) and RssFile (mapped files: libraries, plotly.js), MB."""
    out: dict[str, float] = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "Threads"):
                    n = int(rest.split()[0])
                    out[key] = n if key == "Threads" else n / 1024
    except OSError:
        pass
    return out


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _mallinfo_mb() -> dict[str, float]:
    """glibc's ``mallinfo2()`` (all arenas), MB: heap bytes from the system, in use, free."""
    try:
        fn = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    fn.restype = _Mallinfo2
    m = fn()
    return {
        "heap": m.arena / 2**20,
        "mmapped": m.hblkhd / 2**20,
        "in use": m.uordblks / 2**20,
        "free in heap": m.fordblks / 2**20,
    }


def _obmalloc_mb() -> dict[str, float]:
    """CPython's small-object allocator (1 MiB arenas, mmapped, freed only when empty), MB,
    from ``sys._debugmallocstats`` (it prints to the C stderr, so fd 2 is borrowed: what other
    threads log meanwhile goes into the report's scratch file — debug only)."""
    import re
    import sys
    import tempfile

    with tempfile.TemporaryFile(mode="w+") as tmp:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(tmp.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read()

    def number(label: str) -> float:
        m = re.search(rf"# {label}\s*=\s*([\d,]+)", text)
        return int(m.group(1).replace(",", "")) if m else float("nan")

    return {
        "arenas now": number("arenas allocated current"),
        "arenas high-water": number("arenas highwater mark"),
        "in blocks": number("bytes in allocated blocks") / 2**20,
        "free in arenas": number("bytes in available blocks") / 2**20,
    }


def report(
    label: str, baseline: tracemalloc.Snapshot | None = None
) -> tuple[str, tracemalloc.Snapshot | None]:
    """Collect garbage, trim, and describe the process's memory now (the report's text and,
    when tracing, the snapshot taken: pass the first one as ``baseline`` to get the largest
    differences from it)."""
    gc.collect()
    trim()
    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        current, peak = tracemalloc.get_traced_memory()
        traced = f"traced {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB)"
    else:
        snap, traced = None, "not traced"
    counts = Counter(f"{type(obj).__module__}.{type(obj).__qualname__}" for obj in gc.get_objects())
    status = _status_mb()
    lines = [
        f"=== {label} at {time.strftime('%H:%M:%S')}: {traced}",
        "process: " + ", ".join(f"{k} {v:.1f}" for k, v in status.items()),
        "glibc malloc (MB): " + ", ".join(f"{k} {v:.1f}" for k, v in _mallinfo_mb().items()),
        "obmalloc: " + ", ".join(f"{k} {v:g}" for k, v in _obmalloc_mb().items()),
        "live objects of the app's types (gc-tracked; numpy arrays are not): "
        + ", ".join(
            f"{k.rsplit('.', 1)[-1]} {n}"
            for k, n in sorted(counts.items())
            if k.startswith(APP_MODULES) and n
        ),
    ]
    if snap is not None and baseline is None:
        lines.append("top 25 by line:")
        lines += [f"  {s}" for s in snap.statistics("lineno")[:25]]
    elif snap is not None:
        lines.append("top 30 differences from the first snapshot, by line:")
        lines += [f"  {s}" for s in snap.compare_to(baseline, "lineno")[:30]]
        lines.append("top 15 differences from the first snapshot, by file:")
        lines += [f"  {s}" for s in snap.compare_to(baseline, "filename")[:15]]
    return "\n".join(lines) + "\n\n", snap


def _debug_loop(path: str) -> None:
    request = path + ".request"
    baseline = None
    while True:
        time.sleep(0.5)
        try:
            with open(request) as f:
                label = f.read().strip() or "snapshot"
            os.remove(request)
        except OSError:
            continue
        text, snap = report(label, baseline)
        baseline = baseline or snap
        with open(path, "a") as f:
            f.write(text)


def start_debug_from_env(environ: Any = None) -> bool:
    """Start the tracemalloc report of :data:`DEBUG_ENV` if it is set; False when it is not."""
    environ = environ if environ is not None else os.environ
    path = environ.get(DEBUG_ENV)
    if not path or tracemalloc.is_tracing():
        return False
    if environ.get(TRACE_ENV, "1") != "0":
        tracemalloc.start(1)
    threading.Thread(target=_debug_loop, args=(path,), name="bp-memdebug", daemon=True).start()
    return True


__all__ = [
    "DEBUG_ENV",
    "TRACE_ENV",
    "TRIM_DELAY_S",
    "report",
    "start_debug_from_env",
    "trim",
    "watch",
]
