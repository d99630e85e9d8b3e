"""The live view: one Streamlit component (components v2) that stays mounted and redraws.

Streamlit's ``st.plotly_chart`` remounts the whole chart whenever its data changes, which
paints only 6–9 frames/s and loses the zoom.  This component is mounted once under a fixed
key; each fragment run hands it a new *frame* (a compact dict from :mod:`lab_ui.frames`) and
its JavaScript (``lab_ui/live_view/live_view.js``) redraws in place with ``Plotly.react`` and
two canvases.  The component only draws: every number in a frame comes from ``bp_core``.

Assets are served by Streamlit from ``/_stcore/bidi-components/<name>/<file>``:

* ``backprop_lab.live_view`` → this package's ``live_view/`` folder (JS and CSS), and
* ``backprop_lab_vendor.plotlyjs`` → the ``plotly.min.js`` that ships inside the installed
  ``plotly`` Python package (no CDN; the browser caches it).

Streamlit discovers asset folders only in *installed* packages' ``pyproject.toml``; the app
is run from a checkout, so :func:`_register_assets` declares the two folders to the running
Streamlit runtime directly (the same call Streamlit makes for an installed manifest).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import streamlit as st

COMPONENT = "backprop_lab.live_view"
VENDOR = "backprop_lab_vendor.plotlyjs"
ASSET_DIR = Path(__file__).parent / "live_view"

# One component callable per Streamlit runtime (AppTest makes a new runtime per test).
# This holds code, never per-user data.
_MOUNTERS: dict[int, Any] = {}


def _register_assets(manager: Any) -> None:
    """Declare the asset folders of the live view and of plotly.js to ``manager``."""
    import plotly
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    if manager.get_component_path(COMPONENT) is None:
        manager.register_from_manifest(
            ComponentManifest("backprop_lab", "0.1.0", [ComponentConfig("live_view", "live_view")]),
            Path(__file__).parent,
        )
    if manager.get_component_path(VENDOR) is None:
        manager.register_from_manifest(
            ComponentManifest(
                "backprop_lab_vendor", "0.1.0", [ComponentConfig("plotlyjs", "package_data")]
            ),
            Path(plotly.__file__).parent,
        )


def _mounter() -> Any:
    from streamlit.runtime import Runtime

    runtime = Runtime.instance()
    mount = _MOUNTERS.get(id(runtime))
    if mount is None:
        _register_assets(runtime.bidi_component_registry)
        mount = st.components.v2.component(
            COMPONENT,
            html='<div class="bp-live-host" data-testid="bp-live-host"></div>',
            js="live_view.js",
            css="live_view.css",
            isolate_styles=False,
        )
        _MOUNTERS.clear()  # an old runtime (a finished AppTest) is gone for good
        _MOUNTERS[id(runtime)] = mount
    return mount


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
    from streamlit.runtime import Runtime

    if not Runtime.exists():  # bare mode (python page.py): nothing to draw into
        return
    # Sent as UTF-8 JSON bytes: Streamlit passes bytes through untouched, while a dict is
    # scanned for data frames first (measured: ~60 ms a frame under load, vs < 1 ms).
    try:
        text = json.dumps(frame, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN or ±inf slipped in: send it as null rather than fail
        text = json.dumps(_finite_only(frame), separators=(",", ":"), allow_nan=False)
    payload = text.encode("utf-8")
    _mounter()(key=key, data=payload, width="stretch", height="content")
