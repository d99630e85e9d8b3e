"""The opening of every page: the session's settings, its one Lab, and the notices.

Every page runs under ``lab_ui/main.py``'s navigation, also when it is opened by its own
URL on a fresh server (main.py does not sit beside ``pages/``, so Streamlit never enters its
legacy multipage mode).  A page file run on its own (``AppTest.from_file("pages/…")``) still
gets its settings here.

Every page shows the same notices (:func:`notices_ui`): why a value of the link was not used,
what the last change did (a toast), why a change was refused.  Notices are Markdown built by
``lab_ui.shared.schema`` / ``lab_ui.shared.lab`` with every user-supplied value quoted by
``lab_ui.shared.text.quote`` (cut short, escaped), so a link in a URL value shows as text.
"""

from __future__ import annotations

import contextlib
from typing import Any

import streamlit as st

from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

ss = st.session_state


def init_session_ui() -> None:
    """Make sure the session's settings exist (read from the URL the first time)."""
    schema.init_session(ss, st.query_params.to_dict())


def notices_ui(lab: lab_mod.Lab | None = None) -> None:
    """The notices for this run, on whichever page it is: each shown once."""
    for note in ss.get("_url_notes", []):
        st.info(note, icon=":material/link:")
    ss["_url_notes"] = []
    if ss.get("_csv_error"):
        st.warning(ss["_csv_error"])
        ss["_csv_error"] = ""
    if lab is not None and lab.problem:
        st.warning(lab.problem)
    for note in ss.get("_notes", []):
        st.toast(note)
    ss["_notes"] = []


def session_lab_ui(lock: Any = None) -> lab_mod.Lab:
    """The session's settings (see ``init_session_ui``), its one Lab in line with them, and
    the notices.  ``lock`` (a context manager) is held while the Lab is brought in line.

    On a session's first run, a link's epoch (and step) is replayed from the settings, with
    a progress bar when that takes more than about a second (``lab_ui.playground.timeline_ui``;
    the live channel's scheduler trains it, so ``lock`` is not held meanwhile)."""
    init_session_ui()
    with lock if lock is not None else contextlib.nullcontext():
        lab = lab_mod.sync_lab(ss)
    if "_replay" in ss:  # outside the lock: the live channel trains it, a slice at a time
        from lab_ui.playground.timeline_ui import replay_link_ui

        lab = replay_link_ui(lab)
    notices_ui(lab)
    return lab
