"""The live view: one Streamlit component (components v2) that stays mounted and redraws.

Streamlit's ``st.plotly_chart`` remounts the whole chart whenever its data changes, which
paints only 6–9 frames/s and loses the zoom.  This component is mounted once under a fixed
key; each fragment run hands it a new *frame* (a compact dict from :mod:`lab_ui.frames`) and
its JavaScript (``lab_ui/live_view/live_view.js``) redraws in place with ``Plotly.react`` and
two canvases.  The component only draws: every number in a frame comes from ``bp_core``.

The component's assets (``backprop_lab/live_view/``: JS and CSS) are declared in
``pyproject.toml`` under ``[tool.streamlit.component]``; Streamlit registers them when it
starts because the project is installed (``pip install -e .``).  plotly.js comes from the
installed ``plotly`` package through a route of ``app.py`` (:mod:`lab_ui.routes`).
"""

from __future__ import annotations

import json
import math
from typing import Any

import streamlit as st

COMPONENT = "backprop-lab.live_view"  # "<project name>.<component name>" in pyproject.toml


def _mounter() -> Any:
    return st.components.v2.component(
        COMPONENT,
        html='<div class="bp-live-host" data-testid="bp-live-host"></div>',
        js="live_view.js",
        css="live_view.css",
        isolate_styles=False,
    )


def _finite_only(obj: Any) -> Any:
    """A copy of ``obj`` with every NaN or ±inf float replaced by None (JSON null)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_only(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite_only(v) for v in obj]
    return obj


def live_view(frame: dict[str, Any], *, key: str = "bp_live_view") -> None:
    """Mount (first call) or update (later calls) the live view with ``frame``.

    Parameters
    ----------
    frame : dict
        A frame from :func:`lab_ui.frames.build_frame` (JSON-able; arrays are base64 strings).
    key : str
        Fixed widget key; keeping it fixed is what keeps the component mounted.
    """
    # Sent as UTF-8 JSON bytes: Streamlit passes bytes through untouched, while a dict is
    # scanned for data frames first (measured: ~60 ms a frame under load, vs < 1 ms).
    try:
        text = json.dumps(frame, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN or ±inf slipped in: send it as null rather than fail
        text = json.dumps(_finite_only(frame), separators=(",", ":"), allow_nan=False)
    payload = text.encode("utf-8")
    _mounter()(key=key, data=payload, width="stretch", height="content")
