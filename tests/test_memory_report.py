"""The memory report behind ``bench/bench_soak.py --memreport/--tracemalloc`` (debug only):
off unless its environment variable is set, and its text names what the soak's note quotes —
the RSS split, glibc's and CPython's allocators, and the app's live objects."""

from __future__ import annotations

import tracemalloc

from lab_ui.live.channel import memory


def test_the_report_is_off_by_default():
    assert memory.start_debug_from_env({}) is False
    assert memory.start_debug_from_env({memory.DEBUG_ENV: ""}) is False


def test_the_report_names_the_rss_the_allocators_and_the_apps_objects():
    text, snap = memory.report("here")
    assert text.startswith("=== here at ")
    for part in ("VmRSS", "RssAnon", "RssFile", "glibc malloc (MB): heap", "obmalloc: arenas now"):
        assert part in text
    assert "Setting " in text  # the schema's declared settings are live objects of lab_ui
    assert snap is None or tracemalloc.is_tracing()


def test_a_traced_report_compares_with_the_first_snapshot():
    was = tracemalloc.is_tracing()
    if not was:
        tracemalloc.start(1)
    try:
        first, base = memory.report("first")
        kept = [bytearray(1000) for _ in range(200)]  # noqa: F841 (alive at the second report)
        second, _ = memory.report("second", base)
    finally:
        if not was:
            tracemalloc.stop()
    assert "top 25 by line" in first
    assert "differences from the first snapshot" in second
    assert "test_memory_report.py" in second  # the 200 kB kept above, by its line
