"""Extra HTTP routes that ``app.py`` hands to ``st.App`` (public Streamlit API).

* ``/bp/live/ws``: the live channel's WebSocket (:mod:`lab_ui.live.channel.endpoint`);
* ``/bp/class/ws?class=CODE``: a class's WebSocket, its followers and their answers
  (:mod:`lab_ui.classroom.endpoint`);
* ``/bp/static/plotly.min.js``: the plotly.js that ships inside the installed ``plotly``
  Python package, for the live view's zoomable boundary (no CDN; the browser caches it).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from lab_ui.live.channel import endpoint

STATIC_PREFIX = "/bp/static"


def _plotly_js_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


async def _plotly_js(request: Request) -> Response:
    return FileResponse(
        _plotly_js_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def live_routes() -> list[BaseRoute]:
    """The routes of the live view, to be passed as ``st.App(..., routes=live_routes())``."""
    from lab_ui.classroom import endpoint as class_endpoint

    return [
        WebSocketRoute(endpoint.PATH, endpoint.live_socket),
        WebSocketRoute(class_endpoint.PATH, class_endpoint.class_socket),
        Route(f"{STATIC_PREFIX}/plotly.min.js", _plotly_js, methods=["GET", "HEAD"]),
    ]
