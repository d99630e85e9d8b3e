"""Backprop Lab — run with ``streamlit run app.py``.

This file is the ASGI application that ``streamlit run`` serves: Streamlit's own routes for
the script ``lab_ui/main.py`` (page config, the session's state, navigation over
``pages/``) plus the live view's routes (:mod:`lab_ui.live.routes`).  The plugin modules
named in ``BACKPROP_LAB_PLUGINS`` (:mod:`lab_ui.plugins`) are loaded first.  Everything
here is public Streamlit API (``st.App``).
"""

import os

# One BLAS thread: the matrices here are small, and on a 2-core machine a second thread
# makes a 2500 × 33 matrix product 9× slower (measured).  Must be set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from lab_ui.live.channel import memory  # noqa: E402
from lab_ui.live.headers import security_middleware  # noqa: E402
from lab_ui.live.preload import preload_middleware  # noqa: E402
from lab_ui.live.routes import live_routes  # noqa: E402
from lab_ui.plugins import load_plugins  # noqa: E402

# Registry entries from outside (``BACKPROP_LAB_PLUGINS``, see lab_ui/plugins.py), loaded
# once as the server starts, so a bad module name shows in the server's log at once.
load_plugins()
# Debug only, off unless BACKPROP_LAB_MEMDEBUG names a report file (lab_ui/live/channel/memory.py).
memory.start_debug_from_env()

# Every answer carries the security headers of lab_ui/live/headers.py (CSP, nosniff, framing);
# a page's HTML preloads its component's JavaScript (lab_ui/live/preload.py).
app = st.App(
    "lab_ui/main.py",
    routes=live_routes(),
    middleware=[security_middleware(), preload_middleware()],
)
