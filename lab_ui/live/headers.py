"""The security headers of every answer the app gives, in one place.

``app.py`` hands :func:`security_middleware` to ``st.App(..., middleware=[...])`` (public
Streamlit API: user middleware wraps all of Streamlit's own routes as well as ours), so the
page, every page URL, ``/_stcore/*``, Streamlit's static files, the live view's component
assets and the ``/bp/*`` routes all carry:

* ``X-Content-Type-Options: nosniff``;
* ``Content-Security-Policy``: :func:`content_security_policy` (why each allowance is there
  is written beside it in :data:`POLICY`), ending in ``frame-ancestors``;
* ``X-Frame-Options: SAMEORIGIN`` when only this site may frame the app (the default), or
  ``DENY`` with ``'none'``.  When other origins may frame it, X-Frame-Options is left out:
  it cannot name another site (``ALLOW-FROM`` was never supported by Chrome and is ignored
  by Firefox since 70), and a browser that still honours it would refuse the very course
  site that was allowed; every current browser follows ``frame-ancestors`` instead.

Who may frame the app: the environment variable :data:`FRAME_ANCESTORS_ENV`
(``BACKPROP_LAB_FRAME_ANCESTORS``), a space-separated list of origins such as
``https://course.example.edu https://*.example.org``, with ``'self'`` meaning this site
(added unless ``'none'`` is given).  Unset or empty: ``'self'`` only.  A value that is not
such a list stops the server at start with a sentence saying which word is wrong.

The policy was found by loading every page in headless Chromium with it in force and
watching for violations (``tests/browser/test_headers_browser.py`` keeps doing that).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware

FRAME_ANCESTORS_ENV = "BACKPROP_LAB_FRAME_ANCESTORS"

#: The policy, directive by directive, with the reason for each allowance beyond 'self'
#: (each found by loading every page in headless Chromium with the stricter policy and
#: reading the violations).  ``script-src`` also gets the hashes of Streamlit's inline
#: scripts (:func:`streamlit_inline_scripts`), and ``frame-ancestors`` is added from the
#: environment (:func:`frame_ancestors`).  Not needed, so not allowed: 'unsafe-eval',
#: inline scripts, worker and frame sources beyond 'self', any other site.
POLICY: dict[str, tuple[str, ...]] = {
    # Streamlit's bundle, its media, our component's modules, /bp/static: this site only.
    "default-src": ("'self'",),
    # 'wasm-unsafe-eval': Streamlit's protobuf reader (long.js) compiles a tiny WebAssembly
    #   module for 64-bit arithmetic (it falls back to JS, but logs a violation on every
    #   page); it allows WebAssembly only, never eval of JavaScript text.
    # blob: Streamlit's components v2 load a component (our live view, the keys listener)
    #   through a module it writes to a blob: URL; only script already running on the page
    #   can make one, so injected markup cannot use it.
    "script-src": ("'self'", "'wasm-unsafe-eval'", "blob:"),
    # 'unsafe-inline': Streamlit styles everything with emotion and styled-components,
    #   which insert <style> elements at run time, as do components v2 (a component's CSS),
    #   plotly.js and DOMPurify; plotly.js and KaTeX set style="…" attributes.  None takes a
    #   nonce, and style cannot run script.
    "style-src": ("'self'", "'unsafe-inline'"),
    # data: plotly's chart images and Streamlit's small inline images.
    "img-src": ("'self'", "data:"),
    # data: KaTeX's and Streamlit's fonts embedded in their CSS.
    "font-src": ("'self'", "data:"),
    # Streamlit's /_stcore/stream and the live view's /bp/live/ws ('self' covers ws: and
    # wss: of this very host, CSP level 3), the uploads and /_stcore fetches.
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
}

#: A source in BACKPROP_LAB_FRAME_ANCESTORS: an http(s) origin, its host optionally
#: starting with ``*.``, an optional port, nothing after it.
_ORIGIN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
    r"(:\d{1,5})?/?$",
    re.IGNORECASE,
)


def frame_ancestors(value: str | None) -> tuple[str, ...]:
    """The ``frame-ancestors`` sources for the environment variable's ``value``.

    ``None`` or blank: ``('self',)``.  Otherwise the origins, with ``'self'`` first (unless
    the value is ``'none'``: then no site may frame the app).

    Raises
    ------
    ValueError
        A word that is not an http(s) origin, ``'self'`` or ``'none'`` (``'none'`` only on
        its own), in a sentence that names it and says what is expected.
    """
    words = (value or "").split()
    if not words:
        return ("'self'",)
    if words == ["'none'"]:
        return ("'none'",)
    sources: list[str] = ["'self'"]
    for word in words:
        if word in ("'self'", "self"):
            continue
        if not _ORIGIN.match(word):
            raise ValueError(
                f"{FRAME_ANCESTORS_ENV} should list the web sites allowed to show Backprop Lab "
                "in a frame, separated by spaces, each like https://course.example.edu "
                f"(or 'self' or 'none' on its own); {word[:80]!r} is not one."
            )
        sources.append(word.rstrip("/").lower())
    return tuple(dict.fromkeys(sources))


def streamlit_inline_scripts() -> tuple[str, ...]:
    """CSP hashes (``'sha256-…'``) of the inline scripts in Streamlit's own index.html, read
    from the installed package, so an upgrade that changes them is followed."""
    import streamlit

    html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text("utf-8")
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode("utf-8")).digest()).decode() + "'"
        for b in bodies
    )


def content_security_policy(ancestors: Iterable[str] = ("'self'",)) -> str:
    """The Content-Security-Policy header's value."""
    directives = dict(POLICY)
    directives["script-src"] = (*POLICY["script-src"], *streamlit_inline_scripts())
    directives["frame-ancestors"] = tuple(ancestors)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(ancestors: Iterable[str] = ("'self'",)) -> dict[str, str]:
    """Every header :class:`SecurityHeaders` sets, by name (see the module docstring)."""
    ancestors = tuple(ancestors)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": content_security_policy(ancestors),
    }
    if ancestors == ("'self'",):
        headers["X-Frame-Options"] = "SAMEORIGIN"
    elif ancestors == ("'none'",):
        headers["X-Frame-Options"] = "DENY"
    return headers


class SecurityHeaders:
    """ASGI middleware: sets :func:`security_headers` on every HTTP answer (replacing any
    header of the same name a route set) and on a refused WebSocket handshake's answer."""

    def __init__(self, app: Any, headers: dict[str, str]) -> None:
        self.app = app
        names = {k.lower().encode("latin-1") for k in headers}
        self._names = names
        self._raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                kept = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in self._names
                ]
                message = {**message, "headers": kept + self._raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_middleware(environ: dict[str, str] | None = None) -> Middleware:
    """The middleware for ``st.App(..., middleware=[security_middleware()])``, configured from
    ``environ`` (default: ``os.environ``; see :data:`FRAME_ANCESTORS_ENV`)."""
    env = os.environ if environ is None else environ
    ancestors = frame_ancestors(env.get(FRAME_ANCESTORS_ENV))
    return Middleware(SecurityHeaders, headers=security_headers(ancestors))
