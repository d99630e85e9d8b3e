"""Fixtures for the browser tests: the real app on a free loopback port, headless Chromium.

Under ``CI=true`` these tests must run: a missing browser is a failure, not a skip.
Elsewhere, without /usr/bin/chromium (or the playwright package) they are skipped with the
reason.  Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness import (  # the one harness the benchmarks use too
    ARTIFACTS,
    CHROMIUM,
    IN_CI,
    free_port,
    launch_chromium,
    new_page,
    start_app,
    stop_app,
)


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"Browser tests must run under CI=true, but {reason}.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url():
    port = free_port()
    proc = start_app(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"there is no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            yield b
        finally:
            b.close()


def _page_of_size(browser, width: int, height: int):
    pg = new_page(browser, width, height)
    try:
        yield pg
    finally:
        pg.context.close()


@pytest.fixture
def page(browser):
    yield from _page_of_size(browser, 1500, 1300)


@pytest.fixture
def wide(browser):
    """A page at a student's 1440 × 900."""
    ARTIFACTS.mkdir(exist_ok=True)
    yield from _page_of_size(browser, 1440, 900)


@pytest.fixture
def hd(browser):
    """A page at a projector's 1920 × 1080 (presenter mode, keys)."""
    ARTIFACTS.mkdir(exist_ok=True)
    yield from _page_of_size(browser, 1920, 1080)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
